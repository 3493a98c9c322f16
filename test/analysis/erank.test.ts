import { describe, expect, it } from 'vitest';
import { JsEngine, matrix } from '../../main/tensor/index.js';
import { centreAndNormaliseRows, datasetERank, eRank, eRankEntropy, eRankFromEigenvalues, eRankSpectrum, chooseERankForm } from '../../main/analysis/erank.js';
import { diffERankSeries } from '../../main/analysis/pair.js';
import { ERankUndefinedError } from '../../main/analysis/errors.js';

const engine = new JsEngine();

function fromRows(rows: number[][]) {
  return matrix(rows.length, rows[0].length, Float32Array.from(rows.flat()));
}

function unit(d: number, i: number, sign = 1): number[] {
  const v = new Array<number>(d).fill(0);
  v[i] = sign;
  return v;
}

// deterministic pseudo-random values (LCG) for shape tests
function lcgMatrix(rows: number, cols: number, seed: number) {
  let s = seed >>> 0;
  const data = new Float32Array(rows * cols);
  for (let i = 0; i < data.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    data[i] = s / 2 ** 32 - 0.5;
  }
  return matrix(rows, cols, data);
}

describe('eRankFromEigenvalues', () => {
  it('counts equal eigenvalues exactly', () => {
    expect(eRankFromEigenvalues([1, 1, 1, 1])).toBeCloseTo(4, 12);
    expect(eRankFromEigenvalues([5, 0, 0])).toBe(1);
  });
  it('matches a hand-computed entropy: σ = (1/2, 1/4, 1/4) → exp(1.5 ln 2) = 2^1.5', () => {
    expect(eRankFromEigenvalues([2, 1, 1])).toBeCloseTo(2 ** 1.5, 12);
  });
  it('drops normalised eigenvalues below 1e-10 and round-off negatives', () => {
    // 1000 values of 5e-11 would add ≈ 1.2e-6 to eRank if kept; dropped, only the trace shift (≈ 5e-8) remains
    const tiny = [1, ...new Array<number>(1000).fill(5e-11)];
    expect(eRankFromEigenvalues(tiny)).toBeCloseTo(1, 6);
    expect(eRankFromEigenvalues([1, 1, -1e-12])).toBeCloseTo(2, 10);
  });
  it('throws a typed error for the zero matrix', () => {
    expect(() => eRankFromEigenvalues([0, 0])).toThrow(ERankUndefinedError);
  });
});

describe('centreAndNormaliseRows', () => {
  it('subtracts column means and scales rows to unit norm', () => {
    const z = centreAndNormaliseRows(
      fromRows([
        [1, 0],
        [3, 0],
        [2, 4],
      ]),
    );
    // means (2, 4/3): rows (−1, −4/3), (1, −4/3), (0, 8/3) → norms 5/3, 5/3, 8/3
    expect(Array.from(z.data)).toEqual(Array.from(Float32Array.from([-0.6, -0.8, 0.6, -0.8, 0, 1])));
  });
});

