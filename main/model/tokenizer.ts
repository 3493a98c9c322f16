// BPE tokenizer read from a Hugging Face tokenizer.json: byte-level (GPT-2 / Llama-3 / Qwen2) or SentencePiece-style (Llama-2 / Mistral),
// special tokens from added_tokens, the chat template from tokenizer_config.json rendered with Jinja.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Environment, Interpreter, Template } from '@huggingface/jinja';
import type { ChatTurn, Tokenizer } from './types.js';
import { BUDGETS, withinBudget } from './budget.js';
import { FILE_LIMITS, readUserJsonObject } from './files.js';

/** The largest token id we accept (a vocabulary of 16.7 M): an id is also an array index. */
export const MAX_TOKEN_ID = 2 ** 24 - 1;
/** The longest text encoded in one call (characters). */
export const MAX_ENCODE_CHARS = 16 * 2 ** 20;
/** The longest rendered chat template, and the longest range() a template may ask for. */
export const MAX_TEMPLATE_OUTPUT_CHARS = 16 * 2 ** 20;
export const MAX_TEMPLATE_RANGE = 100_000;
/** Words longer than this are not cached (the cache holds words, not documents). */
const MAX_CACHED_WORD = 256;

export class TokenizerError extends Error {
  constructor(file: string, detail: string) {
    super(`${file}: ${detail}`);
    this.name = 'TokenizerError';
  }
}

export const GPT2_PATTERN = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";

/** GPT-2's reversible byte → printable-character map. */
export function bytesToUnicode(): string[] {
  const bs: number[] = [];
  for (let b = 33; b <= 126; b++) bs.push(b);
  for (let b = 161; b <= 172; b++) bs.push(b);
  for (let b = 174; b <= 255; b++) bs.push(b);
  const cs = [...bs];
  let n = 0;
  for (let b = 0; b < 256; b++)
    if (!bs.includes(b)) {
      bs.push(b);
      cs.push(256 + n++);
    }
  const map: string[] = new Array(256);
  bs.forEach((b, i) => (map[b] = String.fromCodePoint(cs[i])));
  return map;
}

/** JS (before V8 12.5) has no inline (?i:…) groups: spell their letters as [xX] classes. */
export function expandInlineCaseInsensitive(pattern: string): string {
  return pattern.replace(/\(\?i:([^()]*)\)/g, (_, body: string) => `(?:${body.replace(/[A-Za-z]/g, (ch) => `[${ch.toLowerCase()}${ch.toUpperCase()}]`)})`);
}

interface PreTokenizerJson {
  type: string;
  pretokenizers?: PreTokenizerJson[];
  pattern?: { Regex?: string; String?: string };
  use_regex?: boolean;
  add_prefix_space?: boolean;
  behavior?: string;
}

interface TokenizerJson {
  added_tokens?: { id: number; content: string; special?: boolean }[];
  pre_tokenizer?: PreTokenizerJson | null;
  normalizer?: unknown;
  decoder?: unknown;
  model: { type: string; vocab: Record<string, number>; merges: (string | [string, string])[]; byte_fallback?: boolean };
}

/** A vocabulary by id: what a tokenizer knows, for other file formats. */
export interface VocabularyTable {
  /** byte-level BPE (GPT-2 / Llama-3 / Qwen2) or SentencePiece-style with ▁ and <0xNN> byte fallback */
  style: 'byte-level' | 'metaspace';
  tokens: (string | undefined)[];
  kind: ('normal' | 'control' | 'user' | 'byte')[];
  /** "a b" merges in rank order */
  merges: string[];
  addBos: boolean;
  chatTemplate?: string;
}

