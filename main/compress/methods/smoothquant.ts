// SmoothQuant W8A8: smoothing scales folded into the norms, int8 weights per row, activations and attention's BMM
// inputs quantized per token at inference (quant/smoothquant.ts).
import type { CompressionMethod } from './method.js';

export const smoothquant: CompressionMethod = {
  name: 'smoothquant',
  family: 'quantization',
  options: ['alpha'],
  limits: { bits: (bits) => (bits === 8 ? null : '8 for smoothquant (W8A8)') },
  defaults: { bits: 8 },
  // int8 weights and one fp16 scale per output row
  bitsPerWeight: (_r, _rows, cols) => 8 + 16 / cols,
  activations: { bits: 8, granularity: 'per-token', bmmInputs: true },
};
