// safetensors: 8-byte little-endian header length, a JSON header {name: {dtype, shape, data_offsets}},
// then the raw little-endian data. Parsed defensively: untrusted files get typed errors, never a crash.
import { closeSync, fstatSync, openSync, readSync, writeSync } from 'node:fs';
import { endianness } from 'node:os';
import { f16ToF32 } from './dtype.js';
import { expectRegularFile } from './files.js';

export { f16ToF32 };

const LITTLE_ENDIAN = endianness() === 'LE';

export const MAX_HEADER_BYTES = 100 * 1024 * 1024;

export type Dtype = 'F32' | 'F16' | 'BF16' | 'I8' | 'U8' | 'I32' | 'I64' | 'BOOL';
export const DTYPE_BYTES: Record<Dtype, number> = { F32: 4, F16: 2, BF16: 2, I8: 1, U8: 1, I32: 4, I64: 8, BOOL: 1 };

export class SafetensorsError extends Error {
  constructor(
    readonly file: string,
    readonly tensor: string | null,
    detail: string,
  ) {
    super(`${file}${tensor ? `, tensor "${tensor}"` : ''}: ${detail}`);
    this.name = 'SafetensorsError';
  }
}

export interface TensorInfo {
  name: string;
  dtype: Dtype;
  shape: number[];
  /** absolute byte range in the file */
  begin: number;
  end: number;
}

export interface SafetensorsHeader {
  file: string;
  tensors: Map<string, TensorInfo>;
  metadata: Record<string, string>;
  fileSize: number;
}

/** Throw a typed error naming the file, tensor and element unless every value is finite (NaN/Inf weights give NaN logits). */
export function expectFinite(file: string, name: string, values: Float32Array): void {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) throw new SafetensorsError(file, name, `expected finite values, found ${values[i]} at element ${i}`);
}

/** The same for fp16 / bf16 bits as stored: the exponent bits all ones is Inf or NaN. */
export function expectFiniteHalf(file: string, name: string, bits: Uint16Array, dtype: 'F16' | 'BF16'): void {
  const exponent = dtype === 'F16' ? 0x7c00 : 0x7f80;
  for (let i = 0; i < bits.length; i++)
    if ((bits[i] & exponent) === exponent)
      throw new SafetensorsError(
        file,
        name,
        `expected finite values, found ${bits[i] & (exponent === 0x7c00 ? 0x3ff : 0x7f) ? 'NaN' : 'Inf'} (${dtype} bits 0x${bits[i].toString(16)}) at element ${i}`,
      );
}