export class BpeTokenizer implements Tokenizer {
  readonly vocabSize: number;
  readonly eosTokenIds: number[];
  readonly bosTokenId?: number;
  readonly padTokenId?: number;
  private readonly vocab: Map<string, number>;
  private readonly idToToken: string[];
  private readonly ranks = new Map<string, number>();
  private readonly byteEncoder = bytesToUnicode();
  private readonly byteDecoder = new Map<string, number>();
  private readonly specials: { content: string; id: number; special: boolean }[];
  private readonly specialIds = new Set<number>();
  private readonly splitRegex: RegExp;
  private readonly addPrefixSpace: boolean;
  private readonly cache = new Map<string, number[]>();
  private readonly template?: Template;
  private readonly chatTemplateSource?: string;
  private readonly templateVars: Record<string, unknown>;
  private readonly addBos: boolean;
  /** SentencePiece-style BPE (Llama-2 / Mistral): ▁ for spaces, merges over characters, <0xNN> byte fallback */
  private readonly metaspace?: { prependAlways: boolean; prependEvery: boolean; prependFirst: boolean; split: boolean; stripLeading: boolean };
  private readonly unkId?: number;
  private readonly file: string;

  constructor(json: TokenizerJson, config: Record<string, unknown> = {}, generation: Record<string, unknown> = {}, file = 'tokenizer.json') {
    this.file = file;
    const { vocab, merges, added } = validateTokenizerJson(json, file);
    this.vocab = new Map(Object.entries(vocab));
    for (const t of added) this.vocab.set(t.content, t.id);
    let maxId = -1;
    for (const id of this.vocab.values()) if (id > maxId) maxId = id; // no spread: 150k-entry vocabularies overflow the call stack
    this.vocabSize = maxId + 1;
    this.idToToken = new Array(this.vocabSize);
    for (const [tok, id] of this.vocab) this.idToToken[id] = tok;
    merges.forEach((m, i) => this.ranks.set(Array.isArray(m) ? m.join(' ') : m, i));
    this.byteEncoder.forEach((ch, b) => this.byteDecoder.set(ch, b));
    this.specials = added.map((t) => ({ content: t.content, id: t.id, special: t.special !== false })).sort((a, b) => b.content.length - a.content.length);
    for (const s of this.specials) if (s.special) this.specialIds.add(s.id);
    this.metaspace = metaspaceMode(json);
    this.unkId = this.vocab.get('<unk>');
    const { regex, prefixSpace } = preTokenizerRegex(json.pre_tokenizer ?? null, file);
    this.splitRegex = regex;
    this.addPrefixSpace = prefixSpace;
    const tokenOf = (v: unknown): string | undefined => (typeof v === 'string' ? v : v && typeof v === 'object' ? ((v as { content?: string }).content ?? undefined) : undefined);
    const idOf = (v: unknown) => {
      const t = tokenOf(v);
      return t === undefined ? undefined : this.vocab.get(t);
    };
    const genEos = generation.eos_token_id;
    const eosIds = new Set<number>((Array.isArray(genEos) ? genEos : [genEos]).filter((id): id is number => Number.isInteger(id) && (id as number) >= 0 && (id as number) < this.vocabSize));
    const eosFromConfig = idOf(config.eos_token);
    if (eosFromConfig !== undefined) eosIds.add(eosFromConfig);
    this.eosTokenIds = [...eosIds];
    const genBos = generation.bos_token_id;
    this.bosTokenId = idOf(config.bos_token) ?? (Number.isInteger(genBos) && (genBos as number) >= 0 && (genBos as number) < this.vocabSize ? (genBos as number) : undefined);
    this.padTokenId = idOf(config.pad_token);
    this.addBos = config.add_bos_token === true;
    const chatTemplate = config.chat_template;
    if (typeof chatTemplate === 'string') {
      try {
        this.template = withinBudget(`${file}: parsing chat_template`, BUDGETS.templateMs, () => new Template(chatTemplate));
      } catch (error) {
        throw new TokenizerError(join(file, '..', 'tokenizer_config.json'), `expected chat_template to be a Jinja template, found one that does not parse (${(error as Error).message})`);
      }
      this.chatTemplateSource = chatTemplate;
    }
    this.templateVars = { bos_token: tokenOf(config.bos_token) ?? '', eos_token: tokenOf(config.eos_token) ?? '', pad_token: tokenOf(config.pad_token) ?? '' };
  }

