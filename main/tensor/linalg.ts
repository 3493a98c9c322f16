// Dense linear algebra the tfjs backends lack: Cholesky, triangular inverse and solves, inverse from a
// Cholesky factor, and symmetric eigenvalues. Storage is row-major float64. The factorisations are
// recursive 2×2 block algorithms: halves down to a leaf of at most `leaf` rows, done unblocked in
// float64, and the O(n³) work in between is a few large products through a Product64, which an engine
// implements with its fastest matmul (float32 on the tfjs backends, float64 in the JS reference).
// Recursion rather than a loop over thin block columns keeps the data each product uploads at
// O(n² log n) instead of O(n³ / block).
import { NotPositiveDefiniteError } from './types.js';
import { matmulInto } from './js/gemm.js';

/** C = A·B for row-major A [m,k] and B [k,n]. */
export type Product64 = (a: Float64Array, b: Float64Array, m: number, k: number, n: number) => Float64Array;

/** Matrices of at most this order are factored unblocked in float64 (the leaves of the recursion). */
export const LINALG_LEAF = 192;

export interface LinalgOptions {
  product: Product64;
  /** leaf size of the recursion (default LINALG_LEAF) */
  leaf?: number;
}

/** C = A·B in float64, i-k-j order (contiguous inner loop over rows of B and C). */
export function product64(a: Float64Array, b: Float64Array, m: number, k: number, n: number): Float64Array {
  const c = new Float64Array(m * n);
  matmulInto(a, b, c, m, k, n);
  return c;
}

/** Rows [r0, r1) × columns [c0, c1) of a row-major matrix with `cols` columns, as a new array. */
export function block(a: Float64Array, cols: number, r0: number, r1: number, c0: number, c1: number): Float64Array {
  const w = c1 - c0;
  const out = new Float64Array((r1 - r0) * w);
  for (let r = r0; r < r1; r++) out.set(a.subarray(r * cols + c0, r * cols + c1), (r - r0) * w);
  return out;
}

/** Write u [rows, w] into a at (r0, c0). */
function place(a: Float64Array, cols: number, r0: number, c0: number, u: Float64Array, rows: number, w: number): void {
  for (let i = 0; i < rows; i++) a.set(u.subarray(i * w, (i + 1) * w), (r0 + i) * cols + c0);
}

function transpose64(a: Float64Array, rows: number, cols: number): Float64Array {
  const t = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) t[j * rows + i] = a[i * cols + j];
  return t;
}

/** a − b elementwise, into a new array */
function minus(a: Float64Array, b: Float64Array): Float64Array {
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i] - b[i];
  return out;
}

const half = (n: number) => Math.ceil(n / 2);

/** Unblocked lower Cholesky in place (lower triangle read, strict upper zeroed); pivots reported from `pivot0`. */
function choleskySmall(l: Float64Array, n: number, pivot0: number): void {
  for (let j = 0; j < n; j++) {
    const rj = j * n;
    let d = l[rj + j];
    for (let p = 0; p < j; p++) d -= l[rj + p] * l[rj + p]; // l_jj² = a_jj − Σ l_jp²
    if (!(d > 0)) throw new NotPositiveDefiniteError(pivot0 + j, d);
    const ljj = Math.sqrt(d);
    l[rj + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      const ri = i * n;
      let s = l[ri + j];
      for (let p = 0; p < j; p++) s -= l[ri + p] * l[rj + p]; // l_ij = (a_ij − Σ l_ip·l_jp) / l_jj
      l[ri + j] = s / ljj;
    }
    l.fill(0, rj + j + 1, rj + n);
  }
}

/** Inverse of a lower-triangular n×n matrix (unblocked, float64): column by column forward substitution. */
export function lowerInverseSmall(l: Float64Array, n: number): Float64Array {
  const x = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    x[j * n + j] = 1 / l[j * n + j];
    for (let i = j + 1; i < n; i++) {
      let s = 0;
      for (let p = j; p < i; p++) s += l[i * n + p] * x[p * n + j]; // x_ij = −(Σ_{j≤p<i} l_ip·x_pj) / l_ii
      x[i * n + j] = -s / l[i * n + i];
    }
  }
  return x;
}

function checkDiagonal(t: Float64Array, n: number): void {
  for (let i = 0; i < n; i++) if (t[i * n + i] === 0) throw new RangeError(`triangular matrix: diagonal entry ${i} is 0 (expected a non-singular triangular matrix)`);
}

