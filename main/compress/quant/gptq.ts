// GPTQ (Frantar et al., 2023), spec §1. Optimal Brain Quantization column by column with lazy batches:
//   q_i = quant(w_i);  δ = (w_i − q_i)/[H⁻¹]_ii;  W[:, i+1:] −= δ·[H⁻¹]_{i, i+1:}  (Cholesky form: U = chol(H⁻¹)ᵀ)
//   loss_i = (w_i − q_i)²/(2·U_ii²).
// Wᵀ is held column-major-by-row (column i contiguous) so the per-column work is streaming; the
// trailing update after each block of B columns is one engine.matmul.
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
    for (let i = 0; i < count; i++) {
      const k = i1 + i; // processing position
      const orig = perm ? perm[k] : k;
      let ps = params;
      if (gs > 0) {
        if (o.staticGroups) ps = staticParams[Math.floor(orig / gs)];
        else if (k % gs === 0) {
          const g = k / gs;
          const n = Math.min(gs, cols - k);
          for (let r = 0; r < rows; r++) {
            params[r] = fitMinMax(wt, k * rows + r, n, rows, o.bits, o.sym);
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
        const e = (wv - q) / d;
        loss += ((wv - q) * (wv - q)) / (2 * d * d);
        err[r] = e;
        et[i * rows + r] = e;
      }
      // in-block update: W[:, k+1:i2] −= e ⊗ U[k, k+1:i2]
      for (let j = k + 1; j < i2; j++) {
        const ukj = u[k * cols + j];
        if (ukj === 0) continue;
        const cj = j * rows;
        for (let r = 0; r < rows; r++) wt[cj + r] -= err[r] * ukj;
      }
    }
    flops += lazyBlockUpdate(wt, u, et, rows, cols, i1, i2, engine);
  }
  const out = untransposeColumns(qt, rows, cols, perm);
  return { weight: matrix(rows, cols, out), record: rec, loss, timings: { inverseS: inv.seconds, updateS: (performance.now() - t0) / 1000, matmulFlops: flops } };
}

function setGroup(rec: QuantRecord, g: number, r: number, p: QuantParams): void {
  rec.scales[g * rec.rows + r] = p.scale;
  rec.zeros[g * rec.rows + r] = p.zero;
}
