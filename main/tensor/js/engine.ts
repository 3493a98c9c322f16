// Plain-JavaScript engine: the reference every faster engine is checked against, and the last resort.
import {
  type AttentionShape,
  type BackendReport,
  type Engine,
  type Matrix,
  type Matrix64,
  type ResidentWeight,
  NotPositiveDefiniteError,
  matrix,
  matrix64,
} from '../types.js';

interface JsWeight extends ResidentWeight {
  /** Wᵀ [in, out], so linear() is a plain row-major product */
  readonly transposed: Float32Array;
}

export function matmulInto(a: Float32Array, b: Float32Array, c: Float32Array, m: number, k: number, n: number): void {
  // i-k-j loop order: the inner loop walks contiguous rows of B and C.
  c.fill(0);
  for (let i = 0; i < m; i++) {
    const ci = i * n;
    for (let p = 0; p < k; p++) {
      const aip = a[i * k + p];
      if (aip === 0) continue;
      const bp = p * n;
      for (let j = 0; j < n; j++) c[ci + j] += aip * b[bp + j];
    }
  }
}

export function transpose(x: Matrix): Matrix {
  const out = new Float32Array(x.rows * x.cols);
  for (let i = 0; i < x.rows; i++) for (let j = 0; j < x.cols; j++) out[j * x.rows + i] = x.data[i * x.cols + j];
  return matrix(x.cols, x.rows, out);
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

  attention(q: Matrix, k: Matrix, v: Matrix, shape: AttentionShape, qPositions: Int32Array, kPositions: Int32Array, keyMask?: Uint8Array): Matrix {
    const { nHeads, nKvHeads, headDim, slidingWindow } = shape;
    const group = nHeads / nKvHeads;
    const scale = 1 / Math.sqrt(headDim);
    const out = new Float32Array(q.rows * nHeads * headDim);
    const scores = new Float64Array(k.rows);
    for (let h = 0; h < nHeads; h++) {
      const kvh = Math.floor(h / group);
      for (let i = 0; i < q.rows; i++) {
        const qp = qPositions[i];
        let max = -Infinity;
        for (let j = 0; j < k.rows; j++) {
          const kp = kPositions[j];
          const visible = kp <= qp && (!slidingWindow || kp > qp - slidingWindow) && (!keyMask || keyMask[j] === 1);
          if (!visible) {
            scores[j] = -Infinity;
            continue;
          }
          let s = 0;
          for (let d = 0; d < headDim; d++) s += q.data[i * q.cols + h * headDim + d] * k.data[j * k.cols + kvh * headDim + d];
          scores[j] = s * scale;
          if (scores[j] > max) max = scores[j];
        }
        if (max === -Infinity) continue; // no visible key (fully padded row): output zeros
        let sum = 0;
        for (let j = 0; j < k.rows; j++) {
          scores[j] = scores[j] === -Infinity ? 0 : Math.exp(scores[j] - max);
          sum += scores[j];
        }
        for (let j = 0; j < k.rows; j++) {
          const p = scores[j] / sum;
          if (p === 0) continue;
          for (let d = 0; d < headDim; d++) out[i * nHeads * headDim + h * headDim + d] += p * v.data[j * v.cols + kvh * headDim + d];
        }
      }
    }
    return matrix(q.rows, nHeads * headDim, out);
  }

  swiglu(gate: Matrix, up: Matrix): Matrix {
    const y = new Float32Array(gate.data.length);
    for (let i = 0; i < y.length; i++) {
      const g = gate.data[i];
      y[i] = (g / (1 + Math.exp(-g))) * up.data[i];
    }
    return matrix(gate.rows, gate.cols, y);
  }

  add(a: Matrix, b: Matrix): Matrix {
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

  cholesky(a: Matrix64): Matrix64 {
    const n = a.rows;
    const l = new Float64Array(n * n);
    for (let j = 0; j < n; j++) {
      let d = a.data[j * n + j];
      for (let p = 0; p < j; p++) d -= l[j * n + p] ** 2;
      if (!(d > 0)) throw new NotPositiveDefiniteError(j, d);
      const ljj = Math.sqrt(d);
      l[j * n + j] = ljj;
      for (let i = j + 1; i < n; i++) {
        let s = a.data[i * n + j];
        for (let p = 0; p < j; p++) s -= l[i * n + p] * l[j * n + p];
        l[i * n + j] = s / ljj;
      }
    }
    return matrix64(n, n, l);
  }

  choleskyInverse(l: Matrix64): Matrix64 {
    const n = l.rows;
    const identity = matrix64(n, n);
    for (let i = 0; i < n; i++) identity.data[i * n + i] = 1;
    const linv = this.triangularSolve(l, identity, true); // L⁻¹
    const inv = new Float64Array(n * n); // A⁻¹ = L⁻ᵀ·L⁻¹
    for (let i = 0; i < n; i++)
      for (let j = 0; j <= i; j++) {
        let s = 0;
        for (let p = i; p < n; p++) s += linv.data[p * n + i] * linv.data[p * n + j];
        inv[i * n + j] = s;
        inv[j * n + i] = s;
      }
    return matrix64(n, n, inv);
  }

  triangularSolve(t: Matrix64, b: Matrix64, lower: boolean): Matrix64 {
    const n = t.rows;
    const m = b.cols;
    const x = new Float64Array(b.data);
    const order = lower ? [...Array(n).keys()] : [...Array(n).keys()].reverse();
    for (const i of order) {
      const tii = t.data[i * n + i];
      for (let c = 0; c < m; c++) {
        let s = x[i * m + c];
        if (lower) for (let p = 0; p < i; p++) s -= t.data[i * n + p] * x[p * m + c];
        else for (let p = i + 1; p < n; p++) s -= t.data[i * n + p] * x[p * m + c];
        x[i * m + c] = s / tii;
      }
    }
    return matrix64(n, m, x);
  }

  symmetricEigenvalues(a: Matrix64): Float64Array {
    return jacobiEigenvalues(a);
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
