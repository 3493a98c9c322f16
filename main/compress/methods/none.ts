// The base model: nothing compressed, every linear kept at its checkpoint precision.
import { denseBits, type CompressionMethod } from './method.js';

export const none: CompressionMethod = { name: 'none', family: 'none', bitsPerWeight: denseBits };
