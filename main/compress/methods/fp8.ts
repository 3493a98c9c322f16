// FP8 E4M3 weights with one fp32 scale per tensor or per output row (quant/fp8.ts).
import type { CompressionMethod } from './method.js';

export const fp8: CompressionMethod = {
  name: 'fp8',
  family: 'quantization',
  options: ['fp8Granularity'],
  limits: { bits: (bits) => (bits === 8 ? null : '8 for fp8 (E4M3)') },
  defaults: { bits: 8 },
  bitsPerWeight: (r, rows, cols) => 8 + (r.fp8Granularity === 'channel' ? 32 / cols : 32 / (rows * cols)),
};
