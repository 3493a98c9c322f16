// The probe set: held-out text tokenized once and cut into consecutive sequences of equal length.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundledPath } from '../base/index.js';
import type { Tokenizer } from '../model/index.js';
import { AnalysisOptionError, ProbeTooShortError } from './errors.js';

export const BUILTIN_PROBE_RELATIVE = join('resources', 'probe', 'probe.txt');

/** resources/probe/probe.txt bundled with the app (main/base finds it, packaged or not). */
export function builtinProbePath(): string {
  const path = bundledPath(BUILTIN_PROBE_RELATIVE);
  if (!existsSync(path)) throw new Error(`built-in probe text not found: expected ${BUILTIN_PROBE_RELATIVE} in the application folder, found nothing at ${path}`);
  return path;
}

export interface ProbeText {
  /** 'builtin', or the file path the text came from, or 'inline' */
  source: string;
  text: string;
}

export function loadBuiltinProbe(): ProbeText {
  return { source: 'builtin', text: readFileSync(builtinProbePath(), 'utf8') };
}

export interface ProbeSequences {
  /** each exactly seqlen token ids, consecutive and non-overlapping in the tokenized text */
  sequences: number[][];
  /** tokens the whole text encodes to */
  totalTokens: number;
  /** sha256 of the text, for the reproducibility card */
  textSha256: string;
  chars: number;
}

/**
 * Tokenize once (no special tokens) and cut into min(requested, ⌊tokens / seqlen⌋) sequences.
 * Throws ProbeTooShortError when the text does not fill even one sequence.
 */
export function probeSequences(tokenizer: Tokenizer, text: string, sequences: number, seqlen: number): ProbeSequences {
  if (!Number.isInteger(sequences) || sequences < 1) throw new AnalysisOptionError(`sequences: expected a positive integer, found ${sequences}`);
  if (!Number.isInteger(seqlen) || seqlen < 2) throw new AnalysisOptionError(`seqlen: expected an integer ≥ 2, found ${seqlen}`);
  const ids = tokenizer.encode(text, { addSpecialTokens: false });
  const fit = Math.min(sequences, Math.floor(ids.length / seqlen));
  if (fit < 1) throw new ProbeTooShortError(seqlen, ids.length);
  const out: number[][] = [];
  for (let s = 0; s < fit; s++) out.push(ids.slice(s * seqlen, (s + 1) * seqlen));
  return { sequences: out, totalTokens: ids.length, textSha256: createHash('sha256').update(text).digest('hex'), chars: text.length };
}
