// Which compression configurations can work, as pure functions with no runtime imports: the spec's schema (and so the
// New-experiment form), the service and the compress stage refuse the same configurations with the same words. The
// rules every method shares are here; each method's own (its options, its limits on bits and sym) are in its module,
// and this file asks the registry.
import type { CompressionConfig, SparsityPattern } from '../../spec/index.js';
import type { ResolvedConfig } from '../config.js';
import { COMPRESSION_METHODS, METHODS, PRUNING_METHODS, isPruning, methodsReading, type MethodOption } from './registry.js';

/** One reason a configuration cannot run: the field at fault, what it should be, what it is. */
export interface ConfigProblem {
  field: keyof CompressionConfig;
  expected: string;
  found: string;
}

/** N:M pattern → (n zeros, m group) or null for unstructured. */
export function patternNM(p: SparsityPattern): { n: number; m: number } | null {
  if (p === 'unstructured') return null;
  const [n, m] = p.split(':').map(Number);
  return { n, m };
}

/** Every rule a configuration breaks on its own (no model needed), in the order resolveConfig reports them. */
export function compressionConfigProblems(c: CompressionConfig): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  const refuse = (field: keyof CompressionConfig, expected: string, found: string) => out.push({ field, expected, found });
  const m = c.method;
  if (!Object.hasOwn(COMPRESSION_METHODS, m)) return [{ field: 'method', expected: METHODS.join('|'), found: JSON.stringify(m) }];
  const method = COMPRESSION_METHODS[m];
  const prune = method.family === 'pruning';
  const pruners = `a pruning method (${PRUNING_METHODS.join('|')})`;
  /** Refuses an option the method does not read, naming the methods that do ("method gptq"); true when it refused. */
  const refuseUnread = (option: MethodOption): boolean => {
    if (method.options?.includes(option)) return false;
    refuse(option, `method ${methodsReading(option).join('|')}`, `method ${m}`);
    return true;
  };
  if (c.bits !== undefined) {
    const limit = Number.isInteger(c.bits) && c.bits >= 2 && c.bits <= 8 ? method.limits?.bits?.(c.bits) : 'an integer 2–8';
    if (limit) refuse('bits', limit, String(c.bits));
  }
  if (c.groupSize !== undefined && !(c.groupSize === -1 || c.groupSize === 0 || (Number.isInteger(c.groupSize) && c.groupSize >= 8)))
    refuse('groupSize', '−1 (per channel) or an integer ≥ 8', String(c.groupSize));
  if (c.pattern !== undefined && !['unstructured', '2:4', '4:8'].includes(c.pattern)) refuse('pattern', 'unstructured|2:4|4:8', String(c.pattern));
  else if (c.pattern !== undefined && c.pattern !== 'unstructured' && !prune) refuse('pattern', `${pruners} for pattern ${c.pattern}`, `method ${m}`);
  if (c.sparsity !== undefined && !prune) refuse('sparsity', pruners, `method ${m}`);
  else if (c.sparsity !== undefined && !(c.sparsity >= 0 && c.sparsity < 1)) refuse('sparsity', 'a fraction in [0, 1)', String(c.sparsity));
  else if (c.sparsity !== undefined && c.pattern !== undefined && ['2:4', '4:8'].includes(c.pattern)) {
    const nm = patternNM(c.pattern)!;
    // N:M keeps m − n of every m weights: its sparsity is n/m, nothing else
    if (Math.abs(c.sparsity - nm.n / nm.m) > 1e-9) refuse('sparsity', `${nm.n / nm.m} for pattern ${c.pattern} (or leave it out)`, String(c.sparsity));
  }
  if (c.alpha !== undefined && !refuseUnread('alpha') && !(c.alpha >= 0 && c.alpha <= 1)) refuse('alpha', 'a value in [0, 1]', String(c.alpha));
  if (c.actOrder) refuseUnread('actOrder');
  if (c.fp8Granularity !== undefined) refuseUnread('fp8Granularity');
  if (c.damp !== undefined && !(c.damp > 0 && c.damp <= 1)) refuse('damp', 'a value in (0, 1]', String(c.damp));
  if (c.kvBits !== undefined && ![4, 8, 16].includes(c.kvBits)) refuse('kvBits', '4, 8 or 16', String(c.kvBits));
  const symLimit = c.sym !== undefined ? method.limits?.sym?.(c.sym) : null;
  if (symLimit) refuse('sym', symLimit, String(c.sym));
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
  const usesGroups = COMPRESSION_METHODS[r.method].groupedWeights === true || r.quantizeAfterPruning;
  if (usesGroups && r.groupSize > 0)
    for (const [what, w] of widths) if (w % r.groupSize !== 0) out.push({ field: 'groupSize', where: `group size ${r.groupSize}`, expected: `${what} divisible by ${r.groupSize}`, found: String(w) });
  if (r.kvBits !== 16 && r.kvGroupSize > 0 && mc.headDim % r.kvGroupSize !== 0)
    out.push({ field: 'kvBits', where: `KV group size ${r.kvGroupSize}`, expected: `head_dim divisible by ${r.kvGroupSize}`, found: String(mc.headDim) });
  return out;
}

/** Group sizes (of the common ones) that divide every width, for a hint next to a refused group size. */
export const dividingGroupSizes = (mc: ModelWidths): number[] => [32, 64, 128].filter((g) => mc.hiddenSize % g === 0 && (mc.numHeads * mc.headDim) % g === 0 && mc.intermediateSize % g === 0);
