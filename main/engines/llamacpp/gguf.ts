// GGUF v3, the file format llama.cpp loads: "GGUF", version, tensor count, metadata key/values, tensor infos
// (name, dims with ne[0] the innermost, ggml type, offset), then the aligned tensor data. Written streamed, one
// tensor at a time, so a converter never holds more than one tensor. The ggml block layouts below follow ggml's
// block_q8_0 / block_q4_0 / block_q4_1 (32 weights a block, fp16 scale first).
import { closeSync, openSync, writeSync } from 'node:fs';
import { toBf16Bits, toFp16Bits } from '../../model/index.js';

export const GGUF_MAGIC = 0x46554747; // "GGUF" little-endian
export const GGUF_VERSION = 3;
export const GGUF_ALIGNMENT = 32;

/** ggml tensor types we write (ggml.h numbering). */
export const GGML_TYPE = { F32: 0, F16: 1, Q4_0: 2, Q4_1: 3, Q8_0: 8, BF16: 30 } as const;
export type GgmlType = keyof typeof GGML_TYPE;

/** [weights per block, bytes per block] */
export const GGML_BLOCK: Record<GgmlType, readonly [number, number]> = { F32: [1, 4], F16: [1, 2], BF16: [1, 2], Q4_0: [32, 18], Q4_1: [32, 20], Q8_0: [32, 34] };

/** general.file_type (llama_ftype): what most of the tensors are. */
export const LLAMA_FTYPE: Record<GgmlType, number> = { F32: 0, F16: 1, Q4_0: 2, Q4_1: 3, Q8_0: 7, BF16: 32 };

export function ggmlBytes(type: GgmlType, elements: number): number {
  const [per, bytes] = GGML_BLOCK[type];
  if (elements % per) throw new RangeError(`${type}: expected a multiple of ${per} elements, found ${elements}`);
  return (elements / per) * bytes;
}

/** A metadata value with its GGUF type. */
export type GgufValue =
  | { type: 'u32' | 'i32' | 'f32' | 'u64'; value: number }
  | { type: 'bool'; value: boolean }
  | { type: 'string'; value: string }
  | { type: 'array'; of: 'string'; value: readonly string[] }
  | { type: 'array'; of: 'i32' | 'f32'; value: ArrayLike<number> };

export const u32 = (value: number): GgufValue => ({ type: 'u32', value });
export const f32 = (value: number): GgufValue => ({ type: 'f32', value });
export const bool = (value: boolean): GgufValue => ({ type: 'bool', value });
export const str = (value: string): GgufValue => ({ type: 'string', value });
export const strings = (value: readonly string[]): GgufValue => ({ type: 'array', of: 'string', value });
export const i32s = (value: ArrayLike<number>): GgufValue => ({ type: 'array', of: 'i32', value });
export const f32s = (value: ArrayLike<number>): GgufValue => ({ type: 'array', of: 'f32', value });

// gguf_type numbering
const VT = { u32: 4, i32: 5, f32: 6, bool: 7, string: 8, array: 9, u64: 10 } as const;

export interface GgufTensor {
  name: string;
  /** ggml order: dims[0] is the innermost (a [rows, cols] matrix is [cols, rows]) */
  dims: number[];
  type: GgmlType;
  /** writes exactly ggmlBytes(type, ∏dims) bytes through `put`, in pieces of any size */
  write(put: (bytes: Uint8Array) => void): void;
}

/** Growable little-endian byte buffer for the header. */
class HeaderBytes {
  private buf = Buffer.alloc(1 << 16);
  length = 0;
  private room(n: number): void {
    if (this.length + n <= this.buf.length) return;
    const next = Buffer.alloc(Math.max(this.buf.length * 2, this.length + n));
    this.buf.copy(next, 0, 0, this.length);
    this.buf = next;
  }
  u32(v: number): void {
    this.room(4);
    this.buf.writeUInt32LE(v >>> 0, this.length);
    this.length += 4;
  }
  i32(v: number): void {
    this.room(4);
    this.buf.writeInt32LE(v, this.length);
    this.length += 4;
  }
  u64(v: number): void {
    this.room(8);
    this.buf.writeBigUInt64LE(BigInt(v), this.length);
    this.length += 8;
  }
  f32(v: number): void {
    this.room(4);
    this.buf.writeFloatLE(v, this.length);
    this.length += 4;
  }
  u8(v: number): void {
    this.room(1);
    this.buf[this.length++] = v;
  }
  string(s: string): void {
    const b = Buffer.from(s, 'utf8');
    this.u64(b.length);
    this.room(b.length);
    b.copy(this.buf, this.length);
    this.length += b.length;
  }
  bytes(): Buffer {
    return this.buf.subarray(0, this.length);
  }
}

