// Magnitude pruning (spec §4): S_ij = |W_ij|; unstructured zeroes the p-fraction of smallest |W| in the
// whole matrix (exactly round(p·numel) weights; scope 'row' does it per output row); N:M zeroes the
// N smallest of every aligned group of M inputs in each row. No calibration, no weight update.
import type { Matrix } from '../../tensor/index.js';
import { matrix } from '../../tensor/index.js';
import { patternNM } from '../methods/index.js';
import { weightMse, type LayerStep } from '../step.js';
import { markNM, markSmallest } from './mask.js';

export interface PruneOptions {
  sparsity: number;
  /** null = unstructured */
  nm: { n: number; m: number } | null;
}

export function applyMask(w: Matrix, mask: Uint8Array): Matrix {
  const out = new Float32Array(w.data);
  for (let i = 0; i < out.length; i++) if (mask[i]) out[i] = 0;
  return matrix(w.rows, w.cols, out);
}

/** Prune by a score matrix S [rows, cols]: per matrix or per row (unstructured), or N:M per row. */
export function pruneByScore(w: Matrix, score: Float32Array, o: PruneOptions, scope: 'matrix' | 'row'): { weight: Matrix; mask: Uint8Array } {
  const { rows, cols } = w;
  const mask = new Uint8Array(rows * cols);
  if (o.nm) markNM(score, rows, cols, o.nm.n, o.nm.m, mask);
  else if (scope === 'matrix') markSmallest(score, Math.round(o.sparsity * rows * cols), mask);
  else {
    const k = Math.floor(o.sparsity * cols);
    for (let r = 0; r < rows; r++) markSmallest(score.subarray(r * cols, (r + 1) * cols), k, mask.subarray(r * cols, (r + 1) * cols));
  }
  return { weight: applyMask(w, mask), mask };
}

export function magnitudePrune(w: Matrix, o: PruneOptions, scope: 'matrix' | 'row' = 'matrix'): { weight: Matrix; mask: Uint8Array } {
  const score = new Float32Array(w.data.length);
  for (let i = 0; i < score.length; i++) score[i] = Math.abs(w.data[i]);
  return pruneByScore(w, score, o, scope);
}

/** Magnitude pruning's layer step: each linear on its own, no calibration. */
export const magnitudeStep: LayerStep = {
  linear(_name, w, _stats, { config }) {
    const r = magnitudePrune(w, { sparsity: config.sparsity, nm: patternNM(config.pattern) });
    return { weight: r.weight, loss: weightMse(w, r.weight), lossKind: 'weight-mse' };
  },
};
