// Text metrics shared by the scorers: normalisation, token F1, ROUGE-L, fuzzy ratio, output clean-up.

/** End-of-turn markers of common chat formats; generation is cut at the first one. */
export const END_OF_TURN_MARKERS = ['<|im_end|>', '<|eot_id|>', '<|end|>', '</s>', '<|endoftext|>', '<end_of_turn>', '[/INST]', '<|EOT|>', '<|action_end|>'];

/** T-Eval clean-up: cut at end-of-turn markers, strip ```json fences. */
export function cleanOutput(text: string): string {
  let out = text;
  for (const m of END_OF_TURN_MARKERS) {
    const i = out.indexOf(m);
    if (i >= 0) out = out.slice(0, i);
  }
  out = out.replace(/```(?:json|JSON)?\s*/g, '').replace(/```/g, '');
  return out.trim();
}

const PUNCTUATION = new Set('!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~');

/** SQuAD-style normalisation: lower-case, drop punctuation, drop articles a/an/the, collapse spaces. */
export function normalizeAnswer(s: string): string {
  const lower = s.toLowerCase();
  let noPunc = '';
  for (const ch of lower) if (!PUNCTUATION.has(ch)) noPunc += ch;
  const noArticles = noPunc.replace(/\b(a|an|the)\b/g, ' ');
  return noArticles.split(/\s+/).filter(Boolean).join(' ');
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
  return tokenF1(normalizeAnswer(prediction).split(' ').filter(Boolean), normalizeAnswer(gold).split(' ').filter(Boolean));
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
  return text.split('.').filter((p) => p.length > 0).map((p) => p.split(/\s+/).filter(Boolean).join(' '));
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

/** Python's round(): halves go to the even neighbour. */
export function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  if (Math.abs(d - 0.5) < 1e-9) return f % 2 === 0 ? f : f + 1;
  return Math.round(x);
}

/**
 * fuzzywuzzy `fuzz.ratio(a, b)` with python-Levenshtein: r = 2·LCS(chars)/(|a|+|b|) (indel similarity),
 * reported as an integer percent with Python's half-to-even rounding (quirk reproduced), so the
 * LongBench code score is a multiple of 0.01.
 */
export function fuzzRatio(a: string, b: string): number {
  const ca = [...a];
  const cb = [...b];
  if (ca.length + cb.length === 0) return 100;
  const r = (2 * lcsLength(ca, cb)) / (ca.length + cb.length);
  return roundHalfEven(100 * r);
}

/** Extract the first JSON value between the first `open` and the last `close` character. */
export function sliceBetween(text: string, open: string, close: string): string | undefined {
  const a = text.indexOf(open);
  const b = text.lastIndexOf(close);
  if (a < 0 || b < a) return undefined;
  return text.slice(a, b + 1);
}

/** Lenient JSON: strict JSON first, then a Python-literal-like form (single quotes, True/False/None). */
export function parseLooseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    /* fall through */
  }
  return parsePythonLiteral(text);
}

/**
 * A small reader for Python literals (ast.literal_eval's subset we need): dicts, lists, tuples,
 * strings in ' or ", numbers, True/False/None. Returns undefined when the text is not a literal.
 */
export function parsePythonLiteral(text: string): unknown {
  let i = 0;
  const s = text.trim();
  const ws = () => {
    while (i < s.length && /\s/.test(s[i])) i++;
  };
  const fail = Symbol('fail');
  const value = (): unknown => {
    ws();
    const c = s[i];
    if (c === '{') {
      i++;
      const out: Record<string, unknown> = {};
      ws();
      if (s[i] === '}') {
        i++;
        return out;
      }
      for (;;) {
        const k = value();
        if (k === fail || (typeof k !== 'string' && typeof k !== 'number')) return fail;
        ws();
        if (s[i] !== ':') return fail;
        i++;
        const v = value();
        if (v === fail) return fail;
        out[String(k)] = v;
        ws();
        if (s[i] === ',') {
          i++;
          ws();
          if (s[i] === '}') {
            i++;
            return out;
          }
          continue;
        }
        if (s[i] === '}') {
          i++;
          return out;
        }
        return fail;
      }
    }
    if (c === '[' || c === '(') {
      const close = c === '[' ? ']' : ')';
      i++;
      const out: unknown[] = [];
      ws();
      if (s[i] === close) {
        i++;
        return out;
      }
      for (;;) {
        const v = value();
        if (v === fail) return fail;
        out.push(v);
        ws();
        if (s[i] === ',') {
          i++;
          ws();
          if (s[i] === close) {
            i++;
            return out;
          }
          continue;
        }
        if (s[i] === close) {
          i++;
          return out;
        }
        return fail;
      }
    }
    if (c === '"' || c === "'") {
      i++;
      let out = '';
      while (i < s.length && s[i] !== c) {
        if (s[i] === '\\' && i + 1 < s.length) {
          const e = s[i + 1];
          out += e === 'n' ? '\n' : e === 't' ? '\t' : e;
          i += 2;
        } else out += s[i++];
      }
      if (s[i] !== c) return fail;
      i++;
      return out;
    }
    const m = /^(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|True|False|None|true|false|null)/.exec(s.slice(i));
    if (!m) return fail;
    i += m[0].length;
    const w = m[0];
    if (w === 'True' || w === 'true') return true;
    if (w === 'False' || w === 'false') return false;
    if (w === 'None' || w === 'null') return null;
    return Number(w);
  };
  const v = value();
  ws();
  if (v === fail || i !== s.length) return undefined;
  return v;
}

/** Python's str() of a value, for comparisons the originals do on str(...) forms. */
export function pythonStr(v: unknown): string {
  if (typeof v === 'string') return v;
  return pythonRepr(v);
}

export function pythonRepr(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(v);
  if (typeof v === 'string') return `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  if (Array.isArray(v)) return `[${v.map(pythonRepr).join(', ')}]`;
  if (typeof v === 'object') return `{${Object.entries(v as Record<string, unknown>).map(([k, x]) => `${pythonRepr(k)}: ${pythonRepr(x)}`).join(', ')}}`;
  return String(v);
}