function choleskyRec(a: Float64Array, n: number, pivot0: number, opts: LinalgOptions): Float64Array {
  if (n <= (opts.leaf ?? LINALG_LEAF)) {
    const l = new Float64Array(a);
    choleskySmall(l, n, pivot0);
    return l;
  }
  // [A11 ·; A21 A22] = [L11 0; L21 L22]·[L11 0; L21 L22]ᵀ ⇒ L21 = A21·L11⁻ᵀ, L22 = chol(A22 − L21·L21ᵀ)
  const n1 = half(n);
  const n2 = n - n1;
  const l11 = choleskyRec(block(a, n, 0, n1, 0, n1), n1, pivot0, opts);
  const x11 = lowerInverseRec(l11, n1, opts);
  const l21 = opts.product(block(a, n, n1, n, 0, n1), transpose64(x11, n1, n1), n2, n1, n1);
  const a22 = minus(block(a, n, n1, n, n1, n), opts.product(l21, transpose64(l21, n2, n1), n2, n1, n2));
  const l22 = choleskyRec(a22, n2, pivot0 + n1, opts);
  const l = new Float64Array(n * n);
  place(l, n, 0, 0, l11, n1, n1);
  place(l, n, n1, 0, l21, n2, n1);
  place(l, n, n1, n1, l22, n2, n2);
  return l;
}

function lowerInverseRec(l: Float64Array, n: number, opts: LinalgOptions): Float64Array {
  if (n <= (opts.leaf ?? LINALG_LEAF)) return lowerInverseSmall(l, n);
  // [L11 0; L21 L22]⁻¹ = [X11 0; −X22·L21·X11 X22]
  const n1 = half(n);
  const n2 = n - n1;
  const x11 = lowerInverseRec(block(l, n, 0, n1, 0, n1), n1, opts);
  const x22 = lowerInverseRec(block(l, n, n1, n, n1, n), n2, opts);
  const x21 = opts.product(x22, opts.product(block(l, n, n1, n, 0, n1), x11, n2, n1, n1), n2, n2, n1);
  const x = new Float64Array(n * n);
  place(x, n, 0, 0, x11, n1, n1);
  for (let i = 0; i < x21.length; i++) x21[i] = -x21[i];
  place(x, n, n1, 0, x21, n2, n1);
  place(x, n, n1, n1, x22, n2, n2);
  return x;
}

/** XᵀX for a lower-triangular X (symmetric result). */
function lowerGramRec(x: Float64Array, n: number, opts: LinalgOptions): Float64Array {
  const g = new Float64Array(n * n);
  if (n <= (opts.leaf ?? LINALG_LEAF)) {
    for (let i = 0; i < n; i++)
      for (let j = 0; j <= i; j++) {
        let s = 0;
        for (let p = i; p < n; p++) s += x[p * n + i] * x[p * n + j]; // (XᵀX)_ij = Σ_{p ≥ i} x_pi·x_pj
        g[i * n + j] = g[j * n + i] = s;
      }
    return g;
  }
  // [X11 0; X21 X22]ᵀ·[X11 0; X21 X22] = [X11ᵀX11 + X21ᵀX21, X21ᵀX22; X22ᵀX21, X22ᵀX22]
  const n1 = half(n);
  const n2 = n - n1;
  const x21 = block(x, n, n1, n, 0, n1);
  const x22 = block(x, n, n1, n, n1, n);
  const x21t = transpose64(x21, n2, n1);
  const g11 = lowerGramRec(block(x, n, 0, n1, 0, n1), n1, opts);
  const c11 = opts.product(x21t, x21, n1, n2, n1);
  for (let i = 0; i < g11.length; i++) g11[i] += c11[i];
  const g21 = opts.product(transpose64(x22, n2, n2), x21, n2, n2, n1);
  place(g, n, 0, 0, g11, n1, n1);
  place(g, n, n1, 0, g21, n2, n1);
  place(g, n, 0, n1, transpose64(g21, n2, n1), n1, n2);
  place(g, n, n1, n1, lowerGramRec(x22, n2, opts), n2, n2);
  return g;
}

