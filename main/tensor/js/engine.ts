// Plain-JavaScript engine: the reference every faster engine is checked against, and the last resort.
import { type AttentionShape, type BackendReport, type Engine, type Matrix, type Matrix64, type ResidentWeight, matrix, matrix64 } from '../types.js';
import * as linalg from '../linalg.js';
import { matmulInto } from './gemm.js';
export { matmulInto };
import { attentionKernel } from './attention.js';

interface JsWeight extends ResidentWeight {
  /** Wᵀ [in, out], so linear() is a plain row-major product */
  readonly transposed: Float32Array;
}

export function transpose(x: Matrix): Matrix {
  return matrix(x.cols, x.rows, transposedRows(x, 0, x.rows));
}

/** x[r0:r1, :]ᵀ as [cols, r1 − r0] row-major (a thread's share of a weight, without transposing the whole). */
export function transposedRows(x: Matrix, r0: number, r1: number): Float32Array {
  const n = r1 - r0;
  const out = new Float32Array(x.cols * n);
  for (let i = r0; i < r1; i++) for (let j = 0; j < x.cols; j++) out[j * n + i - r0] = x.data[i * x.cols + j];
  return out;
}

function checkSameShape(op: string, a: Matrix, b: Matrix): void {
  if (a.rows !== b.rows || a.cols !== b.cols) throw new RangeError(`${op}: expected two ${a.rows}×${a.cols} matrices, found ${a.rows}×${a.cols} and ${b.rows}×${b.cols}`);
}

function checkSquare(op: string, a: Matrix64): void {
  if (a.rows !== a.cols) throw new RangeError(`${op}: expected a square matrix, found ${a.rows}×${a.cols}`);
}

function checkInner(op: string, k1: number, k2: number): void {
  if (k1 !== k2) throw new RangeError(`${op}: inner dimensions differ (expected equal, found ${k1} and ${k2})`);
}

export class JsEngine implements Engine {
  readonly report: BackendReport;

  constructor(report?: BackendReport) {
    this.report = report ?? { name: 'js', reason: 'plain JavaScript reference engine', skipped: [], threads: 1 };
  }

  matmul(a: Matrix, b: Matrix): Matrix {
    checkInner('matmul', a.cols, b.rows);
    const c = new Float32Array(a.rows * b.cols);
    matmulInto(a.data, b.data, c, a.rows, a.cols, b.cols);
    return matrix(a.rows, b.cols, c);
  }

  matmulTransB(a: Matrix, b: Matrix): Matrix {
    checkInner('matmulTransB', a.cols, b.cols);
    return this.matmul(a, transpose(b));
  }

  gram(a: Matrix): Matrix {
    return this.matmul(transpose(a), a);
  }

  residentWeight(w: Matrix): ResidentWeight {
    const weight: JsWeight = { outFeatures: w.rows, inFeatures: w.cols, transposed: transpose(w).data, dispose() {} };
    return weight;
  }

  linear(x: Matrix, w: ResidentWeight, bias?: Float32Array): Matrix {
    const jw = w as JsWeight;
    checkInner('linear', x.cols, jw.inFeatures);
    const y = new Float32Array(x.rows * jw.outFeatures);
    matmulInto(x.data, jw.transposed, y, x.rows, jw.inFeatures, jw.outFeatures);
    if (bias) for (let i = 0; i < x.rows; i++) for (let j = 0; j < jw.outFeatures; j++) y[i * jw.outFeatures + j] += bias[j];
    return matrix(x.rows, jw.outFeatures, y);
  }

  rmsNorm(x: Matrix, gamma: Float32Array, eps: number): Matrix {
    if (gamma.length !== x.cols) throw new RangeError(`rmsNorm: expected ${x.cols} weights, found ${gamma.length}`);
    const y = new Float32Array(x.data.length);
    for (let i = 0; i < x.rows; i++) {
      let ss = 0;
      for (let j = 0; j < x.cols; j++) ss += x.data[i * x.cols + j] ** 2;
      const inv = 1 / Math.sqrt(ss / x.cols + eps);
      for (let j = 0; j < x.cols; j++) y[i * x.cols + j] = x.data[i * x.cols + j] * inv * gamma[j];
    }
    return matrix(x.rows, x.cols, y);
  }

  rotary(x: Matrix, heads: number, headDim: number, cos: Float32Array, sin: Float32Array): void {
    const half = headDim / 2;
    for (let t = 0; t < x.rows; t++) {
      for (let h = 0; h < heads; h++) {
        const base = t * x.cols + h * headDim;
        for (let i = 0; i < half; i++) {
          const c = cos[t * half + i];
          const s = sin[t * half + i];
          const a = x.data[base + i];
          const b = x.data[base + i + half];
          x.data[base + i] = a * c - b * s; // rotate_half: (a, b) → (a·cos − b·sin, b·cos + a·sin)
          x.data[base + i + half] = b * c + a * s;
        }
      }
    }
  }

