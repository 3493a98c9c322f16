// BPE tokenizer read from a Hugging Face tokenizer.json: byte-level (GPT-2 / Llama-3 / Qwen2) or SentencePiece-style (Llama-2 / Mistral),
// special tokens from added_tokens, the chat template from tokenizer_config.json rendered with Jinja.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Template } from '@huggingface/jinja';
import type { ChatTurn, Tokenizer } from './types.js';

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

  constructor(json: TokenizerJson, config: Record<string, unknown> = {}, generation: Record<string, unknown> = {}, file = 'tokenizer.json') {
    if (json.model?.type !== 'BPE') throw new TokenizerError(file, `expected a BPE model, found ${JSON.stringify(json.model?.type)}`);
    this.vocab = new Map(Object.entries(json.model.vocab));
    const added = json.added_tokens ?? [];
    for (const t of added) this.vocab.set(t.content, t.id);
    let maxId = -1;
    for (const id of this.vocab.values()) if (id > maxId) maxId = id; // no spread: 150k-entry vocabularies overflow the call stack
    this.vocabSize = maxId + 1;
    this.idToToken = new Array(this.vocabSize);
    for (const [tok, id] of this.vocab) this.idToToken[id] = tok;
    json.model.merges.forEach((m, i) => this.ranks.set(Array.isArray(m) ? m.join(' ') : m, i));
    this.byteEncoder.forEach((ch, b) => this.byteDecoder.set(ch, b));
    this.specials = added.map((t) => ({ content: t.content, id: t.id, special: t.special !== false })).sort((a, b) => b.content.length - a.content.length);
    for (const s of this.specials) if (s.special) this.specialIds.add(s.id);
    this.metaspace = metaspaceMode(json);
    this.unkId = this.vocab.get('<unk>');
    const { regex, prefixSpace } = preTokenizerRegex(json.pre_tokenizer ?? null);
    this.splitRegex = regex;
    this.addPrefixSpace = prefixSpace;
    const tokenOf = (v: unknown): string | undefined => (typeof v === 'string' ? v : v && typeof v === 'object' ? ((v as { content?: string }).content ?? undefined) : undefined);
    const idOf = (v: unknown) => {
      const t = tokenOf(v);
      return t === undefined ? undefined : this.vocab.get(t);
    };
    const genEos = generation.eos_token_id;
    const eosIds = new Set<number>(Array.isArray(genEos) ? (genEos as number[]) : typeof genEos === 'number' ? [genEos] : []);
    const eosFromConfig = idOf(config.eos_token);
    if (eosFromConfig !== undefined) eosIds.add(eosFromConfig);
    this.eosTokenIds = [...eosIds];
    this.bosTokenId = idOf(config.bos_token) ?? (typeof generation.bos_token_id === 'number' ? generation.bos_token_id : undefined);
    this.padTokenId = idOf(config.pad_token);
    this.addBos = config.add_bos_token === true;
    const chatTemplate = config.chat_template;
    if (typeof chatTemplate === 'string') {
      this.template = new Template(chatTemplate);
      this.chatTemplateSource = chatTemplate;
    }
    this.templateVars = { bos_token: tokenOf(config.bos_token) ?? '', eos_token: tokenOf(config.eos_token) ?? '', pad_token: tokenOf(config.pad_token) ?? '' };
  }

  static fromDir(dir: string): BpeTokenizer {
    const file = join(dir, 'tokenizer.json');
    if (!existsSync(file)) throw new TokenizerError(file, 'expected tokenizer.json in the model folder, found none');
    const read = (f: string) => (existsSync(join(dir, f)) ? (JSON.parse(readFileSync(join(dir, f), 'utf8')) as Record<string, unknown>) : {});
    let json: TokenizerJson;
    try {
      json = JSON.parse(readFileSync(file, 'utf8')) as TokenizerJson;
    } catch (error) {
      throw new TokenizerError(file, `expected JSON, found invalid text (${(error as Error).message})`);
    }
    return new BpeTokenizer(json, read('tokenizer_config.json'), read('generation_config.json'), file);
  }

  private bpe(word: string): number[] {
    const cached = this.cache.get(word);
    if (cached) return cached;
    const parts = applyMerges([...word], this.ranks);
    const ids: number[] = [];
    for (const p of parts) {
      const id = this.vocab.get(p);
      if (id !== undefined) ids.push(id);
      else if (this.metaspace)
        // unknown character: its UTF-8 bytes as <0xNN> tokens (byte fallback), else <unk>
        for (const b of Buffer.from(p, 'utf8')) ids.push(this.vocab.get(`<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`) ?? this.unkId ?? 0);
      else for (const ch of p) ids.push(this.vocab.get(ch) ?? 0); // unmergeable: fall back to single byte symbols
    }
    if (this.cache.size < 100_000) this.cache.set(word, ids);
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
      for (const piece of pieces) ids.push(...this.bpe(piece));
      return ids;
    }
    const src = this.addPrefixSpace && text.length && !text.startsWith(' ') ? ` ${text}` : text;
    for (const m of src.matchAll(this.splitRegex)) {
      const piece = [...Buffer.from(m[0], 'utf8')].map((b) => this.byteEncoder[b]).join('');
      ids.push(...this.bpe(piece));
    }
    return ids;
  }

  encode(text: string, opts: { addSpecialTokens?: boolean } = {}): number[] {
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
        ids.push(...this.encodeOrdinary(rest, first));
        break;
      }
      if (at > 0) ids.push(...this.encodeOrdinary(rest.slice(0, at), first));
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
      kind: Array.from({ length: this.vocabSize }, (_, id) => (added.has(id) ? (added.get(id) ? 'control' : 'user') : /^<0x[0-9A-Fa-f]{2}>$/.test(this.idToToken[id] ?? '') && this.metaspace ? 'byte' : 'normal')),
      merges: [...this.ranks.keys()],
      addBos: this.addBos,
      chatTemplate: this.chatTemplateSource,
    };
  }

  applyChatTemplate(turns: ChatTurn[]): string {
    if (!this.template) return turns.map((t) => `${t.role}: ${t.content}`).join('\n') + '\nassistant: '; // no template: a plain transcript
    return this.template.render({ messages: turns, add_generation_prompt: true, ...this.templateVars });
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
  const scheme = meta ? (meta.prepend_scheme as string | undefined) ?? (meta.add_prefix_space === false ? 'never' : 'always') : undefined;
  return {
    prependAlways: prepend,
    prependEvery: scheme === 'always',
    prependFirst: scheme === 'first',
    split: meta ? meta.split !== false : false,
    stripLeading: dec.some((s) => s.type === 'Strip' && Number(s.start) > 0) || dec.some((s) => s.type === 'Metaspace' && s.prepend_scheme !== 'never' && s.add_prefix_space !== false),
  };
}

