// RTN: round to nearest with the min-max quantizer, no calibration (quant/rtn.ts).
import { groupedCodeBits, type CompressionMethod } from './method.js';

export const rtn: CompressionMethod = {
  name: 'rtn',
  family: 'quantization',
  groupedWeights: true,
  defaults: { sym: false },
  bitsPerWeight: (r, _rows, cols) => groupedCodeBits(r, cols),
};
