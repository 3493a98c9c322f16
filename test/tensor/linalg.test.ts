import { describe, expect, it } from 'vitest';
import * as linalg from '../../main/tensor/linalg.js';
import { jacobiEigenvalues } from '../../main/tensor/js/engine.js';
import { createEngine, JsEngine, NotPositiveDefiniteError, matrix64, type Engine } from '../../main/tensor/index.js';
import { maxAbsDiff, mul64, randomValues, spd } from './helpers.js';

const js = new JsEngine();
const exact = { product: linalg.product64 };
/** the recursive block code paths on small matrices: leaves of at most 8 rows */
const blocked = { product: linalg.product64, leaf: 8 };

function identityError(a: Float64Array, b: Float64Array, n: number): number {
  const p = mul64(a, b, n, n, n);
  let m = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) m = Math.max(m, Math.abs(p[i * n + j] - (i === j ? 1 : 0)));
  return m;
}

function transpose(a: Float64Array, n: number): Float64Array {
  const t = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) t[j * n + i] = a[i * n + j];
  return t;
}

describe('Cholesky, inverse and solves on hand-checked matrices', () => {
  const A = matrix64(3, 3, Float64Array.from([4, 12, -16, 12, 37, -43, -16, -43, 98]));
  it('the classic 3×3 example factors to integers', () => {
    expect(Array.from(js.cholesky(A).data)).toEqual([2, 0, 0, 6, 1, 0, -8, 5, 3]);
  });
  it('inverse from the Cholesky factor: A·A⁻¹ = I, and the known inverse of [[2,1],[1,2]]', () => {
    expect(identityError(A.data, js.choleskyInverse(js.cholesky(A)).data, 3)).toBeLessThan(1e-10);
    const inv = js.choleskyInverse(js.cholesky(matrix64(2, 2, Float64Array.from([2, 1, 1, 2]))));
    [2 / 3, -1 / 3, -1 / 3, 2 / 3].forEach((x, i) => expect(inv.data[i]).toBeCloseTo(x, 14));
  });
  it('triangular solves: L·x = b and U·x = b', () => {
    const L = js.cholesky(A);
    expect(Array.from(js.triangularSolve(L, matrix64(3, 1, Float64Array.from([2, 7, 6])), true).data)).toEqual([1, 1, 3]); // 2·1 = 2; 6 + 1 = 7; −8 + 5 + 9 = 6
    const U = matrix64(3, 3, Float64Array.from([2, 6, -8, 0, 1, 5, 0, 0, 3]));
    expect(Array.from(js.triangularSolve(U, matrix64(3, 1, Float64Array.from([0, 6, 3])), false).data)).toEqual([1, 1, 1]); // x₃ = 1; x₂ = 6 − 5; x₁ = (0 − 6 + 8)/2
  });
  it('an indefinite or singular matrix is refused with the failing pivot', () => {
    expect(() => js.cholesky(matrix64(2, 2, Float64Array.from([1, 2, 2, 1])))).toThrow(NotPositiveDefiniteError);
    expect(() => js.cholesky(matrix64(2, 2, Float64Array.from([1, 2, 2, 1])))).toThrow(/pivot 1 is -3/); // 1 − 2² = −3
    try {
      js.cholesky(matrix64(3, 3, Float64Array.from([1, 0, 0, 0, 0, 0, 0, 0, 1])));
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(NotPositiveDefiniteError);
      expect((e as NotPositiveDefiniteError).pivot).toBe(1);
    }
    expect(() => js.cholesky(matrix64(2, 3))).toThrow(/expected a square matrix, found 2×3/);
    expect(() => js.triangularSolve(matrix64(2, 2, Float64Array.from([1, 0, 5, 0])), matrix64(2, 1), true)).toThrow(/diagonal entry 1 is 0/);
  });
  it('the recursive path reports the global pivot of an indefinite matrix', () => {
    const n = 40;
    const a = spd(n, 3).data;
    a[29 * n + 29] = -50; // a strongly negative diagonal entry makes pivot 29 fail
    try {
      linalg.cholesky(a, n, blocked);
      expect.unreachable();
    } catch (e) {
      expect((e as NotPositiveDefiniteError).pivot).toBe(29);
    }
  });
});

