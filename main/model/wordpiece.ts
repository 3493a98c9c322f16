// The WordPiece tokenizers of BERT / MiniLM / MPNet sentence encoders, read from a Hugging Face `tokenizer.json`
// (huggingface/tokenizers): added tokens split off the raw text → normalizer → pre-tokenizer → WordPiece → post-processor.
//   BertNormalizer: drop NUL, U+FFFD and control characters (Unicode C*, except \t \n \r), other whitespace → ' ';
//     spaces around CJK ideographs; strip accents (NFD, drop Mn) when strip_accents, or when it is null and lowercase is on;
//     lowercase (per code point).
//   BertPreTokenizer: split on whitespace (removed), then on punctuation (ASCII punctuation or Unicode P*, kept alone).
//   WordPiece: greedy longest match first, continuation pieces prefixed "##"; a word longer than max_input_chars_per_word,
//     or one with no full cover, becomes the unknown token.
//   Post-processors: BertProcessing ([CLS] A [SEP]), RobertaProcessing (<s> A </s>), TemplateProcessing (its single template).
import { ExpectedFoundError } from '../base/index.js';
import { FILE_LIMITS, readUserJson, UserFileError } from './files.js';

export class WordPieceTokenizerError extends ExpectedFoundError {
  override name = 'WordPieceTokenizerError';
}

interface AddedToken {
  id: number;
  content: string;
  lstrip: boolean;
  rstrip: boolean;
}

type Normalize = (s: string) => string;
type PreTokenize = (s: string) => string[];

