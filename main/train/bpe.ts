// Byte-level BPE: learn merges from a corpus (GPT-2 byte↔unicode map, a Qwen2-style pre-tokenizer
// regex with single digits), write a standard Hugging Face tokenizer.json, and encode/decode with
// the learned merges (our own encoder, for tests and corpus statistics).
import { applyMerges, bpeModelJson, bytesToUnicode } from '../model/index.js';

/**
 * Pre-tokenizer: contractions, words with one leading non-letter, single digits, punctuation runs
 * (with trailing newlines), newline runs, whitespace. Every character of a text falls in exactly one piece.
 */
export const PRETOKENIZE_PATTERN = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

/** JavaScript spelling of the pattern (no inline (?i:…) group before V8 12.5). */
const PRETOKENIZE_JS = new RegExp(
  PRETOKENIZE_PATTERN.replace(/\(\?i:([^()]*)\)/, (_, body: string) => `(?:${body.replace(/[A-Za-z]/g, (ch) => `[${ch.toLowerCase()}${ch.toUpperCase()}]`)})`),
  'gu',
);

export const SPECIAL_TOKENS = ['<|endoftext|>', '<|im_start|>', '<|im_end|>'] as const;

export const CHAT_TEMPLATE =
  "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>\\n' }}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

/** The pieces the pre-tokenizer cuts a text into. */
export function pretokenize(text: string): string[] {
  return text.match(PRETOKENIZE_JS) ?? [];
}

const BYTE_TO_CHAR = bytesToUnicode();
const CHAR_TO_BYTE = new Map(BYTE_TO_CHAR.map((ch, b) => [ch, b]));
const encoder = new TextEncoder();

/** A piece's UTF-8 bytes as GPT-2 byte symbols. */
export function byteSymbols(piece: string): string[] {
  return [...encoder.encode(piece)].map((b) => BYTE_TO_CHAR[b]);
}

export class BpeTrainingError extends Error {
  constructor(detail: string) {
    super(`BPE training: ${detail}`);
    this.name = 'BpeTrainingError';
  }
}

export interface BpeModel {
  /** symbol → id: the 256 byte symbols first (in byte order), then one per merge */
  vocab: Map<string, number>;
  /** merges in rank order */
  merges: [string, string][];
}

/**
 * Learn merges until the vocabulary (256 bytes + merges) reaches `vocabSize − specials`: repeatedly merge the
 * most frequent adjacent pair (ties: the lexicographically smallest "a b"), counting pairs inside pre-tokenized
 * pieces weighted by their frequency. Incremental: only the words holding the merged pair are recounted.
 */
export function trainBpe(corpus: Iterable<string>, vocabSize: number, opts: { minFrequency?: number } = {}): BpeModel {
  const target = vocabSize - SPECIAL_TOKENS.length;
  if (!Number.isInteger(vocabSize) || target < 256) throw new BpeTrainingError(`expected a vocabulary of at least ${256 + SPECIAL_TOKENS.length}, found ${vocabSize}`);
  const minFrequency = opts.minFrequency ?? 2;
  const wordFreq = new Map<string, number>();
  for (const text of corpus) for (const piece of pretokenize(text)) wordFreq.set(piece, (wordFreq.get(piece) ?? 0) + 1);

  // symbols as integer ids; words as id arrays
  const symbols: string[] = [...BYTE_TO_CHAR];
  const symbolId = new Map(symbols.map((s, i) => [s, i]));
  const words: number[][] = [];
  const freqs: number[] = [];
  for (const [piece, f] of [...wordFreq].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) {
    words.push(byteSymbols(piece).map((s) => symbolId.get(s)!));
    freqs.push(f);
  }
  const KEY = 1 << 16; // pair key a·KEY + b (ids stay below 2¹⁶)
  const pairCount = new Map<number, number>();
  const pairWords = new Map<number, Set<number>>();
  const addWord = (w: number, sign: number) => {
    const ids = words[w];
    for (let i = 0; i + 1 < ids.length; i++) {
      const k = ids[i] * KEY + ids[i + 1];
      const n = (pairCount.get(k) ?? 0) + sign * freqs[w];
      if (n === 0) pairCount.delete(k);
      else pairCount.set(k, n);
      if (sign > 0) {
        let set = pairWords.get(k);
        if (!set) pairWords.set(k, (set = new Set()));
        set.add(w);
      }
    }
  };
  words.forEach((_, w) => addWord(w, 1));

  const merges: [string, string][] = [];
  while (symbols.length < target) {
    let best = -1,
      bestCount = 0,
      bestName = '';
    for (const [k, n] of pairCount) {
      if (n < minFrequency || n < bestCount) continue;
      const name = `${symbols[Math.floor(k / KEY)]} ${symbols[k % KEY]}`;
      if (n > bestCount || name < bestName) {
        best = k;
        bestCount = n;
        bestName = name;
      }
    }
    if (best < 0) break; // nothing frequent enough left to merge
    const a = Math.floor(best / KEY),
      b = best % KEY;
    // two merges can spell the same symbol ("a bc", "ab c"): the second reuses the first one's id
    const name = symbols[a] + symbols[b];
    let merged = symbolId.get(name);
    if (merged === undefined) {
      merged = symbols.length;
      symbols.push(name);
      symbolId.set(name, merged);
    }
    merges.push([symbols[a], symbols[b]]);
    for (const w of [...(pairWords.get(best) ?? [])]) {
      addWord(w, -1);
      const ids = words[w];
      const next: number[] = [];
      for (let i = 0; i < ids.length; i++) {
        if (i + 1 < ids.length && ids[i] === a && ids[i + 1] === b) {
          next.push(merged);
          i++;
        } else next.push(ids[i]);
      }
      words[w] = next;
      addWord(w, 1);
    }
    pairCount.delete(best);
    pairWords.delete(best);
  }
  return { vocab: new Map(symbols.map((s, i) => [s, i])), merges };
}

