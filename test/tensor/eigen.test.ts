import { describe, expect, it } from 'vitest';
import { symmetricEigenvaluesBlocked } from '../../main/tensor/eigen.js';
import { product64, symmetricEigenvalues, tridiagonalEigenvalues, type Product64 } from '../../main/tensor/linalg.js';
import { jacobiEigenvalues } from '../../main/tensor/js/engine.js';
import { matrix64 } from '../../main/tensor/index.js';
import { maxAbsDiff, randomValues } from './helpers.js';

const exact = { product: product64 };
/** product64 rounded through float32, like the engines' float32 matmuls */
const float32Product: Product64 = (a, b, m, k, n) => Float64Array.from(Float32Array.from(product64(a, b, m, k, n)));

/** A random symmetric n×n matrix with entries in [−1, 1). */
function randomSymmetric(n: number, seed: number): Float64Array {
  const r = randomValues(n * n, seed);
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) a[i * n + j] = a[j * n + i] = r[i * n + j];
  return a;
}

/** max |λ| of an ascending spectrum (the spectral norm) */
const spectralNorm = (eig: Float64Array) => Math.max(Math.abs(eig[0]), Math.abs(eig[eig.length - 1]));

/** max |λᵢ − μᵢ| / ‖A‖₂ against the one-stage reference */
function relativeError(eig: Float64Array, ref: Float64Array): number {
  expect(eig.length).toBe(ref.length);
  for (let i = 1; i < eig.length; i++) expect(eig[i]).toBeGreaterThanOrEqual(eig[i - 1]);
  return maxAbsDiff(eig, ref) / spectralNorm(ref);
}

