// Text metrics shared by the scorers: normalisation, token F1, ROUGE-L, fuzzy ratio.
import { pyRound, pySplit } from './python.js';

const PUNCTUATION = new Set('!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~');

/** Python's \b(a|an|the)\b on str patterns: word characters are Unicode letters, digits and "_". */
const ARTICLES = /(?<![\p{L}\p{N}_])(?:a|an|the)(?![\p{L}\p{N}_])/gu;

/** SQuAD-style normalisation: lower-case, drop ASCII punctuation, drop articles a/an/the, collapse whitespace. */
export function normalizeAnswer(s: string): string {
  const lower = s.toLowerCase();
  let noPunc = '';
  for (const ch of lower) if (!PUNCTUATION.has(ch)) noPunc += ch;
  return pySplit(noPunc.replace(ARTICLES, ' ')).join(' ');
}

/** F1 over token multisets: P = |common|/|pred|, R = |common|/|gold|, F1 = 2PR/(P+R). */
export function tokenF1(predTokens: readonly string[], goldTokens: readonly string[]): number {
  const counts = new Map<string, number>();
  for (const t of goldTokens) counts.set(t, (counts.get(t) ?? 0) + 1);
  let common = 0;
  for (const t of predTokens) {
    const c = counts.get(t) ?? 0;
    if (c > 0) {
      common++;
      counts.set(t, c - 1);
    }
  }
  if (common === 0) return 0;
  const p = common / predTokens.length;
  const r = common / goldTokens.length;
  return (2 * p * r) / (p + r);
}

/** LongBench qa_f1_score: token F1 after normalizeAnswer. */
export function qaF1(prediction: string, gold: string): number {
  return tokenF1(pySplit(normalizeAnswer(prediction)), pySplit(normalizeAnswer(gold)));
}

/** Length of the longest common subsequence of two token lists (O(n·m) dynamic programme). */
export function lcsLength<T>(a: readonly T[], b: readonly T[]): number {
  if (a.length === 0 || b.length === 0) return 0;
  let prev = new Int32Array(b.length + 1);
  let cur = new Int32Array(b.length + 1);
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) cur[j] = a[i - 1] === b[j - 1] ? prev[j - 1] + 1 : Math.max(prev[j], cur[j - 1]);
    [prev, cur] = [cur, prev];
    cur.fill(0);
  }
  return prev[b.length];
}

/** Words of one LCS of x and y, reconstructed with the `rouge` package's tie-breaking (prefer j−1 on ties). */
function lcsWords(x: readonly string[], y: readonly string[]): string[] {
  const n = x.length;
  const m = y.length;
  const t: Int32Array[] = [];
  for (let i = 0; i <= n; i++) t.push(new Int32Array(m + 1));
  for (let i = 1; i <= n; i++) for (let j = 1; j <= m; j++) t[i][j] = x[i - 1] === y[j - 1] ? t[i - 1][j - 1] + 1 : Math.max(t[i - 1][j], t[i][j - 1]);
  const out: string[] = [];
  let i = n;
  let j = m;
  while (i > 0 && j > 0) {
    if (x[i - 1] === y[j - 1]) {
      out.push(x[i - 1]);
      i--;
      j--;
    } else if (t[i - 1][j] > t[i][j - 1]) i--;
    else j--;
  }
  return out.reverse();
}

/** The `rouge` package's sentence split: pieces between "." that are non-empty, inner whitespace collapsed. */
function rougeSentences(text: string): string[] {
  return text
    .split('.')
    .filter((p) => p.length > 0)
    .map((p) => p.split(/\s+/).filter(Boolean).join(' '));
}

/**
 * ROUGE-L F exactly as LongBench gets it from the `rouge` package (pltrdy, 1.0.x), summary level:
 * sentences split at "."; words by " "; no lower-casing. Quirks reproduced: m and n count *distinct*
 * words (the package's Ngrams are sets), and the union LCS is a set of words grown across all
 * reference sentences; F = 2PR/(P+R+1e-8). Empty hypothesis or reference → 0 (the package raises,
 * LongBench returns 0). Chinese sets join characters with spaces first (the original joins jieba words).
 */