  static fromDir(dir: string): BpeTokenizer {
    const file = join(dir, 'tokenizer.json');
    if (!existsSync(file)) throw new TokenizerError(file, 'expected tokenizer.json in the model folder, found none');
    const read = (f: string) => (existsSync(join(dir, f)) ? readUserJsonObject(join(dir, f)) : {});
    return new BpeTokenizer(readUserJsonObject(file, FILE_LIMITS.tokenizer) as unknown as TokenizerJson, read('tokenizer_config.json'), read('generation_config.json'), file);
  }

  private bpe(word: string): number[] {
    const cached = this.cache.get(word);
    if (cached) return cached;
    const parts = applyMerges(Array.from(word), this.ranks);
    const ids: number[] = [];
    for (const p of parts) {
      const id = this.vocab.get(p);
      if (id !== undefined) ids.push(id);
      else if (this.metaspace)
        // unknown character: its UTF-8 bytes as <0xNN> tokens (byte fallback), else <unk>
        for (const b of Buffer.from(p, 'utf8')) ids.push(this.vocab.get(`<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`) ?? this.unkId ?? 0);
      else for (const ch of p) ids.push(this.vocab.get(ch) ?? 0); // unmergeable: fall back to single byte symbols
    }
    if (this.cache.size < 100_000 && word.length <= MAX_CACHED_WORD) this.cache.set(word, ids);
    return ids;
  }

  private encodeOrdinary(text: string, first = true): number[] {
    const ids: number[] = [];
    if (this.metaspace) {
      const m = this.metaspace;
      let src = text.replace(/ /g, '\u2581');
      // a Prepend normalizer always adds ▁; Metaspace adds it unless the text already starts with one
      if (src.length && (m.prependAlways || ((m.prependEvery || (m.prependFirst && first)) && !src.startsWith('\u2581')))) src = `\u2581${src}`;
      const pieces = m.split ? (src.match(/\u2581[^\u2581]*|[^\u2581]+/g) ?? []) : [src];
      for (const piece of pieces) for (const id of this.bpe(piece)) ids.push(id); // no spread: a long piece's ids overflow the call stack
      return ids;
    }
    const src = this.addPrefixSpace && text.length && !text.startsWith(' ') ? ` ${text}` : text;
    for (const m of src.matchAll(this.splitRegex)) {
      let piece = '';
      for (const b of Buffer.from(m[0], 'utf8')) piece += this.byteEncoder[b];
      for (const id of this.bpe(piece)) ids.push(id);
    }
    return ids;
  }

  /** Token ids of `text`, under a time budget (a pathological pre-tokenizer regex or text is a typed error, not a hang). */
  encode(text: string, opts: { addSpecialTokens?: boolean } = {}): number[] {
    if (text.length > MAX_ENCODE_CHARS) throw new TokenizerError(this.file, `expected a text of at most ${MAX_ENCODE_CHARS} characters to encode, found ${text.length}`);
    return withinBudget(`${this.file}: encoding a text of ${text.length} characters`, BUDGETS.encodeMs + (text.length / 1000) * BUDGETS.encodeMsPerKiloChar, () => this.encodeUnbudgeted(text, opts));
  }

  private encodeUnbudgeted(text: string, opts: { addSpecialTokens?: boolean }): number[] {
    const ids: number[] = [];
    if ((opts.addSpecialTokens ?? true) && this.addBos && this.bosTokenId !== undefined) ids.push(this.bosTokenId);
    let rest = text;
    while (rest.length) {
      let at = -1;
      let found: { content: string; id: number } | undefined;
      for (const s of this.specials) {
        const i = rest.indexOf(s.content);
        if (i >= 0 && (at < 0 || i < at)) {
          at = i;
          found = s;
        }
      }
      const first = rest.length === text.length;
      if (!found) {
        for (const id of this.encodeOrdinary(rest, first)) ids.push(id);
        break;
      }
      if (at > 0) for (const id of this.encodeOrdinary(rest.slice(0, at), first)) ids.push(id);
      ids.push(found.id);
      rest = rest.slice(at + found.content.length);
    }
    return ids;
  }