describe('recursive block factorisations agree with the unblocked float64 ones', () => {
  for (const n of [9, 16, 37, 64]) {
    it(`n = ${n} (leaves of at most 8): L·Lᵀ = A, L⁻¹, A⁻¹ and solves`, () => {
      const a = spd(n, n).data;
      const l = linalg.cholesky(a, n, blocked);
      expect(maxAbsDiff(l, linalg.cholesky(a, n, exact))).toBeLessThan(1e-12);
      for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) expect(l[i * n + j]).toBe(0);
      expect(maxAbsDiff(mul64(l, transpose(l, n), n, n, n), a)).toBeLessThan(1e-12);
      expect(identityError(l, linalg.lowerInverse(l, n, blocked), n)).toBeLessThan(1e-10);
      const inv = linalg.choleskyInverse(l, n, blocked);
      expect(identityError(a, inv, n)).toBeLessThan(1e-9);
      expect(maxAbsDiff(inv, linalg.choleskyInverse(l, n, exact))).toBeLessThan(1e-10);
      for (const m of [5, 20]) {
        // 20 right-hand sides exceed the leaf size: the leaves solve by inverse and product
        const b = Float64Array.from(randomValues(n * m, 7));
        for (const lower of [true, false]) {
          const t = lower ? l : transpose(l, n);
          const x = linalg.triangularSolve(t, n, b, m, lower, blocked);
          expect(maxAbsDiff(mul64(t, x, n, n, m), b)).toBeLessThan(1e-10);
          expect(maxAbsDiff(x, linalg.triangularSolve(t, n, b, m, lower, exact))).toBeLessThan(1e-10);
        }
      }
      // B = I takes the triangular-inverse path: T·X = I for lower and upper T
      const eye = new Float64Array(n * n);
      for (let i = 0; i < n; i++) eye[i * n + i] = 1;
      expect(identityError(l, linalg.triangularSolve(l, n, eye, n, true, blocked), n)).toBeLessThan(1e-10);
      const u = transpose(l, n);
      expect(identityError(u, linalg.triangularSolve(u, n, eye, n, false, blocked), n)).toBeLessThan(1e-10);
    });
  }
});

