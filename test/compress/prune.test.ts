import { describe, expect, it } from 'vitest';
import { getEngine } from '../../main/tensor/index.js';
import { magnitudePrune } from '../../main/compress/prune/magnitude.js';
import { wandaPrune, InputNormAccumulator } from '../../main/compress/prune/wanda.js';
import { sparseGptPrune } from '../../main/compress/prune/sparsegpt.js';
import { markSmallest, sparsityOf } from '../../main/compress/prune/mask.js';
import { dequantRecord } from '../../main/compress/quant/minmax.js';
import { correlatedInputs, hessianOf, outputError, randomMatrix } from './fixtures.js';

const engine = getEngine();
const w = randomMatrix(32, 128, 21);
const x = correlatedInputs(384, 128, 23);
const h = hessianOf(x, 3);
const nm24 = { n: 2, m: 4 };

function zerosPerGroup(data: Float32Array, rows: number, cols: number, m: number): number[] {
  const counts: number[] = [];
  for (let r = 0; r < rows; r++)
    for (let c0 = 0; c0 < cols; c0 += m) {
      let z = 0;
      for (let k = 0; k < m; k++) if (data[r * cols + c0 + k] === 0) z++;
      counts.push(z);
    }
  return counts;
}

describe('masks', () => {
  it('markSmallest marks exactly k, breaking ties by index', () => {
    const mask = new Uint8Array(6);
    markSmallest(new Float32Array([3, 1, 1, 1, 0, 5]), 3, mask);
    expect(Array.from(mask)).toEqual([0, 1, 1, 0, 1, 0]);
  });
});

describe('magnitude', () => {
  it('unstructured hits the target sparsity exactly and removes the smallest |W|', () => {
    for (const p of [0.3, 0.5, 0.7]) {
      const { weight } = magnitudePrune(w, { sparsity: p, nm: null });
      expect(sparsityOf(weight.data)).toBeCloseTo(Math.round(p * w.data.length) / w.data.length, 12);
      let keptMin = Infinity;
      let prunedMax = 0;
      for (let i = 0; i < w.data.length; i++)
        if (weight.data[i] === 0) prunedMax = Math.max(prunedMax, Math.abs(w.data[i]));
        else keptMin = Math.min(keptMin, Math.abs(w.data[i]));
      expect(prunedMax).toBeLessThanOrEqual(keptMin);
    }
  });
  it('2:4 and 4:8 zero exactly N in every aligned group of M', () => {
    expect(new Set(zerosPerGroup(magnitudePrune(w, { sparsity: 0.5, nm: nm24 }).weight.data, 32, 128, 4))).toEqual(new Set([2]));
    expect(new Set(zerosPerGroup(magnitudePrune(w, { sparsity: 0.5, nm: { n: 4, m: 8 } }).weight.data, 32, 128, 8))).toEqual(new Set([4]));
  });
});

describe('Wanda', () => {
  it('equals magnitude when all input norms are equal (2:4, and per-row unstructured)', () => {
    const equal = new Float64Array(128).fill(2.5);
    expect(wandaPrune(w, equal, { sparsity: 0.5, nm: nm24 }).weight.data).toEqual(magnitudePrune(w, { sparsity: 0.5, nm: nm24 }).weight.data);
    expect(wandaPrune(w, equal, { sparsity: 0.5, nm: null }).weight.data).toEqual(magnitudePrune(w, { sparsity: 0.5, nm: null }, 'row').weight.data);
  });
  it('differs from magnitude and lowers output error when input norms differ', () => {
    const acc = new InputNormAccumulator(128);
    const xs = correlatedInputs(384, 128, 29, [3, 40, 77, 100], 8);
    acc.add(xs);
    const wa = wandaPrune(w, acc.meanSquares(), { sparsity: 0.5, nm: null });
    const mg = magnitudePrune(w, { sparsity: 0.5, nm: null });
    expect(wa.weight.data).not.toEqual(mg.weight.data);
    expect(outputError(xs, w, wa.weight)).toBeLessThan(outputError(xs, w, mg.weight));
    for (let r = 0; r < 32; r++) expect(sparsityOf(wa.weight.data.subarray(r * 128, (r + 1) * 128))).toBe(0.5);
  });
  it('input norm accumulator is the mean of x² over tokens', () => {
    const acc = new InputNormAccumulator(2);
    acc.add({ rows: 2, cols: 2, data: new Float32Array([1, 2, 3, 4]) });
    expect(Array.from(acc.meanSquares())).toEqual([5, 10]);
  });
});

describe('SparseGPT', () => {
  it('has lower output error than magnitude at equal sparsity (50% and 2:4)', () => {
    for (const nm of [null, nm24]) {
      const s = sparseGptPrune(w, h, { sparsity: 0.5, nm, damp: 0.01, blockSize: 32 }, engine);
      const m = magnitudePrune(w, { sparsity: 0.5, nm });
      expect(outputError(x, w, s.weight)).toBeLessThan(0.8 * outputError(x, w, m.weight));
    }
  });
  it('hits unstructured targets and exact 2:4 groups', () => {
    for (const p of [0.25, 0.5, 0.6]) {
      const s = sparseGptPrune(w, h, { sparsity: p, nm: null, damp: 0.01, blockSize: 32 }, engine);
      expect(Math.abs(sparsityOf(s.weight.data) - p)).toBeLessThan(1 / 1024);
    }
    const s24 = sparseGptPrune(w, h, { sparsity: 0.5, nm: nm24, damp: 0.01, blockSize: 32 }, engine);
    expect(new Set(zerosPerGroup(s24.weight.data, 32, 128, 4))).toEqual(new Set([2]));
  });
  it('with quantization: pruned weights stay 0, ≤ 2^b values per group, record dequantizes to the weights', () => {
    const s = sparseGptPrune(w, h, { sparsity: 0.5, nm: nm24, damp: 0.01, blockSize: 32, quant: { bits: 4, groupSize: 32, sym: false } }, engine);
    expect(new Set(zerosPerGroup(s.weight.data, 32, 128, 4)).has(1)).toBe(false);
    expect(Math.min(...zerosPerGroup(s.weight.data, 32, 128, 4))).toBeGreaterThanOrEqual(2);
    expect(dequantRecord(s.record!)).toEqual(s.weight.data);
    for (let r = 0; r < 32; r++) for (let g = 0; g < 4; g++) expect(new Set(s.weight.data.subarray(r * 128 + g * 32, r * 128 + g * 32 + 32)).size).toBeLessThanOrEqual(16);
  });
});
