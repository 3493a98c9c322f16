// The main thread's side of the product worker. The engine interface is synchronous, so a split product
// goes: copy the worker's inputs into a SharedArrayBuffer arena, post the job, compute our own share on
// this thread's wasm backend, then Atomics.wait (allowed in Node's main thread) until the worker is done.
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MessageChannel, type MessagePort, Worker } from 'node:worker_threads';
import { appFolder } from '../../base/index.js';
import { CTRL, CTRL_INTS, ERROR_BYTES, WORKER_PROTOCOL, type FromWorker, type PortMessage, type ProductJob, type WorkerData } from './protocol.js';

export class WorkerFailedError extends Error {
  constructor(detail: string) {
    super(`tensor worker failed: ${detail}`);
    this.name = 'WorkerFailedError';
  }
}

/** Where the built worker is: next to the bundle in dist/main/, or dist/main/ of the repository when running from source. */
export function findWorkerFile(): { path?: string; why?: string } {
  const override = process.env.ACBENCH_TENSOR_WORKER;
  if (override) return existsSync(override) ? { path: override } : { why: `ACBENCH_TENSOR_WORKER names ${override}, which does not exist` };
  const here = fileURLToPath(import.meta.url);
  if (!here.endsWith('.ts')) {
    const path = join(dirname(here), 'tensor-worker.js');
    return existsSync(path) ? { path } : { why: `the worker bundle ${path} is missing` };
  }
  // running from source (tests): use the built worker only if it is newer than the sources it was built from
  const root = appFolder();
  const path = join(root, 'dist', 'main', 'tensor-worker.js');
  if (!existsSync(path)) return { why: 'dist/main/tensor-worker.js is not built (npm run build)' };
  const built = statSync(path).mtimeMs;
  const sources = ['main/tensor/worker.ts', 'main/tensor/wasm/init.ts', 'main/tensor/wasm/protocol.ts'].map((p) => join(root, p));
  const stale = sources.filter((p) => existsSync(p) && statSync(p).mtimeMs > built);
  if (stale.length) return { why: `dist/main/tensor-worker.js is older than ${stale.map((p) => p.slice(root.length + 1)).join(', ')} (npm run build)` };
  return { path };
}

/** How long wait() polls before sleeping in Atomics.wait. */
const WAIT_SPIN_MS = 1;

export class ProductWorker {
  private readonly control: Int32Array;
  private readonly errorBytes: Uint8Array;
  private arenaBuffer = new SharedArrayBuffer(0);
  private seq = 0;
  private nextWeight = 1;
  private broken: string | undefined;

  private constructor(
    private readonly worker: Worker,
    shared: SharedArrayBuffer,
    private readonly port: MessagePort,
  ) {
    this.control = new Int32Array(shared, 0, CTRL_INTS);
    this.errorBytes = new Uint8Array(shared, CTRL_INTS * 4, ERROR_BYTES);
    worker.on('error', (e) => (this.broken = e.message));
    worker.on('exit', (code) => (this.broken ??= `exited with code ${code}`));
  }