describe('symmetric eigenvalues', () => {
  it('known spectra: [[2,1],[1,2]] → 1, 3; a diagonal matrix; the second-difference matrix 2 − 2cos(kπ/(n+1))', () => {
    const e = js.symmetricEigenvalues(matrix64(2, 2, Float64Array.from([2, 1, 1, 2])));
    expect(e[0]).toBeCloseTo(1, 14);
    expect(e[1]).toBeCloseTo(3, 14);
    expect(Array.from(js.symmetricEigenvalues(matrix64(3, 3, Float64Array.from([5, 0, 0, 0, -2, 0, 0, 0, 1]))))).toEqual([-2, 1, 5]);
    const n = 50;
    const t = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      t[i * n + i] = 2;
      if (i + 1 < n) t[i * n + i + 1] = t[(i + 1) * n + i] = -1;
    }
    const eig = js.symmetricEigenvalues(matrix64(n, n, t));
    const expected = Array.from({ length: n }, (_, k) => 2 - 2 * Math.cos(((k + 1) * Math.PI) / (n + 1))).sort((a, b) => a - b);
    expect(maxAbsDiff(eig, expected)).toBeLessThan(1e-12);
  });
  it('a random orthogonal similarity Q·diag(λ)·Qᵀ gives back λ (with repeated and negative values)', () => {
    const n = 60;
    const lambda = Array.from({ length: n }, (_, i) => (i % 7) - 3 + (i % 5 === 0 ? 0 : i / 10));
    // Q = product of three Householder reflections I − 2uuᵀ/uᵀu
    let a: Float64Array = new Float64Array(n * n);
    for (let i = 0; i < n; i++) a[i * n + i] = lambda[i];
    for (let r = 0; r < 3; r++) {
      const u = Float64Array.from(randomValues(n, 100 + r));
      const uu = u.reduce((s, x) => s + x * x, 0);
      const h = new Float64Array(n * n);
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) h[i * n + j] = (i === j ? 1 : 0) - (2 * u[i] * u[j]) / uu;
      a = mul64(mul64(h, a, n, n, n), h, n, n, n);
    }
    const eig = js.symmetricEigenvalues(matrix64(n, n, a));
    expect(
      maxAbsDiff(
        eig,
        [...lambda].sort((x, y) => x - y),
      ),
    ).toBeLessThan(1e-11);
  });
  it('agrees with Jacobi rotations on random symmetric matrices; sum = trace, sum of squares = ‖A‖²_F', () => {
    for (const n of [1, 2, 3, 17, 40]) {
      const r = randomValues(n * n, n + 11);
      const a = new Float64Array(n * n);
      for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) a[i * n + j] = a[j * n + i] = r[i * n + j];
      const eig = js.symmetricEigenvalues(matrix64(n, n, a));
      expect(maxAbsDiff(eig, jacobiEigenvalues(matrix64(n, n, a)))).toBeLessThan(1e-11);
      for (let i = 1; i < n; i++) expect(eig[i]).toBeGreaterThanOrEqual(eig[i - 1]);
      let trace = 0;
      let frob = 0;
      for (let i = 0; i < n; i++) trace += a[i * n + i];
      for (const x of a) frob += x * x;
      expect(eig.reduce((s, x) => s + x, 0)).toBeCloseTo(trace, 10);
      expect(eig.reduce((s, x) => s + x * x, 0)).toBeCloseTo(frob, 9);
    }
  });
  it('a rank-deficient Gram matrix has (numerically) zero eigenvalues beyond its rank', () => {
    const n = 30;
    const rank = 4;
    const x = randomValues(rank * n, 5); // XᵀX, X [rank, n]
    const g = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) for (let p = 0; p < rank; p++) g[i * n + j] += x[p * n + i] * x[p * n + j];
    const eig = js.symmetricEigenvalues(matrix64(n, n, g));
    for (let i = 0; i < n - rank; i++) expect(Math.abs(eig[i])).toBeLessThan(1e-12);
    expect(eig[n - rank]).toBeGreaterThan(1e-3);
  });
});

describe('linear algebra on the tfjs wasm engine (recursive blocks, float32 products) for n above the leaf size', () => {
  let engine: Engine;
  it('starts', async () => {
    engine = await createEngine('tfjs-wasm', { threads: 1 });
  });
  it('n = 300: Cholesky, inverse and solves agree with float64 to float32 accuracy', () => {
    const n = 300;
    const a = spd(n, 21);
    const l = engine.cholesky(a);
    const l64 = js.cholesky(a);
    expect(maxAbsDiff(l.data, l64.data) / Math.max(...l64.data.map(Math.abs))).toBeLessThan(1e-5);
    const inv = engine.choleskyInverse(l);
    expect(identityError(a.data, inv.data, n)).toBeLessThan(1e-4);
    const b = matrix64(n, 3, Float64Array.from(randomValues(n * 3, 2)));
    const x = engine.triangularSolve(l, b, true);
    expect(maxAbsDiff(mul64(l.data, x.data, n, n, 3), b.data)).toBeLessThan(1e-4);
    const eig = engine.symmetricEigenvalues(a);
    // two-stage reduction with float32 products: trace kept to float32 accuracy
    const trace = a.data.reduce((s, v, i) => (i % (n + 1) === 0 ? s + v : s), 0);
    expect(Math.abs(eig.reduce((s, v) => s + v, 0) - trace) / trace).toBeLessThan(1e-6);
    const eig64 = js.symmetricEigenvalues(a);
    expect(Math.max(...eig.map((v, i) => Math.abs(v - eig64[i])))).toBeLessThan(1e-4 * eig[n - 1]);
    expect(eig[0]).toBeGreaterThan(0.5 - 1e-9); // A = MMᵀ/k + 0.5·I: every eigenvalue ≥ 0.5
    expect(() => engine.cholesky(matrix64(2, 2, Float64Array.from([1, 2, 2, 1])))).toThrow(NotPositiveDefiniteError);
    engine.dispose();
  });
});
