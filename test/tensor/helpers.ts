// Shared by the tensor tests: seeded random matrices, error measures, a plain float64 attention, and a
// freshly built product worker (dist/ may be missing or stale while the tests run from source).
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';
import { matrix, matrix64, type AttentionShape, type Matrix, type Matrix64 } from '../../main/tensor/index.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Uniform values in [−1, 1) from a 32-bit LCG. */
export function randomValues(length: number, seed: number): Float32Array {
  let s = seed >>> 0 || 1;
  return Float32Array.from({ length }, () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32) * 2 - 1);
}

export function random(rows: number, cols: number, seed: number): Matrix {
  return matrix(rows, cols, randomValues(rows * cols, seed));
}

/** ‖a − b‖ / ‖b‖ */
export function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`relErr: lengths differ (${a.length} and ${b.length})`);
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num += (a[i] - b[i]) ** 2;
    den += b[i] ** 2;
  }
  return Math.sqrt(num / den);
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** A symmetric positive-definite matrix M·Mᵀ/k + shift·I, float64. */
export function spd(n: number, seed: number, shift = 0.5): Matrix64 {
  const k = n + 8;
  const m = randomValues(n * k, seed);
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += m[i * k + p] * m[j * k + p];
      a[i * n + j] = a[j * n + i] = s / k + (i === j ? shift : 0);
    }
  return matrix64(n, n, a);
}

/** Plain float64 product of row-major matrices. */
export function mul64(a: ArrayLike<number>, b: ArrayLike<number>, m: number, k: number, n: number): Float64Array<ArrayBuffer> {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += a[i * k + p] * b[p * n + j];
      c[i * n + j] = s;
    }
  return c;
}

/**
 * Attention written the plain way, in float64: for each query i and head h, the softmax over the keys
 * j with kPos ≤ qPos, kPos > qPos − window and mask 1 of q·k/√d, times v; zeros when no key is visible.
 */
export function attention64(q: Matrix, k: Matrix, v: Matrix, shape: AttentionShape, qPos: Int32Array, kPos: Int32Array, mask?: Uint8Array): Float64Array {
  const { nHeads, nKvHeads, headDim: d, slidingWindow } = shape;
  const out = new Float64Array(q.rows * nHeads * d);
  for (let i = 0; i < q.rows; i++)
    for (let h = 0; h < nHeads; h++) {
      const kvh = Math.floor((h * nKvHeads) / nHeads);
      const logits: number[] = [];
      const keys: number[] = [];
      for (let j = 0; j < k.rows; j++) {
        if (kPos[j] > qPos[i]) continue;
        if (slidingWindow !== undefined && kPos[j] <= qPos[i] - slidingWindow) continue;
        if (mask && mask[j] === 0) continue;
        let s = 0;
        for (let c = 0; c < d; c++) s += q.data[i * q.cols + h * d + c] * k.data[j * k.cols + kvh * d + c];
        logits.push(s / Math.sqrt(d));
        keys.push(j);
      }
      if (!keys.length) continue;
      const max = Math.max(...logits);
      const w = logits.map((x) => Math.exp(x - max));
      const z = w.reduce((a, b) => a + b, 0);
      keys.forEach((j, n) => {
        for (let c = 0; c < d; c++) out[i * nHeads * d + h * d + c] += (w[n] / z) * v.data[j * v.cols + kvh * d + c];
      });
    }
  return out;
}

let built: string | undefined;

/** Bundle main/tensor/worker.ts with esbuild into node_modules/.cache (so its packages resolve) and return the file. */
export function buildWorker(): string {
  if (built) return built;
  const dir = join(root, 'node_modules', '.cache', 'acbench-tensor-test');
  mkdirSync(dir, { recursive: true });
  const out = join(dir, `tensor-worker-${process.pid}.js`);
  buildSync({ entryPoints: [join(root, 'main', 'tensor', 'worker.ts')], bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', logLevel: 'warning', outfile: out });
  built = out;
  return out;
}
