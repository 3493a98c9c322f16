// Wanda (Sun et al., 2024), spec §3: s_j = (1/N)·Σ_tokens x_j²;  S_ij = |W_ij|·√s_j.
// Unstructured: per output row zero the ⌊d_col·p⌋ lowest S; N:M: per row, the N lowest of each aligned
// group of M inputs. No weight update.
import type { Matrix } from '../../tensor/index.js';
import { patternNM } from '../methods/index.js';
import { INPUT_OF, statisticOf, type LayerStep } from '../step.js';
import { type PruneOptions, pruneByScore } from './magnitude.js';

/** Running mean of squared inputs per column (one per distinct linear input). */
export class InputNormAccumulator {
  readonly sumSq: Float64Array;
  tokens = 0;
  constructor(readonly columns: number) {
    this.sumSq = new Float64Array(columns);
  }
  add(x: Matrix): void {
    const c = this.columns;
    for (let t = 0; t < x.rows; t++) for (let j = 0; j < c; j++) this.sumSq[j] += x.data[t * c + j] ** 2;
    this.tokens += x.rows;
  }
  /** s_j = mean of x_j² */
  meanSquares(): Float64Array {
    return this.sumSq.map((v) => (this.tokens > 0 ? v / this.tokens : 0));
  }
}

export function wandaPrune(w: Matrix, meanSq: Float64Array, o: PruneOptions): { weight: Matrix; mask: Uint8Array; loss: number } {
  const { rows, cols } = w;
  if (meanSq.length !== cols) throw new RangeError(`wanda: expected ${cols} input norms, found ${meanSq.length}`);
  const score = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let j = 0; j < cols; j++) score[r * cols + j] = Math.abs(w.data[r * cols + j]) * Math.sqrt(meanSq[j]);
  const res = pruneByScore(w, score, o, 'row');
  // loss: Σ over pruned weights of S_ij² = W_ij²·s_j, the diagonal estimate of ‖(W − Ŵ)X‖²/N
  let loss = 0;
  for (let i = 0; i < score.length; i++) if (res.mask[i]) loss += score[i] * score[i];
  return { ...res, loss };
}

/** Wanda's layer step: the input norms of every linear from one pass, then each linear pruned; the pruned layer is rerun. */
export const wandaStep: LayerStep<InputNormAccumulator> = {
  statistic: { label: 'input norms', create: (columns) => new InputNormAccumulator(columns) },
  linear(name, w, stats, { config }) {
    const r = wandaPrune(w, statisticOf(stats, INPUT_OF[name]).meanSquares(), { sparsity: config.sparsity, nm: patternNM(config.pattern) });
    return { weight: r.weight, loss: r.loss, lossKind: 'wanda' };
  },
};
