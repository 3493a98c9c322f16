// IEEE half precision: GPTQ/AWQ checkpoints store their scales as fp16 (the packers round them here; AWQ's quantizer works
// in fp16 as the reference's fp16 model does).

import { f16ToF32, toFp16Bits } from '../../model/index.js';

export { toFp16Bits };

/** fp16 bits → number (the model room's decoder, which reads fp16 checkpoints). */
export const fromFp16Bits = f16ToF32;

/** Nearest fp16 value, never below the smallest positive subnormal for positive inputs (scales must not vanish). */
export function toFp16Scale(v: number): number {
  const r = fromFp16Bits(toFp16Bits(v));
  return v > 0 && r === 0 ? 2 ** -24 : r;
}