function writeValue(h: HeaderBytes, v: GgufValue): void {
  switch (v.type) {
    case 'u32':
      return h.u32(v.value);
    case 'i32':
      return h.i32(v.value);
    case 'u64':
      return h.u64(v.value);
    case 'f32':
      return h.f32(v.value);
    case 'bool':
      return h.u8(v.value ? 1 : 0);
    case 'string':
      return h.string(v.value);
    case 'array': {
      h.u32(VT[v.of]);
      h.u64(v.value.length);
      if (v.of === 'string') for (const s of v.value as readonly string[]) h.string(s);
      else
        for (let i = 0; i < v.value.length; i++) {
          if (v.of === 'i32') h.i32(v.value[i] as number);
          else h.f32(v.value[i] as number);
        }
    }
  }
}

const padTo = (n: number, a: number) => (a - (n % a)) % a;

/** Write a GGUF file: metadata, tensor infos, then each tensor's data produced in turn. Returns the file size. */
export function writeGguf(file: string, metadata: readonly [string, GgufValue][], tensors: readonly GgufTensor[], alignment = GGUF_ALIGNMENT): number {
  const names = new Set<string>();
  for (const t of tensors) {
    if (names.has(t.name)) throw new RangeError(`GGUF: tensor ${t.name} written twice`);
    names.add(t.name);
  }
  const h = new HeaderBytes();
  h.u32(GGUF_MAGIC);
  h.u32(GGUF_VERSION);
  h.u64(tensors.length);
  const meta = metadata.some(([k]) => k === 'general.alignment') ? metadata : [...metadata, ['general.alignment', u32(alignment)] as [string, GgufValue]];
  h.u64(meta.length);
  for (const [key, value] of meta) {
    h.string(key);
    h.u32(VT[value.type]);
    writeValue(h, value);
  }
  let offset = 0;
  const sizes = tensors.map((t) =>
    ggmlBytes(
      t.type,
      t.dims.reduce((a, b) => a * b, 1),
    ),
  );
  tensors.forEach((t, i) => {
    h.string(t.name);
    h.u32(t.dims.length);
    for (const d of t.dims) h.u64(d);
    h.u32(GGML_TYPE[t.type]);
    h.u64(offset);
    offset += sizes[i] + padTo(sizes[i], alignment);
  });
  const fd = openSync(file, 'w');
  let written = 0;
  const put = (bytes: Uint8Array) => {
    for (let done = 0; done < bytes.length;) done += writeSync(fd, bytes, done, Math.min(bytes.length - done, 1 << 30));
    written += bytes.length;
  };
  try {
    put(h.bytes());
    put(new Uint8Array(padTo(written, alignment)));
    tensors.forEach((t, i) => {
      const start = written;
      t.write(put);
      if (written - start !== sizes[i]) throw new RangeError(`GGUF: tensor ${t.name} (${t.type} ${t.dims.join('×')}) expected ${sizes[i]} bytes, its writer gave ${written - start}`);
      put(new Uint8Array(padTo(sizes[i], alignment)));
    });
  } finally {
    closeSync(fd);
  }
  return written;
}

// --- element encoders ------------------------------------------------------------------------------

/** float32 values → F32 / F16 / BF16 bytes. */
export function encodeFloat(values: Float32Array, type: 'F32' | 'F16' | 'BF16'): Uint8Array {
  if (type === 'F32') return new Uint8Array(values.buffer, values.byteOffset, values.byteLength).slice();
  const out = new Uint16Array(values.length);
  const to = type === 'F16' ? toFp16Bits : toBf16Bits;
  for (let i = 0; i < values.length; i++) out[i] = to(values[i]);
  return new Uint8Array(out.buffer);
}

/**
 * Integer codes of a matrix in GGUF block form: `code(r, c)` is the unsigned code, `scale(r, b)` the scale of
 * block b (32 columns) of row r and, for Q4_1, `offset(r, b)` its additive term, so that
 *   Q8_0: ŵ = d·(code − 128);  Q4_0: ŵ = d·(code − 8);  Q4_1: ŵ = d·code + m.  d and m are stored as fp16.
 */
export interface BlockCodes {
  rows: number;
  cols: number;
  code(r: number, c: number): number;
  scale(r: number, block: number): number;
  offset?(r: number, block: number): number;
}