  decode(ids: number[], opts: { skipSpecialTokens?: boolean } = {}): string {
    const bytes: number[] = [];
    let out = '';
    const flush = () => {
      out += Buffer.from(bytes).toString('utf8');
      bytes.length = 0;
    };
    for (const id of ids) {
      const tok = this.idToToken[id];
      if (tok === undefined) continue;
      if (this.specialIds.has(id)) {
        if (opts.skipSpecialTokens) continue;
        flush();
        out += tok;
        continue;
      }
      if (this.metaspace) {
        const byte = /^<0x([0-9A-Fa-f]{2})>$/.exec(tok);
        if (byte) bytes.push(parseInt(byte[1], 16));
        else bytes.push(...Buffer.from(tok.replace(/\u2581/g, ' '), 'utf8'));
        continue;
      }
      for (const ch of tok) {
        const b = this.byteDecoder.get(ch);
        if (b !== undefined) bytes.push(b);
      }
    }
    flush();
    if (this.metaspace?.stripLeading && out.startsWith(' ')) out = out.slice(1);
    return out;
  }

  /** The vocabulary as a table by id (holes undefined), for writing it into other formats (GGUF). */
  vocabulary(): VocabularyTable {
    const added = new Map(this.specials.map((s) => [s.id, s.special]));
    return {
      style: this.metaspace ? 'metaspace' : 'byte-level',
      tokens: this.idToToken.slice(),
      kind: Array.from({ length: this.vocabSize }, (_, id) =>
        added.has(id) ? (added.get(id) ? 'control' : 'user') : /^<0x[0-9A-Fa-f]{2}>$/.test(this.idToToken[id] ?? '') && this.metaspace ? 'byte' : 'normal',
      ),
      merges: [...this.ranks.keys()],
      addBos: this.addBos,
      chatTemplate: this.chatTemplateSource,
    };
  }

  /** The model's chat template rendered under a time budget, with range() and the output bounded (templates are untrusted files). */
  applyChatTemplate(turns: ChatTurn[]): string {
    if (!this.template) return turns.map((t) => `${t.role}: ${t.content}`).join('\n') + '\nassistant: '; // no template: a plain transcript
    const template = this.template;
    const where = join(this.file, '..', 'tokenizer_config.json');
    let out: string;
    try {
      out = withinBudget(`${where}: rendering chat_template`, BUDGETS.templateMs, () => renderBounded(template, { messages: turns, add_generation_prompt: true, ...this.templateVars }));
    } catch (error) {
      if (error instanceof TokenizerError) throw error;
      throw new TokenizerError(where, `expected chat_template to render the conversation, found it failing (${(error as Error).message})`);
    }
    if (out.length > MAX_TEMPLATE_OUTPUT_CHARS) throw new TokenizerError(where, `expected chat_template to render at most ${MAX_TEMPLATE_OUTPUT_CHARS} characters, found ${out.length}`);
    return out;
  }
}

