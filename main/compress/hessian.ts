// Second-order statistics and the OBS column loop shared by GPTQ and SparseGPT.
//   H = (2/N)·Σ_n X_nᵀX_n over N calibration sequences (running average), spec §1;
//   damped H += λ·mean(diag H)·I; U = upper Cholesky factor of H⁻¹ (H⁻¹ = UᵀU);
//   per column i: err = (w_i − q_i)/U_ii, loss += (w_i − q_i)²/(2·U_ii²), W[:, i+1:] −= err·U_{i, i+1:} (lazily per block).
import type { Engine, Matrix } from '../tensor/index.js';
import { matrix, matrix64 } from '../tensor/index.js';

/** Running Hessian of one linear's inputs (one per distinct input: q/k/v share theirs). */
export class HessianAccumulator {
  readonly h: Float64Array;
  sequences = 0;
  constructor(readonly columns: number) {
    this.h = new Float64Array(columns * columns);
  }

  /** H ← H·n/(n+1) + (2/(n+1))·XᵀX for one sequence X [tokens, columns]. */
  add(x: Matrix, engine: Engine): void {
    if (x.cols !== this.columns) throw new RangeError(`hessian: expected inputs with ${this.columns} columns, found ${x.cols}`);
    const g = engine.gram(x).data;
    const n = this.sequences;
    const keep = n / (n + 1);
    const add = 2 / (n + 1);
    const h = this.h;
    for (let i = 0; i < h.length; i++) h[i] = h[i] * keep + add * g[i];
    this.sequences = n + 1;
  }
}

export interface SolverTimings {
  inverseS: number;
  updateS: number;
  /** flops spent in engine.matmul by the lazy updates */
  matmulFlops: number;
}

export interface PreparedInverse {
  /** U [cols, cols] upper-triangular (row-major float32), H⁻¹ = UᵀU, in the processing (permuted) order */
  u: Float32Array;
  /** columns whose H_ii was 0 (their weights are set to 0) */
  deadColumns: number[];
  /** processing order when act-order is on: perm[k] = original column */
  perm?: Int32Array;
  seconds: number;
}

/**
 * Steps 1–3 of GPTQ/SparseGPT on a copy of H: dead columns, optional act-order permutation (argsort diag H
 * descending), damping, L = chol(H), H⁻¹ = L⁻ᵀL⁻¹, U = chol(H⁻¹)ᵀ. Zeroes dead columns of w in place.
 */
export function prepareInverse(hIn: Float64Array, w: Float32Array, rows: number, cols: number, damp: number, actOrder: boolean, engine: Engine): PreparedInverse {
  const t0 = performance.now();
  let h = new Float64Array(hIn);
  const dead: number[] = [];
  for (let i = 0; i < cols; i++)
    if (h[i * cols + i] === 0) {
      h[i * cols + i] = 1;
      dead.push(i);
      for (let r = 0; r < rows; r++) w[r * cols + i] = 0;
    }
  let perm: Int32Array | undefined;
  if (actOrder) {
    const idx = Array.from({ length: cols }, (_, i) => i);
    idx.sort((a, b) => h[b * cols + b] - h[a * cols + a] || a - b);
    perm = Int32Array.from(idx);
    const hp = new Float64Array(cols * cols);
    for (let i = 0; i < cols; i++) {
      const pi = perm[i] * cols;
      for (let j = 0; j < cols; j++) hp[i * cols + j] = h[pi + perm[j]];
    }
    h = hp;
  }
  let mean = 0;
  for (let i = 0; i < cols; i++) mean += h[i * cols + i];
  const lambda = (damp * mean) / cols;
  for (let i = 0; i < cols; i++) h[i * cols + i] += lambda;
  const u = upperCholeskyOfInverse(h, cols, engine);
  return { u, deadColumns: dead, perm, seconds: (performance.now() - t0) / 1000 };
}