  /** Start the worker and wait until its wasm backend is up; rejects with the reason it could not start. */
  static async start(path: string, timeoutMs = 30_000): Promise<ProductWorker> {
    const shared = new SharedArrayBuffer(CTRL_INTS * 4 + ERROR_BYTES);
    const { port1, port2 } = new MessageChannel();
    const data: WorkerData = { control: shared, port: port2 };
    let worker: Worker;
    try {
      worker = new Worker(path, { workerData: data, transferList: [port2] });
    } catch (e) {
      throw new WorkerFailedError((e as Error).message);
    }
    const ready = await new Promise<FromWorker>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs / 1000} s`)), timeoutMs);
      worker.once('message', (m: FromWorker) => (clearTimeout(timer), resolve(m)));
      worker.once('error', (e) => (clearTimeout(timer), reject(e)));
      worker.once('exit', (code) => (clearTimeout(timer), reject(new Error(`exited with code ${code} while starting`))));
    }).catch(async (e: Error) => {
      await worker.terminate();
      throw new WorkerFailedError(e.message);
    });
    if (ready.kind !== 'ready' || ready.protocol !== WORKER_PROTOCOL || !ready.simd) {
      await worker.terminate();
      if (ready.kind === 'failed') throw new WorkerFailedError(`its wasm backend did not start: ${ready.error}`);
      if (ready.kind !== 'ready' || ready.protocol !== WORKER_PROTOCOL)
        throw new WorkerFailedError(`the built worker speaks protocol ${(ready as { protocol?: number }).protocol}, expected ${WORKER_PROTOCOL} (stale build: npm run build)`);
      throw new WorkerFailedError('its wasm backend has no SIMD');
    }
    worker.unref(); // an idle worker never keeps the process alive
    port1.unref();
    return new ProductWorker(worker, shared, port1);
  }

  get failure(): string | undefined {
    return this.broken;
  }

  /** The shared float32 arena, at least `floats` long (a new buffer reaches the worker before the next job). */
  arena(floats: number): Float32Array {
    if (this.arenaBuffer.byteLength < floats * 4) {
      this.arenaBuffer = new SharedArrayBuffer(Math.max(floats * 4, Math.min(this.arenaBuffer.byteLength * 2, 2 ** 31)));
      this.port.postMessage({ kind: 'arena', arena: this.arenaBuffer } satisfies PortMessage);
    }
    return new Float32Array(this.arenaBuffer);
  }

  /** Give the worker its share of a resident weight ([rows, cols], copied); returns the id jobs refer to. */
  uploadWeight(data: Float32Array, rows: number, cols: number): number {
    const id = this.nextWeight++;
    this.port.postMessage({ kind: 'weight', id, rows, cols, data } satisfies PortMessage);
    return id;
  }

  freeWeight(id: number): void {
    if (!this.broken) this.port.postMessage({ kind: 'free', id } satisfies PortMessage);
  }

  /** Post a product job; call wait() with the returned ticket after computing this thread's share. */
  start(job: ProductJob): number {
    if (this.broken) throw new WorkerFailedError(this.broken);
    const c = this.control;
    Atomics.store(c, CTRL.m, job.m);
    Atomics.store(c, CTRL.k, job.k);
    Atomics.store(c, CTRL.n, job.n);
    Atomics.store(c, CTRL.a, job.aOffset);
    Atomics.store(c, CTRL.bKind, 'weight' in job.b ? 1 : 0);
    Atomics.store(c, CTRL.b, 'weight' in job.b ? job.b.weight : job.b.offset);
    Atomics.store(c, CTRL.c, job.cOffset);
    const seq = ++this.seq;
    Atomics.store(c, CTRL.job, seq);
    Atomics.notify(c, CTRL.job);
    return seq;
  }

  /** Block until job `seq` is done; a job slower than 1 GFLOP/s (and at least 60 s) counts as a dead worker. */
  wait(seq: number, flops: number): void {
    const limit = Math.max(60_000, flops / 1e6);
    const t0 = performance.now();
    // the worker usually finishes within a millisecond of this thread: poll that long rather than sleep and pay a wake-up
    for (let i = 1; Atomics.load(this.control, CTRL.done) !== seq; i++) if ((i & 255) === 0 && performance.now() - t0 > WAIT_SPIN_MS) break;
    for (;;) {
      const done = Atomics.load(this.control, CTRL.done);
      if (done === seq) break;
      const left = limit - (performance.now() - t0);
      if (left <= 0) {
        this.broken = `no answer to a product job within ${(limit / 1000).toFixed(0)} s`;
        throw new WorkerFailedError(this.broken);
      }
      Atomics.wait(this.control, CTRL.done, done, Math.min(left, 1000));
    }
    if (Atomics.load(this.control, CTRL.status) !== 0) {
      const length = Atomics.load(this.control, CTRL.errorLength);
      throw new WorkerFailedError(new TextDecoder().decode(this.errorBytes.slice(0, length)));
    }
  }

  dispose(): void {
    this.broken ??= 'disposed';
    Atomics.store(this.control, CTRL.job, -1);
    Atomics.notify(this.control, CTRL.job);
    this.port.close();
    void this.worker.terminate();
  }
}
