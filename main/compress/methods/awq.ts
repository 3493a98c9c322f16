// AWQ: activation-aware scales and clipping, then the zero-point group quantizer (quant/awq.ts).
import { groupedCodeBits, type CompressionMethod } from './method.js';

export const awq: CompressionMethod = {
  name: 'awq',
  family: 'quantization',
  groupedWeights: true,
  limits: {
    bits: (bits) => ([2, 3, 4, 8].includes(bits) ? null : '2, 3, 4 or 8 for awq'),
    sym: (sym) => (sym ? 'false for awq (zero-point quantization)' : null),
  },
  defaults: { groupSize: 128, sym: false },
  bitsPerWeight: (r, _rows, cols) => groupedCodeBits(r, cols),
};
