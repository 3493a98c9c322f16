// SparseGPT (Frantar & Alistarh, 2023), spec §2. Same H, damping and U = chol(H⁻¹)ᵀ as GPTQ.
// Mask per block of B columns: score = W²/diag(U)² on the current (updated) block — unstructured prunes
// the lowest p fraction of the block, N:M the N lowest of every M columns per row — then
//   q_i = mask ? 0 : w_i (optionally quantized);  δ = (w_i − q_i)/U_ii;  W[:, i+1:] −= δ·U_{i, i+1:};
//   loss_i = (w_i − q_i)²/(2·U_ii²)  — the column loop is GPTQ's (hessian.ts obsColumns); the mask is SparseGPT's own.
import type { Engine, Matrix } from '../../tensor/index.js';
import { HESSIANS, obsSolve, type HessianAccumulator, type SolverTimings } from '../hessian.js';
import { patternNM } from '../methods/index.js';
import { INPUT_OF, statisticOf, trueSequentialGroups, type LayerStep } from '../step.js';
import { type QuantParams, type QuantRecord, fitMinMax, newQuantRecord, quantCode, dequant, setGroupParams } from '../quant/minmax.js';
import { markSmallest } from './mask.js';

export interface SparseGptOptions {
  sparsity: number;
  nm: { n: number; m: number } | null;
  damp: number;
  blockSize: number;
  /** also quantize the kept weights with the min-max quantizer */
  quant?: { bits: number; groupSize: number; sym: boolean };
}

export interface SparseGptResult {
  weight: Matrix;
  loss: number;
  record?: QuantRecord;
  timings: SolverTimings;
}

export function sparseGptPrune(w: Matrix, hessian: Float64Array, o: SparseGptOptions, engine: Engine): SparseGptResult {
  const { rows, cols } = w;
  const qz = o.quant;
  const gs = qz && qz.groupSize > 0 ? qz.groupSize : 0;
  const rec = qz ? newQuantRecord(rows, cols, qz.bits, qz.groupSize, qz.sym) : undefined;
  const solved = obsSolve(w, hessian, { damp: o.damp, actOrder: false, blockSize: o.blockSize, float32: false }, engine, ({ u, wt }) => {
    const params: QuantParams[] = new Array(rows);
    if (qz && gs === 0) for (let r = 0; r < rows; r++) setGroupParams(rec!, 0, r, (params[r] = fitMinMax(w.data, r * cols, cols, 1, qz.bits, qz.sym)));
    let mask = new Uint8Array(0); // [i, r] within the block, 1 = prune
    let i2 = 0;
    return {
      startBlock(i1, end) {
        i2 = end;
        const count = end - i1;
        mask = new Uint8Array(count * rows);
        if (o.nm) return;
        const score = new Float32Array(count * rows);
        for (let i = 0; i < count; i++) {
          const d = u[(i1 + i) * cols + i1 + i];
          for (let r = 0; r < rows; r++) score[i * rows + r] = wt[(i1 + i) * rows + r] ** 2 / (d * d);
        }
        markSmallest(score, Math.round(o.sparsity * count * rows), mask);
      },
      column(k, i, wk, q) {
        if (o.nm && i % o.nm.m === 0) markNmColumns(wt, u, cols, rows, k, Math.min(o.nm.m, i2 - k), o.nm.n, mask, i);
        if (qz && gs > 0 && k % gs === 0) {
          const n = Math.min(gs, cols - k);
          for (let r = 0; r < rows; r++) setGroupParams(rec!, k / gs, r, (params[r] = fitMinMax(wt, k * rows + r, n, rows, qz.bits, qz.sym)));
        }
        if (rec) rec.gIdx[k] = gs > 0 ? Math.floor(k / gs) : 0;
        for (let r = 0; r < rows; r++) {
          q[r] = mask[i * rows + r] ? 0 : wk[r];
          if (rec) {
            const code = quantCode(q[r], params[r]);
            rec.codes[r * cols + k] = code;
            q[r] = dequant(code, params[r]);
          }
        }
      },
    };
  });
  return { weight: solved.weight, loss: solved.loss, record: rec, timings: solved.timings };
}

/** For columns k..k+m of each row, mark the n lowest W²/U_ii² (block-local mask index i0). */
function markNmColumns(wt: Float32Array, u: Float32Array, cols: number, rows: number, k: number, m: number, n: number, mask: Uint8Array, i0: number): void {
  const idx = Array.from({ length: m }, (_, a) => a);
  const s = new Float64Array(m);
  for (let r = 0; r < rows; r++) {
    for (let a = 0; a < m; a++) {
      const d = u[(k + a) * cols + k + a];
      s[a] = wt[(k + a) * rows + r] ** 2 / (d * d);
      idx[a] = a;
    }
    idx.sort((x, y) => s[x] - s[y] || x - y);
    for (let a = 0; a < n; a++) mask[(i0 + idx[a]) * rows + r] = 1;
  }
}

/** SparseGPT's layer step: the Hessians of the linear inputs (per true-sequential group when asked), then each linear pruned. */
export const sparseGptStep: LayerStep<HessianAccumulator> = {
  statistic: HESSIANS,
  groups: trueSequentialGroups,
  linear(name, w, stats, { config: c, engine }) {
    const quant = c.quantizeAfterPruning ? { bits: c.bits, groupSize: c.groupSize, sym: c.sym } : undefined;
    const r = sparseGptPrune(w, statisticOf(stats, INPUT_OF[name]).h, { sparsity: c.sparsity, nm: patternNM(c.pattern), damp: c.damp, blockSize: c.blockSize, quant }, engine);
    return { weight: r.weight, record: r.record, loss: r.loss, lossKind: 'obs', timings: r.timings };
  },
};