/** Solve T·X = B with T [n,n] lower (or upper) triangular, B [n,m]. */
function solveRec(t: Float64Array, n: number, b: Float64Array, m: number, lower: boolean, opts: LinalgOptions): Float64Array {
  const leaf = opts.leaf ?? LINALG_LEAF;
  if (n <= leaf) {
    if (m > leaf) {
      // many right-hand sides: the small inverse, then one product
      const inv = lower ? lowerInverseSmall(t, n) : transpose64(lowerInverseSmall(transpose64(t, n, n), n), n, n);
      return opts.product(inv, b, n, n, m);
    }
    const x = new Float64Array(b);
    for (let r = 0; r < n; r++) {
      const i = lower ? r : n - 1 - r;
      const [p0, p1] = lower ? [0, i] : [i + 1, n];
      for (let p = p0; p < p1; p++) {
        const tip = t[i * n + p];
        if (tip === 0) continue;
        for (let c = 0; c < m; c++) x[i * m + c] -= tip * x[p * m + c]; // x_i = (b_i − Σ t_ip·x_p) / t_ii
      }
      const tii = t[i * n + i];
      for (let c = 0; c < m; c++) x[i * m + c] /= tii;
    }
    return x;
  }
  const n1 = half(n);
  const n2 = n - n1;
  const x = new Float64Array(n * m);
  if (lower) {
    // X1 = T11⁻¹B1, X2 = T22⁻¹(B2 − T21·X1)
    const x1 = solveRec(block(t, n, 0, n1, 0, n1), n1, b.subarray(0, n1 * m), m, true, opts);
    const rhs = minus(b.subarray(n1 * m), opts.product(block(t, n, n1, n, 0, n1), x1, n2, n1, m));
    x.set(x1, 0);
    x.set(solveRec(block(t, n, n1, n, n1, n), n2, rhs, m, true, opts), n1 * m);
  } else {
    // X2 = T22⁻¹B2, X1 = T11⁻¹(B1 − T12·X2)
    const x2 = solveRec(block(t, n, n1, n, n1, n), n2, b.subarray(n1 * m), m, false, opts);
    const rhs = minus(b.subarray(0, n1 * m), opts.product(block(t, n, 0, n1, n1, n), x2, n1, n2, m));
    x.set(solveRec(block(t, n, 0, n1, 0, n1), n1, rhs, m, false, opts), 0);
    x.set(x2, n1 * m);
  }
  return x;
}

function isIdentity(b: Float64Array, n: number, m: number): boolean {
  if (n !== m) return false;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (b[i * n + j] !== (i === j ? 1 : 0)) return false;
  return true;
}

/** Lower Cholesky factor L of a symmetric positive-definite A (lower triangle read): A = L·Lᵀ. */
export function cholesky(a: Float64Array, n: number, opts: LinalgOptions): Float64Array {
  return choleskyRec(a, n, 0, opts);
}

/** L⁻¹ of a lower-triangular L. */
export function lowerInverse(l: Float64Array, n: number, opts: LinalgOptions): Float64Array {
  checkDiagonal(l, n);
  return lowerInverseRec(l, n, opts);
}

/** A⁻¹ = L⁻ᵀ·L⁻¹ from the lower Cholesky factor L. */
export function choleskyInverse(l: Float64Array, n: number, opts: LinalgOptions): Float64Array {
  return lowerGramRec(lowerInverse(l, n, opts), n, opts);
}

/** Solve T·X = B for X, T lower (forward) or upper (backward) triangular [n, n], B [n, m]. B = I takes the triangular-inverse path (n³/3 instead of n³/2). */
export function triangularSolve(t: Float64Array, n: number, b: Float64Array, m: number, lower: boolean, opts: LinalgOptions): Float64Array {
  checkDiagonal(t, n);
  if (isIdentity(b, n, m)) return lower ? lowerInverseRec(t, n, opts) : transpose64(lowerInverseRec(transpose64(t, n, n), n, opts), n, n);
  return solveRec(t, n, b, m, lower, opts);
}

/**
 * Householder reduction of a symmetric matrix to tridiagonal form (float64, lower triangle kept):
 * returns the diagonal d and off-diagonal e (e[i] couples i and i + 1). Same eigenvalues as A.
 */