function preTokenizerRegex(pre: PreTokenizerJson | null): { regex: RegExp; prefixSpace: boolean } {
  let pattern = GPT2_PATTERN;
  let prefixSpace = false;
  const visit = (p: PreTokenizerJson) => {
    if (p.type === 'Sequence') p.pretokenizers?.forEach(visit);
    else if (p.type === 'Split' && p.pattern?.Regex) pattern = p.pattern.Regex;
    else if (p.type === 'ByteLevel') prefixSpace = p.add_prefix_space === true;
  };
  if (pre) visit(pre);
  return { regex: new RegExp(expandInlineCaseInsensitive(pattern), 'gu'), prefixSpace };
}

/** BPE: merge the adjacent pair of lowest rank ("a b" → rank) until no ranked pair is left. */
export function applyMerges(symbols: string[], ranks: ReadonlyMap<string, number>): string[] {
  let parts = symbols;
  while (parts.length > 1) {
    let best = -1;
    let bestRank = Infinity;
    for (let i = 0; i < parts.length - 1; i++) {
      const r = ranks.get(`${parts[i]} ${parts[i + 1]}`);
      if (r !== undefined && r < bestRank) {
        bestRank = r;
        best = i;
      }
    }
    if (best < 0) break;
    parts = [...parts.slice(0, best), parts[best] + parts[best + 1], ...parts.slice(best + 2)];
  }
  return parts;
}