const WHITESPACE = /\p{White_Space}/u;
/** Rust char::is_whitespace (Unicode White_Space), what BertPreTokenizer splits on. */
const isWhitespace = (c: string): boolean => WHITESPACE.test(c);
/** BertNormalizer's control test: Unicode "Other" (Cc, Cf, Cs, Co, Cn), but \t \n \r count as whitespace. */
const isControl = (c: string): boolean => c !== '\t' && c !== '\n' && c !== '\r' && /\p{C}/u.test(c);
/** char::is_ascii_punctuation || Unicode punctuation (P*). */
const isBertPunctuation = (c: string): boolean => /[!-/:-@[-`{-~]/.test(c) || /\p{P}/u.test(c);

/** The CJK blocks BertNormalizer surrounds with spaces. */
export function isChineseChar(cp: number): boolean {
  return (
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x20000 && cp <= 0x2a6df) ||
    (cp >= 0x2a700 && cp <= 0x2b73f) ||
    (cp >= 0x2b740 && cp <= 0x2b81f) ||
    (cp >= 0x2b920 && cp <= 0x2ceaf) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0x2f800 && cp <= 0x2fa1f)
  );
}

const stripAccents: Normalize = (s) => s.normalize('NFD').replace(/\p{Mn}/gu, '');
/** Rust's per-character to_lowercase (no Final_Sigma context, unlike String.prototype.toLowerCase on a whole string). */
const lowercase: Normalize = (s) => Array.from(s, (c) => c.toLowerCase()).join('');

export function bertNormalizer(o: { clean_text?: boolean; handle_chinese_chars?: boolean; strip_accents?: boolean | null; lowercase?: boolean }): Normalize {
  const clean = o.clean_text ?? true;
  const chinese = o.handle_chinese_chars ?? true;
  const lower = o.lowercase ?? true;
  const strip = o.strip_accents ?? lower; // null/absent: follows lowercase
  return (s) => {
    let out = s;
    if (clean) {
      let t = '';
      for (const c of out) {
        const cp = c.codePointAt(0)!;
        if (cp === 0 || cp === 0xfffd || isControl(c)) continue;
        t += isWhitespace(c) ? ' ' : c;
      }
      out = t;
    }
    if (chinese) {
      let t = '';
      for (const c of out) t += isChineseChar(c.codePointAt(0)!) ? ` ${c} ` : c;
      out = t;
    }
    if (strip) out = stripAccents(out);
    if (lower) out = lowercase(out);
    return out;
  };
}

/** Whitespace removed, each punctuation character a piece of its own. */
export const bertPreTokenize: PreTokenize = (s) => {
  const pieces: string[] = [];
  let cur = '';
  for (const c of s) {
    if (isWhitespace(c)) {
      if (cur) pieces.push(cur);
      cur = '';
    } else if (isBertPunctuation(c)) {
      if (cur) pieces.push(cur);
      pieces.push(c);
      cur = '';
    } else cur += c;
  }
  if (cur) pieces.push(cur);
  return pieces;
};

type Json = Record<string, unknown>;

function normalizerOf(n: unknown, where: string): Normalize {
  if (n === null || n === undefined) return (s) => s;
  const o = n as Json;
  switch (o.type) {
    case 'BertNormalizer':
      return bertNormalizer(o as Parameters<typeof bertNormalizer>[0]);
    case 'Lowercase':
      return lowercase;
    case 'StripAccents':
      return (s) => s.replace(/\p{Mn}/gu, '');
    case 'NFD':
    case 'NFC':
    case 'NFKD':
    case 'NFKC':
      return (s) => s.normalize(o.type as string);
    case 'Sequence': {
      const steps = ((o.normalizers as unknown[]) ?? []).map((x, i) => normalizerOf(x, `${where}.normalizers[${i}]`));
      return (s) => steps.reduce((acc, f) => f(acc), s);
    }
    default:
      throw new WordPieceTokenizerError(where, 'a normalizer of type BertNormalizer, Lowercase, StripAccents, NFD/NFC/NFKD/NFKC or Sequence', JSON.stringify(o.type));
  }
}

function preTokenizerOf(p: unknown, where: string): PreTokenize {
  if (p === null || p === undefined) return (s) => [s];
  const o = p as Json;
  switch (o.type) {
    case 'BertPreTokenizer':
      return bertPreTokenize;
    case 'WhitespaceSplit':
      return (s) => s.split(/\p{White_Space}+/u).filter(Boolean);
    case 'Whitespace':
      return (s) => s.match(/\w+|[^\w\s]+/gu) ?? [];
    case 'Sequence': {
      const steps = ((o.pretokenizers as unknown[]) ?? []).map((x, i) => preTokenizerOf(x, `${where}.pretokenizers[${i}]`));
      return (s) => steps.reduce<string[]>((pieces, f) => pieces.flatMap(f), [s]);
    }
    default:
      throw new WordPieceTokenizerError(where, 'a pre-tokenizer of type BertPreTokenizer, Whitespace, WhitespaceSplit or Sequence', JSON.stringify(o.type));
  }
}

/** Ids around one sequence A: [prefix…] A [suffix…]. */
interface PostProcessor {
  prefix: number[];
  suffix: number[];
}

function postProcessorOf(p: unknown, vocab: ReadonlyMap<string, number>, where: string): PostProcessor {
  if (p === null || p === undefined) return { prefix: [], suffix: [] };
  const o = p as Json;
  const pair = (v: unknown, what: string): number => {
    if (!Array.isArray(v) || typeof v[1] !== 'number') throw new WordPieceTokenizerError(`${where}.${what}`, '[token, id]', JSON.stringify(v));
    return v[1];
  };
  switch (o.type) {
    case 'BertProcessing':
    case 'RobertaProcessing':
      return { prefix: [pair(o.cls, 'cls')], suffix: [pair(o.sep, 'sep')] };
    case 'TemplateProcessing': {
      const single = (o.single as Json[] | undefined) ?? [];
      const special = (o.special_tokens as Record<string, { ids: number[] }> | undefined) ?? {};
      const out: PostProcessor = { prefix: [], suffix: [] };
      let seenA = false;
      for (const piece of single) {
        if ('Sequence' in piece) {
          seenA = true;
          continue;
        }
        const id = (piece.SpecialToken as { id: string } | undefined)?.id;
        const ids = id !== undefined ? (special[id]?.ids ?? (vocab.has(id) ? [vocab.get(id)!] : undefined)) : undefined;
        if (!ids) throw new WordPieceTokenizerError(`${where}.single`, 'special tokens listed in special_tokens', JSON.stringify(piece));
        (seenA ? out.suffix : out.prefix).push(...ids);
      }
      return out;
    }
    default:
      throw new WordPieceTokenizerError(where, 'a post-processor of type BertProcessing, RobertaProcessing or TemplateProcessing', JSON.stringify(o.type));
  }
}

export class WordPieceTokenizer {
  private constructor(
    readonly vocab: ReadonlyMap<string, number>,
    private readonly unkToken: string,
    private readonly prefix: string,
    private readonly maxInputChars: number,
    private readonly added: AddedToken[],
    private readonly normalize: Normalize,
    private readonly preTokenize: PreTokenize,
    private readonly post: PostProcessor,
  ) {}

  static fromFile(file: string): WordPieceTokenizer {
    let json: unknown;
    try {
      json = readUserJson(file, FILE_LIMITS.tokenizer); // a regular file within the limit
    } catch (e) {
      if (e instanceof UserFileError) throw new WordPieceTokenizerError(file, `a readable tokenizer.json (${e.expected})`, e.found);
      throw e;
    }
    return WordPieceTokenizer.fromJson(json, file);
  }

  static fromJson(json: unknown, where = 'tokenizer.json'): WordPieceTokenizer {
    const t = json as Json;
    const model = (t?.model ?? {}) as Json;
    if (model.type !== 'WordPiece') throw new WordPieceTokenizerError(`${where} model.type`, 'WordPiece (BERT, MiniLM, MPNet sentence encoders)', JSON.stringify(model.type));
    const vocab = new Map(Object.entries((model.vocab ?? {}) as Record<string, number>));
    const added = ((t.added_tokens as Json[] | undefined) ?? []).map((a) => ({ id: a.id as number, content: a.content as string, lstrip: Boolean(a.lstrip), rstrip: Boolean(a.rstrip) }));
    for (const a of added) if (!vocab.has(a.content)) vocab.set(a.content, a.id);
    const unk = (model.unk_token as string | undefined) ?? '[UNK]';
    if (!vocab.has(unk)) throw new WordPieceTokenizerError(`${where} model.unk_token`, 'a token in the vocabulary', JSON.stringify(unk));
    return new WordPieceTokenizer(
      vocab,
      unk,
      (model.continuing_subword_prefix as string | undefined) ?? '##',
      (model.max_input_chars_per_word as number | undefined) ?? 100,
      added.sort((a, b) => b.content.length - a.content.length), // longest match first
      normalizerOf(t.normalizer, `${where} normalizer`),
      preTokenizerOf(t.pre_tokenizer, `${where} pre_tokenizer`),
      postProcessorOf(t.post_processor, vocab, `${where} post_processor`),
    );
  }

  /** Number of special ids the post-processor adds around one sequence. */
  get specialCount(): number {
    return this.post.prefix.length + this.post.suffix.length;
  }

  /** WordPiece of one pre-tokenized word: greedy longest-match-first, or [unk]. */
  wordPiece(word: string): number[] {
    const chars = Array.from(word);
    const unk = [this.vocab.get(this.unkToken)!];
    if (chars.length > this.maxInputChars) return unk;
    const out: number[] = [];
    let start = 0;
    while (start < chars.length) {
      let end = chars.length;
      let found: number | undefined;
      while (start < end) {
        const piece = (start > 0 ? this.prefix : '') + chars.slice(start, end).join('');
        found = this.vocab.get(piece);
        if (found !== undefined) break;
        end--;
      }
      if (found === undefined) return unk;
      out.push(found);
      start = end;
    }
    return out;
  }

  /** Content ids of `text` (no special tokens added around it). */
  encodeContent(text: string): number[] {
    const ids: number[] = [];
    for (const seg of this.splitAdded(text)) {
      if (typeof seg === 'number') ids.push(seg);
      else for (const word of this.preTokenize(this.normalize(seg))) ids.push(...this.wordPiece(word));
    }
    return ids;
  }

  /**
   * Ids of `text` with the post-processor's special tokens; with maxLength, the content is cut from the end so the
   * whole fits (truncation "longest_first" on a single sequence, as sentence-transformers calls the tokenizer).
   */
  encode(text: string, maxLength?: number): number[] {
    let content = this.encodeContent(text);
    if (maxLength !== undefined) content = content.slice(0, Math.max(0, maxLength - this.specialCount));
    return [...this.post.prefix, ...content, ...this.post.suffix];
  }

  /** The raw text cut around added tokens (matched literally, longest first; lstrip/rstrip eat the adjacent whitespace). */
  private splitAdded(text: string): (string | number)[] {
    if (this.added.length === 0) return [text];
    const out: (string | number)[] = [];
    let i = 0;
    let seg = '';
    while (i < text.length) {
      const hit = this.added.find((a) => a.content && text.startsWith(a.content, i));
      if (!hit) {
        seg += text[i++];
        continue;
      }
      if (hit.lstrip) seg = seg.replace(/\s+$/u, '');
      if (seg) out.push(seg);
      seg = '';
      out.push(hit.id);
      i += hit.content.length;
      if (hit.rstrip) while (i < text.length && /\s/u.test(text[i])) i++;
    }
    if (seg) out.push(seg);
    return out;
  }
}
