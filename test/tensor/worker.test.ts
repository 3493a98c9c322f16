import { rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, JsEngine, matrix, matrix64, selectEngine, SPLIT_MIN_MACS, SPLIT_WEIGHT_MIN, TfjsEngine, WorkerFailedError } from '../../main/tensor/index.js';
import { CTRL, CTRL_INTS, WORKER_PROTOCOL } from '../../main/tensor/wasm/protocol.js';
import { attention64, buildWorker, maxAbsDiff, mul64, random, randomValues, relErr, spd } from './helpers.js';

const js = new JsEngine();
let workerPath: string;
let one: TfjsEngine;
let two: TfjsEngine;

beforeAll(async () => {
  workerPath = buildWorker();
  one = (await createEngine('tfjs-wasm', { threads: 1 })) as TfjsEngine;
  two = (await createEngine('tfjs-wasm', { threads: 2, workerPath })) as TfjsEngine;
});
const scratchFiles: string[] = [];
afterAll(() => {
  one?.dispose();
  two?.dispose();
  for (const f of [workerPath, ...scratchFiles]) if (f) rmSync(f, { force: true });
});

describe('products split between the main thread and a worker', () => {
  it('the two-thread engine says so in its report', () => {
    expect(two.report).toMatchObject({ name: 'tfjs-wasm', threads: 2, reason: expect.stringMatching(/main thread and a worker/) });
    expect(two.threads).toBe(2);
    expect(one.report.threads).toBe(1);
  });
  // every output element is computed by the same kernel with the same summation order on either thread,
  // so a split product has exactly the bits of the one-thread product (determinism does not depend on threads)
  it('split matmul (by rows, by columns, odd sizes) equals the one-thread matmul bit for bit', () => {
    // [m, k, n]: tall (row split), wide (column split), odd halves; all above SPLIT_MIN_MACS
    for (const [m, k, n] of [
      [256, 128, 128],
      [8, 512, 1024],
      [129, 257, 127],
      [1, 4096, 1100],
    ]) {
      expect(m * k * n).toBeGreaterThanOrEqual(SPLIT_MIN_MACS);
      const a = random(m, k, m);
      const b = random(k, n, n);
      const split = two.matmul(a, b);
      const single = one.matmul(a, b);
      expect([split.rows, split.cols]).toEqual([m, n]);
      expect(split.data).toEqual(single.data);
      expect(relErr(split.data, js.matmul(a, b).data)).toBeLessThan(1e-5);
    }
  });
  it('split gram and matmulTransB equal one thread bit for bit', () => {
    const a = random(300, 200, 3);
    expect(two.gram(a).data).toEqual(one.gram(a).data);
    const b = random(180, 200, 4);
    expect(two.matmulTransB(a, b).data).toEqual(one.matmulTransB(a, b).data);
  });
  it('linear with a weight split by output columns (one row and many rows, odd width, bias) equals one thread bit for bit', () => {
    // the first two are split by columns between the threads, the last stays whole on the main thread
    for (const [out, inF] of [
      [2049, 512],
      [1024, 1024],
      [400, 300],
    ]) {
      expect(out * inF >= SPLIT_WEIGHT_MIN).toBe(out !== 400);
      const w = random(out, inF, out);
      const bias = randomValues(out, 8);
      const w1 = one.residentWeight(w);
      const w2 = two.residentWeight(w);
      for (const t of [1, 3, 70]) {
        const x = random(t, inF, t);
        const y2 = two.linear(x, w2, bias);
        expect([y2.rows, y2.cols]).toEqual([t, out]);
        expect(y2.data).toEqual(one.linear(x, w1, bias).data);
      }
      w1.dispose();
      w2.dispose();
    }
  });
  it('long attention with the split products equals a plain float64 attention', () => {
    const shape = { nHeads: 8, nKvHeads: 2, headDim: 64, slidingWindow: 100 };
    const t = 256;
    const q = random(t, 512, 1);
    const k = random(t, 128, 2);
    const v = random(t, 128, 3);
    const pos = Int32Array.from({ length: t }, (_, i) => i);
    expect(maxAbsDiff(two.attention(q, k, v, shape, pos, pos).data, attention64(q, k, v, shape, pos, pos))).toBeLessThan(2e-6);
  });
  it('blocked Cholesky and inverse with split products: L·Lᵀ = A and A·A⁻¹ = I to float32 accuracy', () => {
    const n = 400;
    const a = spd(n, 9);
    const l = two.cholesky(a);
    const llt = mul64(
      l.data,
      Float64Array.from({ length: n * n }, (_, i) => l.data[(i % n) * n + Math.floor(i / n)]),
      n,
      n,
      n,
    );
    expect(maxAbsDiff(llt, a.data)).toBeLessThan(1e-4);
    const inv = two.choleskyInverse(l);
    const p = mul64(a.data, inv.data, n, n, n);
    let worst = 0;
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) worst = Math.max(worst, Math.abs(p[i * n + j] - (i === j ? 1 : 0)));
    expect(worst).toBeLessThan(1e-4);
    expect(
      maxAbsDiff(two.triangularSolve(l, matrix64(n, 1, Float64Array.from(randomValues(n, 1))), true).data, js.triangularSolve(l, matrix64(n, 1, Float64Array.from(randomValues(n, 1))), true).data),
    ).toBeLessThan(1e-4);
  });
});

