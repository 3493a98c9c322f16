// Symmetric eigenvalues by two-stage tridiagonalisation, so that the O(n³) work is large products
// through a Product64 (the engine's fastest matmul) instead of the plain-JS loops of the one-stage
// Householder reduction in linalg.ts:
//   1. full → band of half-bandwidth b: per panel of b columns, a Householder QR of the part below the
//      band and the two-sided compact-WY update of the trailing block, A ← Qᵀ·A·Q with Q = I − V·T·Vᵀ
//      (C·V, m×m by m×b, and [V W]·[W V]ᵀ, m×2b by 2b×m: n³ multiply-adds in all);
//   2. band → tridiagonal in float64 JS by Householder bulge chasing (one reflector of length ≤ b per
//      chase step, O(b²) each, O(n²·b) in all);
//   3. implicit QL on the tridiagonal matrix (tridiagonalEigenvalues).
// Storage is row-major float64; the band is kept in a compact lower band array (see bandIndex).
import { block, reflectLowerSymmetric, symmetricEigenvalues, tridiagonalEigenvalues, type LinalgOptions, type Product64 } from './linalg.js';

/** Default half-bandwidth of the intermediate band matrix. */
export const EIGEN_BAND = 32;

/** Matrices of at most this order (or at most 2·band) go to the one-stage symmetricEigenvalues. */
export const EIGEN_MIN_BLOCKED = 128;

/** Side of the tiles in which the trailing update is subtracted and symmetrised (cache-friendly transpose). */
const TILE = 32;

/**
 * Eigenvalues of a symmetric matrix (lower triangle of `a` read, `a` not modified), ascending, by the
 * two-stage reduction full → band → tridiagonal. `opts.band` is the half-bandwidth b of the middle stage.
 */
export function symmetricEigenvaluesBlocked(a: Float64Array, n: number, opts: LinalgOptions & { band?: number }): Float64Array {
  const b = opts.band ?? EIGEN_BAND;
  if (!Number.isInteger(b) || b < 1) throw new RangeError(`symmetricEigenvaluesBlocked: band must be a positive integer, found ${b}`);
  if (a.length < n * n) throw new RangeError(`symmetricEigenvaluesBlocked: expected ${n}×${n} = ${n * n} values, found ${a.length}`);
  if (n <= Math.max(EIGEN_MIN_BLOCKED, 2 * b)) return symmetricEigenvalues(a, n);
  const ab = reduceToBand(a, n, b, opts.product);
  const { d, e } = bandToTridiagonal(ab, n, b);
  return tridiagonalEigenvalues(d, e);
}

/**
 * Lower band storage of half-width w = 2b (the band b plus room for the bulges of the chase): entry
 * (r, c) for r − 2b < c ≤ r lives at (r + 1)·(2b − 1) + c, i.e. each row is 2b contiguous values
 * and a step down a column is 2b − 1.
 */
function bandIndex(r: number, c: number, b: number): number {
  return (r + 1) * (2 * b - 1) + c;
}

/**
 * Householder reflector H = I − τ·v·vᵀ with H·x = β·e₁ for x = x[0..m) (LAPACK dlarfg convention).
 * Returns τ; on return x[0] = β and x[1..m) = v[1..m) (v[0] = 1 is implicit). τ = 0 when x is already β·e₁.
 */
function house(x: Float64Array, m: number): number {
  let tail = 0;
  for (let i = 1; i < m; i++) tail += x[i] * x[i];
  if (tail === 0) return 0;
  const alpha = x[0];
  const beta = alpha > 0 ? -Math.sqrt(alpha * alpha + tail) : Math.sqrt(alpha * alpha + tail); // sign opposite α: no cancellation in α − β
  const scale = 1 / (alpha - beta); // v = (x − β·e₁) / (α − β)
  for (let i = 1; i < m; i++) x[i] *= scale;
  x[0] = beta;
  return (beta - alpha) / beta; // τ = (β − α) / β
}

// ---------------------------------------------------------------------------------------------------
// Kernels. The hot loops are small functions called many times, so V8 optimises them after a few calls;
// the same loops inside a function called once ran ~3× slower on a cold first call (waiting for OSR).

