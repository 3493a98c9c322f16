// Which compression configurations can work, as pure functions with no imports: the contract's schema (and so the
// New-experiment form), the service and the compress stage refuse the same configurations with the same words.
import type { CompressionConfig, CompressionMethodName, ResolvedConfig, SparsityPatternName } from './config.js';

export const METHODS: readonly CompressionMethodName[] = ['none', 'rtn', 'gptq', 'awq', 'smoothquant', 'fp8', 'magnitude', 'wanda', 'sparsegpt'];
/** Weight quantizers with bits, groups and a symmetric/zero-point choice. */
export const GROUPED_QUANT_METHODS: readonly CompressionMethodName[] = ['rtn', 'gptq', 'awq'];
export const PRUNING_METHODS: readonly CompressionMethodName[] = ['magnitude', 'wanda', 'sparsegpt'];
export const isPruning = (m: CompressionMethodName): boolean => PRUNING_METHODS.includes(m);

/** One reason a configuration cannot run: the field at fault, what it should be, what it is. */
export interface ConfigProblem {
  field: keyof CompressionConfig;
  expected: string;
  found: string;
}

/** N:M pattern → (n zeros, m group) or null for unstructured. */
export function patternNM(p: SparsityPatternName): { n: number; m: number } | null {
  if (p === 'unstructured') return null;
  const [n, m] = p.split(':').map(Number);
  return { n, m };
}

/** Every rule a configuration breaks on its own (no model needed), in the order resolveConfig reports them. */
export function compressionConfigProblems(c: CompressionConfig): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  const refuse = (field: keyof CompressionConfig, expected: string, found: string) => out.push({ field, expected, found });
  const m = c.method;
  if (!METHODS.includes(m)) return [{ field: 'method', expected: METHODS.join('|'), found: JSON.stringify(m) }];
  const prune = isPruning(m);
  if (c.bits !== undefined) {
    if (!Number.isInteger(c.bits) || c.bits < 2 || c.bits > 8) refuse('bits', 'an integer 2–8', String(c.bits));
    else if (m === 'smoothquant' && c.bits !== 8) refuse('bits', '8 for smoothquant (W8A8)', String(c.bits));
    else if (m === 'fp8' && c.bits !== 8) refuse('bits', '8 for fp8 (E4M3)', String(c.bits));
    else if (m === 'awq' && ![2, 3, 4, 8].includes(c.bits)) refuse('bits', '2, 3, 4 or 8 for awq', String(c.bits));
    else if (m === 'magnitude' || m === 'wanda') refuse('bits', `no bits for ${m} (pruning only; use sparsegpt to prune and quantize)`, String(c.bits));
  }
  if (c.groupSize !== undefined && !(c.groupSize === -1 || c.groupSize === 0 || (Number.isInteger(c.groupSize) && c.groupSize >= 8)))
    refuse('groupSize', '−1 (per channel) or an integer ≥ 8', String(c.groupSize));
  if (c.pattern !== undefined && !['unstructured', '2:4', '4:8'].includes(c.pattern)) refuse('pattern', 'unstructured|2:4|4:8', String(c.pattern));
  else if (c.pattern !== undefined && c.pattern !== 'unstructured' && !prune) refuse('pattern', `a pruning method (magnitude|wanda|sparsegpt) for pattern ${c.pattern}`, `method ${m}`);
  if (c.sparsity !== undefined && !prune) refuse('sparsity', 'a pruning method (magnitude|wanda|sparsegpt)', `method ${m}`);
  else if (c.sparsity !== undefined && !(c.sparsity >= 0 && c.sparsity < 1)) refuse('sparsity', 'a fraction in [0, 1)', String(c.sparsity));
  else if (c.sparsity !== undefined && c.pattern !== undefined && ['2:4', '4:8'].includes(c.pattern)) {
    const nm = patternNM(c.pattern)!;
    // N:M keeps m − n of every m weights: its sparsity is n/m, nothing else
    if (Math.abs(c.sparsity - nm.n / nm.m) > 1e-9) refuse('sparsity', `${nm.n / nm.m} for pattern ${c.pattern} (or leave it out)`, String(c.sparsity));
  }
  if (c.alpha !== undefined && m !== 'smoothquant') refuse('alpha', 'method smoothquant', `method ${m}`);
  else if (c.alpha !== undefined && !(c.alpha >= 0 && c.alpha <= 1)) refuse('alpha', 'a value in [0, 1]', String(c.alpha));
  if (c.actOrder && m !== 'gptq') refuse('actOrder', 'method gptq', `method ${m}`);
  if (c.fp8Granularity !== undefined && m !== 'fp8') refuse('fp8Granularity', 'method fp8', `method ${m}`);
  if (c.damp !== undefined && !(c.damp > 0 && c.damp <= 1)) refuse('damp', 'a value in (0, 1]', String(c.damp));
  if (c.kvBits !== undefined && ![4, 8, 16].includes(c.kvBits)) refuse('kvBits', '4, 8 or 16', String(c.kvBits));
  if (m === 'awq' && c.sym) refuse('sym', 'false for awq (zero-point quantization)', 'true');
  return out;
}

/** The widths a configuration cuts: the inputs of q/k/v/gate/up (hidden), o_proj (heads × head_dim) and down_proj (MLP). */
export interface ModelWidths {
  hiddenSize: number;
  numHeads: number;
  headDim: number;
  intermediateSize: number;
}

export interface ShapeProblem {
  field: 'pattern' | 'groupSize' | 'kvBits';
  where: string;
  expected: string;
  found: string;
}

/** Every width of the model a resolved configuration cannot cut: N:M groups and quantization groups must divide it. */
export function modelShapeProblems(r: ResolvedConfig, mc: ModelWidths): ShapeProblem[] {
  const out: ShapeProblem[] = [];
  const widths: [string, number][] = [
    ['hidden_size (input of q/k/v/gate/up)', mc.hiddenSize],
    ['num_heads·head_dim (input of o_proj)', mc.numHeads * mc.headDim],
    ['intermediate_size (input of down_proj)', mc.intermediateSize],
  ];
  const nm = patternNM(r.pattern);
  if (nm && isPruning(r.method))
    for (const [what, w] of widths) if (w % nm.m !== 0) out.push({ field: 'pattern', where: `pattern ${r.pattern}`, expected: `${what} divisible by ${nm.m}`, found: String(w) });
  const usesGroups = GROUPED_QUANT_METHODS.includes(r.method) || (r.method === 'sparsegpt' && r.quantizeAfterPruning);
  if (usesGroups && r.groupSize > 0)
    for (const [what, w] of widths) if (w % r.groupSize !== 0) out.push({ field: 'groupSize', where: `group size ${r.groupSize}`, expected: `${what} divisible by ${r.groupSize}`, found: String(w) });
  if (r.kvBits !== 16 && r.kvGroupSize > 0 && mc.headDim % r.kvGroupSize !== 0)
    out.push({ field: 'kvBits', where: `KV group size ${r.kvGroupSize}`, expected: `head_dim divisible by ${r.kvGroupSize}`, found: String(mc.headDim) });
  return out;
}

/** Group sizes (of the common ones) that divide every width, for a hint next to a refused group size. */
export const dividingGroupSizes = (mc: ModelWidths): number[] => [32, 64, 128].filter((g) => mc.hiddenSize % g === 0 && (mc.numHeads * mc.headDim) % g === 0 && mc.intermediateSize % g === 0);