export function rougeL(prediction: string, gold: string, charLevel = false): number {
  const prep = (s: string) => (charLevel ? [...s.replace(/\s+/g, '')].join(' ') : s);
  const hyp = rougeSentences(prep(prediction));
  const ref = rougeSentences(prep(gold));
  if (hyp.length === 0 || ref.length === 0) return 0;
  const words = (sents: string[]) => sents.flatMap((x) => x.split(' '));
  const m = new Set(words(ref)).size;
  const n = new Set(words(hyp)).size;
  const union = new Set<string>();
  for (const r of ref) {
    const rw = r.split(' ');
    for (const h of hyp) for (const w of lcsWords(rw, h.split(' '))) union.add(w);
  }
  const llcs = union.size;
  const r = llcs / m;
  const p = llcs / n;
  return 2 * ((p * r) / (p + r + 1e-8));
}

/**
 * difflib.SequenceMatcher(None, a, b).ratio() (Python 3.11): 2·M/T where M sums the matching blocks
 * found by recursive longest-match search; with autojunk, elements of b (length ≥ 200) occurring more
 * than len(b)//100 + 1 times are not indexed. Sequences are code points, as Python strings are.
 */
export function sequenceMatcherRatio(aText: string, bText: string): number {
  const a = [...aText];
  const b = [...bText];
  const b2j = new Map<string, number[]>();
  b.forEach((x, j) => {
    const l = b2j.get(x);
    if (l) l.push(j);
    else b2j.set(x, [j]);
  });
  if (b.length >= 200) {
    const ntest = Math.floor(b.length / 100) + 1;
    for (const [x, idx] of [...b2j]) if (idx.length > ntest) b2j.delete(x);
  }
  const longest = (alo: number, ahi: number, blo: number, bhi: number): [number, number, number] => {
    let [bi, bj, size] = [alo, blo, 0];
    let j2len = new Map<number, number>();
    for (let i = alo; i < ahi; i++) {
      const next = new Map<number, number>();
      for (const j of b2j.get(a[i]) ?? []) {
        if (j < blo) continue;
        if (j >= bhi) break;
        const k = (j2len.get(j - 1) ?? 0) + 1;
        next.set(j, k);
        if (k > size) [bi, bj, size] = [i - k + 1, j - k + 1, k];
      }
      j2len = next;
    }
    // extend by equal elements on each side (no junk function: the junk-only passes never apply)
    while (bi > alo && bj > blo && a[bi - 1] === b[bj - 1]) [bi, bj, size] = [bi - 1, bj - 1, size + 1];
    while (bi + size < ahi && bj + size < bhi && a[bi + size] === b[bj + size]) size++;
    return [bi, bj, size];
  };
  let matches = 0;
  const queue: [number, number, number, number][] = [[0, a.length, 0, b.length]];
  while (queue.length) {
    const [alo, ahi, blo, bhi] = queue.pop()!;
    const [i, j, k] = longest(alo, ahi, blo, bhi);
    if (k === 0) continue;
    matches += k;
    if (alo < i && blo < j) queue.push([alo, i, blo, j]);
    if (i + k < ahi && j + k < bhi) queue.push([i + k, ahi, j + k, bhi]);
  }
  const total = a.length + b.length;
  return total ? (2 * matches) / total : 1;
}

/**
 * fuzzywuzzy `fuzz.ratio(a, b)` as LongBench's environment runs it (no python-Levenshtein, so difflib):
 * equal strings → 100, an empty one → 0, else int(round(100·SequenceMatcher ratio)), halves to even.
 */
export function fuzzRatio(a: string, b: string): number {
  if (a === b) return 100;
  if (a.length === 0 || b.length === 0) return 0;
  return pyRound(100 * sequenceMatcherRatio(a, b));
}