/** B ← B·(I − τ·v·vᵀ) for the block B [rows, cols] whose (r, c) is a[start + r·rowStride + c]: per row, b −= τ·(b·v)·vᵀ. */
function applyRight(a: Float64Array, start: number, rowStride: number, rows: number, cols: number, v: Float64Array, tau: number): void {
  for (let r = 0; r < rows; r++) {
    const row = start + r * rowStride;
    let s = 0;
    for (let c = 0; c < cols; c++) s += a[row + c] * v[c];
    s *= tau;
    for (let c = 0; c < cols; c++) a[row + c] -= s * v[c];
  }
}

/** B ← (I − τ·u·uᵀ)·B for the block B [rows, cols] whose (r, c) is a[start + r·rowStride + c]: acc = uᵀ·B row by row, then B −= τ·u·acc. */
function applyLeft(a: Float64Array, start: number, rowStride: number, rows: number, cols: number, u: Float64Array, tau: number, acc: Float64Array): void {
  acc.fill(0, 0, cols);
  for (let r = 0; r < rows; r++) {
    const row = start + r * rowStride;
    const ur = u[r];
    if (ur === 0) continue;
    for (let c = 0; c < cols; c++) acc[c] += ur * a[row + c];
  }
  for (let r = 0; r < rows; r++) {
    const row = start + r * rowStride;
    const f = tau * u[r];
    if (f === 0) continue;
    for (let c = 0; c < cols; c++) a[row + c] -= f * acc[c];
  }
}

/** One TILE×TILE tile (r0, c0), c0 ≤ r0, of c [m, m] and its mirror tile (c0, r0): c ← ½·((c − u) + (c − u)ᵀ). */
function subtractSymmetricTile(c: Float64Array, u: Float64Array, m: number, r0: number, c0: number): void {
  const r1 = Math.min(r0 + TILE, m);
  for (let r = r0; r < r1; r++) {
    const c1 = Math.min(c0 + TILE, r + 1);
    for (let col = c0; col < c1; col++) {
      const lo = r * m + col;
      const hi = col * m + r;
      const x = 0.5 * (c[lo] - u[lo] + c[hi] - u[hi]);
      c[lo] = x;
      c[hi] = x;
    }
  }
}

/** One tile (r0, c0), c0 ≤ r0, of a symmetric s [n, n] from the lower triangle of a: s_rc = s_cr = a_rc. */
function mirrorTile(s: Float64Array, a: Float64Array, n: number, r0: number, c0: number): void {
  const r1 = Math.min(r0 + TILE, n);
  for (let r = r0; r < r1; r++) {
    const c1 = Math.min(c0 + TILE, r + 1);
    for (let col = c0; col < c1; col++) {
      const x = a[r * n + col];
      s[r * n + col] = x;
      s[col * n + r] = x;
    }
  }
}

/** g[j, i] += v_rj·v_ri for 0 ≤ j < i ≤ min(r, k − 1): row r's share of the strict upper triangle of VᵀV. */
function gramRow(v: Float64Array, r: number, k: number, g: Float64Array): void {
  const row = r * k;
  const last = Math.min(r, k - 1);
  for (let i = 1; i <= last; i++) {
    const vri = v[row + i];
    if (vri === 0) continue;
    for (let j = 0; j < i; j++) g[j * k + i] += v[row + j] * vri;
  }
}

// ---------------------------------------------------------------------------------------------------
// Stage 1: full → band

/** Unblocked Householder QR of the panel P [m, w] in place: R in its upper trapezoid; reflectors into V [m, k] (unit lower trapezoidal) and taus. */
function panelQR(p: Float64Array, m: number, w: number, k: number, v: Float64Array, taus: Float64Array): void {
  const x = new Float64Array(m);
  const acc = new Float64Array(w);
  for (let c = 0; c < k; c++) {
    const len = m - c;
    for (let r = 0; r < len; r++) x[r] = p[(c + r) * w + c];
    const tau = house(x, len);
    taus[c] = tau;
    if (tau === 0) {
      v[c * k + c] = 1; // H = I: v = e₁, the column stays as it is
      continue;
    }
    p[c * w + c] = x[0];
    for (let r = 1; r < len; r++) p[(c + r) * w + c] = 0;
    x[0] = 1;
    for (let r = 0; r < len; r++) v[(c + r) * k + c] = x[r];
    // P[c:, c+1:] ← (I − τ·v·vᵀ)·P[c:, c+1:]
    if (c + 1 < w) applyLeft(p, c * w + c + 1, w, len, w - c - 1, x, tau, acc);
  }
}

