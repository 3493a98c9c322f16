// Small shared helpers: seeded randomness, hashing, bounded file reads, describing values in errors.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { BenchDataError } from './errors.js';

import { FILE_LIMITS, readUserText, seededRandom, UserFileError } from '../model/index.js';
export { seededRandom };

/** A seeded helper for generators: integers, picks and shuffles. */
export class Rng {
  private readonly next: () => number;
  constructor(seed: number) {
    this.next = seededRandom(seed);
  }
  float(): number {
    return this.next();
  }
  /** uniform integer in [lo, hi] */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.next() * xs.length)];
  }
  shuffle<T>(xs: readonly T[]): T[] {
    const out = xs.slice();
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [out[i], out[j]] = [out[j], out[i]];
    }
    return out;
  }
  sample<T>(xs: readonly T[], k: number): T[] {
    return this.shuffle(xs).slice(0, k);
  }
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Largest untrusted benchmark file we read (bytes). */
export const MAX_DATA_FILE_BYTES = FILE_LIMITS.data;

/** The longest string field of a benchmark record (characters): long-context items run to a few hundred thousand. */
export const MAX_FIELD_CHARS = 4 * 2 ** 20;

/** Where a benchmark's files are: its own folder inside the suite folder, or the suite folder itself when there is none. */
export function benchmarkFolder(suiteDir: string, name: string): string {
  const dir = join(suiteDir, name);
  return existsSync(dir) ? dir : suiteDir;
}

/** The items of each file that exists, loaded in the given order; a missing file is skipped. */
export async function loadPresent<I>(files: readonly (readonly [file: string, load: (file: string) => Promise<I[]>])[]): Promise<I[]> {
  const items: I[] = [];
  for (const [file, load] of files) if (existsSync(file)) items.push(...(await load(file)));
  return items;
}

/** Read a text file with a size limit; oversize files are a typed error, not an out-of-memory. */
export async function readTextLimited(file: string, maxBytes = MAX_DATA_FILE_BYTES): Promise<string> {
  try {
    return readUserText(file, maxBytes); // regular files only: a FIFO or a device never ends
  } catch (e) {
    if (e instanceof UserFileError) throw new BenchDataError(file, 'file', '(file)', e.expected, e.found);
    throw e;
  }
}

export function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v)}`;
  return `${typeof v} ${typeof v === 'object' ? '' : String(v)}`.trim();
}

/** Parse a whole JSON file, naming the file on failure. */
export async function readJsonFile(file: string): Promise<unknown> {
  const text = await readTextLimited(file);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new BenchDataError(file, 'whole file', '(json)', 'valid JSON', (e as Error).message);
  }
}

/** Parse JSONL, naming the line of any malformed record. Blank lines are skipped. */
export async function readJsonlFile(file: string): Promise<{ line: number; value: unknown }[]> {
  const text = await readTextLimited(file);
  return parseJsonl(text, file);
}

export function parseJsonl(text: string, file: string): { line: number; value: unknown }[] {
  const out: { line: number; value: unknown }[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i].trim();
    if (!l) continue;
    try {
      out.push({ line: i + 1, value: JSON.parse(l) });
    } catch (e) {
      throw new BenchDataError(file, `line ${i + 1}`, '(json)', 'one JSON object per line', (e as Error).message);
    }
  }
  return out;
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Field accessors that throw BenchDataError naming file, record and field. */
export class RecordReader {
  constructor(
    readonly file: string,
    readonly record: string,
    readonly value: Record<string, unknown>,
  ) {}
  static of(file: string, record: string, v: unknown): RecordReader {
    if (!isRecord(v)) throw new BenchDataError(file, record, '(record)', 'a JSON object', describe(v));
    return new RecordReader(file, record, v);
  }
  fail(field: string, expected: string): never {
    throw new BenchDataError(this.file, this.record, field, expected, describe(this.value[field]));
  }
  /** a string field; `maxLength` bounds what one field may make a prompt cost (a 100 MB needle is refused, not tokenized) */
  string(field: string, maxLength = MAX_FIELD_CHARS): string {
    const v = this.value[field];
    if (typeof v !== 'string') this.fail(field, 'a string');
    if (v.length > maxLength) throw new BenchDataError(this.file, this.record, field, `a string of at most ${maxLength} characters`, `${v.length} characters`);
    return v;
  }
  optString(field: string): string | undefined {
    const v = this.value[field];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string') this.fail(field, 'a string');
    return v;
  }
  number(field: string): number {
    const v = this.value[field];
    if (typeof v !== 'number' || !Number.isFinite(v)) this.fail(field, 'a number');
    return v;
  }
  stringArray(field: string): string[] {
    const v = this.value[field];
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) this.fail(field, 'an array of strings');
    return v as string[];
  }
  array(field: string): unknown[] {
    const v = this.value[field];
    if (!Array.isArray(v)) this.fail(field, 'an array');
    return v;
  }
  object(field: string): Record<string, unknown> {
    const v = this.value[field];
    if (!isRecord(v)) this.fail(field, 'an object');
    return v;
  }
  has(field: string): boolean {
    return this.value[field] !== undefined && this.value[field] !== null;
  }
  /** id fields are strings or numbers in the originals; we key on the string form */
  id(field: string): string {
    const v = this.value[field];
    if (typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v))) return String(v);
    this.fail(field, 'a string or number id');
  }
}

export function mean(xs: readonly number[]): number {
  if (xs.length === 0) return 0;
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}

/** Stable JSON (sorted keys) for hashing settings. */
export function stableStringify(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableStringify).join(',')}]`;
  if (isRecord(v)) {
    const keys = Object.keys(v)
      .filter((k) => v[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${stableStringify(v[k])}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}
