// Per-token likelihood statistics: negative log-likelihood, perplexity and KL(base‖compressed), in float64.
import { logSumExp } from './energy.js';

/** −log p(target) = logsumexp(z) − z_target for one logit row. */
export function negativeLogLikelihood(
  logits: ArrayLike<number>,
  target: number,
  offset = 0,
  length = logits.length - offset,
  /** the row's logsumexp when already known (saves a pass) */
  lse = logSumExp(logits, offset, length),
): number {
  if (!(target >= 0 && target < length)) throw new RangeError(`negativeLogLikelihood: expected a target id in [0, ${length}), found ${target}`);
  return lse - logits[offset + target];
}

/**
 * Summed NLL of a sequence: row t of logits [rows, cols] predicts ids[t + 1]; rows 0 .. ids.length − 2 are scored.
 * Returns the per-token values.
 */
export function sequenceNll(logits: ArrayLike<number>, rows: number, cols: number, ids: readonly number[]): Float64Array {
  const scored = Math.min(rows, ids.length - 1);
  const out = new Float64Array(Math.max(0, scored));
  for (let t = 0; t < scored; t++) out[t] = negativeLogLikelihood(logits, ids[t + 1], t * cols, cols);
  return out;
}

/** PPL = exp(mean NLL). */
export function perplexityFromNll(totalNll: number, tokens: number): number {
  if (!(tokens > 0)) throw new RangeError(`perplexity: expected at least one scored token, found ${tokens}`);
  return Math.exp(totalNll / tokens);
}

/**
 * KL(p‖q) = Σᵢ pᵢ (log pᵢ − log qᵢ), p = softmax(base row), q = softmax(compressed row).
 * Identical rows give exactly 0 (each term is pᵢ·0).
 */
export function klDivergence(
  baseLogits: ArrayLike<number>,
  compressedLogits: ArrayLike<number>,
  baseOffset = 0,
  compressedOffset = 0,
  length = baseLogits.length - baseOffset,
  /** the rows' logsumexp values when already known (saves two passes) */
  lseP = logSumExp(baseLogits, baseOffset, length),
  lseQ = logSumExp(compressedLogits, compressedOffset, length),
): number {
  let kl = 0;
  for (let j = 0; j < length; j++) {
    const logP = baseLogits[baseOffset + j] - lseP;
    const logQ = compressedLogits[compressedOffset + j] - lseQ;
    const p = Math.exp(logP);
    if (p === 0) continue; // 0 · log(0/q) = 0
    kl += p * (logP - logQ);
  }
  return kl;
}