/** Read and validate the header only (the data is read on demand, tensor by tensor). */
export function readHeader(file: string): SafetensorsHeader {
  expectRegularFile(file, Number.MAX_SAFE_INTEGER); // a FIFO or a device would block or never end
  const fd = openSync(file, 'r');
  try {
    const fileSize = fstatSync(fd).size;
    if (fileSize < 8) throw new SafetensorsError(file, null, `expected at least 8 bytes (the header length), found ${fileSize}`);
    const lenBuf = Buffer.alloc(8);
    readSync(fd, lenBuf, 0, 8, 0);
    const headerLen = lenBuf.readBigUInt64LE(0);
    if (headerLen > BigInt(MAX_HEADER_BYTES)) throw new SafetensorsError(file, null, `expected a header of at most ${MAX_HEADER_BYTES} bytes, found ${headerLen}`);
    const n = Number(headerLen);
    if (8 + n > fileSize) throw new SafetensorsError(file, null, `expected a ${n}-byte header inside the file, found only ${fileSize - 8} bytes after the length`);
    const headerBuf = Buffer.alloc(n);
    readSync(fd, headerBuf, 0, n, 8);
    let parsed: unknown;
    try {
      parsed = JSON.parse(headerBuf.toString('utf8'));
    } catch (error) {
      throw new SafetensorsError(file, null, `expected a JSON header, found invalid JSON (${(error as Error).message})`);
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
      throw new SafetensorsError(file, null, `expected a JSON object header, found ${Array.isArray(parsed) ? 'an array' : typeof parsed}`);
    const dataStart = 8 + n;
    const dataSize = fileSize - dataStart;
    const tensors = new Map<string, TensorInfo>();
    let metadata: Record<string, string> = {};
    for (const [name, raw] of Object.entries(parsed as Record<string, unknown>)) {
      if (name === '__metadata__') {
        if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new SafetensorsError(file, null, 'expected __metadata__ to be an object of strings');
        metadata = Object.fromEntries(Object.entries(raw as Record<string, unknown>).map(([k, v]) => [k, String(v)]));
        continue;
      }
      tensors.set(name, validateEntry(file, name, raw, dataStart, dataSize));
    }
    const ordered = [...tensors.values()].sort((a, b) => a.begin - b.begin);
    for (let i = 1; i < ordered.length; i++) if (ordered[i].begin < ordered[i - 1].end) throw new SafetensorsError(file, ordered[i].name, `its bytes overlap tensor "${ordered[i - 1].name}"`);
    return { file, tensors, metadata, fileSize };
  } finally {
    closeSync(fd);
  }
}

function validateEntry(file: string, name: string, raw: unknown, dataStart: number, dataSize: number): TensorInfo {
  if (!raw || typeof raw !== 'object') throw new SafetensorsError(file, name, 'expected an object with dtype, shape and data_offsets');
  const { dtype, shape, data_offsets: offsets } = raw as Record<string, unknown>;
  if (typeof dtype !== 'string' || !(dtype in DTYPE_BYTES)) throw new SafetensorsError(file, name, `expected dtype one of ${Object.keys(DTYPE_BYTES).join(', ')}, found ${JSON.stringify(dtype)}`);
  if (!Array.isArray(shape) || shape.some((d) => !Number.isSafeInteger(d) || d < 0))
    throw new SafetensorsError(file, name, `expected shape to be a list of non-negative integers, found ${JSON.stringify(shape)?.slice(0, 80)}`);
  if (!Array.isArray(offsets) || offsets.length !== 2 || offsets.some((o) => !Number.isSafeInteger(o) || o < 0) || offsets[1] < offsets[0])
    throw new SafetensorsError(file, name, `expected data_offsets [begin, end] with 0 ≤ begin ≤ end, found ${JSON.stringify(offsets)?.slice(0, 80)}`);
  let elements = 1;
  for (const d of shape as number[]) {
    elements *= d;
    if (!Number.isSafeInteger(elements)) throw new SafetensorsError(file, name, `shape ${JSON.stringify(shape)} has too many elements`);
  }
  const expected = elements * DTYPE_BYTES[dtype as Dtype];
  const [b, e] = offsets as [number, number];
  if (e - b !== expected) throw new SafetensorsError(file, name, `expected ${expected} bytes for ${dtype} ${JSON.stringify(shape)}, found ${e - b}`);
  if (e > dataSize) throw new SafetensorsError(file, name, `its data ends at byte ${e} of the data section, past its end (${dataSize} bytes)`);
  return { name, dtype: dtype as Dtype, shape: shape as number[], begin: dataStart + b, end: dataStart + e };
}

/** Read one tensor as float32 (F32, F16, BF16, integer and bool types converted). */
export function readTensorF32(header: SafetensorsHeader, name: string): Float32Array {
  const info = header.tensors.get(name);
  if (!info) throw new SafetensorsError(header.file, name, 'expected this tensor in the file, found none');
  const fd = openSync(header.file, 'r');
  const readInto = (target: Uint8Array) => {
    let done = 0; // positional reads, in pieces (readSync moves at most 2 GiB at a time)
    while (done < target.length) {
      const got = readSync(fd, target, done, Math.min(target.length - done, 1 << 30), info.begin + done);
      if (got <= 0) throw new SafetensorsError(header.file, name, `expected ${target.length} bytes of data, the file ended after ${done}`);
      done += got;
    }
  };
  if (info.dtype === 'F32' && LITTLE_ENDIAN) {
    // fast path: read straight into the result, no intermediate copy
    const out = new Float32Array((info.end - info.begin) / 4);
    try {
      readInto(new Uint8Array(out.buffer));
    } finally {
      closeSync(fd);
    }
    return out;
  }
  const bytes = Buffer.alloc(info.end - info.begin);
  try {
    readInto(bytes);
  } finally {
    closeSync(fd);
  }
  const n = bytes.length / DTYPE_BYTES[info.dtype];
  const out = new Float32Array(n);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  switch (info.dtype) {
    case 'F32':
      for (let i = 0; i < n; i++) out[i] = dv.getFloat32(i * 4, true);
      break;
    case 'F16':
      for (let i = 0; i < n; i++) out[i] = f16ToF32(dv.getUint16(i * 2, true));
      break;
    case 'BF16': {
      const bits = new Uint32Array(out.buffer); // bf16 is the high half of a float32
      for (let i = 0; i < n; i++) bits[i] = dv.getUint16(i * 2, true) << 16;
      break;
    }
    case 'I8':
      for (let i = 0; i < n; i++) out[i] = dv.getInt8(i);
      break;
    case 'U8':
    case 'BOOL':
      for (let i = 0; i < n; i++) out[i] = dv.getUint8(i);
      break;
    case 'I32':
      for (let i = 0; i < n; i++) out[i] = dv.getInt32(i * 4, true);
      break;
    case 'I64':
      for (let i = 0; i < n; i++) out[i] = Number(dv.getBigInt64(i * 8, true));
      break;
  }
  return out;
}

export interface TensorToWrite {
  dtype: Dtype;
  shape: number[];
  data: ArrayBufferView;
}

/** Write tensors (sorted by name) with an 8-byte-aligned data section; every size is checked before the file is opened. */
export function writeSafetensors(file: string, tensors: Map<string, TensorToWrite>, metadata: Record<string, string> = {}): void {
  const names = [...tensors.keys()].sort();
  for (const name of names) {
    const t = tensors.get(name)!;
    const size = t.shape.reduce((a, b) => a * b, 1) * DTYPE_BYTES[t.dtype];
    if (size !== t.data.byteLength) throw new SafetensorsError(file, name, `expected ${size} bytes for ${t.dtype} ${JSON.stringify(t.shape)}, found ${t.data.byteLength}`);
  }
  // streamed: header, then each tensor's bytes straight from its array (no whole-file buffer)
  writeSafetensorsStreamed(
    file,
    names.map((name) => {
      const t = tensors.get(name)!;
      return { name, dtype: t.dtype, shape: t.shape, bytes: () => t.data };
    }),
    metadata,
  );
}

/** A tensor whose bytes are produced when the writer reaches it, so a file is written one tensor at a time. */
export interface StreamedTensor {
  name: string;
  dtype: Dtype;
  shape: number[];
  bytes(): ArrayBufferView;
}

/** Write tensors in the given order, each produced on demand: no more than one tensor's bytes in memory. */
export function writeSafetensorsStreamed(file: string, tensors: readonly StreamedTensor[], metadata: Record<string, string> = {}): number {
  const header: Record<string, unknown> = Object.keys(metadata).length ? { __metadata__: metadata } : {};
  let offset = 0;
  const sizes = tensors.map((t) => t.shape.reduce((a, b) => a * b, 1) * DTYPE_BYTES[t.dtype]);
  tensors.forEach((t, i) => {
    header[t.name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + sizes[i]] };
    offset += sizes[i];
  });
  let json = Buffer.from(JSON.stringify(header), 'utf8');
  const pad = (8 - (json.length % 8)) % 8;
  if (pad) json = Buffer.concat([json, Buffer.alloc(pad, 0x20)]);
  const lenBuf = Buffer.alloc(8);
  lenBuf.writeBigUInt64LE(BigInt(json.length), 0);
  const fd = openSync(file, 'w');
  try {
    writeAll(fd, lenBuf);
    writeAll(fd, json);
    tensors.forEach((t, i) => {
      const d = t.bytes();
      if (d.byteLength !== sizes[i]) throw new SafetensorsError(file, t.name, `expected ${sizes[i]} bytes for ${t.dtype} ${JSON.stringify(t.shape)}, found ${d.byteLength}`);
      writeAll(fd, new Uint8Array(d.buffer, d.byteOffset, d.byteLength));
    });
  } finally {
    closeSync(fd);
  }
  return 8 + json.length + offset;
}

function writeAll(fd: number, bytes: Uint8Array): void {
  for (let done = 0; done < bytes.length;) done += writeSync(fd, bytes, done, Math.min(bytes.length - done, 1 << 30));
}
