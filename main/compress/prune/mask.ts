// Selecting which weights to zero: exact k-smallest (unstructured) and N-of-M per row (semi-structured).

/** Mark exactly k entries of `scores` with the smallest values (ties by lower index) in `mask` (1 = prune). */
export function markSmallest(scores: Float32Array, k: number, mask: Uint8Array): void {
  if (k <= 0) return;
  if (k >= scores.length) {
    mask.fill(1);
    return;
  }
  const sorted = Float32Array.from(scores).sort();
  const thresh = sorted[k - 1];
  let below = 0;
  for (let i = 0; i < scores.length; i++) if (scores[i] < thresh) below++;
  let ties = k - below;
  for (let i = 0; i < scores.length; i++) {
    if (scores[i] < thresh) mask[i] = 1;
    else if (scores[i] === thresh && ties > 0) {
      mask[i] = 1;
      ties--;
    }
  }
}

/**
 * N:M: in every aligned group of m consecutive columns of each row, mark the n lowest scores.
 * scores [rows, cols] row-major; colStart/colEnd restrict to a column range (multiples of m).
 */
export function markNM(scores: Float32Array, rows: number, cols: number, n: number, m: number, mask: Uint8Array): void {
  const idx = new Array<number>(m);
  for (let r = 0; r < rows; r++)
    for (let c0 = 0; c0 + m <= cols; c0 += m) {
      const base = r * cols + c0;
      for (let k = 0; k < m; k++) idx[k] = k;
      idx.sort((a, b) => scores[base + a] - scores[base + b] || a - b);
      for (let k = 0; k < n; k++) mask[base + idx[k]] = 1;
    }
}

/** Fraction of exact zeros. */
export function sparsityOf(w: Float32Array): number {
  let z = 0;
  for (let i = 0; i < w.length; i++) if (w[i] === 0) z++;
  return w.length === 0 ? 0 : z / w.length;
}
