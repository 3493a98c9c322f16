// GPTQ (Frantar et al., 2023), spec §1. Optimal Brain Quantization column by column with lazy batches:
//   q_i = quant(w_i);  δ = (w_i − q_i)/[H⁻¹]_ii;  W[:, i+1:] −= δ·[H⁻¹]_{i, i+1:}  (Cholesky form: U = chol(H⁻¹)ᵀ)
//   loss_i = (w_i − q_i)²/(2·U_ii²).
// Wᵀ is held column-major-by-row (column i contiguous) so the per-column work is streaming; the
// trailing update after each block of B columns is one engine.matmul.
// Groups (reference gptq.py / AutoGPTQ): a group's scale and zero are fitted when the loop enters its first column,
// on W[:, k:k+gs] — the matrix that has every earlier block's lazy update but none of the current block's in-block
// updates (those live in the block's working copy W1). So with gs < B a group inside a block is fitted on the
// block-start weights, not on the columns the block's earlier errors have already moved.
import type { Engine, Matrix } from '../../tensor/index.js';
import { matrix } from '../../tensor/index.js';
import { lazyBlockUpdate, prepareInverse, transposeColumns, untransposeColumns } from '../hessian.js';
import { type QuantParams, type QuantRecord, fitMinMax, newQuantRecord, quantCode, dequant } from './minmax.js';

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

export interface SolverTimings {
  inverseS: number;
  updateS: number;
  /** flops spent in engine.matmul by the lazy updates */
  matmulFlops: number;
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
  const wd = new Float32Array(w.data);
  const inv = prepareInverse(hessian, wd, rows, cols, o.damp, o.actOrder, engine);
  const t0 = performance.now();
  const { u, perm } = inv;
  const gs = o.groupSize > 0 ? o.groupSize : 0;
  const rec = newQuantRecord(rows, cols, o.bits, o.groupSize, o.sym);
  rec.perm = perm;
  const wt = transposeColumns(wd, rows, cols, perm);
  const qt = new Float32Array(rows * cols);
  const params: QuantParams[] = new Array(rows);
  // static groups (or no groups): fitted up front on the original (dead-zeroed) W
  const staticParams: QuantParams[][] = [];
  if (gs === 0) {
    // fitted on W before dead columns are zeroed, as the reference does
    for (let r = 0; r < rows; r++) params[r] = fitMinMax(w.data, r * cols, cols, 1, o.bits, o.sym);
    for (let r = 0; r < rows; r++) setGroup(rec, 0, r, params[r]);
  } else if (o.staticGroups) {
    for (let g0 = 0, g = 0; g0 < cols; g0 += gs, g++) {
      const ps: QuantParams[] = [];
      for (let r = 0; r < rows; r++) {
        ps.push(fitMinMax(wd, r * cols + g0, Math.min(gs, cols - g0), 1, o.bits, o.sym));
        setGroup(rec, g, r, ps[r]);
      }
      staticParams.push(ps);
    }
  }
  let loss = 0;
  let flops = 0;
  const err = new Float32Array(rows);
  for (let i1 = 0; i1 < cols; i1 += o.blockSize) {
    const i2 = Math.min(i1 + o.blockSize, cols);
    const count = i2 - i1;
    const et = new Float32Array(count * rows);
    // W[:, i1:i2] as the block starts (the reference's W, while wt plays its W1)
    const blockStart = gs > 0 && !o.staticGroups ? wt.slice(i1 * rows, i2 * rows) : undefined;
    for (let i = 0; i < count; i++) {
      const k = i1 + i; // processing position
      const orig = perm ? perm[k] : k;
      let ps = params;
      if (gs > 0) {
        if (o.staticGroups) ps = staticParams[Math.floor(orig / gs)];
        else if (k % gs === 0) {
          const g = k / gs;
          const n = Math.min(gs, cols - k);
          const group = groupAtBlockStart(wt, blockStart!, rows, i1, i2, k, n);
          for (let r = 0; r < rows; r++) {
            params[r] = fitMinMax(group, r, n, rows, o.bits, o.sym);
            setGroup(rec, g, r, params[r]);
          }
        }
        rec.gIdx[orig] = o.staticGroups ? Math.floor(orig / gs) : Math.floor(k / gs);
      } else rec.gIdx[orig] = 0;
      const d = u[k * cols + k];
      const col = k * rows;
      for (let r = 0; r < rows; r++) {
        const wv = wt[col + r];
        const code = quantCode(wv, ps[r]);
        const q = dequant(code, ps[r]);
        rec.codes[r * cols + orig] = code;
        qt[col + r] = q;
        const e = Math.fround(Math.fround(wv - q) / d); // err1 = (w − q)/d in float32
        loss += ((wv - q) * (wv - q)) / (2 * d * d);
        err[r] = e;
        et[i * rows + r] = e;
      }
      // in-block update: W[:, k+1:i2] −= e ⊗ U[k, k+1:i2] (each product rounded to float32, as the outer product is)
      for (let j = k + 1; j < i2; j++) {
        const ukj = u[k * cols + j];
        if (ukj === 0) continue;
        const cj = j * rows;
        for (let r = 0; r < rows; r++) wt[cj + r] -= Math.fround(err[r] * ukj);
      }
    }
    flops += lazyBlockUpdate(wt, u, et, rows, cols, i1, i2, engine);
  }
  const out = untransposeColumns(qt, rows, cols, perm);
  return { weight: matrix(rows, cols, out), record: rec, loss, timings: { inverseS: inv.seconds, updateS: (performance.now() - t0) / 1000, matmulFlops: flops } };
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

function setGroup(rec: QuantRecord, g: number, r: number, p: QuantParams): void {
  rec.scales[g * rec.rows + r] = p.scale;
  rec.zeros[g * rec.rows + r] = p.zero;
}
