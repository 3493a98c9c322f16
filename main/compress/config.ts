// Compression configuration: the shape of CompressionConfig in main/api/contract.ts (structurally),
// the defaults of each method, and validation before any work starts.
import type { ModelConfig } from '../model/index.js';
import { CompressionConfigError, CompressionShapeError } from './errors.js';

export type CompressionMethodName = 'none' | 'rtn' | 'gptq' | 'awq' | 'smoothquant' | 'fp8' | 'magnitude' | 'wanda' | 'sparsegpt';
export const METHODS: readonly CompressionMethodName[] = ['none', 'rtn', 'gptq', 'awq', 'smoothquant', 'fp8', 'magnitude', 'wanda', 'sparsegpt'];
export type SparsityPatternName = 'unstructured' | '2:4' | '4:8';

/** Same fields as the contract's CompressionConfig (kept structural: compress does not import api). */
export interface CompressionConfig {
  method: CompressionMethodName;
  label?: string;
  bits?: number;
  /** −1 or 0 = one group per row (per-channel) */
  groupSize?: number;
  actOrder?: boolean;
  sym?: boolean;
  damp?: number;
  sparsity?: number;
  pattern?: SparsityPatternName;
  alpha?: number;
  fp8Granularity?: 'tensor' | 'channel';
  kvBits?: 4 | 8 | 16;
}

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

const QUANT: ReadonlySet<CompressionMethodName> = new Set(['rtn', 'gptq', 'awq', 'smoothquant', 'fp8']);
const PRUNE: ReadonlySet<CompressionMethodName> = new Set(['magnitude', 'wanda', 'sparsegpt']);
export const needsCalibration = (m: CompressionMethodName): boolean => ['gptq', 'awq', 'smoothquant', 'wanda', 'sparsegpt'].includes(m);
export const isPruning = (m: CompressionMethodName): boolean => PRUNE.has(m);
export const isQuantization = (m: CompressionMethodName): boolean => QUANT.has(m);

/** N:M pattern → (n zeros, m group) or null for unstructured. */
export function patternNM(p: SparsityPatternName): { n: number; m: number } | null {
  if (p === 'unstructured') return null;
  const [n, m] = p.split(':').map(Number);
  return { n, m };
}

