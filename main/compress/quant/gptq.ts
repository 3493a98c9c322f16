// GPTQ (Frantar et al., 2023), spec §1. Optimal Brain Quantization column by column with lazy batches:
//   q_i = quant(w_i);  δ = (w_i − q_i)/[H⁻¹]_ii;  W[:, i+1:] −= δ·[H⁻¹]_{i, i+1:}  (Cholesky form: U = chol(H⁻¹)ᵀ)
//   loss_i = (w_i − q_i)²/(2·U_ii²).
// Wᵀ is held column-major-by-row (column i contiguous) so the per-column work is streaming; the
// trailing update after each block of B columns is one engine.matmul. The column loop is shared with SparseGPT
// (hessian.ts obsColumns); what is GPTQ's own is how a column is quantized and when its group is fitted.
// Groups (reference gptq.py / AutoGPTQ): a group's scale and zero are fitted when the loop enters its first column,
// on W[:, k:k+gs] — the matrix that has every earlier block's lazy update but none of the current block's in-block
// updates (those live in the block's working copy W1). So with gs < B a group inside a block is fitted on the
// block-start weights, not on the columns the block's earlier errors have already moved.
import type { Engine, Matrix } from '../../tensor/index.js';
import { HESSIANS, obsSolve, type HessianAccumulator, type SolverTimings } from '../hessian.js';
import { INPUT_OF, statisticOf, trueSequentialGroups, type LayerStep } from '../step.js';
import { type QuantParams, type QuantRecord, fitMinMax, newQuantRecord, quantCode, dequant, setGroupParams } from './minmax.js';

export interface GptqOptions {
  bits: number;
  /** −1 = one group per row */
  groupSize: number;
  sym: boolean;
  actOrder: boolean;
  damp: number;
  blockSize: number;
  staticGroups: boolean;
}

export interface GptqResult {
  weight: Matrix;
  record: QuantRecord;
  /** Σ (w − q)²/(2·U_ii²) */
  loss: number;
  timings: SolverTimings;
}

export function gptqQuantize(w: Matrix, hessian: Float64Array, o: GptqOptions, engine: Engine): GptqResult {
  const { rows, cols } = w;
  const gs = o.groupSize > 0 ? o.groupSize : 0;
  const rec = newQuantRecord(rows, cols, o.bits, o.groupSize, o.sym);
  const solved = obsSolve(w, hessian, { damp: o.damp, actOrder: o.actOrder, blockSize: o.blockSize, float32: true }, engine, ({ perm, wt, wd }) => {
    rec.perm = perm;
    const params: QuantParams[] = new Array(rows);
    // static groups (or no groups): fitted up front on the original (dead-zeroed) W
    const staticParams: QuantParams[][] = [];
    if (gs === 0) {
      // fitted on W before dead columns are zeroed, as the reference does
      for (let r = 0; r < rows; r++) params[r] = fitMinMax(w.data, r * cols, cols, 1, o.bits, o.sym);
      for (let r = 0; r < rows; r++) setGroupParams(rec, 0, r, params[r]);
    } else if (o.staticGroups) {
      for (let g0 = 0, g = 0; g0 < cols; g0 += gs, g++) {
        const ps: QuantParams[] = [];
        for (let r = 0; r < rows; r++) {
          ps.push(fitMinMax(wd, r * cols + g0, Math.min(gs, cols - g0), 1, o.bits, o.sym));
          setGroupParams(rec, g, r, ps[r]);
        }
        staticParams.push(ps);
      }
    }
    // W[:, i1:i2] as the block starts (the reference's W, while wt plays its W1)
    let blockStart: Float32Array | undefined;
    let i1 = 0;
    let i2 = 0;
    return {
      startBlock(start, end) {
        [i1, i2] = [start, end];
        if (gs > 0 && !o.staticGroups) blockStart = wt.slice(start * rows, end * rows);
      },
      column(k, _i, wk, q) {
        const orig = perm ? perm[k] : k; // k is the processing position
        let ps = params;
        if (gs > 0) {
          if (o.staticGroups) ps = staticParams[Math.floor(orig / gs)];
          else if (k % gs === 0) {
            const g = k / gs;
            const n = Math.min(gs, cols - k);
            const group = groupAtBlockStart(wt, blockStart!, rows, i1, i2, k, n);
            for (let r = 0; r < rows; r++) {
              params[r] = fitMinMax(group, r, n, rows, o.bits, o.sym);
              setGroupParams(rec, g, r, params[r]);
            }
          }
          rec.gIdx[orig] = o.staticGroups ? Math.floor(orig / gs) : Math.floor(k / gs);
        } else rec.gIdx[orig] = 0;
        for (let r = 0; r < rows; r++) {
          const code = quantCode(wk[r], ps[r]);
          rec.codes[r * cols + orig] = code;
          q[r] = dequant(code, ps[r]);
        }
      },
    };
  });
  return { weight: solved.weight, record: rec, loss: solved.loss, timings: solved.timings };
}

/**
 * Columns k..k+n−1 of W as the reference's find_params sees them, [n, rows] column-major: columns inside the current
 * block [i1, i2) from the block-start copy, columns past i2 (a group longer than what is left of the block) from wt,
 * which the current block has not touched yet.
 */
export function groupAtBlockStart(wt: Float32Array, blockStart: Float32Array, rows: number, i1: number, i2: number, k: number, n: number): Float32Array {
  const group = new Float32Array(n * rows);
  for (let c = k; c < k + n; c++) {
    const src = c < i2 ? blockStart.subarray((c - i1) * rows, (c - i1 + 1) * rows) : wt.subarray(c * rows, (c + 1) * rows);
    group.set(src, (c - k) * rows);
  }
  return group;
}

/** GPTQ's layer step: per true-sequential group, the Hessians of its inputs, then each linear quantized on its own. */
export const gptqStep: LayerStep<HessianAccumulator> = {
  statistic: HESSIANS,
  groups: trueSequentialGroups,
  linear(name, w, stats, { config, engine }) {
    const r = gptqQuantize(w, statisticOf(stats, INPUT_OF[name]).h, config, engine);
    return { weight: r.weight, record: r.record, loss: r.loss, lossKind: 'obs', timings: r.timings };
  },
};
