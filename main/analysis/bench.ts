// Timing of the analysis statistics at a realistic size (one sequence of a 152k-vocabulary model), as a table.
import { type Engine, getEngine, matrix } from '../tensor/index.js';
import { klDivergence } from './divergence.js';
import { logSumExp } from './energy.js';
import { eRank } from './erank.js';
import { topKConsistency, topKIndices } from './ranking.js';

export interface AnalysisBenchRow {
  step: string;
  shape: string;
  seconds: number;
}

/** Deterministic pseudo-random logits in [0, 10) (LCG), and a perturbed copy. */
function syntheticLogits(rows: number, cols: number): { base: Float32Array; compressed: Float32Array } {
  const base = new Float32Array(rows * cols);
  const compressed = new Float32Array(rows * cols);
  let s = 12345;
  for (let i = 0; i < base.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    base[i] = (s / 2 ** 32) * 10;
    compressed[i] = base[i] + ((s >>> 7) % 100) / 1000;
  }
  return { base, compressed };
}

export function benchAnalysis(opts: { seqlen?: number; vocab?: number; hidden?: number; engine?: Engine } = {}): AnalysisBenchRow[] {
  const L = opts.seqlen ?? 128;
  const V = opts.vocab ?? 151_936;
  const d = opts.hidden ?? 896;
  const engine = opts.engine ?? getEngine();
  const { base, compressed } = syntheticLogits(L, V);
  const rows: AnalysisBenchRow[] = [];
  const time = (step: string, shape: string, f: () => void) => {
    const t0 = performance.now();
    f();
    rows.push({ step, shape, seconds: (performance.now() - t0) / 1000 });
  };
  time('eRank of logits (Gram form)', `${L}×${V}`, () => eRank(matrix(L, V, base), engine));
  time('eRank of hidden states', `${L}×${d}`, () => eRank(matrix(L, d, base.subarray(0, L * d)), engine));
  const lseB = new Float64Array(L);
  const lseC = new Float64Array(L);
  time('logsumexp (energy, NLL, KL share it)', `2×${L}×${V}`, () => {
    for (let t = 0; t < L; t++) {
      lseB[t] = logSumExp(base, t * V, V);
      lseC[t] = logSumExp(compressed, t * V, V);
    }
  });
  let topB: Int32Array[] = [];
  let topC: Int32Array[] = [];
  time('top-20 ids', `2×${L}×${V}`, () => {
    topB = Array.from({ length: L }, (_, t) => topKIndices(base, 20, t * V, V));
    topC = Array.from({ length: L }, (_, t) => topKIndices(compressed, 20, t * V, V));
  });
  time('Jaccard, Kendall τ-b, Spearman ρ (k = 1…20)', `${L} positions`, () => {
    for (let t = 0; t < L; t++) topKConsistency(base, compressed, t * V, t * V, topB[t], topC[t], [1, 3, 5, 10, 20]);
  });
  time('KL(base‖compressed)', `${L}×${V}`, () => {
    for (let t = 0; t < L; t++) klDivergence(base, compressed, t * V, t * V, V, lseB[t], lseC[t]);
  });
  return rows;
}

export function formatAnalysisBench(rows: AnalysisBenchRow[], backend: string): string {
  const lines = [`analysis statistics, one sequence (backend ${backend})`, `${'step'.padEnd(46)} ${'shape'.padEnd(16)} seconds`];
  for (const r of rows) lines.push(`${r.step.padEnd(46)} ${r.shape.padEnd(16)} ${r.seconds.toFixed(3).padStart(7)}`);
  lines.push(
    `${'total per sequence (statistics only, no forward passes)'.padEnd(63)} ${rows
      .reduce((a, r) => a + r.seconds, 0)
      .toFixed(3)
      .padStart(7)}`,
  );
  return lines.join('\n');
}