/** Recognise a SentencePiece-style BPE: no ByteLevel step, and ▁ (Metaspace / Prepend+Replace) or byte fallback. */
function metaspaceMode(json: TokenizerJson): { prependAlways: boolean; prependEvery: boolean; prependFirst: boolean; split: boolean; stripLeading: boolean } | undefined {
  const steps = (node: unknown): Record<string, unknown>[] => {
    if (!node || typeof node !== 'object') return [];
    const n = node as Record<string, unknown>;
    const inner = (n.pretokenizers ?? n.normalizers ?? n.decoders) as unknown[] | undefined;
    return n.type === 'Sequence' && Array.isArray(inner) ? inner.flatMap(steps) : [n];
  };
  const pre = steps(json.pre_tokenizer);
  const norm = steps(json.normalizer);
  const dec = steps(json.decoder);
  if ([...pre, ...dec].some((s) => s.type === 'ByteLevel')) return undefined;
  const meta = pre.find((s) => s.type === 'Metaspace');
  const prepend = norm.some((s) => s.type === 'Prepend');
  const replaces = norm.some((s) => s.type === 'Replace');
  if (!meta && !prepend && !replaces && json.model.byte_fallback !== true) return undefined;
  const scheme = meta ? ((meta.prepend_scheme as string | undefined) ?? (meta.add_prefix_space === false ? 'never' : 'always')) : undefined;
  return {
    prependAlways: prepend,
    prependEvery: scheme === 'always',
    prependFirst: scheme === 'first',
    split: meta ? meta.split !== false : false,
    stripLeading: dec.some((s) => s.type === 'Strip' && Number(s.start) > 0) || dec.some((s) => s.type === 'Metaspace' && s.prepend_scheme !== 'never' && s.add_prefix_space !== false),
  };
}

function preTokenizerRegex(pre: PreTokenizerJson | null, file: string): { regex: RegExp; prefixSpace: boolean } {
  let pattern = GPT2_PATTERN;
  let prefixSpace = false;
  const visit = (p: PreTokenizerJson, depth: number) => {
    if (!p || typeof p !== 'object' || depth > 16) return;
    if (p.type === 'Sequence' && Array.isArray(p.pretokenizers)) p.pretokenizers.forEach((q) => visit(q, depth + 1));
    else if (p.type === 'Split' && typeof p.pattern?.Regex === 'string') pattern = p.pattern.Regex;
    else if (p.type === 'ByteLevel') prefixSpace = p.add_prefix_space === true;
  };
  if (pre) visit(pre, 0);
  let regex: RegExp;
  try {
    regex = new RegExp(expandInlineCaseInsensitive(pattern), 'gu');
  } catch (error) {
    throw new TokenizerError(file, `expected pre_tokenizer's Split pattern to be a regular expression, found ${JSON.stringify(pattern.slice(0, 80))} (${(error as Error).message})`);
  }
  if (regex.test('')) throw new TokenizerError(file, `expected pre_tokenizer's Split pattern to match no empty text, found ${JSON.stringify(pattern.slice(0, 80))} matching ""`);
  // a pattern that backtracks catastrophically is refused when the tokenizer loads, not when a user text hits it (once per pattern)
  if (!VETTED_PATTERNS.has(pattern)) {
    let fast = true;
    try {
      withinBudget(`${file}: pre_tokenizer pattern on probe texts`, BUDGETS.regexProbeMs, () => {
        for (const probe of REGEX_PROBES) for (const _ of probe.matchAll(regex));
      });
    } catch {
      fast = false;
    }
    VETTED_PATTERNS.set(pattern, fast);
  }
  if (!VETTED_PATTERNS.get(pattern))
    throw new TokenizerError(
      file,
      `expected pre_tokenizer's Split pattern to split a few thousand characters quickly, found ${JSON.stringify(pattern.slice(0, 80))} still running after ${BUDGETS.regexProbeMs} ms (catastrophic backtracking)`,
    );
  return { regex, prefixSpace };
}

/** Patterns already probed in this process, and whether they passed. */
const VETTED_PATTERNS = new Map<string, boolean>();

/** Texts that make nested or overlapping quantifiers backtrack: long runs of one class, then a character of another. */
const REGEX_PROBES = ['a', ' ', '1', '\n', '!', 'é', '\t'].flatMap((ch) => [`${ch.repeat(2048)}\u0000`, `${ch.repeat(2048)}!`, `${ch.repeat(2048)}a`]).concat(['ab1 !'.repeat(400)]);

