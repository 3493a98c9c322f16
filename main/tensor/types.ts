// The engine interface: the only way model, compression and analysis code touch numbers in bulk.
// Every engine (tfjs wasm/node/node-gpu/cpu, a native one later) implements it; nothing outside
// main/tensor/ imports tfjs. Calls are synchronous: an engine that uses worker threads blocks with
// Atomics.wait on shared memory, so callers can write the maths top to bottom.

/** Row-major float32 matrix [rows, cols]. */
export interface Matrix {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float32Array;
}

/** Row-major float64 matrix, for small second-order maths (Hessians, Cholesky) where precision matters. */
export interface Matrix64 {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float64Array;
}

export type BackendName = 'tfjs-node-gpu' | 'tfjs-node' | 'tfjs-wasm' | 'tfjs-cpu' | 'js';

/** A weight matrix W [out, in] uploaded once and kept in the engine's preferred layout. */
export interface ResidentWeight {
  readonly outFeatures: number;
  readonly inFeatures: number;
  dispose(): void;
}

export interface AttentionShape {
  /** number of query heads */
  nHeads: number;
  /** number of key/value heads (grouped-query attention when < nHeads) */
  nKvHeads: number;
  headDim: number;
  /** Mistral-style window: a query at position p sees keys at positions > p − slidingWindow. */
  slidingWindow?: number;
}

export interface BackendReport {
  name: BackendName;
  /** why this engine was chosen and why each better one was skipped */
  reason: string;
  skipped: { name: BackendName; why: string }[];
  threads: number;
}

export interface Engine {
  readonly report: BackendReport;

  // --- products -------------------------------------------------------------
  /** C = A·B, A [m,k], B [k,n]. */
  matmul(a: Matrix, b: Matrix): Matrix;
  /** C = A·Bᵀ, A [m,k], B [n,k]. */
  matmulTransB(a: Matrix, b: Matrix): Matrix;
  /** C = Aᵀ·A (Gram / Hessian accumulation), A [m,k] → [k,k]. */
  gram(a: Matrix): Matrix;
  /** Upload W [out, in] for repeated use by linear(). */
  residentWeight(w: Matrix): ResidentWeight;
  /** Y = X·Wᵀ + b, X [t, in] → [t, out]. */
  linear(x: Matrix, w: ResidentWeight, bias?: Float32Array): Matrix;

  // --- transformer pieces ---------------------------------------------------
  /** y = x / sqrt(mean(x²) + eps) · γ, per row. */
  rmsNorm(x: Matrix, gamma: Float32Array, eps: number): Matrix;
  /**
   * Rotary embedding in place on x [t, heads·headDim] (HF "rotate_half" layout: pairs (i, i + headDim/2)).
   * cos/sin are [t, headDim/2] for the rows' positions.
   */
  rotary(x: Matrix, heads: number, headDim: number, cos: Float32Array, sin: Float32Array): void;
  /**
   * Causal scaled-dot-product attention with grouped-query heads.
   * q [tq, nHeads·headDim] at absolute positions qPositions; k, v [tk, nKvHeads·headDim] at kPositions.
   * A key is visible when kPos ≤ qPos (and inside the sliding window) and, if keyMask is given, keyMask[j] = 1.
   * Returns [tq, nHeads·headDim].
   */
  attention(q: Matrix, k: Matrix, v: Matrix, shape: AttentionShape, qPositions: Int32Array, kPositions: Int32Array, keyMask?: Uint8Array): Matrix;
  /** y = silu(gate) ⊙ up, elementwise. */
  swiglu(gate: Matrix, up: Matrix): Matrix;
  /** y = a + b, elementwise. */
  add(a: Matrix, b: Matrix): Matrix;
  /** row-wise softmax. */
  softmaxRows(x: Matrix): Matrix;
  /** row-wise logsumexp → [rows]. */
  logSumExpRows(x: Matrix): Float32Array;

  // --- linear algebra (float64 for small matrices; blocked so the heavy part is matmul) ------------
  /** Lower Cholesky factor L of a symmetric positive-definite A (A = L·Lᵀ); throws NotPositiveDefiniteError. */
  cholesky(a: Matrix64): Matrix64;
  /** A⁻¹ from A's lower Cholesky factor L. */
  choleskyInverse(l: Matrix64): Matrix64;
  /** Solve L·X = B (lower) or U·X = B (upper) for X. */
  triangularSolve(t: Matrix64, b: Matrix64, lower: boolean): Matrix64;
  /** Eigenvalues of a symmetric matrix, ascending. */
  symmetricEigenvalues(a: Matrix64): Float64Array;

  /** Free worker threads and device memory. */
  dispose(): void;
}

export class NotPositiveDefiniteError extends Error {
  constructor(
    readonly pivot: number,
    readonly value: number,
  ) {
    super(`matrix is not positive definite: pivot ${pivot} is ${value} (expected > 0); add damping`);
    this.name = 'NotPositiveDefiniteError';
  }
}

export function matrix(rows: number, cols: number, data?: Float32Array): Matrix {
  const d = data ?? new Float32Array(rows * cols);
  if (d.length !== rows * cols) throw new RangeError(`matrix: expected ${rows}×${cols} = ${rows * cols} values, found ${d.length}`);
  return { rows, cols, data: d };
}

export function matrix64(rows: number, cols: number, data?: Float64Array): Matrix64 {
  const d = data ?? new Float64Array(rows * cols);
  if (d.length !== rows * cols) throw new RangeError(`matrix64: expected ${rows}×${cols} = ${rows * cols} values, found ${d.length}`);
  return { rows, cols, data: d };
}