describe('when the worker cannot help, the engine says why and uses one thread', () => {
  const fake = (name: string, body: string) => {
    const path = join(dirname(workerPath), `${name}-${process.pid}.mjs`);
    writeFileSync(path, `import { parentPort } from 'node:worker_threads';\n${body}\n`);
    scratchFiles.push(path);
    return path;
  };
  it('a missing worker file', async () => {
    const e = await createEngine('tfjs-wasm', { threads: 2, workerPath: '/nonexistent/tensor-worker.js' });
    expect(e.report.threads).toBe(1);
    expect(e.report.reason).toMatch(/one thread: tensor worker failed/);
    e.dispose();
  });
  it('a stale build speaking another protocol', async () => {
    const path = fake('stale', `parentPort.postMessage({ kind: 'ready', protocol: ${WORKER_PROTOCOL - 1}, simd: true });`);
    const e = await createEngine('tfjs-wasm', { threads: 2, workerPath: path });
    expect(e.report.threads).toBe(1);
    expect(e.report.reason).toMatch(new RegExp(`speaks protocol ${WORKER_PROTOCOL - 1}, expected ${WORKER_PROTOCOL} \\(stale build`));
    e.dispose();
  });
  it('a worker whose jobs fail: matmul finishes on the main thread and the report drops to one thread', async () => {
    // answers every product job with status "failed" through the shared control block
    const path = fake(
      'failing',
      `import { workerData } from 'node:worker_threads';
const control = new Int32Array(workerData.control, 0, ${CTRL_INTS});
const bytes = new Uint8Array(workerData.control, ${CTRL_INTS * 4});
parentPort.postMessage({ kind: 'ready', protocol: ${WORKER_PROTOCOL}, simd: true });
let seen = 0;
for (;;) {
  Atomics.wait(control, ${CTRL.job}, seen);
  seen = Atomics.load(control, ${CTRL.job});
  if (seen === -1) break;
  const msg = new TextEncoder().encode('simulated failure');
  bytes.set(msg); Atomics.store(control, ${CTRL.errorLength}, msg.length); Atomics.store(control, ${CTRL.status}, 1);
  Atomics.store(control, ${CTRL.done}, seen); Atomics.notify(control, ${CTRL.done});
}`,
    );
    const e = (await createEngine('tfjs-wasm', { threads: 2, workerPath: path })) as TfjsEngine;
    expect(e.report.threads).toBe(2);
    const w = e.residentWeight(random(1024, 1024, 1)); // split residency: half of it in the worker
    const a = random(256, 256, 1);
    const b = random(256, 256, 2);
    expect(relErr(e.matmul(a, b).data, js.matmul(a, b).data)).toBeLessThan(1e-5);
    expect(e.report.threads).toBe(1);
    expect(e.report.reason).toMatch(/back to one thread after tensor worker failed: simulated failure/);
    expect(() => e.linear(random(1, 1024, 3), w)).toThrow(WorkerFailedError);
    e.dispose();
  });
  it('ACBENCH_THREADS=1 and the default selection', async () => {
    const before = process.env.ACBENCH_THREADS;
    process.env.ACBENCH_THREADS = '1';
    try {
      const e = await selectEngine(undefined);
      expect(e.report).toMatchObject({ name: 'tfjs-wasm', threads: 1 });
      e.dispose();
      process.env.ACBENCH_THREADS = 'two';
      await expect(selectEngine(undefined)).rejects.toThrow(/threads: expected a whole number ≥ 1, found "two"/);
    } finally {
      if (before === undefined) delete process.env.ACBENCH_THREADS;
      else process.env.ACBENCH_THREADS = before;
    }
    expect(matrix(1, 1).rows).toBe(1);
  });
});
