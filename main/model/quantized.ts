// Packed GPTQ and AWQ linears, dequantized to float32 when a checkpoint is loaded (spec §9 layouts).
// GPTQ (AutoGPTQ): qweight [in·b/32, out], each output column a little-endian bit stream of its input
//   rows; qzeros [G, out·b/32]; scales fp16 [G, out]; g_idx [in].  W[o, i] = s[g, o]·(q[i, o] − z[g, o]),
//   g = g_idx[i], z = stored + 1 in checkpoint_format "gptq" (v1), z = stored in "gptq_v2".
// AWQ GEMM: qweight [in, out/8], nibbles in the order [0, 2, 4, 6, 1, 3, 5, 7] along outputs; qzeros
//   [in/gs, out/8] the same order; scales fp16 [in/gs, out].  W[o, i] = s[g, o]·(q − z), g = ⌊i/gs⌋.
import { ExpectedFoundError } from '../base/index.js';
import { closeSync, existsSync, openSync, readSync } from 'node:fs';
import { readUserJsonObject, UserFileError } from './files.js';
import { join } from 'node:path';
import { f16ToF32, SafetensorsError, type SafetensorsHeader } from './safetensors.js';

export interface PackedQuantization {
  method: 'gptq' | 'awq';
  bits: number;
  /** input columns per group; the whole row when the checkpoint says −1 */
  groupSize: number;
  /** GPTQ v1 stores zero − 1 */
  zeroMinusOne: boolean;
}

/**
 * The integer form of one quantized matrix [rows = out, cols = in]: Ŵ[r, c] = scales[g·rows + r]·(codes[r·cols + c] − zeros[g·rows + r]),
 * g = gIdx[c]. What packed checkpoints store and what our quantizers record.
 */
export interface QuantCodes {
  bits: number;
  rows: number;
  cols: number;
  groupSize: number;
  codes: Uint8Array;
  scales: Float32Array;
  zeros: Float32Array;
  gIdx: Int32Array;
}

/** Ŵ [rows, cols] float32 of a code record. */
export function dequantizeCodes(q: QuantCodes): Float32Array {
  const w = new Float32Array(q.rows * q.cols);
  for (let r = 0; r < q.rows; r++)
    for (let c = 0; c < q.cols; c++) {
      const i = q.gIdx[c] * q.rows + r;
      w[r * q.cols + c] = Math.fround(q.scales[i] * (q.codes[r * q.cols + c] - q.zeros[i]));
    }
  return w;
}

export class PackedWeightError extends ExpectedFoundError {
  override name = 'PackedWeightError';
}

/** quantization_config of config.json (or AutoGPTQ's quantize_config.json); undefined for a dense checkpoint. */
export function packedQuantizationOf(dir: string): PackedQuantization | undefined {
  const read = (f: string): Record<string, unknown> | undefined => {
    const p = join(dir, f);
    if (!existsSync(p)) return undefined;
    try {
      return readUserJsonObject(p);
    } catch (e) {
      if (e instanceof UserFileError) throw new PackedWeightError(p, e.expected, e.found);
      throw e;
    }
  };
  const declared = read('config.json')?.quantization_config;
  if (declared !== undefined && declared !== null && (typeof declared !== 'object' || Array.isArray(declared)))
    throw new PackedWeightError(`${dir}: config.json`, 'quantization_config to be an object', JSON.stringify(declared).slice(0, 60));
  const fromConfig = (declared ?? undefined) as Record<string, unknown> | undefined;
  const q = fromConfig ?? (existsSync(join(dir, 'quantize_config.json')) ? { quant_method: 'gptq', ...read('quantize_config.json') } : undefined);
  if (!q || (q.quant_method !== 'gptq' && q.quant_method !== 'awq')) return undefined;
  const where = `${dir}: quantization_config`;
  const bits = Number(q.bits ?? q.w_bit ?? 4);
  const gs = Number(q.group_size ?? q.q_group_size ?? 128);
  if (q.quant_method === 'gptq' && ![2, 3, 4, 8].includes(bits)) throw new PackedWeightError(where, 'GPTQ bits 2, 3, 4 or 8', String(q.bits));
  if (q.quant_method === 'awq' && bits !== 4) throw new PackedWeightError(where, 'AWQ bits 4', String(q.bits));
  if (q.quant_method === 'awq' && q.version !== undefined && String(q.version).toLowerCase() !== 'gemm') throw new PackedWeightError(where, 'AWQ version "gemm"', JSON.stringify(q.version));
  if (!Number.isInteger(gs) || (gs < 1 && gs !== -1)) throw new PackedWeightError(where, 'group_size a positive integer or −1', JSON.stringify(q.group_size));
  return { method: q.quant_method, bits, groupSize: gs, zeroMinusOne: q.quant_method === 'gptq' && q.checkpoint_format !== 'gptq_v2' };
}

