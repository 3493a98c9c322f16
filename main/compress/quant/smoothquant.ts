// SmoothQuant (Xiao et al., 2023), spec §6. Migrate activation outliers into the weights:
//   s_j = max|X_j|^α / (max_i |W_ij|)^(1−α)   (both clamped ≥ 1e−5; weights = all linears fed by the norm)
//   γ ← γ/s;  W[:, j] ← W[:, j]·s_j          — exact: (x/s)·(W·diag s)ᵀ = x·Wᵀ.
// Then simulated W8A8: weights per output row ŵ = round(W/Δ)·Δ, Δ = max|W_row|/127; activations per token
// at every forward, Δ_t = max|x_t|/127 (dynamic), range ±127; and, as smoothquant's ppl_eval.py evaluates
// (quantize_bmm_input=True), the q/k/v projection outputs too — the inputs of attention's two BMMs — per token, before rotary.
import type { Matrix } from '../../tensor/index.js';
import { matrix } from '../../tensor/index.js';
// the dynamic per-token quantization of activations and of the attention BMM inputs are runtime transforms (main/model/runtime.ts)
export { quantizeRowsAbsmax, perTokenActivationTransform, perTokenProjectionOutputTransform } from '../../model/index.js';

/** Running max|x_j| per input channel. */
export class ActivationMaxAccumulator {
  readonly max: Float32Array;
  constructor(readonly columns: number) {
    this.max = new Float32Array(columns);
  }
  add(x: Matrix): void {
    const c = this.columns;
    for (let t = 0; t < x.rows; t++)
      for (let j = 0; j < c; j++) {
        const v = Math.abs(x.data[t * c + j]);
        if (v > this.max[j]) this.max[j] = v;
      }
  }
}

/** s_j = max|X_j|^α / max_i|W_ij|^(1−α) over all the weights fed by one norm. */
export function smoothingScales(actMax: Float32Array, weights: Matrix[], alpha: number): Float32Array {
  const cols = actMax.length;
  const wmax = new Float32Array(cols);
  for (const w of weights) {
    if (w.cols !== cols) throw new RangeError(`smoothquant: expected weights with ${cols} input columns, found ${w.cols}`);
    for (let r = 0; r < w.rows; r++) for (let j = 0; j < cols; j++) wmax[j] = Math.max(wmax[j], Math.abs(w.data[r * cols + j]));
  }
  const s = new Float32Array(cols);
  for (let j = 0; j < cols; j++) s[j] = Math.max(Math.max(actMax[j], 1e-5) ** alpha / Math.max(wmax[j], 1e-5) ** (1 - alpha), 1e-5);
  return s;
}

/** γ/s and W·diag(s): the smoothing fold. */
export function foldSmoothing(gamma: Float32Array, weights: Matrix[], s: Float32Array): { gamma: Float32Array; weights: Matrix[] } {
  const g = gamma.map((v, j) => v / s[j]);
  const ws = weights.map((w) => {
    const out = new Float32Array(w.data.length);
    for (let r = 0; r < w.rows; r++) for (let j = 0; j < w.cols; j++) out[r * w.cols + j] = w.data[r * w.cols + j] * s[j];
    return matrix(w.rows, w.cols, out);
  });
  return { gamma: g, weights: ws };
}