/** Template.render with the library's globals, range() bounded (the library's own range would build any array it is asked for). */
function renderBounded(template: Template, items: Record<string, unknown>): string {
  const env = new Environment();
  const globals: Record<string, unknown> = {
    false: false,
    true: true,
    none: null,
    False: false,
    True: true,
    None: null,
    raise_exception: (message: unknown) => {
      throw new Error(String(message));
    },
    range: boundedRange,
    strftime_now: strftimeNow,
  };
  for (const [name, value] of Object.entries({ ...globals, ...items })) {
    env.variables.delete(name);
    env.set(name, value);
  }
  return String(new Interpreter(env).run(template.parsed).value);
}

/** strftime_now(format) for templates that date their system prompt (Llama 3.x): %d %m %y %Y %b %B %a %A %H %M %S %%. */
function strftimeNow(format: unknown): string {
  const d = new Date();
  const two = (n: number) => String(n).padStart(2, '0');
  const month = (style: 'long' | 'short') => d.toLocaleString('en-US', { month: style });
  const day = (style: 'long' | 'short') => d.toLocaleString('en-US', { weekday: style });
  const parts: Record<string, string> = {
    d: two(d.getDate()),
    m: two(d.getMonth() + 1),
    y: two(d.getFullYear() % 100),
    Y: String(d.getFullYear()),
    b: month('short'),
    B: month('long'),
    a: day('short'),
    A: day('long'),
    H: two(d.getHours()),
    M: two(d.getMinutes()),
    S: two(d.getSeconds()),
    '%': '%',
  };
  return String(format).replace(/%(.)/g, (whole, c: string) => parts[c] ?? whole);
}

/** range() for chat templates, bounded: a template asking for a billion numbers gets a typed error, not an exhausted heap. */
function boundedRange(start: number, stop?: number, step = 1): number[] {
  const [from, to] = stop === undefined ? [0, start] : [start, stop];
  if (![from, to, step].every(Number.isFinite) || step === 0)
    throw new TokenizerError('chat_template', `expected range() with finite numbers and a non-zero step, found range(${from}, ${to}, ${step})`);
  const n = Math.max(0, Math.ceil((to - from) / step));
  if (n > MAX_TEMPLATE_RANGE) throw new TokenizerError('chat_template', `expected range() of at most ${MAX_TEMPLATE_RANGE} numbers, found ${n}`);
  return Array.from({ length: n }, (_, i) => from + i * step);
}

/** The parts of tokenizer.json we read, each checked: a missing or malformed field is a typed error naming it. */
function validateTokenizerJson(
  json: TokenizerJson,
  file: string,
): { vocab: Record<string, number>; merges: (string | [string, string])[]; added: { id: number; content: string; special?: boolean }[] } {
  const fail = (field: string, expected: string, found: unknown): never => {
    throw new TokenizerError(file, `expected ${field} to be ${expected}, found ${describeFound(found)}`);
  };
  if (!json || typeof json !== 'object' || Array.isArray(json)) fail('the file', 'a JSON object', json);
  const model = json.model as unknown;
  if (!model || typeof model !== 'object' || Array.isArray(model)) fail('"model"', 'an object', model);
  if (json.model.type !== 'BPE') fail('model.type', '"BPE"', json.model.type);
  const vocab = json.model.vocab as unknown;
  if (!vocab || typeof vocab !== 'object' || Array.isArray(vocab)) fail('model.vocab', 'an object of token → id', vocab);
  for (const [token, id] of Object.entries(vocab as Record<string, unknown>))
    if (!Number.isInteger(id) || (id as number) < 0 || (id as number) > MAX_TOKEN_ID) fail(`model.vocab[${JSON.stringify(token.slice(0, 40))}]`, `an integer id 0–${MAX_TOKEN_ID}`, id);
  const merges = json.model.merges as unknown;
  if (!Array.isArray(merges)) fail('model.merges', 'a list of merges ("a b" or ["a", "b"])', merges);
  (merges as unknown[]).forEach((m, i) => {
    const ok = typeof m === 'string' ? m.includes(' ') : Array.isArray(m) && m.length === 2 && m.every((x) => typeof x === 'string');
    if (!ok) fail(`model.merges[${i}]`, '"a b" or ["a", "b"]', m);
  });
  const added = (json.added_tokens ?? []) as unknown;
  if (!Array.isArray(added)) fail('added_tokens', 'a list', added);
  (added as unknown[]).forEach((t, i) => {
    const tok = t as { id?: unknown; content?: unknown };
    if (!t || typeof t !== 'object') fail(`added_tokens[${i}]`, 'an object with id and content', t);
    if (!Number.isInteger(tok.id) || (tok.id as number) < 0 || (tok.id as number) > MAX_TOKEN_ID) fail(`added_tokens[${i}].id`, `an integer id 0–${MAX_TOKEN_ID}`, tok.id);
    // an empty special token would match everywhere and never consume text
    if (typeof tok.content !== 'string' || tok.content.length === 0) fail(`added_tokens[${i}].content`, 'a non-empty string', tok.content);
  });
  if (Object.keys(vocab as object).length === 0 && (added as unknown[]).length === 0) fail('model.vocab', 'at least one token', vocab);
  return { vocab: vocab as Record<string, number>, merges: merges as (string | [string, string])[], added: added as { id: number; content: string; special?: boolean }[] };
}

