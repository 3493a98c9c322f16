import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PackedWeightError, packedQuantizationOf, unpackBitStream, unpackGptq } from '../../main/model/index.js';
import { tempDir } from '../helpers/tmp.js';

const folder = (files: Record<string, unknown>) => {
  const d = tempDir('acb-q-');
  for (const [f, v] of Object.entries(files)) writeFileSync(join(d, f), JSON.stringify(v));
  return d;
};

describe('packed checkpoints (GPTQ / AWQ)', () => {
  it('reads quantization_config, AutoGPTQ quantize_config.json and the v1/v2 zero convention', () => {
    expect(packedQuantizationOf(folder({ 'config.json': {} }))).toBeUndefined();
    expect(packedQuantizationOf(folder({ 'config.json': { quantization_config: { quant_method: 'fp8' } } }))).toBeUndefined();
    expect(packedQuantizationOf(folder({ 'config.json': {}, 'quantize_config.json': { bits: 3, group_size: 64 } }))).toEqual({ method: 'gptq', bits: 3, groupSize: 64, zeroMinusOne: true });
    expect(packedQuantizationOf(folder({ 'config.json': { quantization_config: { quant_method: 'gptq', bits: 4, group_size: -1, checkpoint_format: 'gptq_v2' } } }))).toEqual({
      method: 'gptq',
      bits: 4,
      groupSize: -1,
      zeroMinusOne: false,
    });
    expect(packedQuantizationOf(folder({ 'config.json': { quantization_config: { quant_method: 'awq', bits: 4, group_size: 128, version: 'gemm' } } }))).toEqual({
      method: 'awq',
      bits: 4,
      groupSize: 128,
      zeroMinusOne: false,
    });
    expect(() => packedQuantizationOf(folder({ 'config.json': { quantization_config: { quant_method: 'awq', bits: 4, version: 'gemv' } } }))).toThrow(/AWQ version "gemm", found "gemv"/);
    expect(() => packedQuantizationOf(folder({ 'config.json': { quantization_config: { quant_method: 'gptq', bits: 5 } } }))).toThrow(PackedWeightError);
  });

  it('unpacks a hand-packed 4-bit column: v1 adds one to the stored zero, v2 does not', () => {
    // one output column, 8 input rows with codes 0…7 in one word (row k in bits 4k…4k+3); scale 0.5 (fp16 0x3800)
    const word = [0, 1, 2, 3, 4, 5, 6, 7].reduce((w, q, k) => w | (q << (4 * k)), 0);
    expect(Array.from(unpackBitStream(Int32Array.of(word), 4, 8))).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    // out = 8 columns so the zeros fill one word: stored zero 3 for every output
    const qweight = new Int32Array(8).fill(word);
    const qzeros = Int32Array.of(0x33333333);
    const scales = new Uint16Array(8).fill(0x3800);
    const gIdx = new Int32Array(8);
    const v1 = unpackGptq({ qweight, qzeros, scales, gIdx }, 4, 8, 8, true);
    const v2 = unpackGptq({ qweight, qzeros, scales, gIdx }, 4, 8, 8, false);
    expect(Array.from(v1.subarray(0, 8))).toEqual([-2, -1.5, -1, -0.5, 0, 0.5, 1, 1.5]); // 0.5·(q − 4)
    expect(Array.from(v2.subarray(0, 8))).toEqual([-1.5, -1, -0.5, 0, 0.5, 1, 1.5, 2]); // 0.5·(q − 3)
  });
});
