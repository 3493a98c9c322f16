// Engine ceilings: matmul GFLOP/s per backend and a decode-shaped linear, measured in one run.
import { JsEngine } from './js/engine.js';
import { selectEngine } from './backends.js';
import { matrix, type Engine } from './types.js';

function random(rows: number, cols: number, seed: number) {
  let s = seed;
  return matrix(rows, cols, Float32Array.from({ length: rows * cols }, () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32) - 0.5));
}

/** seconds per call, best of a few repetitions after a warm-up */
function time(fn: () => void, reps: number): number {
  fn();
  let best = Infinity;
  for (let r = 0; r < reps; r++) {
    const t = performance.now();
    fn();
    best = Math.min(best, (performance.now() - t) / 1000);
  }
  return best;
}

export async function benchTensor(): Promise<string> {
  const rows = ['| engine | matmul 256³ GFLOP/s | matmul 1024³ GFLOP/s | decode linear [1,512]·[512,1536] µs | vs js at 1024³ |', '| --- | --- | --- | --- | --- |'];
  let jsAt1024 = 0;
  // one engine at a time: the tfjs backends share tfjs's global backend, so each is measured right after it is selected
  for (const name of ['js', 'tfjs-cpu', 'tfjs-wasm'] as const) {
    const engine: Engine = name === 'js' ? new JsEngine() : await selectEngine(name);
    if (engine.report.name !== name) continue;
    const g = (n: number, reps: number) => {
      const a = random(n, n, 1);
      const b = random(n, n, 2);
      return (2 * n ** 3) / time(() => engine.matmul(a, b), reps) / 1e9;
    };
    const small = g(256, 5);
    const big = name === 'js' || name === 'tfjs-cpu' ? g(1024, 1) : g(1024, 3);
    if (name === 'js') jsAt1024 = big;
    const w = engine.residentWeight(random(1536, 512, 3));
    const x = random(1, 512, 4);
    const decode = time(() => engine.linear(x, w), 50) * 1e6;
    w.dispose();
    rows.push(`| ${name} | ${small.toFixed(2)} | ${big.toFixed(2)} | ${decode.toFixed(0)} | ${(big / jsAt1024).toFixed(1)}× |`);
  }
  return rows.join('\n');
}
