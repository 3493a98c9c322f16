// The registry of compression methods, in the order forms and listings show them.
import type { CompressionMethod as CompressionMethodName } from '../../spec/index.js';
import type { CompressionMethod, MethodOption } from './method.js';
import { none } from './none.js';
import { rtn } from './rtn.js';
import { gptq } from './gptq.js';
import { awq } from './awq.js';
import { smoothquant } from './smoothquant.js';
import { fp8 } from './fp8.js';
import { magnitude } from './magnitude.js';
import { wanda } from './wanda.js';
import { sparsegpt } from './sparsegpt.js';

export { COMMON_DEFAULTS, type CompressionMethod, type MethodDefaults, type MethodOption } from './method.js';

export const COMPRESSION_METHODS: Readonly<Record<CompressionMethodName, CompressionMethod>> = { none, rtn, gptq, awq, smoothquant, fp8, magnitude, wanda, sparsegpt };

export const METHODS = Object.keys(COMPRESSION_METHODS) as readonly CompressionMethodName[];
const where = (keep: (m: CompressionMethod) => boolean): readonly CompressionMethodName[] => METHODS.filter((m) => keep(COMPRESSION_METHODS[m]));
/** Weight quantizers with bits, groups and a symmetric/zero-point choice. */
export const GROUPED_QUANT_METHODS = where((m) => m.groupedWeights === true);
export const PRUNING_METHODS = where((m) => m.family === 'pruning');
export const isPruning = (m: CompressionMethodName): boolean => COMPRESSION_METHODS[m].family === 'pruning';
export const isQuantization = (m: CompressionMethodName): boolean => COMPRESSION_METHODS[m].family === 'quantization';
/** The methods that read an option, for the words of a refusal ("method gptq"). */
export const methodsReading = (option: MethodOption): readonly CompressionMethodName[] => where((m) => m.options?.includes(option) === true);
