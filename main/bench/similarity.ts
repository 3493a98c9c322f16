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

/** Term-frequency vectors, L2-normalised. No idf: a string's vector must not depend on the other strings compared. */
function tfVector(terms: string[]): Map<string, number> {
  const v = new Map<string, number>();
  for (const t of terms) v.set(t, (v.get(t) ?? 0) + 1);
  let norm = 0;
  for (const w of v.values()) norm += w * w;
  norm = Math.sqrt(norm);
  if (norm > 0) for (const [t, w] of v) v.set(t, w / norm);
  return v;
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
 * Lexical similarity, the fallback when no sentence-embedding model is loaded (deviation `lexical-sim`):
 * sim = ½·cos(word counts) + ½·cos(character 3-gram counts). Each pair's value depends on the two
 * strings only, never on the others in the same call. Identical non-empty strings → 1; nothing shared → 0.
 */
export class LexicalSimilarity implements TextSimilarity {
  readonly id = 'lexical-tf-word+char3';
  readonly deviation = 'lexical-sim';
  matrix(a: readonly string[], b: readonly string[]): number[][] {
    const wa = a.map((x) => tfVector(wordFeatures(x)));
    const ca = a.map((x) => tfVector(charTrigrams(x)));
    const wb = b.map((x) => tfVector(wordFeatures(x)));
    const cb = b.map((x) => tfVector(charTrigrams(x)));
    return a.map((_, i) => b.map((__, j) => 0.5 * dot(wa[i], wb[j]) + 0.5 * dot(ca[i], cb[j])));
  }
}

export function pairSimilarity(sim: TextSimilarity, a: string, b: string): number {
  return sim.matrix([a], [b])[0][0];
}
