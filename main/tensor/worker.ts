// The product worker: a second thread with its own tfjs wasm backend. It sleeps in Atomics.wait until the
// main thread posts a job in shared memory, computes its share of the product into the shared arena and
// wakes the main thread (see wasm/protocol.ts). Built by build/build.mjs as dist/main/tensor-worker.js.
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import type * as tfTypes from '@tensorflow/tfjs-core';
import { startWasmBackend } from './wasm/init.js';
import { CTRL, CTRL_INTS, ERROR_BYTES, WORKER_PROTOCOL, type FromWorker, type PortMessage, type WorkerData } from './wasm/protocol.js';

const parent = parentPort;
if (!parent) throw new Error('tensor-worker: expected to run as a worker thread');
const { control: shared, port } = workerData as WorkerData;
const control = new Int32Array(shared, 0, CTRL_INTS);
const errorBytes = new Uint8Array(shared, CTRL_INTS * 4, ERROR_BYTES);

let arena: Float32Array<ArrayBufferLike> = new Float32Array(0);
const weights = new Map<number, tfTypes.Tensor2D>();
const failedWeights = new Map<number, string>();

function finish(seq: number, error?: unknown): void {
  if (error) {
    const bytes = new TextEncoder().encode(String((error as Error).stack ?? error)).subarray(0, ERROR_BYTES);
    errorBytes.set(bytes);
    Atomics.store(control, CTRL.errorLength, bytes.length);
  }
  Atomics.store(control, CTRL.status, error ? 1 : 0);
  Atomics.store(control, CTRL.done, seq);
  Atomics.notify(control, CTRL.done);
}

let tf: typeof tfTypes;
try {
  const started = await startWasmBackend();
  tf = started.tf;
  parent.postMessage({ kind: 'ready', protocol: WORKER_PROTOCOL, simd: started.simd } satisfies FromWorker);
} catch (e) {
  parent.postMessage({ kind: 'failed', error: (e as Error).message } satisfies FromWorker);
  process.exit(1);
}

function handle(msg: PortMessage): void {
  switch (msg.kind) {
    case 'arena':
      arena = new Float32Array(msg.arena);
      break;
    case 'weight':
      try {
        weights.set(msg.id, tf.keep(tf.tensor2d(msg.data, [msg.rows, msg.cols])));
      } catch (e) {
        failedWeights.set(msg.id, (e as Error).message);
      }
      break;
    case 'free':
      weights.get(msg.id)?.dispose();
      weights.delete(msg.id);
      failedWeights.delete(msg.id);
      break;
  }
}

function product(): void {
  const [m, k, n, aOffset, bKind, b, cOffset] = [CTRL.m, CTRL.k, CTRL.n, CTRL.a, CTRL.bKind, CTRL.b, CTRL.c].map((slot) => Atomics.load(control, slot));
  const out = tf.tidy(() => {
    const a = tf.tensor2d(arena.subarray(aOffset, aOffset + m * k), [m, k]);
    let bt: tfTypes.Tensor2D;
    if (bKind === 1) {
      const w = weights.get(b);
      if (!w) throw new Error(`tensor-worker: no resident weight ${b}${failedWeights.has(b) ? ` (upload failed: ${failedWeights.get(b)})` : ''}`);
      bt = w;
    } else bt = tf.tensor2d(arena.subarray(b, b + k * n), [k, n]);
    return tf.matMul(a, bt);
  });
  arena.set(out.dataSync() as Float32Array, cOffset);
  out.dispose();
}

/**
 * Spin on the job slot for up to SPIN_MS after each job before sleeping in Atomics.wait: waking a thread
 * whose (virtual) CPU went idle can take hundreds of microseconds, more than a whole decode-step GEMV
 * (a one-token lm_head split across threads cost 0.4 ms more than on one thread before this spin),
 * and during generation the next job usually comes within a millisecond.
 */
const SPIN_MS = 1;

function spin(seen: number): void {
  const until = performance.now() + SPIN_MS;
  for (let i = 1; Atomics.load(control, CTRL.job) === seen; i++) if ((i & 255) === 0 && performance.now() > until) return;
}

// the job loop: this thread has nothing else to do, so it blocks here instead of in the event loop
let seen = 0;
for (;;) {
  spin(seen);
  Atomics.wait(control, CTRL.job, seen);
  const seq = Atomics.load(control, CTRL.job);
  if (seq === -1) break;
  if (seq === seen) continue;
  seen = seq;
  for (let msg = receiveMessageOnPort(port); msg; msg = receiveMessageOnPort(port)) handle(msg.message as PortMessage);
  try {
    product();
    finish(seq);
  } catch (e) {
    finish(seq, e);
  }
}
port.close();
