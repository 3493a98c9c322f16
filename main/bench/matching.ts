// Graph helpers for the plan and workflow scorers: networkx's maximum-weight matching, LIS, topological orders.

/**
 * networkx.max_weight_matching(G) (maxcardinality=False) on the bipartite graph the reference scorers
 * build: `G.add_edge(i, str(j), weight=w[i][j])` for every pair with w > 0, rows outer, columns inner.
 * A port of networkx's primal-dual (Galil/Edmonds) algorithm in its node and neighbour order, so
 * that among equal-weight matchings it picks the same one; blossoms never form on a bipartite graph.
 * Returns pairs [row, column].
 */
export function maxWeightMatching(weights: readonly (readonly number[])[]): [number, number][] {
  const n = weights.length;
  const m = n === 0 ? 0 : weights[0].length;
  // nodes: row i → i, column j → n + j; gnodes and adjacency in insertion order
  const gnodes: number[] = [];
  const seen = new Set<number>();
  const adj = new Map<number, number[]>();
  const wt = new Map<number, number>();
  const key = (v: number, w: number) => v * (n + m) + w;
  const addNode = (v: number) => {
    if (!seen.has(v)) {
      seen.add(v);
      gnodes.push(v);
      adj.set(v, []);
    }
  };
  let maxweight = 0;
  for (let i = 0; i < n; i++)
    for (let j = 0; j < m; j++) {
      const w = weights[i][j];
      if (!(w > 0)) continue;
      const u = i;
      const v = n + j;
      addNode(u);
      addNode(v);
      adj.get(u)!.push(v);
      adj.get(v)!.push(u);
      wt.set(key(u, v), w);
      wt.set(key(v, u), w);
      if (w > maxweight) maxweight = w;
    }
  if (gnodes.length === 0) return [];
  const mate = new Map<number, number>();
  const label = new Map<number, number>();
  const labeledge = new Map<number, [number, number] | null>();
  const bestedge = new Map<number, [number, number] | null>();
  const dualvar = new Map<number, number>(gnodes.map((v) => [v, maxweight]));
  const allowedge = new Set<number>();
  let queue: number[] = [];
  const slack = (v: number, w: number) => dualvar.get(v)! + dualvar.get(w)! - 2 * wt.get(key(v, w))!;
  const assignLabel = (w: number, t: number, v: number | null): void => {
    label.set(w, t);
    labeledge.set(w, v === null ? null : [v, w]);
    bestedge.set(w, null);
    if (t === 1) queue.push(w);
    else if (t === 2) {
      const base = mate.get(w)!;
      assignLabel(base, 1, w);
    }
  };
  // networkx's scanBlossom: with no blossoms a common base would mean an odd cycle, impossible here
  const scanBlossom = (v0: number, w0: number): number | null => {
    const path: number[] = [];
    let base: number | null = null;
    let v: number | null = v0;
    let w: number | null = w0;
    while (v !== null) {
      if (label.get(v)! & 4) {
        base = v;
        break;
      }
      path.push(v);
      label.set(v, 5);
      const le = labeledge.get(v);
      if (le === null || le === undefined) v = null;
      else {
        const t = le[0];
        v = labeledge.get(t)![0];
      }
      if (w !== null) [v, w] = [w, v];
    }
    for (const b of path) label.set(b, 1);
    return base;
  };
  const augmentMatching = (v: number, w: number): void => {
    for (let [s, j] of [
      [v, w],
      [w, v],
    ]) {
      for (;;) {
        mate.set(s, j);
        const le = labeledge.get(s);
        if (le === null || le === undefined) break;
        const t = le[0];
        [s, j] = labeledge.get(t)!;
        mate.set(j, s);
      }
    }
  };
  for (;;) {
    label.clear();
    labeledge.clear();
    bestedge.clear();
    allowedge.clear();
    queue = [];
    for (const v of gnodes) if (!mate.has(v) && label.get(v) === undefined) assignLabel(v, 1, null);
    let augmented = false;
    for (;;) {
      while (queue.length && !augmented) {
        const v = queue.pop()!;
        for (const w of adj.get(v)!) {
          let kslack = 0;
          if (!allowedge.has(key(v, w))) {
            kslack = slack(v, w);
            if (kslack <= 0) {
              allowedge.add(key(v, w));
              allowedge.add(key(w, v));
            }
          }
          if (allowedge.has(key(v, w))) {
            if (label.get(w) === undefined) assignLabel(w, 2, v);
            else if (label.get(w) === 1) {
              if (scanBlossom(v, w) !== null) throw new Error('maxWeightMatching: odd cycle in a bipartite graph');
              augmentMatching(v, w);
              augmented = true;
              break;
            }
          } else if (label.get(w) === 1) {
            const be = bestedge.get(v);
            if (be === null || be === undefined || kslack < slack(...be)) bestedge.set(v, [v, w]);
          } else if (label.get(w) === undefined) {
            const be = bestedge.get(w);
            if (be === null || be === undefined || kslack < slack(...be)) bestedge.set(w, [v, w]);
          }
        }
      }
      if (augmented) break;
      let deltatype = 1;
      let delta = Math.min(...dualvar.values());
      let deltaedge: [number, number] | null = null;
      for (const v of gnodes) {
        const be = bestedge.get(v);
        if (label.get(v) === undefined && be) {
          const d = slack(...be);
          if (d < delta) {
            delta = d;
            deltatype = 2;
            deltaedge = be;
          }
        }
      }
      for (const b of gnodes) {
        const be = bestedge.get(b);
        if (label.get(b) === 1 && be) {
          const d = slack(...be) / 2.0;
          if (d < delta) {
            delta = d;
            deltatype = 3;
            deltaedge = be;
          }
        }
      }
      for (const v of gnodes) {
        if (label.get(v) === 1) dualvar.set(v, dualvar.get(v)! - delta);
        else if (label.get(v) === 2) dualvar.set(v, dualvar.get(v)! + delta);
      }
      if (deltatype === 1) break;
      const [v, w] = deltaedge!;
      allowedge.add(key(v, w));
      allowedge.add(key(w, v));
      queue.push(v);
    }
    if (!augmented) break;
  }
  const out: [number, number][] = [];
  for (const [v, w] of mate) if (v < n) out.push([v, w - n]);
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

/**
 * networkx.all_topological_sorts of a DiGraph built as `add_nodes_from(range(nodeCount))` then
 * `add_edges_from(edges)`, first `limit` orders in the order networkx yields them (Knuth's
 * algorithm with a deque). Nodes an edge names beyond nodeCount are added, as networkx does.
 * Returns undefined for a cyclic graph (networkx raises NetworkXUnfeasible).
 */
export function networkxTopologicalSorts(nodeCount: number, edges: readonly (readonly [number, number])[], limit: number): number[][] | undefined {
  const nodes: number[] = Array.from({ length: nodeCount }, (_, i) => i);
  const succ = new Map<number, number[]>(nodes.map((v) => [v, []]));
  for (const [u, v] of edges) {
    for (const x of [u, v])
      if (!succ.has(x)) {
        succ.set(x, []);
        nodes.push(x);
      }
    if (!succ.get(u)!.includes(v)) succ.get(u)!.push(v);
  }
  const count = new Map<number, number>(nodes.map((v) => [v, 0]));
  for (const v of nodes) for (const w of succ.get(v)!) count.set(w, count.get(w)! + 1);
  const D: number[] = nodes.filter((v) => count.get(v) === 0); // deque: appendleft = unshift, pop = pop
  const bases: number[] = [];
  const current: number[] = [];
  const out: number[][] = [];
  for (;;) {
    if (current.length === nodes.length) {
      out.push(current.slice());
      if (out.length >= limit) return out;
      while (current.length > 0) {
        const q = current.pop()!;
        for (const j of succ.get(q)!) count.set(j, count.get(j)! + 1);
        while (D.length > 0 && count.get(D[D.length - 1])! > 0) D.pop();
        D.unshift(q);
        if (D[D.length - 1] === bases[bases.length - 1]) bases.pop();
        else break;
      }
    } else {
      if (D.length === 0) return undefined;
      const q = D.pop()!;
      for (const j of succ.get(q)!) {
        count.set(j, count.get(j)! - 1);
        if (count.get(j) === 0) D.push(j);
      }
      current.push(q);
      if (bases.length < current.length) bases.push(q);
    }
    if (bases.length === 0) break;
  }
  return out;
}

/** P = count/|pred|, R = count/|gold|, F1 = 2PR/(P+R) (0 when either is 0). */
export function prf(count: number, nPred: number, nGold: number): { precision: number; recall: number; f1: number } {
  const precision = nPred > 0 ? count / nPred : 0;
  const recall = nGold > 0 ? count / nGold : 0;
  const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  return { precision, recall, f1 };
}
