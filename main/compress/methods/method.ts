// A compression method as the form, the service and the driver see it: its family, the options it reads, what it refuses
// and in which words, its defaults, and what its weights cost in storage. Pure (no imports but types): the renderer bundles
// the rules through the spec room. What a method does to a layer (its statistics and its step) sits with its algorithm.
import type { CompressionMethod as CompressionMethodName } from '../../spec/index.js';
import type { ResolvedConfig } from '../config.js';
import type { CompressionReport } from '../report.js';

/** Options only some methods read (bits, groupSize, sym, damp and kvBits are read by all; sparsity and pattern by pruners). */
export type MethodOption = 'alpha' | 'actOrder' | 'fp8Granularity';

/** The resolved fields whose default depends on the method, and their values where a method does not say. */
export interface MethodDefaults {
  bits: number;
  groupSize: number;
  sym: boolean;
  /** sparsity when no N:M pattern fixes it */
  sparsity: number;
  trueSequential: boolean;
}
export const COMMON_DEFAULTS: MethodDefaults = { bits: 4, groupSize: -1, sym: true, sparsity: 0, trueSequential: false };

export interface CompressionMethod {
  name: CompressionMethodName;
  family: 'none' | 'quantization' | 'pruning';
  /** b-bit codes in groups along the input, one scale and zero per (row, group): a quantizer the GPTQ/AWQ formats can hold */
  groupedWeights?: boolean;
  /** given bits, a pruner also quantizes the weights it keeps (the min-max quantizer, groups along the input) */
  quantizesKeptWeights?: boolean;
  /** options only this method reads */
  options?: readonly MethodOption[];
  /** the method's own limits on a value every method may set: what it expects instead, or null when the value is fine */
  limits?: { bits?: (bits: number) => string | null; sym?: (sym: boolean) => string | null };
  /** where it differs from COMMON_DEFAULTS */
  defaults?: Partial<MethodDefaults>;
  /** storage bits per weight of one [rows, cols] linear, scales, zeros and g_idx included */
  bitsPerWeight(r: ResolvedConfig, rows: number, cols: number): number;
  /** activations quantized at inference (installed on the model, recorded in the report) */
  activations?: NonNullable<CompressionReport['activations']>;
}

/** b-bit codes plus, per (row, group), an fp16 scale and a b-bit zero. */
export const groupedCodeBits = (r: ResolvedConfig, cols: number): number => r.bits + (16 + r.bits) / (r.groupSize > 0 ? r.groupSize : cols);

/** Unquantized weights (the base, and pruned models stored dense with their zeros) count 16 bits. */
export const denseBits = (): number => 16;

/** A pruner's refusal of bits: only SparseGPT prunes and quantizes. */
export const pruningOnly = (name: CompressionMethodName) => (): string => `no bits for ${name} (pruning only; use sparsegpt to prune and quantize)`;