/** A stream of b-bit values packed into 32-bit words, little-endian bit order (3-bit codes straddle words). */
export function unpackBitStream(words: Int32Array, bits: number, count: number): Uint8Array {
  const out = new Uint8Array(count);
  const mask = (1 << bits) - 1;
  for (let i = 0; i < count; i++) {
    const bit = i * bits;
    const w = bit >>> 5;
    const off = bit & 31;
    let v = (words[w] >>> off) & mask;
    if (off + bits > 32) v |= (words[w + 1] << (32 - off)) & mask;
    out[i] = v;
  }
  return out;
}

export interface GptqTensors {
  qweight: Int32Array;
  qzeros: Int32Array;
  scales: Uint16Array;
  gIdx: Int32Array;
}

/** Codes of GPTQ tensors (scales widened from fp16, zeros with v1's +1 applied). */
export function gptqCodes(t: GptqTensors, bits: number, out: number, inF: number, zeroMinusOne = true, groupSize = inF): QuantCodes {
  const rowsPacked = (inF * bits) / 32;
  const groups = t.scales.length / out;
  const zcols = (out * bits) / 32;
  const codes = new Uint8Array(out * inF);
  const zeros = new Float32Array(groups * out);
  const z1 = zeroMinusOne ? 1 : 0;
  for (let g = 0; g < groups; g++) {
    const z = unpackBitStream(t.qzeros.subarray(g * zcols, (g + 1) * zcols), bits, out);
    for (let o = 0; o < out; o++) zeros[g * out + o] = z[o] + z1;
  }
  const col = new Int32Array(rowsPacked);
  for (let o = 0; o < out; o++) {
    for (let r = 0; r < rowsPacked; r++) col[r] = t.qweight[r * out + o];
    codes.set(unpackBitStream(col, bits, inF), o * inF);
  }
  return { bits, rows: out, cols: inF, groupSize, codes, scales: Float32Array.from(t.scales, f16ToF32), zeros, gIdx: t.gIdx };
}

/** W [out, in] float32 from GPTQ tensors. */
export function unpackGptq(t: GptqTensors, bits: number, out: number, inF: number, zeroMinusOne = true): Float32Array {
  return dequantizeCodes(gptqCodes(t, bits, out, inF, zeroMinusOne));
}

export const AWQ_ORDER = [0, 2, 4, 6, 1, 3, 5, 7] as const;

export interface AwqTensors {
  qweight: Int32Array;
  qzeros: Int32Array;
  scales: Uint16Array;
}

function unpackAwqRow(src: Int32Array, offset: number, out: number): Uint8Array {
  const v = new Uint8Array(out);
  for (let c = 0; c < out / 8; c++) {
    const word = src[offset + c];
    for (let k = 0; k < 8; k++) v[c * 8 + AWQ_ORDER[k]] = (word >>> (4 * k)) & 0xf;
  }
  return v;
}

/** Codes of AWQ GEMM tensors. */
export function awqCodes(t: AwqTensors, out: number, inF: number, groupSize: number): QuantCodes {
  const gs = groupSize > 0 ? groupSize : inF;
  const groups = t.scales.length / out;
  const zeros = new Float32Array(groups * out);
  for (let g = 0; g < groups; g++) zeros.set(unpackAwqRow(t.qzeros, g * (out / 8), out), g * out);
  const codes = new Uint8Array(out * inF);
  for (let i = 0; i < inF; i++) {
    const q = unpackAwqRow(t.qweight, i * (out / 8), out);
    for (let o = 0; o < out; o++) codes[o * inF + i] = q[o];
  }
  return { bits: 4, rows: out, cols: inF, groupSize: gs, codes, scales: Float32Array.from(t.scales, f16ToF32), zeros, gIdx: Int32Array.from({ length: inF }, (_, i) => Math.floor(i / gs)) };
}

/** W [out, in] float32 from AWQ GEMM tensors. */
export function unpackAwq(t: AwqTensors, out: number, inF: number, groupSize: number): Float32Array {
  return dequantizeCodes(awqCodes(t, out, inF, groupSize));
}