export function tridiagonalize(a: Float64Array, n: number): { d: Float64Array; e: Float64Array } {
  const s = new Float64Array(a);
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  const v = new Float64Array(n);
  const w = new Float64Array(n);
  for (let k = 0; k < n - 1; k++) {
    const m = n - k - 1; // size of the trailing block S = A[k+1:, k+1:]
    d[k] = s[k * n + k];
    // x = column k below the diagonal (= row k right of it, by symmetry; the lower triangle is current)
    let norm2 = 0;
    for (let i = 0; i < m; i++) {
      v[i] = s[(k + 1 + i) * n + k];
      norm2 += v[i] * v[i];
    }
    const tail = norm2 - v[0] * v[0];
    if (m === 1 || tail === 0) {
      e[k] = v[0];
      continue;
    }
    const alpha = v[0] > 0 ? -Math.sqrt(norm2) : Math.sqrt(norm2); // H·x = α·e₁
    e[k] = alpha;
    v[0] -= alpha; // v = x − α·e₁, H = I − β·v·vᵀ with β = 2 / vᵀv
    const beta = 2 / (tail + v[0] * v[0]);
    reflectLowerSymmetric(s, (k + 1) * n + k + 1, n, m, v, beta, w);
  }
  d[n - 1] = s[(n - 1) * n + n - 1];
  return { d, e };
}

/**
 * S ← H·S·H for H = I − τ·v·vᵀ on the lower triangle of the symmetric m×m block of `a` whose first element
 * is a[base] (rows `stride` apart): p = τ·S·v, w = p − (τ·pᵀv/2)·v, S ← S − v·wᵀ − w·vᵀ. `w` is scratch (≥ m).
 */
export function reflectLowerSymmetric(a: Float64Array, base: number, stride: number, m: number, v: Float64Array, tau: number, w: Float64Array): void {
  w.fill(0, 0, m);
  for (let i = 0; i < m; i++) {
    const row = base + i * stride;
    const vi = v[i];
    let acc = 0;
    for (let j = 0; j < i; j++) {
      const sij = a[row + j];
      acc += sij * v[j];
      w[j] += sij * vi;
    }
    w[i] += acc + a[row + i] * vi;
  }
  let pv = 0;
  for (let i = 0; i < m; i++) {
    w[i] *= tau;
    pv += w[i] * v[i];
  }
  const half = 0.5 * tau * pv;
  for (let i = 0; i < m; i++) w[i] -= half * v[i];
  for (let i = 0; i < m; i++) {
    const row = base + i * stride;
    const vi = v[i];
    const wi = w[i];
    for (let j = 0; j <= i; j++) a[row + j] -= vi * w[j] + wi * v[j];
  }
}

/** Eigenvalues of a symmetric tridiagonal matrix (d, e) by implicit QL with Wilkinson-style shifts; d is overwritten. */
export function tridiagonalEigenvalues(d: Float64Array, e: Float64Array): Float64Array {
  const n = d.length;
  const off = new Float64Array(n);
  off.set(e.subarray(0, n - 1));
  for (let l = 0; l < n; l++) {
    for (let iter = 0; ; iter++) {
      let m = l;
      for (; m < n - 1; m++) {
        const dd = Math.abs(d[m]) + Math.abs(d[m + 1]);
        if (Math.abs(off[m]) <= Number.EPSILON * dd) break; // negligible coupling: split here
      }
      if (m === l) break;
      if (iter === 60) throw new Error(`symmetricEigenvalues: QL did not converge at eigenvalue ${l} (expected convergence within 60 iterations)`);
      // shift from the leading 2×2 block, chased down from m to l by Givens rotations
      let g = (d[l + 1] - d[l]) / (2 * off[l]);
      let r = Math.hypot(g, 1);
      g = d[m] - d[l] + off[l] / (g + (g >= 0 ? r : -r));
      let s = 1;
      let c = 1;
      let p = 0;
      let i = m - 1;
      let underflow = false;
      for (; i >= l; i--) {
        const f = s * off[i];
        const b = c * off[i];
        r = Math.hypot(f, g);
        off[i + 1] = r;
        if (r === 0) {
          d[i + 1] -= p;
          off[m] = 0;
          underflow = true;
          break;
        }
        s = f / r;
        c = g / r;
        g = d[i + 1] - p;
        r = (d[i] - g) * s + 2 * c * b;
        p = s * r;
        d[i + 1] = g + p;
        g = c * r - b;
      }
      if (underflow) continue;
      d[l] -= p;
      off[l] = g;
      off[m] = 0;
    }
  }
  return d.sort();
}

/** Eigenvalues of a symmetric matrix (lower triangle read), ascending: Householder tridiagonalisation, then implicit QL. */
export function symmetricEigenvalues(a: Float64Array, n: number): Float64Array {
  if (n === 0) return new Float64Array(0);
  const { d, e } = tridiagonalize(a, n);
  return tridiagonalEigenvalues(d, e);
}
