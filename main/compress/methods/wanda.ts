// Wanda: prune by |W|·‖x‖ per output row, input norms from calibration, no weight update (prune/wanda.ts).
import { denseBits, pruningOnly, type CompressionMethod } from './method.js';

export const wanda: CompressionMethod = { name: 'wanda', family: 'pruning', limits: { bits: pruningOnly('wanda') }, defaults: { sparsity: 0.5 }, bitsPerWeight: denseBits };