describe('two-stage symmetric eigenvalues (full → band → tridiagonal) agree with the one-stage reduction', () => {
  for (const [n, band] of [
    [150, undefined],
    [257, undefined],
    [300, undefined],
    [150, 7],
    [200, 16],
    [131, 64],
  ] as const) {
    it(`random symmetric n = ${n}, band ${band ?? 'default'}, float64 products: within 1e-9·‖A‖₂, a not modified`, () => {
      const a = randomSymmetric(n, n + 3);
      const copy = new Float64Array(a);
      const eig = symmetricEigenvaluesBlocked(a, n, { ...exact, band });
      expect(relativeError(eig, symmetricEigenvalues(a, n))).toBeLessThan(1e-9);
      expect(maxAbsDiff(a, copy)).toBe(0);
      let trace = 0;
      for (let i = 0; i < n; i++) trace += a[i * n + i];
      expect(eig.reduce((s, x) => s + x, 0)).toBeCloseTo(trace, 9);
    });
  }
  it('only the lower triangle is read', () => {
    const n = 160;
    const a = randomSymmetric(n, 9);
    const lower = new Float64Array(a);
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) lower[i * n + j] = 1e6 * (i - j);
    expect(maxAbsDiff(symmetricEigenvaluesBlocked(lower, n, exact), symmetricEigenvaluesBlocked(a, n, exact))).toBe(0);
  });
  it('a low-rank Gram matrix XᵀX: zero eigenvalues beyond the rank, none negative', () => {
    const n = 200;
    const rank = 12;
    const x = randomValues(rank * n, 5); // X [rank, n]
    const g = new Float64Array(n * n);
    for (let p = 0; p < rank; p++)
      for (let i = 0; i < n; i++) {
        const xi = x[p * n + i];
        for (let j = 0; j < n; j++) g[i * n + j] += xi * x[p * n + j];
      }
    const eig = symmetricEigenvaluesBlocked(g, n, { ...exact, band: 8 });
    const norm = spectralNorm(eig);
    expect(relativeError(eig, symmetricEigenvalues(g, n))).toBeLessThan(1e-9);
    for (let i = 0; i < n - rank; i++) expect(Math.abs(eig[i])).toBeLessThan(1e-12 * norm);
    expect(eig[n - rank]).toBeGreaterThan(1e-3 * norm);
  });
  it('a diagonal matrix gives back its sorted diagonal exactly', () => {
    const n = 170;
    const diag = Array.from(randomValues(n, 4), (x, i) => (i % 9 === 0 ? 0 : 10 * x));
    const a = new Float64Array(n * n);
    diag.forEach((x, i) => (a[i * n + i] = x));
    expect(Array.from(symmetricEigenvaluesBlocked(a, n, exact))).toEqual([...diag].sort((x, y) => x - y));
  });
  it('an already tridiagonal matrix: the same spectrum as QL on (d, e), and the second-difference matrix 2 − 2cos(kπ/(n+1))', () => {
    const n = 190;
    const d = Float64Array.from(randomValues(n, 6));
    const e = Float64Array.from(randomValues(n, 7));
    e[n - 1] = 0;
    const a = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      a[i * n + i] = d[i];
      if (i + 1 < n) a[(i + 1) * n + i] = a[i * n + i + 1] = e[i];
    }
    const ref = tridiagonalEigenvalues(new Float64Array(d), e);
    expect(relativeError(symmetricEigenvaluesBlocked(a, n, exact), ref)).toBeLessThan(1e-13);
    const t = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      t[i * n + i] = 2;
      if (i + 1 < n) t[i * n + i + 1] = t[(i + 1) * n + i] = -1;
    }
    const expected = Array.from({ length: n }, (_, k) => 2 - 2 * Math.cos(((k + 1) * Math.PI) / (n + 1))).sort((x, y) => x - y);
    expect(maxAbsDiff(symmetricEigenvaluesBlocked(t, n, { ...exact, band: 5 }), expected)).toBeLessThan(1e-12);
  });
  it('a random band matrix of half-bandwidth b (stage 1 leaves it as is; the bulge chase alone) against Jacobi', () => {
    const n = 140;
    const b = 6;
    const r = randomValues(n * n, 12);
    const a = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = Math.max(0, i - b); j <= i; j++) a[i * n + j] = a[j * n + i] = r[i * n + j];
    const eig = symmetricEigenvaluesBlocked(a, n, { ...exact, band: b });
    expect(relativeError(eig, jacobiEigenvalues(matrix64(n, n, a)))).toBeLessThan(1e-12);
    expect(relativeError(eig, symmetricEigenvalues(a, n))).toBeLessThan(1e-12);
  });
  it('float32-rounded products: within 1e-4·‖A‖₂ (random symmetric and a Gram matrix)', () => {
    for (const [n, band] of [
      [260, 32],
      [300, 16],
    ] as const) {
      const a = randomSymmetric(n, n);
      const err = relativeError(symmetricEigenvaluesBlocked(a, n, { product: float32Product, band }), symmetricEigenvalues(a, n));
      expect(err).toBeLessThan(1e-4);
      expect(err).toBeGreaterThan(0); // the rounding did take effect
    }
    const n = 220;
    const x = randomValues(n * n, 3);
    const g = new Float64Array(n * n);
    for (let p = 0; p < n; p++)
      for (let i = 0; i < n; i++) {
        const xi = x[p * n + i];
        for (let j = 0; j < n; j++) g[i * n + j] += (xi * x[p * n + j]) / n;
      }
    const eig = symmetricEigenvaluesBlocked(g, n, { product: float32Product });
    expect(relativeError(eig, symmetricEigenvalues(g, n))).toBeLessThan(1e-4);
    expect(eig[0]).toBeGreaterThan(-1e-4 * spectralNorm(eig));
  });
  it('small orders go to the one-stage reduction; a bad band is refused', () => {
    for (const n of [0, 1, 2, 40, 128]) {
      const a = randomSymmetric(n, 1);
      expect(Array.from(symmetricEigenvaluesBlocked(a, n, exact))).toEqual(Array.from(symmetricEigenvalues(a, n)));
    }
    expect(() => symmetricEigenvaluesBlocked(new Float64Array(4), 2, { ...exact, band: 0 })).toThrow(/band must be a positive integer/);
    expect(() => symmetricEigenvaluesBlocked(new Float64Array(4), 3, exact)).toThrow(/expected 3×3 = 9 values, found 4/);
  });
  it('band 1 (stage 1 alone tridiagonalises) and band 2', () => {
    const n = 135;
    const a = randomSymmetric(n, 77);
    const ref = symmetricEigenvalues(a, n);
    for (const band of [1, 2]) expect(relativeError(symmetricEigenvaluesBlocked(a, n, { ...exact, band }), ref)).toBeLessThan(1e-9);
  });
});
