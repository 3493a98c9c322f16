// Text similarity behind an interface. The originals (T-Eval, WorfBench) use cosine of
// all-mpnet-base-v2 sentence embeddings; our default is offline and lexical (deviation `lexical-sim`).

export interface TextSimilarity {
  /** short name recorded with results */
  readonly id: string;
  /** deviation label to record in results, if this is not the originals' similarity */
  readonly deviation?: string;
  /** matrix S[i][j] = sim(a[i], b[j]) in [−1, 1]; callers clip at 0 as the originals do */
  matrix(a: readonly string[], b: readonly string[]): number[][];
}

function wordFeatures(s: string): string[] {
  return s.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

function charTrigrams(s: string): string[] {
  const out: string[] = [];
  for (const w of wordFeatures(s)) {
    const padded = ` ${w} `;
    for (let i = 0; i + 3 <= padded.length; i++) out.push(padded.slice(i, i + 3));
  }
  return out;
}

/** TF-IDF vectors (smoothed idf = ln((1+N)/(1+df)) + 1 over the strings compared), L2-normalised. */
function tfidf(docs: string[][]): Map<string, number>[] {
  const df = new Map<string, number>();
  for (const d of docs) for (const t of new Set(d)) df.set(t, (df.get(t) ?? 0) + 1);
  const n = docs.length;
  return docs.map((d) => {
    const v = new Map<string, number>();
    for (const t of d) v.set(t, (v.get(t) ?? 0) + 1);
    let norm = 0;
    for (const [t, tf] of v) {
      const w = tf * (Math.log((1 + n) / (1 + (df.get(t) ?? 0))) + 1);
      v.set(t, w);
      norm += w * w;
    }
    norm = Math.sqrt(norm);
    if (norm > 0) for (const [t, w] of v) v.set(t, w / norm);
    return v;
  });
}

function dot(a: Map<string, number>, b: Map<string, number>): number {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let s = 0;
  for (const [t, w] of small) {
    const x = large.get(t);
    if (x !== undefined) s += w * x;
  }
  return s;
}

/**
 * Lexical similarity: sim = ½·cos(TF-IDF words) + ½·cos(TF-IDF char 3-grams), idf fitted on the
 * strings of one call (a ∪ b). Identical non-empty strings → 1; no shared word or 3-gram → 0.
 */
export class LexicalSimilarity implements TextSimilarity {
  readonly id = 'lexical-tfidf-word+char3';
  readonly deviation = 'lexical-sim';
  matrix(a: readonly string[], b: readonly string[]): number[][] {
    const all = [...a, ...b];
    const w = tfidf(all.map(wordFeatures));
    const c = tfidf(all.map(charTrigrams));
    return a.map((_, i) => b.map((__, j) => 0.5 * dot(w[i], w[a.length + j]) + 0.5 * dot(c[i], c[a.length + j])));
  }
}

export function pairSimilarity(sim: TextSimilarity, a: string, b: string): number {
  return sim.matrix([a], [b])[0][0];
}
