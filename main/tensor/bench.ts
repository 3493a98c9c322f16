// Engine ceilings measured in one run: matmul GFLOP/s per backend (and per thread count for wasm), a
// decode-shaped linear, long attention, and the blocked Cholesky + inverse GPTQ needs on big Hessians.
import { createEngine, type EngineOptions } from './backends.js';
import { JsEngine } from './js/engine.js';
import { matrix, matrix64, type BackendName, type Engine, type Matrix } from './types.js';

function random(rows: number, cols: number, seed: number): Matrix {
  let s = seed;
  return matrix(
    rows,
    cols,
    Float32Array.from({ length: rows * cols }, () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32 - 0.5),
  );
}

/** seconds per call: best of `reps` after one warm-up, stopping early once `budget` seconds are spent */
function time(fn: () => void, reps: number, budget = 20): number {
  const w = performance.now();
  fn();
  let best = (performance.now() - w) / 1000;
  let spent = best;
  for (let r = 0; r < reps && spent < budget; r++) {
    const t = performance.now();
    fn();
    const s = (performance.now() - t) / 1000;
    best = Math.min(best, s);
    spent += s;
  }
  return best;
}

/** a symmetric positive-definite Hessian-like matrix XᵀX/m + 0.01·mean(diag)·I, built with the engine's own gram */
function hessian(engine: Engine, n: number): Float64Array {
  const x = random(Math.min(2 * n, 2048), n, n);
  const g = engine.gram(x).data;
  const h = Float64Array.from(g, (v) => v / x.rows);
  let mean = 0;
  for (let i = 0; i < n; i++) mean += h[i * n + i] / n;
  for (let i = 0; i < n; i++) h[i * n + i] += 0.01 * mean;
  return h;
}

interface Contender {
  label: string;
  name: BackendName;
  options?: EngineOptions;
  /** largest cube measured (the slow engines skip 2048³) */
  maxN: number;
}

const CONTENDERS: Contender[] = [
  { label: 'js', name: 'js', maxN: 1024 },
  { label: 'tfjs-cpu', name: 'tfjs-cpu', maxN: 1024 },
  { label: 'tfjs-wasm, 1 thread', name: 'tfjs-wasm', options: { threads: 1 }, maxN: 2048 },
  { label: 'tfjs-wasm, 2 threads', name: 'tfjs-wasm', options: { threads: 2 }, maxN: 2048 },
  { label: 'tfjs-node', name: 'tfjs-node', maxN: 2048 },
  { label: 'tfjs-node-gpu', name: 'tfjs-node-gpu', maxN: 2048 },
];

export async function benchTensor(): Promise<string> {
  const products = [
    '| engine | threads | matmul 256³ GFLOP/s | 1024³ | 2048³ | decode linear [1,896]·[896,4864] µs | attention 8×64 heads, 512 tokens ms |',
    '| --- | --- | --- | --- | --- | --- | --- |',
  ];
  const algebra = ['| engine | threads | Cholesky + inverse n = 1024, s | n = 4096, s | eigenvalues n = 1024, s |', '| --- | --- | --- | --- | --- |'];
  const notes: string[] = [];
  for (const c of CONTENDERS) {
    let engine: Engine;
    try {
      engine = c.name === 'js' ? new JsEngine() : await createEngine(c.name, c.options);
    } catch (e) {
      notes.push(`${c.label}: skipped (${(e as Error).message})`);
      continue;
    }
    try {
      const threads = engine.report.threads;
      if (c.options?.threads === 2 && threads < 2) notes.push(`${c.label}: ran on one thread (${engine.report.reason})`);
      const gflops = (n: number) => {
        if (n > c.maxN) return '—';
        const a = random(n, n, 1);
        const b = random(n, n, 2);
        const slow = c.name === 'js' || c.name === 'tfjs-cpu';
        return ((2 * n ** 3) / time(() => engine.matmul(a, b), n >= 1024 ? (slow ? 0 : 3) : 10) / 1e9).toFixed(1);
      };
      const w = engine.residentWeight(random(4864, 896, 3));
      const x = random(1, 896, 4);
      const decode = time(() => engine.linear(x, w), 50) * 1e6;
      w.dispose();
      const t = 512;
      const q = random(t, 512, 5);
      const kv = random(t, 512, 6);
      const pos = Int32Array.from({ length: t }, (_, i) => i);
      const attention = time(() => engine.attention(q, kv, kv, { nHeads: 8, nKvHeads: 8, headDim: 64 }, pos, pos), c.name === 'tfjs-cpu' ? 0 : 3) * 1e3;
      products.push(`| ${c.label} | ${threads} | ${gflops(256)} | ${gflops(1024)} | ${gflops(2048)} | ${decode.toFixed(0)} | ${attention.toFixed(1)} |`);
      if (c.name !== 'js' && c.name !== 'tfjs-cpu') {
        const chol = (n: number) => {
          const h = matrix64(n, n, hessian(engine, n));
          return time(() => engine.choleskyInverse(engine.cholesky(h)), n > 2048 ? 0 : 2).toFixed(2);
        };
        const sym = matrix64(1024, 1024, hessian(engine, 1024));
        const eig = time(() => engine.symmetricEigenvalues(sym), 0).toFixed(2);
        algebra.push(`| ${c.label} | ${threads} | ${chol(1024)} | ${chol(4096)} | ${eig} |`);
      }
    } finally {
      engine.dispose();
    }
  }
  return [products.join('\n'), '', algebra.join('\n'), ...(notes.length ? ['', ...notes.map((n) => `- ${n}`)] : [])].join('\n');
}
