// Packing integer codes into the int32 layouts other runtimes load (spec §9), and unpacking them back.
// GPTQ (AutoGPTQ v1): qweight [in·b/32, out], consecutive input rows as a little-endian bit stream per output
//   column (k = 0 in the lowest bits; 3-bit codes straddle words exactly as AutoGPTQ packs them);
//   qzeros [G, out·b/32] storing (zero − 1) along outputs; scales fp16 [G, out]; g_idx [in].
//   W[o, i] = scales[g, o]·(q[i, o] − (zq[g, o] + 1)), g = g_idx[i].
// AWQ GEMM: qweight [in, out/8] with nibble order [0, 2, 4, 6, 1, 3, 5, 7] along outputs; qzeros [in/gs, out/8]
//   same order, no minus one; scales fp16 [in/gs, out].  W[o, i] = scales[g, o]·(q − z), g = ⌊i/gs⌋.
// Scales: the quantizers keep float32 scales (as the references' fake quantization does); the formats store fp16, so the
// scales are rounded here, once, and the integer codes are kept — as AutoGPTQ's pack does (`scales.clone().half()`, codes
// round((Ŵ + z·s)/fp16(s)) = q since |q − z|·2⁻¹¹ < ½). A packed GPTQ checkpoint therefore unpacks to fp16(s)·(q − z), within
// |q − z|·|s − fp16(s)| ≤ 2⁻¹¹·|ŵ| of the fake-quant weights. AWQ's scales are fp16 already (awqQuantize), so they pass unchanged.
import type { QuantRecord } from '../quant/minmax.js';
import { ExportFormatError } from '../errors.js';
import { toFp16Bits, toFp16Scale } from './fp16.js';
import { AWQ_ORDER, unpackAwq, unpackBitStream, unpackGptq } from '../../model/index.js';

export { AWQ_ORDER, unpackAwq, unpackBitStream, unpackGptq };

/** Pack a stream of b-bit values (each < 2^b) into 32-bit words, little-endian bit order. */
export function packBitStream(values: ArrayLike<number>, bits: number): Int32Array {
  const words = new Int32Array(Math.ceil((values.length * bits) / 32));
  for (let i = 0; i < values.length; i++) {
    const bit = i * bits;
    const w = bit >>> 5;
    const off = bit & 31;
    const v = values[i] >>> 0;
    words[w] |= v << off;
    if (off + bits > 32) words[w + 1] |= v >>> (32 - off);
  }
  return words;
}

export interface GptqTensors {
  qweight: Int32Array; // [in·b/32, out]
  qzeros: Int32Array; // [G, out·b/32]
  scales: Uint16Array; // fp16 bits [G, out]
  gIdx: Int32Array; // [in]
  shapes: { qweight: [number, number]; qzeros: [number, number]; scales: [number, number]; gIdx: [number] };
}

function checkPackable(what: string, n: number, bits: number): void {
  if ((n * bits) % 32 !== 0) throw new ExportFormatError(what, `a width whose ${bits}-bit codes fill whole int32 words (multiple of ${32 / gcd(32, bits)})`, String(n));
}
const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

export function packGptq(rec: QuantRecord): GptqTensors {
  const { rows: out, cols: inF, bits } = rec;
  if (![2, 3, 4, 8].includes(bits)) throw new ExportFormatError('GPTQ export bits', '2, 3, 4 or 8', String(bits));
  checkPackable('GPTQ export in_features', inF, bits);
  checkPackable('GPTQ export out_features', out, bits);
  const groups = rec.scales.length / out;
  const rowsPacked = (inF * bits) / 32;
  const qweight = new Int32Array(rowsPacked * out);
  const column = new Uint8Array(inF);
  for (let o = 0; o < out; o++) {
    for (let i = 0; i < inF; i++) column[i] = rec.codes[o * inF + i];
    const packed = packBitStream(column, bits);
    for (let r = 0; r < rowsPacked; r++) qweight[r * out + o] = packed[r];
  }
  const zcols = (out * bits) / 32;
  const qzeros = new Int32Array(groups * zcols);
  const scales = new Uint16Array(groups * out);
  const zrow = new Uint8Array(out);
  for (let g = 0; g < groups; g++) {
    for (let o = 0; o < out; o++) {
      const z = rec.zeros[g * out + o];
      if (z < 1) throw new ExportFormatError(`GPTQ export zero point (group ${g}, row ${o})`, 'a zero ≥ 1 (the v1 format stores zero − 1; use sym)', String(z));
      zrow[o] = z - 1;
      scales[g * out + o] = toFp16Bits(toFp16Scale(rec.scales[g * out + o]));
    }
    qzeros.set(packBitStream(zrow, bits), g * zcols);
  }
  return { qweight, qzeros, scales, gIdx: Int32Array.from(rec.gIdx), shapes: { qweight: [rowsPacked, out], qzeros: [groups, zcols], scales: [groups, out], gIdx: [inF] } };
}

export interface AwqTensors {
  qweight: Int32Array; // [in, out/8]
  qzeros: Int32Array; // [G, out/8]
  scales: Uint16Array; // [G, out]
  shapes: { qweight: [number, number]; qzeros: [number, number]; scales: [number, number] };
}

function packAwqRow(values: (o: number) => number, out: number, dst: Int32Array, offset: number): void {
  for (let c = 0; c < out / 8; c++) {
    let word = 0;
    for (let k = 0; k < 8; k++) word |= (values(c * 8 + AWQ_ORDER[k]) & 0xf) << (4 * k);
    dst[offset + c] = word;
  }
}

export function packAwq(rec: QuantRecord): AwqTensors {
  const { rows: out, cols: inF, bits, groupSize } = rec;
  if (bits !== 4) throw new ExportFormatError('AWQ GEMM export bits', '4', String(bits));
  if (out % 8 !== 0) throw new ExportFormatError('AWQ GEMM export out_features', 'a multiple of 8', String(out));
  const gs = groupSize > 0 ? groupSize : inF;
  for (let i = 0; i < inF; i++)
    if (rec.gIdx[i] !== Math.floor(i / gs)) throw new ExportFormatError('AWQ GEMM export groups', 'contiguous groups (no act-order)', `column ${i} in group ${rec.gIdx[i]}`);
  const groups = Math.ceil(inF / gs);
  const qweight = new Int32Array(inF * (out / 8));
  for (let i = 0; i < inF; i++) packAwqRow((o) => rec.codes[o * inF + i], out, qweight, i * (out / 8));
  const qzeros = new Int32Array(groups * (out / 8));
  const scales = new Uint16Array(groups * out);
  for (let g = 0; g < groups; g++) {
    packAwqRow((o) => rec.zeros[g * out + o], out, qzeros, g * (out / 8));
    for (let o = 0; o < out; o++) scales[g * out + o] = toFp16Bits(toFp16Scale(rec.scales[g * out + o]));
  }
  return { qweight, qzeros, scales, shapes: { qweight: [inF, out / 8], qzeros: [groups, out / 8], scales: [groups, out] } };
}