function describeFound(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return `a list of ${v.length}`;
  if (typeof v === 'object') return 'an object';
  return JSON.stringify(v)?.slice(0, 60) ?? String(v);
}

/**
 * BPE: merge the adjacent pair of lowest rank ("a b" → rank), the leftmost first among equals, until no ranked pair is
 * left. A heap of candidate pairs over a linked list of symbols: O(n log n), so a long word costs no quadratic time.
 */
export function applyMerges(symbols: string[], ranks: ReadonlyMap<string, number>): string[] {
  const n = symbols.length;
  if (n < 2) return symbols;
  const sym = symbols.slice();
  const next = Int32Array.from({ length: n }, (_, i) => (i + 1 < n ? i + 1 : -1));
  const prev = Int32Array.from({ length: n }, (_, i) => i - 1);
  const alive = new Uint8Array(n).fill(1);
  // heap entries: [rank, left index, right index]; ordered by rank, then position (left indices keep text order)
  const heap: [number, number, number][] = [];
  const less = (a: [number, number, number], b: [number, number, number]) => a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]);
  const push = (e: [number, number, number]) => {
    heap.push(e);
    for (let i = heap.length - 1; i > 0;) {
      const p = (i - 1) >> 1;
      if (!less(heap[i], heap[p])) break;
      [heap[i], heap[p]] = [heap[p], heap[i]];
      i = p;
    }
  };
  const pop = (): [number, number, number] => {
    const top = heap[0];
    const last = heap.pop()!;
    if (heap.length) {
      heap[0] = last;
      for (let i = 0; ;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && less(heap[l], heap[m])) m = l;
        if (r < heap.length && less(heap[r], heap[m])) m = r;
        if (m === i) break;
        [heap[i], heap[m]] = [heap[m], heap[i]];
        i = m;
      }
    }
    return top;
  };
  const candidate = (left: number) => {
    const right = next[left];
    if (left < 0 || right < 0) return;
    const r = ranks.get(`${sym[left]} ${sym[right]}`);
    if (r !== undefined) push([r, left, right]);
  };
  for (let i = 0; i + 1 < n; i++) candidate(i);
  while (heap.length) {
    const [rank, left, right] = pop();
    // stale: a neighbour merged since this pair was pushed
    if (!alive[left] || !alive[right] || next[left] !== right || ranks.get(`${sym[left]} ${sym[right]}`) !== rank) continue;
    sym[left] += sym[right];
    alive[right] = 0;
    next[left] = next[right];
    if (next[right] >= 0) prev[next[right]] = left;
    candidate(prev[left]);
    candidate(left);
  }
  const out: string[] = [];
  for (let i = 0; i >= 0; i = next[i]) out.push(sym[i]);
  return out;
}
