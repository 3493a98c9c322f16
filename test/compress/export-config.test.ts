import { describe, expect, it } from 'vitest';
import { getEngine } from '../../main/tensor/index.js';
import { fromFp16Bits, toFp16Bits } from '../../main/compress/export/fp16.js';
import { packAwq, packBitStream, packGptq, unpackAwq, unpackBitStream, unpackGptq } from '../../main/compress/export/pack.js';
import { gptqQuantize } from '../../main/compress/quant/gptq.js';
import { rtnQuantize } from '../../main/compress/quant/rtn.js';
import { awqQuantize } from '../../main/compress/quant/awq.js';
import { dequantRecord, type QuantRecord } from '../../main/compress/quant/minmax.js';
import { resolveConfig, validateAgainstModel } from '../../main/compress/config.js';
import { CompressionConfigError, CompressionShapeError, ExportFormatError } from '../../main/compress/errors.js';
import { correlatedInputs, hessianOf, randomMatrix } from './fixtures.js';

const engine = getEngine();

/** The record with its scales as the packed formats store them (fp16). */
const withFp16Scales = (r: QuantRecord): QuantRecord => ({ ...r, scales: r.scales.map((v) => fromFp16Bits(toFp16Bits(v))) });

describe('fp16', () => {
  it('converts hand-checked values', () => {
    expect(toFp16Bits(1)).toBe(0x3c00);
    expect(toFp16Bits(-2)).toBe(0xc000);
    expect(toFp16Bits(65504)).toBe(0x7bff);
    expect(toFp16Bits(1e6)).toBe(0x7c00);
    expect(toFp16Bits(2 ** -24)).toBe(0x0001);
    expect(toFp16Bits(0.1)).toBe(0x2e66);
    expect(toFp16Bits(1 + 2 ** -11)).toBe(0x3c00); // tie → even
    expect(toFp16Bits(1 + 3 * 2 ** -11)).toBe(0x3c02);
    expect(fromFp16Bits(0x3555)).toBeCloseTo(0.33325, 5);
    for (let h = 0; h < 0x7c00; h += 37) expect(toFp16Bits(fromFp16Bits(h))).toBe(h);
  });
});

describe('bit-stream packing', () => {
  it('packs 4-bit codes with k = 0 in the lowest bits', () => {
    expect(packBitStream([1, 2, 3, 4, 5, 6, 7, 8], 4)[0]).toBe(0x87654321 | 0);
  });
  it('packs 3-bit codes across word boundaries and unpacks them', () => {
    const v = Array.from({ length: 64 }, (_, i) => (i * 5) % 8);
    const words = packBitStream(v, 3);
    expect(words.length).toBe(6);
    expect(Array.from(unpackBitStream(words, 3, 64))).toEqual(v);
    // q[10] straddles: its low 2 bits are bits 30–31 of word 0, its high bit is bit 0 of word 1
    expect(((words[0] >>> 30) & 3) | ((words[1] & 1) << 2)).toBe(v[10]);
  });
});

describe('GPTQ export', () => {
  const w = randomMatrix(64, 128, 61, 0.1);
  const h = hessianOf(correlatedInputs(256, 128, 62), 2);
  it('keeps the codes and rounds only the scales to fp16, for 2, 3, 4, 8 bits, with and without act-order', () => {
    for (const bits of [2, 3, 4, 8])
      for (const actOrder of [false, true]) {
        const g = gptqQuantize(w, h, { bits, groupSize: 32, sym: true, actOrder, damp: 0.01, blockSize: 32, staticGroups: false }, engine);
        const t = packGptq(g.record);
        expect(t.shapes.qweight).toEqual([(128 * bits) / 32, 64]);
        expect(t.shapes.scales).toEqual([4, 64]);
        // the format stores fp16 scales: Ŵ_packed = fp16(s)·(q − z) exactly, the codes unchanged
        expect(Array.from(t.scales)).toEqual(Array.from(g.record.scales, (v) => toFp16Bits(v)));
        const back = unpackGptq(t, bits, 64, 128);
        expect(back).toEqual(dequantRecord(withFp16Scales(g.record)));
        // … within |q − z|·|s − fp16(s)| ≤ 2⁻¹¹·|ŵ| of the float32-scale fake-quant weights the model ran with
        let changed = 0;
        for (let i = 0; i < back.length; i++) {
          expect(Math.abs(back[i] - g.weight.data[i])).toBeLessThanOrEqual(2 ** -11 * Math.abs(g.weight.data[i]) + 1e-12);
          if (back[i] !== g.weight.data[i]) changed++;
        }
        expect(changed).toBeGreaterThan(0); // the scales really were float32
        if (actOrder) expect(Array.from(t.gIdx)).not.toEqual(Array.from({ length: 128 }, (_, i) => Math.floor(i / 32)));
      }
  });
  it('refuses asymmetric zero points of 0 (the v1 format stores zero − 1)', () => {
    const positive = randomMatrix(32, 64, 63); // all weights ≥ 0 → xmin = 0 → zero point 0
    const r = rtnQuantize({ ...positive, data: positive.data.map(Math.abs) }, { bits: 4, groupSize: 32, sym: false });
    expect(() => packGptq(r.record)).toThrow(ExportFormatError);
  });
});