/** Upper-triangular T [k, k] with H₁·H₂·…·H_k = I − V·T·Vᵀ (LAPACK dlarft, forward, columnwise), in float64. */
function blockReflectorT(v: Float64Array, m: number, k: number, taus: Float64Array): Float64Array {
  const g = new Float64Array(k * k); // strict upper triangle of VᵀV (v_j is zero above row j)
  for (let r = 0; r < m; r++) gramRow(v, r, k, g);
  const t = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    const tau = taus[i];
    t[i * k + i] = tau;
    // T[0:i, i] = −τ_i · T[0:i, 0:i] · V[:, 0:i]ᵀ·v_i
    for (let j = 0; j < i; j++) {
      let s = 0;
      for (let l = j; l < i; l++) s += t[j * k + l] * g[l * k + i];
      t[j * k + i] = -tau * s;
    }
  }
  return t;
}

/**
 * C ← Qᵀ·C·Q for the symmetric C [m, m] (both triangles current) and Q = I − V·T·Vᵀ:
 * X = C·V·T; W = X − ½·V·(Tᵀ·Vᵀ·X); C ← C − V·Wᵀ − W·Vᵀ, the last as one product [V W]·[W V]ᵀ.
 */
function updateTrailing(c: Float64Array, m: number, v: Float64Array, t: Float64Array, k: number, product: Product64): void {
  const x = product(product(c, v, m, m, k), t, m, k, k); // X = C·V·T [m, k]
  const vt = new Float64Array(k * m);
  for (let r = 0; r < m; r++) for (let j = 0; j < k; j++) vt[j * m + r] = v[r * k + j];
  const y = product(vt, x, k, m, k); // Vᵀ·X [k, k]
  const z = new Float64Array(k * k); // Z = Tᵀ·(Vᵀ·X), T upper triangular
  for (let i = 0; i < k; i++)
    for (let l = 0; l <= i; l++) {
      const tli = t[l * k + i];
      if (tli === 0) continue;
      for (let j = 0; j < k; j++) z[i * k + j] += tli * y[l * k + j];
    }
  const vz = product(v, z, m, k, k);
  for (let i = 0; i < m * k; i++) x[i] -= 0.5 * vz[i]; // W = X − ½·V·Z (in x)
  const left = new Float64Array(m * 2 * k); // [V W] [m, 2k]
  const right = new Float64Array(2 * k * m); // [W V]ᵀ [2k, m]
  for (let r = 0; r < m; r++)
    for (let j = 0; j < k; j++) {
      const vr = v[r * k + j];
      const wr = x[r * k + j];
      left[r * 2 * k + j] = vr;
      left[r * 2 * k + k + j] = wr;
      right[j * m + r] = wr;
      right[(k + j) * m + r] = vr;
    }
  const u = product(left, right, m, 2 * k, m); // V·Wᵀ + W·Vᵀ
  // C ← C − U, symmetrised (a float32 product is not exactly symmetric), in tiles so the transposed reads stay in cache
  for (let r0 = 0; r0 < m; r0 += TILE) for (let c0 = 0; c0 <= r0; c0 += TILE) subtractSymmetricTile(c, u, m, r0, c0);
}

/** Stage 1: an orthogonally similar band matrix of half-bandwidth b (lower triangle of `a` read), in band storage. */
function reduceToBand(a: Float64Array, n: number, b: number, product: Product64): Float64Array {
  const ab = new Float64Array(2 * b * n);
  // s[0 : m0²] = A[i:, i:] [m0, m0] with both triangles current; each trailing block is moved to the front of s
  const s = new Float64Array(n * n);
  for (let r0 = 0; r0 < n; r0 += TILE) for (let c0 = 0; c0 <= r0; c0 += TILE) mirrorTile(s, a, n, r0, c0);
  let m0 = n;
  for (let i = 0; ; i += b) {
    const m = m0 - b; // rows below the band in this panel
    if (m <= 1) {
      // what is left lies within the band: copy its lower triangle
      for (let r = 0; r < m0; r++) for (let c = 0; c <= r; c++) ab[bandIndex(i + r, i + c, b)] = s[r * m0 + c];
      break;
    }
    for (let r = 0; r < b; r++) for (let c = 0; c <= r; c++) ab[bandIndex(i + r, i + c, b)] = s[r * m0 + c];
    // P = A[i+b:, i:i+b] = Q·R; R (upper trapezoidal) lies in the band
    const p = block(s, m0, b, m0, 0, b);
    const k = Math.min(b, m - 1);
    const v = new Float64Array(m * k);
    const taus = new Float64Array(k);
    panelQR(p, m, b, k, v, taus);
    for (let r = 0; r < Math.min(m, b); r++) for (let c = r; c < b; c++) ab[bandIndex(i + b + r, i + c, b)] = p[r * b + c];
    // C = A[i+b:, i+b:] to the front of s (row r moves from (b + r)·m0 + b down to r·m, never over a row still to move)
    for (let r = 0; r < m; r++) s.copyWithin(r * m, (b + r) * m0 + b, (b + r) * m0 + m0);
    updateTrailing(s.subarray(0, m * m), m, v, blockReflectorT(v, m, k, taus), k, product);
    m0 = m;
  }
  return ab;
}

