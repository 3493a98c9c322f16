// FP8 E4M3 simulated quantization (spec §7): scale = absmax/448 (per tensor or per output row);
// v = clamp(x/scale, ±448); round v to the nearest E4M3 value — normal step 2^(⌊log2|v|⌋ − 3) for
// |v| ≥ 2⁻⁶, subnormal step 2⁻⁹ — half to even; x̂ = v·scale. The exponent comes from the float bits.
import type { Matrix } from '../../tensor/index.js';
import { matrix } from '../../tensor/index.js';
import { weightMse, type LayerStep } from '../step.js';
import { roundHalfEven } from './minmax.js';

export const E4M3_MAX = 448;
const MIN_NORMAL_EXP = -6;

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);

/** ⌊log2|v|⌋ for finite v ≠ 0, read from the IEEE-754 double's exponent field. */
export function floorLog2(v: number): number {
  f64[0] = v;
  const hi = u32[1]; // little-endian: high word second
  const e = (hi >>> 20) & 0x7ff;
  if (e === 0) return Math.floor(Math.log2(Math.abs(v))); // double subnormal: never reached for E4M3 ranges
  return e - 1023;
}

/** Nearest E4M3 value to v (v already scaled; saturates at ±448). */
export function roundE4M3(v: number): number {
  if (v === 0) return v;
  if (Number.isNaN(v)) return Number.NaN;
  const a = Math.min(Math.abs(v), E4M3_MAX);
  const e = Math.max(floorLog2(a), MIN_NORMAL_EXP);
  const step = 2 ** (e - 3);
  const r = Math.min(roundHalfEven(a / step) * step, E4M3_MAX);
  return v < 0 ? -r : r;
}

export function fp8Quantize(w: Matrix, granularity: 'tensor' | 'channel'): { weight: Matrix; scales: Float32Array } {
  const { rows, cols } = w;
  const out = new Float32Array(rows * cols);
  const scales = new Float32Array(granularity === 'tensor' ? 1 : rows);
  let tensorMax = 0;
  if (granularity === 'tensor') for (let i = 0; i < w.data.length; i++) tensorMax = Math.max(tensorMax, Math.abs(w.data[i]));
  for (let r = 0; r < rows; r++) {
    let amax = tensorMax;
    if (granularity === 'channel') for (let c = 0; c < cols; c++) amax = Math.max(amax, Math.abs(w.data[r * cols + c]));
    const scale = Math.fround(amax > 0 ? amax / E4M3_MAX : 1);
    scales[granularity === 'tensor' ? 0 : r] = scale;
    for (let c = 0; c < cols; c++) {
      const v = Math.max(-E4M3_MAX, Math.min(E4M3_MAX, Math.fround(w.data[r * cols + c] / scale)));
      out[r * cols + c] = Math.fround(roundE4M3(v) * scale);
    }
  }
  return { weight: matrix(rows, cols, out), scales };
}

/** FP8's layer step: each linear on its own, no calibration. */
export const fp8Step: LayerStep = {
  linear(_name, w, _stats, { config }) {
    const r = fp8Quantize(w, config.fp8Granularity);
    return { weight: r.weight, loss: weightMse(w, r.weight), lossKind: 'weight-mse' };
  },
};