/** Our own encoder of the learned model: per piece, apply the lowest-ranked merge until none applies. */
export class BpeEncoder {
  private readonly ranks = new Map<string, number>();
  private readonly idToSymbol: string[] = [];
  private readonly specialIds = new Map<string, number>();
  private readonly cache = new Map<string, number[]>();

  constructor(private readonly model: BpeModel) {
    model.merges.forEach(([a, b], i) => this.ranks.set(`${a} ${b}`, i));
    for (const [s, id] of model.vocab) this.idToSymbol[id] = s;
    SPECIAL_TOKENS.forEach((s, i) => this.specialIds.set(s, model.vocab.size + i));
  }

  get vocabSize(): number {
    return this.model.vocab.size + SPECIAL_TOKENS.length;
  }

  specialId(token: (typeof SPECIAL_TOKENS)[number]): number {
    return this.specialIds.get(token)!;
  }

  private encodePiece(piece: string): number[] {
    const hit = this.cache.get(piece);
    if (hit) return hit;
    const parts = applyMerges(byteSymbols(piece), this.ranks);
    const ids = parts.map((p) => this.model.vocab.get(p)!);
    if (this.cache.size < 200_000) this.cache.set(piece, ids);
    return ids;
  }

  /** Text → ids; special tokens written literally in the text become their ids. */
  encode(text: string): number[] {
    const ids: number[] = [];
    const re = /<\|endoftext\|>|<\|im_start\|>|<\|im_end\|>/g;
    let last = 0;
    for (const m of text.matchAll(re)) {
      for (const piece of pretokenize(text.slice(last, m.index))) ids.push(...this.encodePiece(piece));
      ids.push(this.specialIds.get(m[0])!);
      last = m.index + m[0].length;
    }
    for (const piece of pretokenize(text.slice(last))) ids.push(...this.encodePiece(piece));
    return ids;
  }

  decode(ids: readonly number[]): string {
    const bytes: number[] = [];
    let out = '';
    const specials = [...this.specialIds].map(([s, id]) => [id, s] as const);
    const flush = () => {
      out += new TextDecoder().decode(Uint8Array.from(bytes));
      bytes.length = 0;
    };
    for (const id of ids) {
      const special = specials.find(([sid]) => sid === id);
      if (special) {
        flush();
        out += special[1];
        continue;
      }
      for (const ch of this.idToSymbol[id] ?? '') bytes.push(CHAR_TO_BYTE.get(ch)!);
    }
    flush();
    return out;
  }
}

/** tokenizer.json, tokenizer_config.json (ChatML template) and the special-token ids for a learned model. */
export function tokenizerFiles(model: BpeModel): { files: Record<string, string>; ids: { endOfText: number; imStart: number; imEnd: number } } {
  const n = model.vocab.size;
  const ids = { endOfText: n, imStart: n + 1, imEnd: n + 2 };
  const tokenizer = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: SPECIAL_TOKENS.map((content, i) => ({ id: n + i, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true })),
    normalizer: null,
    pre_tokenizer: {
      type: 'Sequence',
      pretokenizers: [
        { type: 'Split', pattern: { Regex: PRETOKENIZE_PATTERN }, behavior: 'Isolated', invert: false },
        { type: 'ByteLevel', add_prefix_space: false, trim_offsets: false, use_regex: false },
      ],
    },
    post_processor: null,
    decoder: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: false, use_regex: false },
    model: bpeModelJson(Object.fromEntries(model.vocab), model.merges, { ignoreMerges: false }),
  };
  const added_tokens_decoder = Object.fromEntries(SPECIAL_TOKENS.map((content, i) => [String(n + i), { content, lstrip: false, normalized: false, rstrip: false, single_word: false, special: true }]));
  const config = {
    add_bos_token: false,
    add_prefix_space: false,
    added_tokens_decoder,
    additional_special_tokens: ['<|im_start|>', '<|im_end|>'],
    bos_token: null,
    chat_template: CHAT_TEMPLATE,
    clean_up_tokenization_spaces: false,
    eos_token: '<|im_end|>',
    errors: 'replace',
    model_max_length: 32768,
    pad_token: '<|endoftext|>',
    split_special_tokens: false,
    tokenizer_class: 'PreTrainedTokenizerFast',
    unk_token: null,
  };
  return { files: { 'tokenizer.json': JSON.stringify(tokenizer), 'tokenizer_config.json': JSON.stringify(config, null, 2) + '\n' }, ids };
}

/** Read merges and vocab back from a tokenizer.json we wrote (to resume training with the same tokenizer). */
export function bpeModelFromJson(json: string): BpeModel {
  const parsed = JSON.parse(json) as { model?: { type?: string; vocab?: Record<string, number>; merges?: (string | [string, string])[] } };
  if (parsed.model?.type !== 'BPE' || !parsed.model.vocab || !parsed.model.merges) throw new BpeTrainingError('expected a tokenizer.json with a BPE model, vocab and merges');
  return {
    vocab: new Map(Object.entries(parsed.model.vocab)),
    merges: parsed.model.merges.map((m) => (Array.isArray(m) ? [m[0], m[1]] : (m.split(' ') as [string, string]))),
  };
}
