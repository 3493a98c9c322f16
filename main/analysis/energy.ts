// Energy scores of logits (the paper's equation 7) and histograms on shared bins.

/** logsumexp(z) = m + log Σ exp(zᵢ − m), m = max z, over row[offset .. offset+length), in float64. */
export function logSumExp(values: ArrayLike<number>, offset = 0, length = values.length - offset, temperature = 1): number {
  let max = -Infinity;
  for (let j = 0; j < length; j++) {
    const v = values[offset + j] / temperature;
    if (v > max) max = v;
  }
  if (max === -Infinity || Number.isNaN(max)) return max;
  let sum = 0;
  for (let j = 0; j < length; j++) sum += Math.exp(values[offset + j] / temperature - max);
  return max + Math.log(sum);
}

/** E(x) = −T · logsumexp(f(x)/T) for one logit row. */
export function energy(values: ArrayLike<number>, temperature = 1, offset = 0, length = values.length - offset): number {
  return -temperature * logSumExp(values, offset, length, temperature);
}

/** Energy of every row of a row-major [rows, cols] logit block. */
export function energyRows(data: ArrayLike<number>, rows: number, cols: number, temperature = 1): Float64Array {
  const out = new Float64Array(rows);
  for (let i = 0; i < rows; i++) out[i] = energy(data, temperature, i * cols, cols);
  return out;
}

export interface HistogramBins {
  /** bins + 1 ascending edges; bin i covers [edges[i], edges[i+1]), the last bin also includes its right edge */
  edges: number[];
}

/** Equal-width bins spanning [min, max] of every given series, so histograms drawn on them are comparable. */
export function sharedBins(series: readonly ArrayLike<number>[], bins: number): HistogramBins {
  if (!Number.isInteger(bins) || bins < 1) throw new RangeError(`sharedBins: expected a positive integer bin count, found ${bins}`);
  let lo = Infinity;
  let hi = -Infinity;
  for (const s of series)
    for (let i = 0; i < s.length; i++) {
      const v = s[i];
      if (!Number.isFinite(v)) continue;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  if (lo === Infinity) {
    lo = 0;
    hi = 1;
  }
  if (hi === lo) {
    // a single value: centre a unit-width range on it
    lo -= 0.5;
    hi += 0.5;
  }
  const width = (hi - lo) / bins;
  const edges = Array.from({ length: bins + 1 }, (_, i) => (i === bins ? hi : lo + i * width));
  return { edges };
}

/** Counts of values per bin; values outside the edges (or not finite) are not counted. */
export function histogram(values: ArrayLike<number>, bins: HistogramBins): number[] {
  const { edges } = bins;
  const n = edges.length - 1;
  const counts = new Array<number>(n).fill(0);
  const lo = edges[0];
  const hi = edges[n];
  const width = (hi - lo) / n;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v) || v < lo || v > hi) continue;
    let b = Math.min(n - 1, Math.floor((v - lo) / width));
    // guard the float division against landing one bin off an edge
    while (b > 0 && v < edges[b]) b--;
    while (b < n - 1 && v >= edges[b + 1]) b++;
    counts[b]++;
  }
  return counts;
}
