// Graph helpers for the plan and workflow scorers: maximum-weight bipartite matching and LIS.

/**
 * Maximum-weight bipartite matching (Hungarian algorithm on the cost −w, padded square).
 * Only pairs with weight > 0 are kept in the result (absent edges have weight 0).
 * Returns pairs [row, col].
 */
export function maxWeightMatching(weights: readonly (readonly number[])[]): [number, number][] {
  const n = weights.length;
  const m = n === 0 ? 0 : weights[0].length;
  if (n === 0 || m === 0) return [];
  const size = Math.max(n, m);
  const cost = (i: number, j: number): number => (i < n && j < m ? -Math.max(0, weights[i][j]) : 0);
  // e-maxx Hungarian, 1-indexed potentials
  const u = new Float64Array(size + 1);
  const v = new Float64Array(size + 1);
  const p = new Int32Array(size + 1);
  const way = new Int32Array(size + 1);
  for (let i = 1; i <= size; i++) {
    p[0] = i;
    let j0 = 0;
    const minv = new Float64Array(size + 1).fill(Infinity);
    const used = new Uint8Array(size + 1);
    do {
      used[j0] = 1;
      const i0 = p[j0];
      let delta = Infinity;
      let j1 = 0;
      for (let j = 1; j <= size; j++) {
        if (used[j]) continue;
        const cur = cost(i0 - 1, j - 1) - u[i0] - v[j];
        if (cur < minv[j]) {
          minv[j] = cur;
          way[j] = j0;
        }
        if (minv[j] < delta) {
          delta = minv[j];
          j1 = j;
        }
      }
      for (let j = 0; j <= size; j++) {
        if (used[j]) {
          u[p[j]] += delta;
          v[j] -= delta;
        } else minv[j] -= delta;
      }
      j0 = j1;
    } while (p[j0] !== 0);
    do {
      const j1 = way[j0];
      p[j0] = p[j1];
      j0 = j1;
    } while (j0);
  }
  const out: [number, number][] = [];
  for (let j = 1; j <= size; j++) {
    const i = p[j] - 1;
    const c = j - 1;
    if (i < n && c < m && weights[i][c] > 0) out.push([i, c]);
  }
  return out.sort((x, y) => x[0] - y[0]);
}

/** Length of the longest strictly increasing subsequence (patience sorting, O(n log n)). */
export function longestIncreasingSubsequence(xs: readonly number[]): number {
  const tails: number[] = [];
  for (const x of xs) {
    let lo = 0;
    let hi = tails.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (tails[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    tails[lo] = x;
  }
  return tails.length;
}

/**
 * The matched count of T-Eval's plan and WorfBench's node scorers: edges where weight > threshold,
 * maximum-weight matching, then the LIS of matched gold indices in prediction order, whose table
 * starts at 1 for every predicted step (so any non-empty prediction counts ≥ 1).
 */
export function matchedLis(weights: readonly (readonly number[])[], threshold: number): number {
  const w = weights.map((row) => row.map((x) => (x > threshold ? x : 0)));
  const gold = new Map(maxWeightMatching(w));
  const matched = w.map((_, i) => gold.get(i)).filter((x): x is number => x !== undefined);
  return Math.max(1, longestIncreasingSubsequence(matched));
}

/** P = count/|pred|, R = count/|gold|, F1 = 2PR/(P+R) (0 when either is 0). */
export function prf(count: number, nPred: number, nGold: number): { precision: number; recall: number; f1: number } {
  const precision = nPred > 0 ? count / nPred : 0;
  const recall = nGold > 0 ? count / nGold : 0;
  const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  return { precision, recall, f1 };
}
