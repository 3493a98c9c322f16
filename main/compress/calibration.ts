// Calibration set: texts from the built-in corpus, a text file, a JSONL file (`text` field) or a folder of
// .txt files; tokenized with the model's tokenizer, then N windows of L tokens drawn with a seeded
// generator (the GPTQ recipe); the sha256 of the exact token ids identifies the set in every report.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { bundledPath } from '../base/index.js';
import { FILE_LIMITS, readUserText, UserFileError, type Tokenizer } from '../model/index.js';
import { CalibrationError } from './errors.js';
import { seededRandom } from './rng.js';

export interface CalibrationOptions {
  /** 'builtin' or a path */
  source: string;
  samples: number;
  seqlen: number;
  seed: number;
}

export const DEFAULT_CALIBRATION: CalibrationOptions = { source: 'builtin', samples: 128, seqlen: 512, seed: 0 };

export interface CalibrationSet {
  source: string;
  samples: number[][];
  seqlen: number;
  seed: number;
  /** tokens available in the corpus the windows were drawn from */
  corpusTokens: number;
  /** sha256 over the token ids (int32 little-endian, sample after sample) */
  hash: string;
}

/** resources/calibration/calibration.txt bundled with the app (main/base finds it, packaged or not). */
export function builtinCalibrationPath(): string {
  const path = bundledPath('resources', 'calibration', 'calibration.txt');
  if (!existsSync(path)) throw new CalibrationError('builtin', 'resources/calibration/calibration.txt next to the application', 'no such file');
  return path;
}

/** The documents of a source: one per file, per JSONL line, or the whole text file. */
export function readCalibrationTexts(source: string): string[] {
  const path = source === 'builtin' ? builtinCalibrationPath() : source;
  if (!existsSync(path)) throw new CalibrationError(source, 'an existing text file, JSONL file or folder of .txt files', 'no such path');
  // only regular files, within the data limit: /dev/zero or a FIFO named as a source must not hang or exhaust the service
  const read = (file: string) => {
    try {
      return readUserText(file, FILE_LIMITS.data);
    } catch (e) {
      if (e instanceof UserFileError) throw new CalibrationError(source, `${file === path ? '' : `${file}: `}${e.expected}`, e.found);
      throw e;
    }
  };
  if (statSync(path).isDirectory()) {
    const files = readdirSync(path)
      .filter((f) => f.endsWith('.txt'))
      .sort();
    if (files.length === 0) throw new CalibrationError(source, 'a folder with at least one .txt file', `${readdirSync(path).length} entries, none .txt`);
    return files.map((f) => read(join(path, f))).filter((t) => t.trim().length > 0);
  }
  const text = read(path);
  const ext = extname(path).toLowerCase();
  if (ext === '.jsonl' || ext === '.ndjson') {
    const docs: string[] = [];
    text.split('\n').forEach((line, i) => {
      if (!line.trim()) return;
      let obj: unknown;
      try {
        obj = JSON.parse(line);
      } catch {
        throw new CalibrationError(source, `one JSON object per line`, `unparsable line ${i + 1}`);
      }
      const t = (obj as { text?: unknown }).text;
      if (typeof t !== 'string') throw new CalibrationError(source, 'a string "text" field on every line', `line ${i + 1} without one`);
      if (t.trim()) docs.push(t);
    });
    if (docs.length === 0) throw new CalibrationError(source, 'at least one non-empty "text"', 'none');
    return docs;
  }
  if (!text.trim()) throw new CalibrationError(source, 'non-empty text', 'an empty file');
  return [text];
}

/** sha256 of token ids as int32 little-endian, sample after sample. */
export function hashTokenIds(samples: number[][]): string {
  const h = createHash('sha256');
  for (const s of samples) {
    const buf = Buffer.alloc(4 * s.length);
    s.forEach((id, i) => buf.writeInt32LE(id, 4 * i));
    h.update(buf);
  }
  return h.digest('hex');
}

/**
 * Documents are shuffled with the seed and tokenized until there are at least 2·N·L tokens (or none are
 * left); then N windows start at seeded uniform positions of the concatenated stream.
 */
export function buildCalibrationSet(tokenizer: Tokenizer, texts: string[], o: CalibrationOptions): CalibrationSet {
  if (!Number.isInteger(o.samples) || o.samples < 1) throw new CalibrationError(o.source, 'samples ≥ 1', String(o.samples));
  if (!Number.isInteger(o.seqlen) || o.seqlen < 2) throw new CalibrationError(o.source, 'seqlen ≥ 2', String(o.seqlen));
  const rand = seededRandom(o.seed);
  const order = texts.map((_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  const want = 2 * o.samples * o.seqlen;
  const stream: number[] = [];
  for (const i of order) {
    const text = texts[i];
    // long single files are tokenized in slices so a large corpus does not tokenize in full
    for (let start = 0; start < text.length && stream.length < want; start += 16_384) {
      const ids = tokenizer.encode(text.slice(start, start + 16_384), { addSpecialTokens: false });
      for (const id of ids) stream.push(id);
    }
    if (stream.length >= want) break;
  }
  if (stream.length < o.seqlen) throw new CalibrationError(o.source, `at least seqlen = ${o.seqlen} tokens`, `${stream.length} tokens`);
  const samples: number[][] = [];
  for (let s = 0; s < o.samples; s++) {
    const start = Math.floor(rand() * (stream.length - o.seqlen + 1));
    samples.push(stream.slice(start, start + o.seqlen));
  }
  return { source: o.source, samples, seqlen: o.seqlen, seed: o.seed, corpusTokens: stream.length, hash: hashTokenIds(samples) };
}

export function loadCalibration(tokenizer: Tokenizer, o: Partial<CalibrationOptions> = {}): CalibrationSet {
  const opts = { ...DEFAULT_CALIBRATION, ...o };
  return buildCalibrationSet(tokenizer, readCalibrationTexts(opts.source), opts);
}
