// RTN (round to nearest) baseline: the min-max quantizer of spec §0 applied directly,
//   Ŵ[r, G] = s_{r,G}·(clamp(round(W[r, G]/s_{r,G}) + z_{r,G}, 0, 2^b − 1) − z_{r,G}) per row r and column group G.
import type { Matrix } from '../../tensor/index.js';
import { matrix } from '../../tensor/index.js';
import { weightMse, type LayerStep } from '../step.js';
import { type QuantRecord, fitMinMax, newQuantRecord, quantCode, dequant } from './minmax.js';

export interface RtnOptions {
  bits: number;
  /** −1 = one group per row */
  groupSize: number;
  sym: boolean;
}

export function rtnQuantize(w: Matrix, o: RtnOptions): { weight: Matrix; record: QuantRecord } {
  const { rows, cols } = w;
  const gs = o.groupSize > 0 ? o.groupSize : cols;
  const rec = newQuantRecord(rows, cols, o.bits, o.groupSize, o.sym);
  const out = new Float32Array(rows * cols);
  for (let c = 0; c < cols; c++) rec.gIdx[c] = o.groupSize > 0 ? Math.floor(c / gs) : 0;
  for (let g0 = 0, g = 0; g0 < cols; g0 += gs, g++) {
    const n = Math.min(gs, cols - g0);
    for (let r = 0; r < rows; r++) {
      const p = fitMinMax(w.data, r * cols + g0, n, 1, o.bits, o.sym);
      rec.scales[g * rows + r] = p.scale;
      rec.zeros[g * rows + r] = p.zero;
      for (let c = g0; c < g0 + n; c++) {
        const q = quantCode(w.data[r * cols + c], p);
        rec.codes[r * cols + c] = q;
        out[r * cols + c] = dequant(q, p);
      }
    }
  }
  return { weight: matrix(rows, cols, out), record: rec };
}

/** RTN's layer step: each linear on its own, no calibration. */
export const rtnStep: LayerStep = {
  linear(_name, w, _stats, { config }) {
    const r = rtnQuantize(w, config);
    return { weight: r.weight, record: r.record, loss: weightMse(w, r.weight), lossKind: 'weight-mse' };
  },
};
