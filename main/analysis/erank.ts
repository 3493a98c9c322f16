// Effective rank (Diff-eRank's definition) of per-token representations: rows are tokens, columns features.
import { type Engine, type Matrix, matrix, matrix64 } from '../tensor/index.js';
import { ERankUndefinedError } from './errors.js';

/** Normalised eigenvalues below this are dropped (numerical zeros and round-off negatives). */
export const ERANK_EIGEN_FLOOR = 1e-10;

export type ERankForm = 'auto' | 'covariance' | 'gram';

/**
 * Z: subtract the column means over tokens, then scale every row to unit L2 norm.
 * A row that is exactly the mean (zero after centring) stays zero. Accumulates in float64.
 */
export function centreAndNormaliseRows(x: Matrix): Matrix {
  const { rows: n, cols: d, data } = x;
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += data[i * d + j];
  for (let j = 0; j < d; j++) mean[j] /= n;
  const z = new Float32Array(n * d);
  const centred = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    let ss = 0;
    for (let j = 0; j < d; j++) {
      const c = data[i * d + j] - mean[j];
      centred[j] = c;
      ss += c * c;
    }
    if (ss === 0) continue;
    const inv = 1 / Math.sqrt(ss);
    for (let j = 0; j < d; j++) z[i * d + j] = centred[j] * inv;
  }
  return matrix(n, d, z);
}

/** eRank = exp(H), H = −Σ σᵢ log σᵢ with σᵢ = λᵢ / Σλ, dropping σᵢ < 1e-10. */
export function eRankFromEigenvalues(eigenvalues: ArrayLike<number>): number {
  return Math.exp(entropyFromEigenvalues(eigenvalues));
}

/** H = −Σ σᵢ log σᵢ with σᵢ = λᵢ / Σλ, dropping σᵢ < 1e-10 (the spectral entropy whose exp is the eRank). */
export function entropyFromEigenvalues(eigenvalues: ArrayLike<number>): number {
  let trace = 0;
  for (let i = 0; i < eigenvalues.length; i++) trace += eigenvalues[i];
  if (!(trace > 0)) throw new ERankUndefinedError(`eigenvalues with a positive sum (the matrix is zero), found sum ${trace}`);
  let entropy = 0;
  for (let i = 0; i < eigenvalues.length; i++) {
    const sigma = eigenvalues[i] / trace;
    if (sigma < ERANK_EIGEN_FLOOR) continue;
    entropy -= sigma * Math.log(sigma);
  }
  return entropy;
}

/**
 * eRank of a data set: exp(mean over sequences of H), as Diff-eRank's diff_erank_dataset.py computes it
 * (erank = math.exp(sum(entropies) / len(entropies))) — not the mean of the per-sequence eRanks, which is larger
 * by Jensen's inequality. Undefined (null) sequences are skipped; null when none is defined.
 */
export function datasetERank(entropies: readonly (number | null)[]): number | null {
  const defined = entropies.filter((h): h is number => h !== null);
  return defined.length > 0 ? Math.exp(defined.reduce((a, h) => a + h, 0) / defined.length) : null;
}

/** Which product to use: the Gram form Z·Zᵀ/N [N,N] when features d > tokens N, else the covariance ZᵀZ/N [d,d]. */
export function chooseERankForm(tokens: number, features: number): 'covariance' | 'gram' {
  return features > tokens ? 'gram' : 'covariance';
}

/** Spectrum of A = ZᵀZ/N (covariance form) or Z·Zᵀ/N (Gram form); both share their non-zero eigenvalues. */
export function eRankSpectrum(z: Matrix, engine: Engine, form: ERankForm = 'auto'): Float64Array {
  const n = z.rows;
  const chosen = form === 'auto' ? chooseERankForm(z.rows, z.cols) : form;
  const product = chosen === 'gram' ? engine.matmulTransB(z, z) : engine.gram(z);
  const size = product.rows;
  const a = new Float64Array(size * size);
  // symmetrise while converting: float32 products may differ in the last bit across the diagonal
  for (let i = 0; i < size; i++) for (let j = 0; j < size; j++) a[i * size + j] = (product.data[i * size + j] + product.data[j * size + i]) / (2 * n);
  return engine.symmetricEigenvalues(matrix64(size, size, a));
}

/** eRank of per-token representations x [N tokens, d features] (Diff-eRank: centre, normalise, covariance spectrum). */
export function eRank(x: Matrix, engine: Engine, form: ERankForm = 'auto'): number {
  return Math.exp(eRankEntropy(x, engine, form));
}

/** H of per-token representations x [N tokens, d features]: the spectral entropy of eRank = exp(H). */
export function eRankEntropy(x: Matrix, engine: Engine, form: ERankForm = 'auto'): number {
  if (x.rows < 2) throw new ERankUndefinedError(`at least 2 token rows, found ${x.rows}`);
  const z = centreAndNormaliseRows(x);
  try {
    return entropyFromEigenvalues(eRankSpectrum(z, engine, form));
  } catch (e) {
    if (e instanceof ERankUndefinedError) throw new ERankUndefinedError(`rows that differ from each other (all ${x.rows} rows are equal after centring)`);
    throw e;
  }
}
