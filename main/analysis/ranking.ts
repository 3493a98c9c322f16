// Top-k ranking consistency between two logit vectors (the paper's equation 5, plus Kendall τ-b and Spearman ρ).

/**
 * Ids of the k largest values of row[offset .. offset+length), largest first; equal values keep the lower id first.
 * One pass with a k-slot insertion list: O(length·k) worst case, O(length) typical.
 */
export function topKIndices(values: ArrayLike<number>, k: number, offset = 0, length = values.length - offset): Int32Array {
  const kk = Math.min(k, length);
  const ids = new Int32Array(kk);
  const vals = new Float64Array(kk);
  let filled = 0;
  for (let j = 0; j < length; j++) {
    const v = values[offset + j];
    if (Number.isNaN(v)) continue;
    if (filled === kk && !(v > vals[kk - 1])) continue;
    let pos = filled < kk ? filled : kk - 1;
    // shift smaller values down; a strict > keeps earlier (lower) ids ahead of equal later ones
    while (pos > 0 && v > vals[pos - 1]) {
      vals[pos] = vals[pos - 1];
      ids[pos] = ids[pos - 1];
      pos--;
    }
    vals[pos] = v;
    ids[pos] = j;
    if (filled < kk) filled++;
  }
  return filled === kk ? ids : ids.slice(0, filled);
}

/** J = |A ∩ B| / |A ∪ B|; two empty sets give 1. */
export function jaccard(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const setA = new Set<number>(Array.from(a));
  const setB = new Set<number>(Array.from(b));
  let inter = 0;
  for (const x of setA) if (setB.has(x)) inter++;
  const union = setA.size + setB.size - inter;
  return union === 0 ? 1 : inter / union;
}

/**
 * Kendall τ-b = (n_c − n_d) / √((n₀ − n₁)(n₀ − n₂)), n₀ = n(n−1)/2, n₁ / n₂ = Σ t(t−1)/2 over tie groups of x / y.
 * null when undefined: fewer than 2 values, or x or y entirely tied (zero denominator).
 */
export function kendallTauB(x: ArrayLike<number>, y: ArrayLike<number>): number | null {
  const n = x.length;
  if (y.length !== n) throw new RangeError(`kendallTauB: expected vectors of equal length, found ${n} and ${y.length}`);
  let concordant = 0;
  let discordant = 0;
  let tiedX = 0;
  let tiedY = 0;
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++) {
      const dx = Math.sign(x[j] - x[i]);
      const dy = Math.sign(y[j] - y[i]);
      if (dx === 0) tiedX++;
      if (dy === 0) tiedY++;
      if (dx === 0 || dy === 0) continue;
      if (dx === dy) concordant++;
      else discordant++;
    }
  const n0 = (n * (n - 1)) / 2;
  const denominator = Math.sqrt((n0 - tiedX) * (n0 - tiedY));
  if (!(denominator > 0)) return null;
  return (concordant - discordant) / denominator;
}

/** Ranks 1..n in ascending order of value; tied values share the average of the ranks they span. */
export function averageRanks(x: ArrayLike<number>): Float64Array {
  const n = x.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => x[a] - x[b]);
  const ranks = new Float64Array(n);
  let i = 0;
  while (i < n) {
    let j = i;
    while (j + 1 < n && x[order[j + 1]] === x[order[i]]) j++;
    const rank = (i + j) / 2 + 1; // average of ranks i+1 .. j+1
    for (let t = i; t <= j; t++) ranks[order[t]] = rank;
    i = j + 1;
  }
  return ranks;
}

/** Pearson r = Σ(a−ā)(b−b̄) / √(Σ(a−ā)² Σ(b−b̄)²); null when either vector is constant. */
export function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number | null {
  const n = a.length;
  if (b.length !== n) throw new RangeError(`pearson: expected vectors of equal length, found ${n} and ${b.length}`);
  if (n < 2) return null;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i];
    mb += b[i];
  }
  ma /= n;
  mb /= n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    const da = a[i] - ma;
    const db = b[i] - mb;
    sab += da * db;
    saa += da * da;
    sbb += db * db;
  }
  if (!(saa > 0 && sbb > 0)) return null;
  return sab / Math.sqrt(saa * sbb);
}

/** Spearman ρ = Pearson r of the average ranks (ties share ranks); null when undefined (k < 2 or a constant vector). */
export function spearmanRho(x: ArrayLike<number>, y: ArrayLike<number>): number | null {
  if (y.length !== x.length) throw new RangeError(`spearmanRho: expected vectors of equal length, found ${x.length} and ${y.length}`);
  return pearson(averageRanks(x), averageRanks(y));
}

export interface TopKConsistency {
  k: number;
  /** Jaccard of the two models' top-k id sets (defined for every k ≥ 1; for k = 1 it is 1 when the argmax agrees, else 0) */
  jaccard: number;
  /** Kendall τ-b of base vs compressed logits on the base model's top-k ids; null for k = 1 or when all values tie */
  kendallTau: number | null;
  /** Spearman ρ of the same values; null for k = 1 or when all values tie */
  spearmanRho: number | null;
}

/**
 * Consistency of one position for each k: baseTop / compressedTop are each model's ids sorted by logit (largest first,
 * at least max(ks) long); the correlations compare both models' logits at the base model's top-k ids.
 */
export function topKConsistency(
  baseLogits: ArrayLike<number>,
  compressedLogits: ArrayLike<number>,
  baseOffset: number,
  compressedOffset: number,
  baseTop: Int32Array,
  compressedTop: Int32Array,
  ks: readonly number[],
): TopKConsistency[] {
  return ks.map((k) => {
    const ids = baseTop.subarray(0, k);
    const x = new Float64Array(ids.length);
    const y = new Float64Array(ids.length);
    for (let i = 0; i < ids.length; i++) {
      x[i] = baseLogits[baseOffset + ids[i]];
      y[i] = compressedLogits[compressedOffset + ids[i]];
    }
    return {
      k,
      jaccard: jaccard(ids, compressedTop.subarray(0, k)),
      kendallTau: kendallTauB(x, y),
      spearmanRho: spearmanRho(x, y),
    };
  });
}
