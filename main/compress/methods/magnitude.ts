// Magnitude pruning: the smallest |W| go, no calibration (prune/magnitude.ts).
import { denseBits, pruningOnly, type CompressionMethod } from './method.js';

export const magnitude: CompressionMethod = { name: 'magnitude', family: 'pruning', limits: { bits: pruningOnly('magnitude') }, defaults: { sparsity: 0.5 }, bitsPerWeight: denseBits };
