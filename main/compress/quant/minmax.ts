// Shared min-max quantizer (GPTQ, RTN, SparseGPT+quant), spec §0:
//   xmin = min(0, min w), xmax = max(0, max w); sym: xmax = max(|xmin|, xmax), xmin = −xmax;
//   scale = (xmax − xmin)/maxq; zero = (maxq+1)/2 (sym) or round(−xmin/scale);
//   q = clamp(round(w/scale) + zero, 0, maxq); ŵ = scale·(q − zero).
// Rounding is half-to-even and every step is a float32 operation, as torch does on the float32 W of the references
// (IST-DASLab/gptq quant.py, AutoGPTQ quantizer.py): scale = fl32(fl32(xmax − xmin)/maxq) stays float32. The fp16
// rounding a packed checkpoint needs happens in the exporters (export/pack.ts), not here.
import { roundHalfEven } from '../../model/index.js';

export { roundHalfEven };

export interface QuantParams {
  scale: number;
  zero: number;
  maxq: number;
}

/** Fit scale/zero to values w[offset + k·stride], k < count (one row of one group). */
export function fitMinMax(w: Float32Array, offset: number, count: number, stride: number, bits: number, sym: boolean): QuantParams {
  const maxq = 2 ** bits - 1;
  let xmin = 0;
  let xmax = 0;
  for (let k = 0; k < count; k++) {
    const v = w[offset + k * stride];
    if (v < xmin) xmin = v;
    if (v > xmax) xmax = v;
  }
  if (sym) {
    xmax = Math.max(-xmin, xmax);
    if (xmin < 0) xmin = -xmax;
  }
  if (xmin === 0 && xmax === 0) {
    xmin = -1;
    xmax = 1;
  }
  const scale = float32Scale(Math.fround(xmax - xmin) / maxq);
  const zero = sym ? (maxq + 1) / 2 : roundHalfEven(Math.fround(-xmin / scale));
  return { scale, zero, maxq };
}

/**
 * fl32(range/maxq). The references divide by zero when a row's range is below float32's smallest step times maxq
 * (NaN weights); such a scale is kept at the smallest positive float32 instead, so the codes stay defined.
 */
export function float32Scale(quotient: number): number {
  const s = Math.fround(quotient);
  return s > 0 ? s : 2 ** -149;
}

/** Integer code of w: clamp(round(w/scale) + zero, 0, maxq). */
export function quantCode(w: number, p: QuantParams): number {
  const q = roundHalfEven(Math.fround(w / p.scale)) + p.zero;
  return q < 0 ? 0 : q > p.maxq ? p.maxq : q;
}

/** ŵ = scale·(q − zero), rounded to float32. */
export function dequant(q: number, p: QuantParams): number {
  return Math.fround(p.scale * (q - p.zero));
}

export const quantize = (w: number, p: QuantParams): number => dequant(quantCode(w, p), p);

/**
 * Quantization record of one matrix [rows, cols]: integer codes, one (scale, zero) per (group, row),
 * and each input column's group. Ŵ[r, c] = scales[g·rows + r]·(codes[r·cols + c] − zeros[g·rows + r]), g = gIdx[c].
 */
export interface QuantRecord {
  bits: number;
  rows: number;
  cols: number;
  groupSize: number;
  sym: boolean;
  codes: Uint8Array;
  scales: Float32Array;
  zeros: Float32Array;
  gIdx: Int32Array;
  /** columns were processed in this order (GPTQ act-order), else undefined */
  perm?: Int32Array;
}

export function newQuantRecord(rows: number, cols: number, bits: number, groupSize: number, sym: boolean): QuantRecord {
  const groups = groupSize > 0 ? Math.ceil(cols / groupSize) : 1;
  return {
    bits,
    rows,
    cols,
    groupSize,
    sym,
    codes: new Uint8Array(rows * cols),
    scales: new Float32Array(groups * rows),
    zeros: new Float32Array(groups * rows),
    gIdx: new Int32Array(cols),
  };
}

/** Rebuild Ŵ from a QuantRecord (the fake-quant weights any export must reproduce). */
export function dequantRecord(r: QuantRecord): Float32Array {
  const out = new Float32Array(r.rows * r.cols);
  for (let i = 0; i < r.rows; i++)
    for (let c = 0; c < r.cols; c++) {
      const g = r.gIdx[c] * r.rows + i;
      out[i * r.cols + c] = Math.fround(r.scales[g] * (r.codes[i * r.cols + c] - r.zeros[g]));
    }
  return out;
}
