// SparseGPT (Frantar & Alistarh, 2023), spec §2. Same H, damping and U = chol(H⁻¹)ᵀ as GPTQ.
// Mask per block of B columns: score = W²/diag(U)² on the current (updated) block — unstructured prunes
// the lowest p fraction of the block, N:M the N lowest of every M columns per row — then
//   q_i = mask ? 0 : w_i (optionally quantized);  δ = (w_i − q_i)/U_ii;  W[:, i+1:] −= δ·U_{i, i+1:};
//   loss_i = (w_i − q_i)²/(2·U_ii²).
import type { Engine, Matrix } from '../../tensor/index.js';
import { matrix } from '../../tensor/index.js';
import { lazyBlockUpdate, prepareInverse, transposeColumns, untransposeColumns } from '../hessian.js';
import { type QuantParams, type QuantRecord, fitMinMax, newQuantRecord, quantCode, dequant } from '../quant/minmax.js';
import type { SolverTimings } from '../quant/gptq.js';
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
  const wd = new Float32Array(w.data);
  const inv = prepareInverse(hessian, wd, rows, cols, o.damp, false, engine);
  const t0 = performance.now();
  const u = inv.u;
  const wt = transposeColumns(wd, rows, cols);
  const qt = new Float32Array(rows * cols);
  const qz = o.quant;
  const gs = qz && qz.groupSize > 0 ? qz.groupSize : 0;
  const rec = qz ? newQuantRecord(rows, cols, qz.bits, qz.groupSize, qz.sym) : undefined;
  const params: QuantParams[] = new Array(rows);
  if (qz && gs === 0) for (let r = 0; r < rows; r++) setGroup(rec!, 0, r, (params[r] = fitMinMax(w.data, r * cols, cols, 1, qz.bits, qz.sym)));
  let loss = 0;
  let flops = 0;
  const err = new Float32Array(rows);
  for (let i1 = 0; i1 < cols; i1 += o.blockSize) {
    const i2 = Math.min(i1 + o.blockSize, cols);
    const count = i2 - i1;
    const et = new Float32Array(count * rows);
    const mask = new Uint8Array(count * rows); // [i, r], 1 = prune
    if (!o.nm) {
      const score = new Float32Array(count * rows);
      for (let i = 0; i < count; i++) {
        const d = u[(i1 + i) * cols + i1 + i];
        for (let r = 0; r < rows; r++) score[i * rows + r] = wt[(i1 + i) * rows + r] ** 2 / (d * d);
      }
      markSmallest(score, Math.round(o.sparsity * count * rows), mask);
    }
    for (let i = 0; i < count; i++) {
      const k = i1 + i;
      if (o.nm && i % o.nm.m === 0) markNmColumns(wt, u, cols, rows, k, Math.min(o.nm.m, i2 - k), o.nm.n, mask, i);
      if (qz && gs > 0 && k % gs === 0) {
        const n = Math.min(gs, cols - k);
        for (let r = 0; r < rows; r++) setGroup(rec!, k / gs, r, (params[r] = fitMinMax(wt, k * rows + r, n, rows, qz.bits, qz.sym)));
      }
      if (rec) rec.gIdx[k] = gs > 0 ? Math.floor(k / gs) : 0;
      const d = u[k * cols + k];
      const col = k * rows;
      for (let r = 0; r < rows; r++) {
        const wv = wt[col + r];
        let q = mask[i * rows + r] ? 0 : wv;
        if (rec) {
          const code = quantCode(q, params[r]);
          rec.codes[r * cols + k] = code;
          q = dequant(code, params[r]);
        }
        qt[col + r] = q;
        const e = (wv - q) / d;
        loss += ((wv - q) * (wv - q)) / (2 * d * d);
        err[r] = e;
        et[i * rows + r] = e;
      }
      for (let j = k + 1; j < i2; j++) {
        const ukj = u[k * cols + j];
        if (ukj === 0) continue;
        const cj = j * rows;
        for (let r = 0; r < rows; r++) wt[cj + r] -= err[r] * ukj;
      }
    }
    flops += lazyBlockUpdate(wt, u, et, rows, cols, i1, i2, engine);
  }
  const out = untransposeColumns(qt, rows, cols);
  return { weight: matrix(rows, cols, out), loss, record: rec, timings: { inverseS: inv.seconds, updateS: (performance.now() - t0) / 1000, matmulFlops: flops } };
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

function setGroup(rec: QuantRecord, g: number, r: number, p: QuantParams): void {
  rec.scales[g * rec.rows + r] = p.scale;
  rec.zeros[g * rec.rows + r] = p.zero;
}