/** Check the combination and fill defaults; throws CompressionConfigError before any work. */
export function resolveConfig(c: CompressionConfig, tuning: CompressionTuning = {}): ResolvedConfig {
  const m = c.method;
  if (!METHODS.includes(m)) throw new CompressionConfigError('method', METHODS.join('|'), JSON.stringify(m));
  const defaults = {
    bits: m === 'smoothquant' || m === 'fp8' ? 8 : 4,
    groupSize: m === 'gptq' || m === 'awq' ? 128 : -1,
  };
  if (c.bits !== undefined) {
    if (!Number.isInteger(c.bits) || c.bits < 2 || c.bits > 8) throw new CompressionConfigError('bits', 'an integer 2–8', String(c.bits));
    if (m === 'smoothquant' && c.bits !== 8) throw new CompressionConfigError('bits', '8 for smoothquant (W8A8)', String(c.bits));
    if (m === 'fp8' && c.bits !== 8) throw new CompressionConfigError('bits', '8 for fp8 (E4M3)', String(c.bits));
    if (m === 'awq' && c.bits !== 4 && c.bits !== 3 && c.bits !== 8 && c.bits !== 2) throw new CompressionConfigError('bits', '2, 3, 4 or 8 for awq', String(c.bits));
    if ((m === 'magnitude' || m === 'wanda') && c.bits !== undefined) throw new CompressionConfigError('bits', `no bits for ${m} (pruning only; use sparsegpt to prune and quantize)`, String(c.bits));
  }
  if (c.groupSize !== undefined && !(c.groupSize === -1 || c.groupSize === 0 || (Number.isInteger(c.groupSize) && c.groupSize >= 8)))
    throw new CompressionConfigError('groupSize', '−1 (per channel) or an integer ≥ 8', String(c.groupSize));
  if (c.pattern !== undefined && !['unstructured', '2:4', '4:8'].includes(c.pattern)) throw new CompressionConfigError('pattern', 'unstructured|2:4|4:8', String(c.pattern));
  if (c.pattern !== undefined && c.pattern !== 'unstructured' && !PRUNE.has(m))
    throw new CompressionConfigError('pattern', `a pruning method (magnitude|wanda|sparsegpt) for pattern ${c.pattern}`, `method ${m}`);
  if (c.sparsity !== undefined && !PRUNE.has(m)) throw new CompressionConfigError('sparsity', 'a pruning method (magnitude|wanda|sparsegpt)', `method ${m}`);
  if (c.sparsity !== undefined && !(c.sparsity >= 0 && c.sparsity < 1)) throw new CompressionConfigError('sparsity', 'a fraction in [0, 1)', String(c.sparsity));
  const pattern = c.pattern ?? 'unstructured';
  const nm = patternNM(pattern);
  if (nm && c.sparsity !== undefined && Math.abs(c.sparsity - nm.n / nm.m) > 1e-9)
    throw new CompressionConfigError('sparsity', `${nm.n / nm.m} for pattern ${pattern} (or leave it out)`, String(c.sparsity));
  if (c.alpha !== undefined && m !== 'smoothquant') throw new CompressionConfigError('alpha', 'method smoothquant', `method ${m}`);
  if (c.alpha !== undefined && !(c.alpha >= 0 && c.alpha <= 1)) throw new CompressionConfigError('alpha', 'a value in [0, 1]', String(c.alpha));
  if (c.actOrder && m !== 'gptq') throw new CompressionConfigError('actOrder', 'method gptq', `method ${m}`);
  if (c.fp8Granularity !== undefined && m !== 'fp8') throw new CompressionConfigError('fp8Granularity', 'method fp8', `method ${m}`);
  if (c.damp !== undefined && !(c.damp > 0 && c.damp <= 1)) throw new CompressionConfigError('damp', 'a value in (0, 1]', String(c.damp));
  if (c.kvBits !== undefined && ![4, 8, 16].includes(c.kvBits)) throw new CompressionConfigError('kvBits', '4, 8 or 16', String(c.kvBits));
  if (m === 'awq' && c.sym) throw new CompressionConfigError('sym', 'false for awq (zero-point quantization)', 'true');
  const blockSize = tuning.blockSize ?? 128;
  if (!Number.isInteger(blockSize) || blockSize < 1) throw new CompressionConfigError('blockSize', 'a positive integer', String(blockSize));
  const groupSize = c.groupSize ?? defaults.groupSize;
  return {
    method: m,
    bits: c.bits ?? defaults.bits,
    groupSize: groupSize === 0 ? -1 : groupSize,
    actOrder: c.actOrder ?? false,
    sym: c.sym ?? (m === 'gptq' ? true : m !== 'awq' && m !== 'rtn' ? true : false),
    damp: c.damp ?? 0.01,
    sparsity: c.sparsity ?? (nm ? nm.n / nm.m : PRUNE.has(m) ? 0.5 : 0),
    pattern,
    alpha: c.alpha ?? 0.5,
    fp8Granularity: c.fp8Granularity ?? 'channel',
    kvBits: c.kvBits ?? 16,
    kvGroupSize: tuning.kvGroupSize ?? -1,
    blockSize,
    staticGroups: tuning.staticGroups ?? false,
    trueSequential: tuning.trueSequential ?? m === 'gptq',
    awqSearchTokens: tuning.awqSearchTokens ?? 4096,
    quantizeAfterPruning: m === 'sparsegpt' && c.bits !== undefined,
  };
}

/** Shape checks against the model: N:M and group sizes must divide the widths they cut. */
export function validateAgainstModel(r: ResolvedConfig, mc: ModelConfig): void {
  const widths: [string, number][] = [
    ['hidden_size (input of q/k/v/gate/up)', mc.hiddenSize],
    ['num_heads·head_dim (input of o_proj)', mc.numHeads * mc.headDim],
    ['intermediate_size (input of down_proj)', mc.intermediateSize],
  ];
  const nm = patternNM(r.pattern);
  if (nm && isPruning(r.method))
    for (const [what, w] of widths)
      if (w % nm.m !== 0) throw new CompressionShapeError(`pattern ${r.pattern}`, `${what} divisible by ${nm.m}`, String(w));
  const usesGroups = r.method === 'gptq' || r.method === 'awq' || r.method === 'rtn' || (r.method === 'sparsegpt' && r.quantizeAfterPruning);
  if (usesGroups && r.groupSize > 0)
    for (const [what, w] of widths)
      if (w % r.groupSize !== 0) throw new CompressionShapeError(`group size ${r.groupSize}`, `${what} divisible by ${r.groupSize}`, String(w));
  if (r.kvBits !== 16 && r.kvGroupSize > 0 && mc.headDim % r.kvGroupSize !== 0)
    throw new CompressionShapeError(`KV group size ${r.kvGroupSize}`, `head_dim divisible by ${r.kvGroupSize}`, String(mc.headDim));
}
