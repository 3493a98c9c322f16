// The probe set: held-out text tokenized once and cut into consecutive sequences of equal length.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Tokenizer } from '../model/index.js';
import { AnalysisOptionError, ProbeTooShortError } from './errors.js';

export const BUILTIN_PROBE_RELATIVE = join('resources', 'probe', 'probe.txt');

/** Finds resources/probe/probe.txt above this module (source tree or bundled dist/main) or in Electron's resources. */
export function builtinProbePath(): string {
  const candidates: string[] = [];
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    candidates.push(join(dir, BUILTIN_PROBE_RELATIVE));
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  const resourcesPath = (process as NodeJS.Process & { resourcesPath?: string }).resourcesPath;
  if (resourcesPath) candidates.push(join(resourcesPath, 'probe', 'probe.txt'), join(resourcesPath, BUILTIN_PROBE_RELATIVE));
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new Error(`built-in probe text not found: expected ${BUILTIN_PROBE_RELATIVE} in the application folder, looked in ${candidates.length} places`);
  return found;
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