  /** Shapes and positions of an attention call, checked once (a wrong cache shape is a caller bug worth a clear message). */
  protected checkAttention(q: Matrix, k: Matrix, v: Matrix, shape: AttentionShape, qPositions: Int32Array, kPositions: Int32Array, keyMask?: Uint8Array): void {
    const { nHeads, nKvHeads, headDim } = shape;
    if (nHeads % nKvHeads !== 0) throw new RangeError(`attention: expected nHeads a multiple of nKvHeads, found ${nHeads} and ${nKvHeads}`);
    if (q.cols !== nHeads * headDim) throw new RangeError(`attention: expected queries with ${nHeads}×${headDim} columns, found ${q.cols}`);
    if (k.cols !== nKvHeads * headDim || v.cols !== k.cols) throw new RangeError(`attention: expected keys and values with ${nKvHeads}×${headDim} columns, found ${k.cols} and ${v.cols}`);
    if (v.rows !== k.rows) throw new RangeError(`attention: expected as many values as keys, found ${v.rows} and ${k.rows}`);
    if (qPositions.length !== q.rows || kPositions.length !== k.rows)
      throw new RangeError(`attention: expected one position per query and key, found ${qPositions.length} for ${q.rows} and ${kPositions.length} for ${k.rows}`);
    if (keyMask && keyMask.length !== k.rows) throw new RangeError(`attention: expected a key mask of ${k.rows} entries, found ${keyMask.length}`);
  }

  attention(q: Matrix, k: Matrix, v: Matrix, shape: AttentionShape, qPositions: Int32Array, kPositions: Int32Array, keyMask?: Uint8Array): Matrix {
    this.checkAttention(q, k, v, shape, qPositions, kPositions, keyMask);
    return matrix(q.rows, shape.nHeads * shape.headDim, attentionKernel(q, k, v, shape, qPositions, kPositions, keyMask));
  }

  swiglu(gate: Matrix, up: Matrix): Matrix {
    checkSameShape('swiglu', gate, up);
    const y = new Float32Array(gate.data.length);
    for (let i = 0; i < y.length; i++) {
      const g = gate.data[i];
      y[i] = (g / (1 + Math.exp(-g))) * up.data[i];
    }
    return matrix(gate.rows, gate.cols, y);
  }

  add(a: Matrix, b: Matrix): Matrix {
    checkSameShape('add', a, b);
    const y = new Float32Array(a.data.length);
    for (let i = 0; i < y.length; i++) y[i] = a.data[i] + b.data[i];
    return matrix(a.rows, a.cols, y);
  }

  softmaxRows(x: Matrix): Matrix {
    const y = new Float32Array(x.data.length);
    const lse = this.logSumExpRows(x);
    for (let i = 0; i < x.rows; i++) for (let j = 0; j < x.cols; j++) y[i * x.cols + j] = Math.exp(x.data[i * x.cols + j] - lse[i]);
    return matrix(x.rows, x.cols, y);
  }

  logSumExpRows(x: Matrix): Float32Array {
    const out = new Float32Array(x.rows);
    for (let i = 0; i < x.rows; i++) {
      let max = -Infinity;
      for (let j = 0; j < x.cols; j++) max = Math.max(max, x.data[i * x.cols + j]);
      let sum = 0;
      for (let j = 0; j < x.cols; j++) sum += Math.exp(x.data[i * x.cols + j] - max);
      out[i] = max + Math.log(sum);
    }
    return out;
  }

  /** The products of the blocked factorisations: exact float64 here; faster engines override with their matmul. */
  protected linalgOptions(): linalg.LinalgOptions {
    return { product: linalg.product64 };
  }

  cholesky(a: Matrix64): Matrix64 {
    checkSquare('cholesky', a);
    return matrix64(a.rows, a.rows, linalg.cholesky(a.data, a.rows, this.linalgOptions()));
  }

  choleskyInverse(l: Matrix64): Matrix64 {
    checkSquare('choleskyInverse', l);
    return matrix64(l.rows, l.rows, linalg.choleskyInverse(l.data, l.rows, this.linalgOptions()));
  }

  triangularSolve(t: Matrix64, b: Matrix64, lower: boolean): Matrix64 {
    checkSquare('triangularSolve', t);
    if (b.rows !== t.rows) throw new RangeError(`triangularSolve: expected a right-hand side with ${t.rows} rows, found ${b.rows}`);
    return matrix64(b.rows, b.cols, linalg.triangularSolve(t.data, t.rows, b.data, b.cols, lower, this.linalgOptions()));
  }

  symmetricEigenvalues(a: Matrix64): Float64Array {
    checkSquare('symmetricEigenvalues', a);
    return linalg.symmetricEigenvalues(a.data, a.rows);
  }

  dispose(): void {}
}

/** Cyclic Jacobi rotations: slow (O(n³) per sweep) but exact enough for the small matrices of tests and ERank. */
export function jacobiEigenvalues(a: Matrix64, maxSweeps = 100): Float64Array {
  const n = a.rows;
  const m = new Float64Array(a.data);
  for (let sweep = 0; sweep < maxSweeps; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += m[p * n + q] ** 2;
    if (off < 1e-22) break;
    for (let p = 0; p < n; p++)
      for (let q = p + 1; q < n; q++) {
        const apq = m[p * n + q];
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (m[q * n + q] - m[p * n + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const mkp = m[k * n + p];
          const mkq = m[k * n + q];
          m[k * n + p] = c * mkp - s * mkq;
          m[k * n + q] = s * mkp + c * mkq;
        }
        for (let k = 0; k < n; k++) {
          const mpk = m[p * n + k];
          const mqk = m[q * n + k];
          m[p * n + k] = c * mpk - s * mqk;
          m[q * n + k] = s * mpk + c * mqk;
        }
      }
  }
  const eig = new Float64Array(n);
  for (let i = 0; i < n; i++) eig[i] = m[i * n + i];
  return eig.sort();
}
