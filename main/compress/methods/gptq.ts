// GPTQ: OBS column by column on the Hessian of each linear's inputs, true-sequential by default (quant/gptq.ts).
import { groupedCodeBits, type CompressionMethod } from './method.js';

export const gptq: CompressionMethod = {
  name: 'gptq',
  family: 'quantization',
  groupedWeights: true,
  options: ['actOrder'],
  defaults: { groupSize: 128, trueSequential: true },
  // act-order adds an int32 g_idx per input column
  bitsPerWeight: (r, rows, cols) => groupedCodeBits(r, cols) + (r.actOrder ? 32 / rows : 0),
};