/** Bytes of one tensor, checked against the dtype and shape the format prescribes. */
function readTyped(header: SafetensorsHeader, name: string, dtype: 'I32' | 'F16', shape: number[]): Int32Array | Uint16Array {
  const info = header.tensors.get(name);
  if (!info) throw new SafetensorsError(header.file, name, 'expected this tensor in the file, found none');
  if (info.dtype !== dtype) throw new SafetensorsError(header.file, name, `expected dtype ${dtype}, found ${info.dtype}`);
  if (info.shape.join(',') !== shape.join(',')) throw new SafetensorsError(header.file, name, `expected shape ${JSON.stringify(shape)}, found ${JSON.stringify(info.shape)}`);
  const bytes = new Uint8Array(info.end - info.begin);
  const fd = openSync(header.file, 'r');
  try {
    let done = 0;
    while (done < bytes.length) {
      const got = readSync(fd, bytes, done, bytes.length - done, info.begin + done);
      if (got <= 0) throw new SafetensorsError(header.file, name, `expected ${bytes.length} bytes of data, the file ended after ${done}`);
      done += got;
    }
  } finally {
    closeSync(fd);
  }
  const le = new DataView(bytes.buffer);
  if (dtype === 'I32') return Int32Array.from({ length: bytes.length / 4 }, (_, i) => le.getInt32(i * 4, true));
  return Uint16Array.from({ length: bytes.length / 2 }, (_, i) => le.getUint16(i * 2, true));
}

/** The codes of one packed linear (prefix like model.layers.0.self_attn.q_proj), shapes checked. */
export function packedLinearCodes(q: PackedQuantization, headerOf: (name: string) => SafetensorsHeader | undefined, prefix: string, rows: number, cols: number): QuantCodes {
  const h = headerOf(`${prefix}.qweight`);
  if (!h) throw new PackedWeightError(prefix, 'a .weight or a packed .qweight tensor', 'neither');
  const gs = q.groupSize > 0 ? q.groupSize : cols;
  const groups = Math.ceil(cols / gs);
  const from = (suffix: string) => headerOf(`${prefix}.${suffix}`) ?? h;
  if (q.method === 'gptq') {
    if ((cols * q.bits) % 32 || (rows * q.bits) % 32) throw new PackedWeightError(prefix, `widths whose ${q.bits}-bit codes fill whole int32 words`, `[${rows}, ${cols}]`);
    const qweight = readTyped(h, `${prefix}.qweight`, 'I32', [(cols * q.bits) / 32, rows]) as Int32Array;
    const qzeros = readTyped(from('qzeros'), `${prefix}.qzeros`, 'I32', [groups, (rows * q.bits) / 32]) as Int32Array;
    const scales = readTyped(from('scales'), `${prefix}.scales`, 'F16', [groups, rows]) as Uint16Array;
    const gh = headerOf(`${prefix}.g_idx`);
    const gIdx = gh ? (readTyped(gh, `${prefix}.g_idx`, 'I32', [cols]) as Int32Array) : Int32Array.from({ length: cols }, (_, i) => Math.floor(i / gs));
    for (const g of gIdx) if (g < 0 || g >= groups) throw new PackedWeightError(`${prefix}.g_idx`, `groups in [0, ${groups})`, String(g));
    return gptqCodes({ qweight, qzeros, scales, gIdx }, q.bits, rows, cols, q.zeroMinusOne, gs);
  }
  if (rows % 8) throw new PackedWeightError(prefix, 'AWQ out_features a multiple of 8', String(rows));
  const qweight = readTyped(h, `${prefix}.qweight`, 'I32', [cols, rows / 8]) as Int32Array;
  const qzeros = readTyped(from('qzeros'), `${prefix}.qzeros`, 'I32', [groups, rows / 8]) as Int32Array;
  const scales = readTyped(from('scales'), `${prefix}.scales`, 'F16', [groups, rows]) as Uint16Array;
  return awqCodes({ qweight, qzeros, scales }, rows, cols, gs);
}

/** W [rows = out, cols = in] of one packed linear (prefix like model.layers.0.self_attn.q_proj). */
export function dequantizeLinear(q: PackedQuantization, headerOf: (name: string) => SafetensorsHeader | undefined, prefix: string, rows: number, cols: number): Float32Array {
  return dequantizeCodes(packedLinearCodes(q, headerOf, prefix, rows, cols));
}
