// Half-precision formats as stored in checkpoints: IEEE fp16 and bfloat16, to and from float32.

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** fp16 bits → number. */
export function f16ToF32(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 0) return s * m * 2 ** -24;
  if (e === 31) return m ? NaN : s * Infinity;
  return s * (1 + m / 1024) * 2 ** (e - 15);
}

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

/** float32 → bf16 bits, round to nearest even (NaN kept quiet), as torch's .to(bfloat16). */
export function toBf16Bits(value: number): number {
  f32[0] = value;
  const x = u32[0];
  if ((x & 0x7fffffff) > 0x7f800000) return ((x >>> 16) | 0x40) & 0xffff;
  return ((x + 0x7fff + ((x >>> 16) & 1)) >>> 16) & 0xffff;
}

/** bf16 bits → number (bf16 is the high half of a float32). */
export function bf16ToF32(h: number): number {
  u32[0] = (h & 0xffff) << 16;
  return f32[0];
}

/** Widen fp16 or bf16 bits to float32, into `out` (allocated when not given). */
export function widenHalf(bits: Uint16Array, dtype: 'F16' | 'BF16', out = new Float32Array(bits.length)): Float32Array {
  if (dtype === 'BF16') {
    const o = new Uint32Array(out.buffer, out.byteOffset, out.length);
    for (let i = 0; i < bits.length; i++) o[i] = bits[i] << 16;
  } else for (let i = 0; i < bits.length; i++) out[i] = f16ToF32(bits[i]);
  return out;
}
