// Text similarity behind an interface. The originals (T-Eval, WorfBench) use cosine of
// all-mpnet-base-v2 sentence embeddings; with a sentence-transformers folder on disk (`--similarity-model DIR`,
// the spec's benchmarks.similarityModel) we compute the same; without one the default is offline and lexical
// (deviation `lexical-sim`).
import { basename } from 'node:path';
import type { SentenceEncoder } from '../model/index.js';

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

/** The originals' sentence encoder. */
export const REFERENCE_SENTENCE_MODEL = 'all-mpnet-base-v2';

/**
 * cos(e(a), e(b)) of sentence embeddings (sentence_transformers.util.cos_sim), each text encoded once and cached,
 * so a score never depends on the other strings of a call. A model other than all-mpnet-base-v2 is labelled
 * (deviation `other-sentence-encoder`).
 */
export class EncoderSimilarity implements TextSimilarity {
  readonly id: string;
  readonly deviation?: string;
  private readonly cache = new Map<string, Float32Array>();
  constructor(private readonly encoder: Pick<SentenceEncoder, 'encode' | 'dir' | 'config'>) {
    const name = basename(encoder.dir.replace(/[\\/]+$/, ''));
    this.id = `sentence-transformers:${name}`;
    const c = encoder.config;
    const reference = name.toLowerCase().includes(REFERENCE_SENTENCE_MODEL) && c.modelType === 'mpnet' && c.hiddenSize === 768 && c.numLayers === 12;
    if (!reference) this.deviation = 'other-sentence-encoder';
  }
  /** Embeddings of texts, encoding the ones not seen before in one batch. */
  embeddings(texts: readonly string[]): Float32Array[] {
    const fresh = [...new Set(texts.filter((t) => !this.cache.has(t)))];
    if (fresh.length) this.encoder.encode(fresh).forEach((e, i) => this.cache.set(fresh[i], e));
    return texts.map((t) => this.cache.get(t)!);
  }
  matrix(a: readonly string[], b: readonly string[]): number[][] {
    const all = this.embeddings([...a, ...b]);
    const ea = all.slice(0, a.length);
    const eb = all.slice(a.length);
    return ea.map((x) => eb.map((y) => cosine(x, y)));
  }
}

/** cos_sim: a·b/(max(‖a‖, 1e−12)·max(‖b‖, 1e−12)) (each side L2-normalised first, as util.cos_sim does); 0 for a zero vector. */
export function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return dot / (Math.max(Math.sqrt(na), 1e-12) * Math.max(Math.sqrt(nb), 1e-12));
}

/**
 * The similarity a run scores with: the sentence-transformers encoder in `modelDir` when one is given (loaded on our
 * engine, imported only then), else the labelled lexical fallback. Throws the encoder's load error for a bad folder.
 */
export async function selectSimilarity(modelDir?: string): Promise<TextSimilarity> {
  if (!modelDir) return new LexicalSimilarity();
  const { SentenceEncoder } = await import('../model/index.js');
  return new EncoderSimilarity(SentenceEncoder.load(modelDir));
}