/**
 * U with H⁻¹ = UᵀU (U upper, positive diagonal) from one Cholesky and one triangular inverse:
 * with J the order reversal, JHJ = MMᵀ ⇒ H = RRᵀ for R = JMJ (upper) ⇒ H⁻¹ = R⁻ᵀR⁻¹ ⇒ U = R⁻¹ = J·M⁻¹·J.
 * (Same U as chol(chol_inverse(chol(H)), upper) in the reference, for about half the flops.)
 */
export function upperCholeskyOfInverse(h: Float64Array, n: number, engine: Engine): Float32Array {
  const rev = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) rev[i * n + j] = h[(n - 1 - i) * n + (n - 1 - j)];
  const m = engine.cholesky(matrix64(n, n, rev));
  const eye = matrix64(n, n);
  for (let i = 0; i < n; i++) eye.data[i * n + i] = 1;
  const minv = engine.triangularSolve(m, eye, true).data;
  const u = new Float32Array(n * n);
  for (let i = 0; i < n; i++) for (let j = i; j < n; j++) u[i * n + j] = minv[(n - 1 - i) * n + (n - 1 - j)];
  return u;
}

/** W [rows, cols] → Wᵀ [cols, rows] with columns in `perm` order (column k of the result is column perm[k]). */
export function transposeColumns(w: Float32Array, rows: number, cols: number, perm?: Int32Array): Float32Array {
  const t = new Float32Array(rows * cols);
  for (let k = 0; k < cols; k++) {
    const c = perm ? perm[k] : k;
    for (let r = 0; r < rows; r++) t[k * rows + r] = w[r * cols + c];
  }
  return t;
}

/** Inverse of transposeColumns. */
export function untransposeColumns(t: Float32Array, rows: number, cols: number, perm?: Int32Array): Float32Array {
  const w = new Float32Array(rows * cols);
  for (let k = 0; k < cols; k++) {
    const c = perm ? perm[k] : k;
    for (let r = 0; r < rows; r++) w[r * cols + c] = t[k * rows + r];
  }
  return w;
}

/**
 * The lazy batch update after a block: Wᵀ[i2:, :] −= U[i1:i2, i2:]ᵀ · Eᵀ, with Eᵀ [count, rows].
 * Done by engine.matmul: this is where GPTQ/SparseGPT spend their flops (≈ rows·cols² in total).
 */
export function lazyBlockUpdate(wt: Float32Array, u: Float32Array, et: Float32Array, rows: number, cols: number, i1: number, i2: number, engine: Engine): number {
  const tail = cols - i2;
  const count = i2 - i1;
  if (tail <= 0) return 0;
  const ut = new Float32Array(tail * count); // U[i1:i2, i2:]ᵀ
  for (let a = 0; a < count; a++) {
    const ua = (i1 + a) * cols;
    for (let j = 0; j < tail; j++) ut[j * count + a] = u[ua + i2 + j];
  }
  const upd = engine.matmul({ rows: tail, cols: count, data: ut }, { rows: count, cols: rows, data: et }).data;
  const off = i2 * rows;
  for (let i = 0; i < upd.length; i++) wt[off + i] -= upd[i];
  return 2 * tail * count * rows;
}

/** How a method compresses column k of W (position i in its block): GPTQ quantizes it, SparseGPT masks (and may quantize). */
export interface ColumnRule {
  /** called as a block [i1, i2) starts, before any of its columns (SparseGPT chooses the block's mask here) */
  startBlock?(i1: number, i2: number): void;
  /** write the compressed column into q, given the column's current (updated) weights w; both [rows] */
  column(k: number, i: number, w: Float32Array, q: Float32Array): void;
}

/**
 * The OBS column loop with lazy batches (gptq.py fasterquant, sparsegpt.py fasterprune) over Wᵀ [cols, rows], column
 * k contiguous, with U = chol(H⁻¹)ᵀ: per block of B columns, per column k, q = rule(w_k), err = (w_k − q)/U_kk,
 * loss += (w_k − q)²/(2·U_kk²), W[:, k+1:i2] −= err ⊗ U[k, k+1:i2]; after the block, lazyBlockUpdate. Returns Qᵀ.
 * `float32` rounds w − q, err and each product to float32 as torch does on float32 weights (GPTQ); without it they
 * stay double until stored (SparseGPT).
 */
