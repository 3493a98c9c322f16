// Random layers for the compression tests: seeded, generated here, never committed.
import { matrix, type Matrix } from '../../main/tensor/index.js';
import { seededNormal } from '../../main/compress/rng.js';

export function randomMatrix(rows: number, cols: number, seed: number, scale = 1): Matrix {
  const n = seededNormal(seed);
  const d = new Float32Array(rows * cols);
  for (let i = 0; i < d.length; i++) d[i] = n() * scale;
  return matrix(rows, cols, d);
}

/** Correlated inputs X = Z·A (+ optional outlier channels scaled by `outlier`). */
export function correlatedInputs(tokens: number, cols: number, seed: number, outliers: number[] = [], outlier = 1): Matrix {
  const z = randomMatrix(tokens, cols, seed);
  const a = randomMatrix(cols, cols, seed + 1, 1 / Math.sqrt(cols));
  for (let i = 0; i < cols; i++) a.data[i * cols + i] += 1;
  const x = new Float32Array(tokens * cols);
  for (let t = 0; t < tokens; t++)
    for (let k = 0; k < cols; k++) {
      const zk = z.data[t * cols + k];
      for (let j = 0; j < cols; j++) x[t * cols + j] += zk * a.data[k * cols + j];
    }
  for (const j of outliers) for (let t = 0; t < tokens; t++) x[t * cols + j] *= outlier;
  return matrix(tokens, cols, x);
}

/** ‖X·Wᵀ − X·Ŵᵀ‖²_F */
export function outputError(x: Matrix, w: Matrix, wq: Matrix): number {
  let s = 0;
  for (let t = 0; t < x.rows; t++)
    for (let r = 0; r < w.rows; r++) {
      let d = 0;
      for (let j = 0; j < x.cols; j++) d += x.data[t * x.cols + j] * (w.data[r * w.cols + j] - wq.data[r * w.cols + j]);
      s += d * d;
    }
  return s;
}

/** H = (2/N)·Σ XᵀX with X split into `sequences` equal parts (what the driver accumulates). */
export function hessianOf(x: Matrix, sequences = 1): Float64Array {
  const n = x.cols;
  const h = new Float64Array(n * n);
  for (let t = 0; t < x.rows; t++)
    for (let i = 0; i < n; i++) {
      const xi = x.data[t * n + i];
      for (let j = 0; j < n; j++) h[i * n + j] += xi * x.data[t * n + j];
    }
  return h.map((v) => (2 * v) / sequences);
}