export function encodeBlocks(src: BlockCodes, type: 'Q8_0' | 'Q4_0' | 'Q4_1', row0 = 0, row1 = src.rows): Uint8Array {
  const blocks = src.cols / 32;
  if (!Number.isInteger(blocks)) throw new RangeError(`${type}: expected columns a multiple of 32, found ${src.cols}`);
  if (type === 'Q4_1' && !src.offset) throw new RangeError('Q4_1: expected an offset per block');
  const [, bytes] = GGML_BLOCK[type];
  const out = new Uint8Array((row1 - row0) * blocks * bytes);
  const dv = new DataView(out.buffer);
  let o = 0;
  for (let r = row0; r < row1; r++)
    for (let b = 0; b < blocks; b++) {
      const c0 = b * 32;
      dv.setUint16(o, toFp16Bits(src.scale(r, b)), true);
      if (type === 'Q8_0') {
        for (let j = 0; j < 32; j++) dv.setInt8(o + 2 + j, src.code(r, c0 + j) - 128);
      } else {
        let q = o + 2;
        if (type === 'Q4_1') {
          dv.setUint16(q, toFp16Bits(src.offset!(r, b)), true);
          q += 2;
        }
        for (let j = 0; j < 16; j++) out[q + j] = (src.code(r, c0 + j) & 0xf) | ((src.code(r, c0 + j + 16) & 0xf) << 4);
      }
      o += bytes;
    }
  return out;
}

/**
 * llama.cpp's own reference quantizers (ggml-quants.c quantize_row_*_ref), for exporting dense weights:
 *   Q8_0: d = max|x|/127, q = roundf(x/d);  Q4_0: m = the x of largest |x|, d = m/−8, q = min(15, (int8)(x/d + 8.5));
 *   Q4_1: d = (max − min)/15, q = min(15, (int8)((x − min)/d + 0.5)), m = min.
 */
export function quantizeRowsReference(values: Float32Array, rows: number, cols: number, type: 'Q8_0' | 'Q4_0' | 'Q4_1'): Uint8Array {
  const blocks = cols / 32;
  const codes = new Uint8Array(rows * cols);
  const scales = new Float32Array(rows * blocks);
  const offsets = new Float32Array(rows * blocks);
  const roundf = (v: number) => Math.sign(v) * Math.round(Math.abs(v)); // C roundf: halves away from zero
  for (let r = 0; r < rows; r++)
    for (let b = 0; b < blocks; b++) {
      const base = r * cols + b * 32;
      const x = values.subarray(base, base + 32);
      let d: number;
      if (type === 'Q8_0') {
        let amax = 0;
        for (const v of x) amax = Math.max(amax, Math.abs(v));
        d = Math.fround(amax / 127);
        const id = d ? Math.fround(1 / d) : 0;
        for (let j = 0; j < 32; j++) codes[base + j] = roundf(Math.fround(x[j] * id)) + 128;
      } else if (type === 'Q4_0') {
        let amax = 0;
        let max = 0;
        for (const v of x)
          if (Math.abs(v) > amax) {
            amax = Math.abs(v);
            max = v;
          }
        d = Math.fround(max / -8);
        const id = d ? Math.fround(1 / d) : 0;
        for (let j = 0; j < 32; j++) codes[base + j] = Math.min(15, Math.trunc(Math.fround(Math.fround(x[j] * id) + 8.5)));
      } else {
        let min = Infinity;
        let max = -Infinity;
        for (const v of x) {
          min = Math.min(min, v);
          max = Math.max(max, v);
        }
        d = Math.fround((max - min) / 15);
        const id = d ? Math.fround(1 / d) : 0;
        for (let j = 0; j < 32; j++) codes[base + j] = Math.min(15, Math.trunc(Math.fround(Math.fround((x[j] - min) * id) + 0.5)));
        offsets[r * blocks + b] = min;
      }
      scales[r * blocks + b] = d;
    }
  return encodeBlocks({ rows, cols, code: (r, c) => codes[r * cols + c], scale: (r, b) => scales[r * blocks + b], offset: (r, b) => offsets[r * blocks + b] }, type);
}

/** Dequantize GGUF blocks back to float32 (tests and the export's check): the inverse of the layouts above. */
export function dequantizeBlocks(bytes: Uint8Array, type: 'Q8_0' | 'Q4_0' | 'Q4_1', elements: number, f16: (h: number) => number): Float32Array {
  const out = new Float32Array(elements);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const [, size] = GGML_BLOCK[type];
  for (let b = 0, o = 0; b < elements / 32; b++, o += size) {
    const d = f16(dv.getUint16(o, true));
    if (type === 'Q8_0') for (let j = 0; j < 32; j++) out[b * 32 + j] = Math.fround(d * dv.getInt8(o + 2 + j));
    else {
      const m = type === 'Q4_1' ? f16(dv.getUint16(o + 2, true)) : 0;
      const q = o + (type === 'Q4_1' ? 4 : 2);
      for (let j = 0; j < 16; j++) {
        const lo = bytes[q + j] & 0xf;
        const hi = bytes[q + j] >> 4;
        out[b * 32 + j] = type === 'Q4_0' ? Math.fround(d * (lo - 8)) : Math.fround(d * lo + m);
        out[b * 32 + j + 16] = type === 'Q4_0' ? Math.fround(d * (hi - 8)) : Math.fround(d * hi + m);
      }
    }
  }
  return out;
}