describe('AWQ GEMM export', () => {
  it('round-trips bit-exactly and uses the [0,2,4,6,1,3,5,7] order', () => {
    const w = randomMatrix(32, 256, 71, 0.1);
    const { weight, record } = awqQuantize(w, 4, 128);
    const t = packAwq(record);
    expect(t.shapes.qweight).toEqual([256, 4]);
    expect(unpackAwq(t, 32, 256, 128)).toEqual(weight.data);
    expect(dequantRecord(record)).toEqual(weight.data);
    // first word: output o at nibble position order.indexOf(o)
    const order = [0, 2, 4, 6, 1, 3, 5, 7];
    for (let k = 0; k < 8; k++) expect((t.qweight[0] >>> (4 * k)) & 0xf).toBe(record.codes[order[k] * 256 + 0]);
  });
});

describe('configuration validation', () => {
  const model = { hiddenSize: 64, intermediateSize: 128, numHeads: 4, headDim: 16 } as Parameters<typeof validateAgainstModel>[1];
  it('rejects wrong combinations with what was expected and found', () => {
    expect(() => resolveConfig({ method: 'awq', pattern: '2:4' })).toThrow(/expected a pruning method.*found method awq/);
    expect(() => resolveConfig({ method: 'gptq', bits: 9 })).toThrow(CompressionConfigError);
    expect(() => resolveConfig({ method: 'gptq', bits: 1 })).toThrow(/bits: expected an integer 2–8, found 1/);
    expect(() => resolveConfig({ method: 'wanda', pattern: '2:4', sparsity: 0.7 })).toThrow(/expected 0.5 for pattern 2:4/);
    expect(() => resolveConfig({ method: 'rtn', sparsity: 0.5 })).toThrow(CompressionConfigError);
    expect(() => resolveConfig({ method: 'smoothquant', bits: 4 })).toThrow(/8 for smoothquant/);
    expect(() => resolveConfig({ method: 'wanda', alpha: 0.5 })).toThrow(/alpha/);
    expect(() => resolveConfig({ method: 'rtn', actOrder: true })).toThrow(/actOrder/);
  });
  it('rejects N:M and group sizes that do not divide the model widths', () => {
    expect(() => validateAgainstModel(resolveConfig({ method: 'wanda', pattern: '2:4' }), { ...model, hiddenSize: 66 })).toThrow(CompressionShapeError);
    expect(() => validateAgainstModel(resolveConfig({ method: 'wanda', pattern: '2:4' }), { ...model, hiddenSize: 66 })).toThrow(/divisible by 4, found 66/);
    expect(() => validateAgainstModel(resolveConfig({ method: 'gptq' }), model)).toThrow(/divisible by 128/);
    expect(() => validateAgainstModel(resolveConfig({ method: 'gptq', groupSize: 32 }), model)).not.toThrow();
  });
  it('fills the study defaults', () => {
    const g = resolveConfig({ method: 'gptq' });
    expect([g.bits, g.groupSize, g.sym, g.damp, g.blockSize, g.trueSequential]).toEqual([4, 128, true, 0.01, 128, true]);
    const a = resolveConfig({ method: 'awq' });
    expect([a.bits, a.groupSize, a.sym]).toEqual([4, 128, false]);
    expect(resolveConfig({ method: 'sparsegpt', pattern: '2:4' }).sparsity).toBe(0.5);
    expect(resolveConfig({ method: 'sparsegpt', bits: 4 }).quantizeAfterPruning).toBe(true);
  });
});
