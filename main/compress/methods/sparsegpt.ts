// SparseGPT: OBS pruning on the Hessian of each linear's inputs; with bits, the kept weights are quantized too
// (prune/sparsegpt.ts).
import { denseBits, groupedCodeBits, type CompressionMethod } from './method.js';

export const sparsegpt: CompressionMethod = {
  name: 'sparsegpt',
  family: 'pruning',
  quantizesKeptWeights: true,
  defaults: { sparsity: 0.5 },
  bitsPerWeight: (r, rows, cols) => (r.quantizeAfterPruning ? groupedCodeBits(r, cols) : denseBits()),
};
