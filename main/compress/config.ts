// Compression configuration: the spec's CompressionConfig with every knob resolved to a value (each method's defaults
// come from its module under methods/), and validation before any work starts.
import type { ModelConfig } from '../model/index.js';
import type { CompressionConfig, CompressionMethod as CompressionMethodName, SparsityPattern as SparsityPatternName } from '../spec/index.js';
import { CompressionConfigError, CompressionShapeError } from './errors.js';
import { COMMON_DEFAULTS, COMPRESSION_METHODS, compressionConfigProblems, modelShapeProblems, patternNM } from './methods/index.js';

export type { CompressionConfig, CompressionMethodName, SparsityPatternName };

/** Knobs beyond the contract (command line / tests / bench). */
export interface CompressionTuning {
  blockSize?: number;
  staticGroups?: boolean;
  trueSequential?: boolean;
  /** KV-cache quantization group size along the head dimension (default: whole head) */
  kvGroupSize?: number;
  /** tokens sampled for AWQ's searches (default 4096) */
  awqSearchTokens?: number;
}

/** Every knob resolved to a value. */
export interface ResolvedConfig {
  method: CompressionMethodName;
  bits: number;
  groupSize: number;
  actOrder: boolean;
  sym: boolean;
  damp: number;
  sparsity: number;
  pattern: SparsityPatternName;
  alpha: number;
  fp8Granularity: 'tensor' | 'channel';
  kvBits: 4 | 8 | 16;
  kvGroupSize: number;
  blockSize: number;
  staticGroups: boolean;
  trueSequential: boolean;
  awqSearchTokens: number;
  /** sparsegpt only: also quantize the kept weights (bits given explicitly) */
  quantizeAfterPruning: boolean;
}

export { patternNM };

/** Check the combination and fill defaults (the method's own, from its module); throws CompressionConfigError before any work. */
export function resolveConfig(c: CompressionConfig, tuning: CompressionTuning = {}): ResolvedConfig {
  const problem = compressionConfigProblems(c)[0];
  if (problem) throw new CompressionConfigError(problem.field, problem.expected, problem.found);
  const method = COMPRESSION_METHODS[c.method];
  const defaults = { ...COMMON_DEFAULTS, ...method.defaults };
  const pattern = c.pattern ?? 'unstructured';
  const nm = patternNM(pattern);
  const blockSize = tuning.blockSize ?? 128;
  if (!Number.isInteger(blockSize) || blockSize < 1) throw new CompressionConfigError('blockSize', 'a positive integer', String(blockSize));
  const groupSize = c.groupSize ?? defaults.groupSize;
  return {
    method: c.method,
    bits: c.bits ?? defaults.bits,
    groupSize: groupSize === 0 ? -1 : groupSize,
    actOrder: c.actOrder ?? false,
    sym: c.sym ?? defaults.sym,
    damp: c.damp ?? 0.01,
    sparsity: c.sparsity ?? (nm ? nm.n / nm.m : defaults.sparsity),
    pattern,
    alpha: c.alpha ?? 0.5,
    fp8Granularity: c.fp8Granularity ?? 'channel',
    kvBits: c.kvBits ?? 16,
    kvGroupSize: tuning.kvGroupSize ?? -1,
    blockSize,
    staticGroups: tuning.staticGroups ?? false,
    trueSequential: tuning.trueSequential ?? defaults.trueSequential,
    awqSearchTokens: tuning.awqSearchTokens ?? 4096,
    quantizeAfterPruning: method.quantizesKeptWeights === true && c.bits !== undefined,
  };
}

/** Shape checks against the model: N:M and group sizes must divide the widths they cut. */
export function validateAgainstModel(r: ResolvedConfig, mc: ModelConfig): void {
  const problem = modelShapeProblems(r, mc)[0];
  if (problem) throw new CompressionShapeError(problem.where, problem.expected, problem.found);
}