export function obsColumns(
  wt: Float32Array,
  u: Float32Array,
  rows: number,
  cols: number,
  blockSize: number,
  rule: ColumnRule,
  float32: boolean,
  engine: Engine,
): { qt: Float32Array; loss: number; flops: number } {
  const qt = new Float32Array(rows * cols);
  const err = new Float32Array(rows);
  let loss = 0;
  let flops = 0;
  for (let i1 = 0; i1 < cols; i1 += blockSize) {
    const i2 = Math.min(i1 + blockSize, cols);
    const count = i2 - i1;
    const et = new Float32Array(count * rows);
    rule.startBlock?.(i1, i2);
    for (let i = 0; i < count; i++) {
      const k = i1 + i;
      const col = k * rows;
      rule.column(k, i, wt.subarray(col, col + rows), qt.subarray(col, col + rows));
      const d = u[k * cols + k];
      for (let r = 0; r < rows; r++) {
        const wv = wt[col + r];
        const q = qt[col + r];
        const e = float32 ? Math.fround(Math.fround(wv - q) / d) : (wv - q) / d;
        loss += ((wv - q) * (wv - q)) / (2 * d * d);
        err[r] = e;
        et[i * rows + r] = e;
      }
      // in-block update: W[:, k+1:i2] −= err ⊗ U[k, k+1:i2]
      for (let j = k + 1; j < i2; j++) {
        const ukj = u[k * cols + j];
        if (ukj === 0) continue;
        const cj = j * rows;
        if (float32) for (let r = 0; r < rows; r++) wt[cj + r] -= Math.fround(err[r] * ukj);
        else for (let r = 0; r < rows; r++) wt[cj + r] -= err[r] * ukj;
      }
    }
    flops += lazyBlockUpdate(wt, u, et, rows, cols, i1, i2, engine);
  }
  return { qt, loss, flops };
}

/** What a method builds its ColumnRule from, once U and Wᵀ exist. */
export interface ObsSetup {
  /** U = chol(H⁻¹)ᵀ [cols, cols] in processing order */
  u: Float32Array;
  /** processing order when act-order is on: perm[k] = original column */
  perm?: Int32Array;
  /** Wᵀ [cols, rows] in processing order, updated in place as the loop runs */
  wt: Float32Array;
  /** a copy of W [rows, cols] with its dead columns zeroed */
  wd: Float32Array;
}

/**
 * GPTQ's and SparseGPT's solve of one linear W [rows, cols]: prepareInverse on a copy of W, Wᵀ in processing order,
 * obsColumns with the method's rule, then Q back in W's column order, with the loop's loss and timings.
 */
export function obsSolve(
  w: Matrix,
  hessian: Float64Array,
  o: { damp: number; actOrder: boolean; blockSize: number; float32: boolean },
  engine: Engine,
  makeRule: (s: ObsSetup) => ColumnRule,
): { weight: Matrix; loss: number; timings: SolverTimings } {
  const { rows, cols } = w;
  const wd = new Float32Array(w.data);
  const inv = prepareInverse(hessian, wd, rows, cols, o.damp, o.actOrder, engine);
  const t0 = performance.now();
  const { u, perm } = inv;
  const wt = transposeColumns(wd, rows, cols, perm);
  const solved = obsColumns(wt, u, rows, cols, o.blockSize, makeRule({ u, perm, wt, wd }), o.float32, engine);
  const weight = matrix(rows, cols, untransposeColumns(solved.qt, rows, cols, perm));
  return { weight, loss: solved.loss, timings: { inverseS: inv.seconds, updateS: (performance.now() - t0) / 1000, matmulFlops: solved.flops } };
}

/** The statistic GPTQ and SparseGPT gather before a group of linears: the Hessian of each input. */
export const HESSIANS = { label: 'Hessians', create: (columns: number) => new HessianAccumulator(columns) };
