import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DTYPE_BYTES, readHeader, readTensorF32, SafetensorsError, writeSafetensors, type Dtype } from '../../main/model/index.js';
import { tempDir } from '../helpers/tmp.js';

function file(header: unknown, data: Uint8Array = new Uint8Array(0), lengthOverride?: bigint): Buffer {
  const json = Buffer.from(typeof header === 'string' ? header : JSON.stringify(header));
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(lengthOverride ?? BigInt(json.length));
  return Buffer.concat([len, json, data]);
}

describe('safetensors round trip', () => {
  const cases: [Dtype, ArrayBufferView, number[]][] = [
    ['F32', Float32Array.from([1.5, -2.25, 3e-8, 65504]), [1.5, -2.25, 3e-8, 65504]],
    ['F16', Uint16Array.from([0x3c00, 0xc000, 0x0001, 0x7bff]), [1, -2, 2 ** -24, 65504]], // 1, −2, smallest subnormal, max
    ['BF16', Uint16Array.from([0x3f80, 0xc040, 0x4049]), [1, -3, 3.140625]],
    ['I8', Int8Array.from([-128, 0, 127]), [-128, 0, 127]],
    ['U8', Uint8Array.from([0, 200, 255]), [0, 200, 255]],
    ['I32', Int32Array.from([-(2 ** 31), 7]), [-(2 ** 31), 7]],
    ['I64', BigInt64Array.from([-5n, 2n ** 40n]), [-5, 2 ** 40]],
    ['BOOL', Uint8Array.from([1, 0, 1]), [1, 0, 1]],
  ];
  for (const [dtype, data, values] of cases)
    it(`${dtype} reads back as the hand-checked values`, () => {
      const path = join(tempDir(), 'x.safetensors');
      writeSafetensors(path, new Map([['t', { dtype, shape: [values.length], data }]]), { note: 'test' });
      const h = readHeader(path);
      expect(h.metadata).toEqual({ note: 'test' });
      expect(Array.from(readTensorF32(h, 't'))).toEqual(values.map((v) => Math.fround(v)));
    });

  it('keeps several tensors apart, 8-byte aligned', () => {
    const path = join(tempDir(), 'x.safetensors');
    writeSafetensors(
      path,
      new Map([
        ['b', { dtype: 'F32', shape: [2, 2], data: Float32Array.from([1, 2, 3, 4]) }],
        ['a', { dtype: 'I8', shape: [3], data: Int8Array.from([1, 2, 3]) }],
      ]),
    );
    const h = readHeader(path);
    expect([...h.tensors.keys()].sort()).toEqual(['a', 'b']);
    expect((h.tensors.get('a')!.begin - 8) % 8).toBe(0);
    expect(Array.from(readTensorF32(h, 'b'))).toEqual([1, 2, 3, 4]);
  });
});

describe('malformed safetensors are rejected with a typed error', () => {
  const good = { w: { dtype: 'F32', shape: [2, 2], data_offsets: [0, 16] } };
  const data16 = new Uint8Array(16);
  // hand-made cases, then generated variations of each kind
  const cases: [string, Buffer][] = [
    ['empty file', Buffer.alloc(0)],
    ['shorter than the length field', Buffer.alloc(5)],
    ['header length past the end', file(good, data16, 10_000n)],
    ['header length over 100 MB', file(good, data16, 200_000_000n)],
    ['header length 2^64 − 1', file(good, data16, 2n ** 64n - 1n)],
    ['invalid JSON', file('{"w": {', data16)],
    ['JSON array header', file('[1,2]', data16)],
    ['JSON string header', file('"x"', data16)],
    ['unknown dtype', file({ w: { ...good.w, dtype: 'F8' } }, data16)],
    ['shape not a list', file({ w: { ...good.w, shape: 4 } }, data16)],
    ['negative dimension', file({ w: { ...good.w, shape: [-2, 2] } }, data16)],
    ['fractional dimension', file({ w: { ...good.w, shape: [1.5, 2] } }, data16)],
    ['offsets missing', file({ w: { dtype: 'F32', shape: [2, 2] } }, data16)],
    ['offsets reversed', file({ w: { ...good.w, data_offsets: [16, 0] } }, data16)],
    ['offsets past the data', file(good, new Uint8Array(8))],
    ['size mismatch', file({ w: { ...good.w, shape: [3, 2] } }, data16)],
    ['huge shape', file({ w: { dtype: 'F32', shape: [2 ** 30, 2 ** 30, 2 ** 30], data_offsets: [0, 16] } }, data16)],
    ['overlapping tensors', file({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'F32', shape: [2], data_offsets: [4, 12] } }, data16)],
    ['entry not an object', file({ w: 5 }, data16)],
    ['metadata not an object', file({ __metadata__: 3, ...good }, data16)],
  ];
  let seed = 12345;
  const rand = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
  const valid = file(good, data16);
  for (let i = 0; i < 120; i++) {
    const cut = 1 + Math.floor(rand() * (valid.length - 17)); // truncated inside the header or data
    cases.push([`truncated at ${cut} bytes (#${i})`, valid.subarray(0, cut)]);
  }
  for (let i = 0; i < 40; i++) {
    const dims = [1 + Math.floor(rand() * 5), 1 + Math.floor(rand() * 5)];
    const bytes = dims[0] * dims[1] * 4;
    const off = Math.floor(rand() * 3) - 1 + bytes; // one byte too few, right, or too many…
    const shape = off === bytes ? [dims[0] + 1, dims[1]] : dims; // …and when right, the shape is wrong
    cases.push([`size ${off} for shape ${shape} (#${i})`, file({ w: { dtype: 'F32', shape, data_offsets: [0, off] } }, new Uint8Array(bytes + 4))]);
  }
  for (let i = 0; i < 30; i++) {
    const a = Math.floor(rand() * 8) * 4;
    const b = a + 4 + Math.floor(rand() * 2) * 4 - 4 + 4; // b starts inside a's 8-byte range
    cases.push([
      `overlap at ${a}/${b} (#${i})`,
      file({ a: { dtype: 'F32', shape: [2], data_offsets: [a, a + 8] }, b: { dtype: 'F32', shape: [2], data_offsets: [b - 4, b + 4] } }, new Uint8Array(64)),
    ]);
  }
  for (let i = 0; i < 20; i++) cases.push([`garbage bytes (#${i})`, Buffer.from(Array.from({ length: 8 + Math.floor(rand() * 64) }, () => Math.floor(rand() * 256)))]);

  it(`has at least 200 cases (${cases.length})`, () => expect(cases.length).toBeGreaterThanOrEqual(200));

  it('rejects every one, naming the file, without crashing or hanging', () => {
    const dir = tempDir();
    const accepted: string[] = [];
    cases.forEach(([name, bytes], i) => {
      const path = join(dir, `case-${i}.safetensors`);
      writeFileSync(path, bytes);
      try {
        const h = readHeader(path);
        for (const t of h.tensors.keys()) readTensorF32(h, t);
        accepted.push(name);
      } catch (error) {
        expect(error, name).toBeInstanceOf(SafetensorsError);
        expect((error as Error).message, name).toContain(path);
      }
    });
    expect(accepted).toEqual([]);
  });

  it('names the tensor and what was expected', () => {
    const path = join(tempDir(), 'bad.safetensors');
    writeFileSync(path, file({ w: { ...good.w, shape: [3, 2] } }, data16));
    expect(() => readHeader(path)).toThrow(/tensor "w": expected 24 bytes for F32 \[3,2\], found 16/);
    expect(DTYPE_BYTES.BF16).toBe(2);
  });
});
