// Raw tensor access for the quantized exports, on top of the model room's safetensors reader/writer:
// int32 codes and fp16 scales must travel bit for bit (the model room's reader converts to float32).
import { closeSync, openSync, readSync } from 'node:fs';
import { readHeader, writeSafetensors as writeTensors, type Dtype, type TensorToWrite } from '../../model/index.js';
import { ExportFormatError } from '../errors.js';

export interface RawTensor {
  dtype: Dtype;
  shape: number[];
  bytes: Uint8Array;
}

/** Every tensor of a file with its raw little-endian bytes. */
export function readSafetensors(path: string): { tensors: Map<string, RawTensor>; metadata: Record<string, string> } {
  const header = readHeader(path);
  const tensors = new Map<string, RawTensor>();
  const fd = openSync(path, 'r');
  try {
    for (const [name, info] of header.tensors) {
      const bytes = new Uint8Array(info.end - info.begin);
      if (bytes.length) readSync(fd, bytes, 0, bytes.length, info.begin);
      tensors.set(name, { dtype: info.dtype, shape: info.shape, bytes });
    }
  } finally {
    closeSync(fd);
  }
  return { tensors, metadata: header.metadata };
}

export function writeSafetensors(path: string, tensors: Map<string, RawTensor>, metadata?: Record<string, string>): void {
  const out = new Map<string, TensorToWrite>();
  for (const [name, t] of tensors) out.set(name, { dtype: t.dtype, shape: t.shape, data: t.bytes });
  writeTensors(path, out, metadata);
}

export function bytesOf(a: Int32Array | Uint16Array | Float32Array): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

/** Typed view of a raw tensor (copied so it is aligned). */
export function typedOf(t: RawTensor): Int32Array | Uint16Array | Float32Array {
  const copy = t.bytes.slice();
  if (t.dtype === 'I32') return new Int32Array(copy.buffer);
  if (t.dtype === 'F16' || t.dtype === 'BF16') return new Uint16Array(copy.buffer);
  if (t.dtype === 'F32') return new Float32Array(copy.buffer);
  throw new ExportFormatError('tensor dtype', 'I32, F16, BF16 or F32', t.dtype);
}
