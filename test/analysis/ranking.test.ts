import { describe, expect, it } from 'vitest';
import { averageRanks, jaccard, kendallTauB, pearson, spearmanRho, topKConsistency, topKIndices } from '../../main/analysis/ranking.js';

describe('topKIndices', () => {
  it('returns the k largest ids, largest first, equal values by lower id', () => {
    expect(Array.from(topKIndices([0.1, 5, 3, 5, -1], 3))).toEqual([1, 3, 2]);
    expect(Array.from(topKIndices([0.1, 5, 3, 5, -1], 1))).toEqual([1]);
  });
  it('works on a row of a larger buffer and caps k at the row length', () => {
    const buf = Float32Array.from([9, 9, 9, 1, 4, 2, 9, 9]);
    expect(Array.from(topKIndices(buf, 10, 3, 3))).toEqual([1, 2, 0]);
  });
  it('agrees with a full sort on a long row', () => {
    const row = Float32Array.from({ length: 1000 }, (_, i) => (Math.sin(i * 12.9898) * 43758.5453) % 1);
    const sorted = Array.from(row.keys()).sort((a, b) => row[b] - row[a] || a - b);
    expect(Array.from(topKIndices(row, 20))).toEqual(sorted.slice(0, 20));
  });
});

describe('jaccard', () => {
  it('|A∩B| / |A∪B|', () => {
    expect(jaccard([1, 2, 3], [2, 3, 4])).toBe(0.5);
    expect(jaccard([7], [7])).toBe(1);
    expect(jaccard([7], [8])).toBe(0);
    expect(jaccard([3, 1, 2], [1, 2, 3])).toBe(1);
  });
});

describe('Kendall τ-b', () => {
  it('hand case with ties in both vectors: n_c = 3, n_d = 1, n₀ = 6, n₁ = n₂ = 1 → 2/5', () => {
    expect(kendallTauB([1, 2, 2, 3], [1, 3, 2, 2])).toBeCloseTo(0.4, 15);
  });
  it('hand case with ties in x only: x=(1,1,2), y=(1,2,3) → n_c=2, n_d=0, n₁=1 → 2/√(2·3)', () => {
    expect(kendallTauB([1, 1, 2], [1, 2, 3])).toBeCloseTo(2 / Math.sqrt(6), 15);
  });
  it('hand case x=(12,2,1,12,2), y=(1,4,7,1,0): n_c=2, n_d=6, n₁=2, n₂=1 → −4/√72', () => {
    expect(kendallTauB([12, 2, 1, 12, 2], [1, 4, 7, 1, 0])).toBeCloseTo(-4 / Math.sqrt(72), 15);
  });
  it('identical and reversed orders give ±1 exactly', () => {
    expect(kendallTauB([4, 3, 2, 1], [40, 30, 20, 10])).toBe(1);
    expect(kendallTauB([4, 3, 3, 1], [4, 3, 3, 1])).toBe(1);
    expect(kendallTauB([1, 2, 3], [3, 2, 1])).toBe(-1);
  });
  it('is null when undefined (k = 1, or a vector entirely tied)', () => {
    expect(kendallTauB([1], [2])).toBeNull();
    expect(kendallTauB([1, 1, 1], [1, 2, 3])).toBeNull();
  });
});

describe('Spearman ρ', () => {
  it('average ranks for ties', () => {
    expect(Array.from(averageRanks([10, 20, 20, 30]))).toEqual([1, 2.5, 2.5, 4]);
    expect(Array.from(averageRanks([5, 5, 5]))).toEqual([2, 2, 2]);
  });
  it('hand case with ties: ranks (1,2.5,2.5,4) vs (1,4,2.5,2.5) → 2.25 / 4.5 = 0.5', () => {
    expect(spearmanRho([1, 2, 2, 3], [1, 3, 2, 2])).toBeCloseTo(0.5, 15);
  });
  it('no ties: 1 − 6Σd²/(n(n²−1)) for x=(1,2,3,4), y=(1,3,2,4) → 1 − 12/60 = 0.8', () => {
    expect(spearmanRho([1, 2, 3, 4], [1, 3, 2, 4])).toBeCloseTo(0.8, 15);
  });
  it('hand case x=(1..5), y=(5,6,7,8,7): y ranks (1,2,3.5,5,3.5) → Σdd = 8, Σdx² = 10, Σdy² = 9.5 → 8/√95', () => {
    expect(spearmanRho([1, 2, 3, 4, 5], [5, 6, 7, 8, 7])).toBeCloseTo(8 / Math.sqrt(95), 15);
  });
  it('without ties equals 1 − 6Σd²/(n(n²−1)) on random permutations', () => {
    let s = 99;
    const rand = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
    for (let trial = 0; trial < 20; trial++) {
      const n = 2 + Math.floor(rand() * 19);
      const perm = Array.from({ length: n }, (_, i) => i + 1).sort(() => rand() - 0.5);
      const ident = Array.from({ length: n }, (_, i) => i + 1);
      const d2 = perm.reduce((a, p, i) => a + (p - (i + 1)) ** 2, 0);
      expect(spearmanRho(ident, perm)).toBeCloseTo(1 - (6 * d2) / (n * (n * n - 1)), 12);
    }
  });
  it('identical order gives exactly 1, reversed −1, constant or single value null', () => {
    expect(spearmanRho([0.5, 3, 3, 9], [1, 7, 7, 8])).toBe(1);
    expect(spearmanRho([1, 2, 3], [9, 8, 7])).toBe(-1);
    expect(spearmanRho([1], [1])).toBeNull();
    expect(spearmanRho([2, 2], [1, 3])).toBeNull();
    expect(pearson([1, 2, 3], [2, 4, 6])).toBeCloseTo(1, 15);
  });
});

describe('topKConsistency', () => {
  const base = Float32Array.from([5, 4, 3, 2, 1, 0]);
  const comp = Float32Array.from([4, 5, 0, 2, 3, 1]);
  const baseTop = topKIndices(base, 6);
  const compTop = topKIndices(comp, 6);
  it('k = 1: Jaccard is argmax agreement, τ and ρ are null', () => {
    const [r] = topKConsistency(base, comp, 0, 0, baseTop, compTop, [1]);
    expect(r).toEqual({ k: 1, jaccard: 0, kendallTau: null, spearmanRho: null });
  });
  it('k = 3: base top-3 ids {0,1,2} vs compressed {1,0,4}; correlations on ids 0,1,2', () => {
    const [r] = topKConsistency(base, comp, 0, 0, baseTop, compTop, [3]);
    expect(r.jaccard).toBe(2 / 4);
    // x = (5,4,3), y = (4,5,0): pairs (0,1) D, (0,2) C, (1,2) C → τ = 1/3; ranks (3,2,1) vs (2,3,1) → ρ = 0.5
    expect(r.kendallTau).toBeCloseTo(1 / 3, 15);
    expect(r.spearmanRho).toBeCloseTo(0.5, 15);
  });
  it('identical rows give Jaccard 1, τ 1, ρ 1 for every k', () => {
    for (const r of topKConsistency(base, base, 0, 0, baseTop, baseTop, [1, 3, 5])) {
      expect(r.jaccard).toBe(1);
      if (r.k > 1) {
        expect(r.kendallTau).toBe(1);
        expect(r.spearmanRho).toBe(1);
      }
    }
  });
});