describe('eRank (Diff-eRank definition)', () => {
  it('a rank-1 matrix has eRank 1', () => {
    const v = [0.3, -1.2, 2.0, 0.7, 0.1];
    const x = fromRows([1, -2, 0.5, 3, 7, -4].map((a) => v.map((c) => a * c)));
    expect(eRank(x, engine)).toBeCloseTo(1, 5);
  });

  it('n orthonormal directions with equal energy give n (both forms)', () => {
    const d = 6;
    const rows: number[][] = [];
    for (let i = 0; i < 3; i++) rows.push(unit(d, i, 1), unit(d, i, -1));
    const x = fromRows(rows); // 6 tokens × 6 features, mean zero, unit rows: A = diag(1/3,1/3,1/3,0,0,0)
    expect(eRank(x, engine, 'covariance')).toBeCloseTo(3, 6);
    expect(eRank(x, engine, 'gram')).toBeCloseTo(3, 6);
    const wide = fromRows(rows.map((r) => [...r, 0, 0, 0, 0])); // d = 10 > N = 6: auto picks the Gram form
    expect(chooseERankForm(6, 10)).toBe('gram');
    expect(eRank(wide, engine)).toBeCloseTo(3, 6);
  });

  it('the identity I_N has eRank N − 1 (centring removes the all-ones direction)', () => {
    const n = 5;
    const x = fromRows(Array.from({ length: n }, (_, i) => unit(n, i)));
    expect(eRank(x, engine)).toBeCloseTo(n - 1, 5);
  });

  it('unequal energy: σ = (2/3, 1/3) gives 3·2^(−2/3)', () => {
    const d = 4;
    const x = fromRows([unit(d, 0), unit(d, 0, -1), unit(d, 0), unit(d, 0, -1), unit(d, 1), unit(d, 1, -1)]);
    expect(eRank(x, engine)).toBeCloseTo(3 * 2 ** (-2 / 3), 6);
  });

  it('the Gram form has the same non-zero spectrum and eRank as the covariance form', () => {
    for (const [n, d] of [
      [5, 12],
      [12, 5],
      [7, 7],
    ]) {
      const x = lcgMatrix(n, d, n * 31 + d);
      const z = centreAndNormaliseRows(x);
      const cov = Array.from(eRankSpectrum(z, engine, 'covariance'))
        .filter((v) => v > 1e-7)
        .sort();
      const gram = Array.from(eRankSpectrum(z, engine, 'gram'))
        .filter((v) => v > 1e-7)
        .sort();
      expect(cov.length).toBe(gram.length);
      cov.forEach((v, i) => expect(gram[i]).toBeCloseTo(v, 5));
      expect(eRank(x, engine, 'gram')).toBeCloseTo(eRank(x, engine, 'covariance'), 4);
    }
  });

  it('is invariant to scaling rows and shifting all rows by one vector', () => {
    const x = lcgMatrix(6, 9, 7);
    const shifted = matrix(
      6,
      9,
      x.data.map((v, i) => 3 * v + (i % 9) * 0.25),
    );
    expect(eRank(shifted, engine)).toBeCloseTo(eRank(x, engine), 4);
  });

  it('throws a typed error when all rows are equal or there is one row', () => {
    expect(() =>
      eRank(
        fromRows([
          [1, 2],
          [1, 2],
          [1, 2],
        ]),
        engine,
      ),
    ).toThrow(ERankUndefinedError);
    expect(() => eRank(fromRows([[1, 2]]), engine)).toThrow(/at least 2 token rows, found 1/);
  });
});

describe('eRank of a data set (diff_erank_dataset.py)', () => {
  it('is exp of the mean entropy, not the mean of per-sequence eRanks', () => {
    // sequences with eRanks 2 and 8: entropies ln 2 and ln 8, mean ln 4 → 4 (the mean of the eRanks would be 5)
    expect(datasetERank([Math.log(2), Math.log(8)])).toBeCloseTo(4, 12);
    expect(datasetERank([Math.log(2), null, Math.log(8)])).toBeCloseTo(4, 12); // undefined sequences are skipped
    expect(datasetERank([null])).toBeNull();
  });
  it('Diff-eRank subtracts the data-set eRanks over the sequences both models define', () => {
    // base eRanks 2 and 8 (data set 4), compressed 4 and 4 (data set 4): Diff-eRank 0, while the mean of the
    // per-sequence differences (2 − 4, 8 − 4) would be 1
    const d = diffERankSeries([Math.log(2), Math.log(8)], [Math.log(4), Math.log(4)]);
    expect(d.mean).toBeCloseTo(0, 12);
    expect(d.perSequence[0]).toBeCloseTo(-2, 12);
    expect(d.perSequence[1]).toBeCloseTo(4, 12);
    // a sequence undefined for one model leaves both data-set values: base over {ln 3} only, compressed {ln 2} → 3 − 2
    const e = diffERankSeries([Math.log(3), Math.log(9)], [Math.log(2), null]);
    expect(e.perSequence[1]).toBeNull();
    expect(e.mean).toBeCloseTo(1, 12);
  });
  it('eRankEntropy is the log of eRank', () => {
    const x = lcgMatrix(12, 5, 3);
    expect(Math.exp(eRankEntropy(x, engine))).toBeCloseTo(eRank(x, engine), 10);
  });
});
