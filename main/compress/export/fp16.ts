// IEEE half precision: GPTQ/AWQ checkpoints store their scales as fp16 (the packers round them here; AWQ's quantizer works
// in fp16 as the reference's fp16 model does).

import { f16ToF32 } from '../../model/index.js';
const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** float → fp16 bits, round to nearest even, with subnormals, ±Inf and NaN. */
export function toFp16Bits(value: number): number {
  f32[0] = value;
  const x = u32[0];
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    let half = mant >>> shift;
    const rem = mant & ((1 << shift) - 1);
    const mid = 1 << (shift - 1);
    if (rem > mid || (rem === mid && half & 1)) half++;
    return sign | half;
  }
  let half = (e << 10) | (mant >>> 13);
  const rem = mant & 0x1fff;
  if (rem > 0x1000 || (rem === 0x1000 && half & 1)) half++; // carry may roll into the exponent: still correct
  return sign | half;
}

/** fp16 bits → number (the model room's decoder, which reads fp16 checkpoints). */
export const fromFp16Bits = f16ToF32;

/** Nearest fp16 value, never below the smallest positive subnormal for positive inputs (scales must not vanish). */
export function toFp16Scale(v: number): number {
  const r = fromFp16Bits(toFp16Bits(v));
  return v > 0 && r === 0 ? 2 ** -24 : r;
}