// ---------------------------------------------------------------------------------------------------
// Stage 2: band → tridiagonal

/** Householder reflector for rows [r0 + 1, r0 + 1 + len) of column c: stores β in the first row, zeros below, v (v₀ = 1) in `v`; returns τ. */
function annihilateColumn(ab: Float64Array, stride: number, r0: number, c: number, len: number, v: Float64Array): number {
  for (let t = 0; t < len; t++) v[t] = ab[(r0 + t + 1) * stride + c];
  const tau = house(v, len);
  if (tau !== 0) {
    ab[(r0 + 1) * stride + c] = v[0];
    for (let t = 1; t < len; t++) ab[(r0 + t + 1) * stride + c] = 0;
    v[0] = 1;
  }
  return tau;
}

/** D ← H·D·H for the symmetric block D = A[st:st+m, st:st+m] (lower band storage) and H = I − τ·v·vᵀ. */
function symmetricReflect(ab: Float64Array, stride: number, st: number, m: number, v: Float64Array, tau: number, p: Float64Array): void {
  reflectLowerSymmetric(ab, (st + 1) * stride + st, stride, m, v, tau, p);
}

/**
 * Stage 2: Householder bulge chasing on a band matrix (band storage of reduceToBand, overwritten);
 * returns the diagonal d and off-diagonal e of an orthogonally similar tridiagonal matrix.
 * Sweep j annihilates column j below the subdiagonal with one reflector on rows j+1 … j+b; each
 * chase step applies the previous reflector from the right to the next b×b block below (filling it),
 * annihilates only that block's first column with a new reflector, and applies it two-sided to the
 * next diagonal block. The rest of the fill lies inside the blocks of sweep j + 1, which clears it.
 */
function bandToTridiagonal(ab: Float64Array, n: number, b: number): { d: Float64Array; e: Float64Array } {
  const stride = 2 * b - 1; // (r, c) at (r + 1)·stride + c
  let v = new Float64Array(b);
  let u = new Float64Array(b);
  const p = new Float64Array(b);
  const acc = new Float64Array(b);
  if (b > 1)
    for (let j = 0; j < n - 2; j++) {
      let st = j + 1;
      let len = Math.min(b, n - st);
      let tau = annihilateColumn(ab, stride, st, j, len, v);
      if (tau !== 0) symmetricReflect(ab, stride, st, len, v, tau, p);
      for (;;) {
        const st2 = st + len;
        if (st2 >= n) break;
        const len2 = Math.min(b, n - st2);
        // B = A[st2:st2+len2, st:st+len] ← B·H
        if (tau !== 0) applyRight(ab, (st2 + 1) * stride + st, stride, len2, len, v, tau);
        // a reflector for B's first column (which may hold fill from sweep j − 1 even when τ = 0)
        const tau2 = annihilateColumn(ab, stride, st2, st, len2, u);
        if (tau2 !== 0) {
          applyLeft(ab, (st2 + 1) * stride + st + 1, stride, len2, len - 1, u, tau2, acc); // B[:, 1:] ← H₂·B[:, 1:]
          symmetricReflect(ab, stride, st2, len2, u, tau2, p);
        }
        [v, u] = [u, v];
        tau = tau2;
        st = st2;
        len = len2;
      }
    }
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  for (let i = 0; i < n; i++) d[i] = ab[(i + 1) * stride + i];
  for (let i = 0; i + 1 < n; i++) e[i] = ab[(i + 2) * stride + i];
  return { d, e };
}
