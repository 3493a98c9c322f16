// A Hugging Face checkpoint folder opened without reading its weights: config.json, the safetensors headers of
// every shard (or the single file), the packed-quantization config. Tensors are read one at a time, in their file
// dtype or widened to float32, so no caller ever needs a whole-file buffer or a second copy.
import { createHash } from 'node:crypto';
import { closeSync, existsSync, openSync, readFileSync, readSync, readdirSync, statSync } from 'node:fs';
import { readUserJsonObject, UserFileError } from './files.js';
import { join } from 'node:path';
import { readConfig } from './config.js';
import { widenHalf } from './dtype.js';
import { dequantizeLinear, packedQuantizationOf, packedLinearCodes, type PackedQuantization, type QuantCodes } from './quantized.js';
import {
  expectFinite,
  expectFiniteHalf,
  readHeader,
  readTensorF32,
  SafetensorsError,
  writeSafetensors,
  type Dtype,
  type SafetensorsHeader,
  type TensorInfo,
  type TensorToWrite,
} from './safetensors.js';
import { LINEAR_NAMES, type LinearName, type ModelConfig } from './types.js';

export class ModelLoadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelLoadError';
  }
}

/** HF module path of a block linear: model.layers.{i}.self_attn.q_proj, model.layers.{i}.mlp.down_proj … */
export function linearPrefix(layer: number, name: LinearName): string {
  const group = name === 'gate_proj' || name === 'up_proj' || name === 'down_proj' ? 'mlp' : 'self_attn';
  return `model.layers.${layer}.${group}.${name}`;
}

/** [rows = out, cols = in] of each block linear under a config. */
export function linearShape(c: ModelConfig, name: LinearName): [number, number] {
  const q = c.numHeads * c.headDim;
  const kv = c.numKvHeads * c.headDim;
  switch (name) {
    case 'q_proj':
      return [q, c.hiddenSize];
    case 'k_proj':
    case 'v_proj':
      return [kv, c.hiddenSize];
    case 'o_proj':
      return [c.hiddenSize, q];
    case 'gate_proj':
    case 'up_proj':
      return [c.intermediateSize, c.hiddenSize];
    case 'down_proj':
      return [c.hiddenSize, c.intermediateSize];
  }
}

/** Floating dtypes a dense tensor may have. */
export type FloatDtype = 'F32' | 'F16' | 'BF16';

/** A tensor's bytes as stored: float32 widened or kept in its 16-bit form. */
export type StoredValues = { dtype: 'F32'; data: Float32Array } | { dtype: 'F16' | 'BF16'; data: Uint16Array };

export function widen(v: StoredValues): Float32Array {
  return v.dtype === 'F32' ? v.data : widenHalf(v.data, v.dtype);
}

function shardHeaders(dir: string): SafetensorsHeader[] {
  const index = join(dir, 'model.safetensors.index.json');
  if (existsSync(index)) {
    let map: Record<string, string>;
    try {
      map = readUserJsonObject(index).weight_map as Record<string, string>;
    } catch (error) {
      if (error instanceof UserFileError) throw new ModelLoadError(`${index}: expected JSON with a weight_map, found ${error.found}`);
      throw error;
    }
    if (!map || typeof map !== 'object' || Array.isArray(map))
      throw new ModelLoadError(`${index}: expected a "weight_map" object, found ${map === undefined ? 'none' : JSON.stringify(map)?.slice(0, 60)}`);
    const files = [...new Set(Object.values(map))];
    for (const f of files)
      if (typeof f !== 'string' || f.includes('/') || f.includes('\\') || f.startsWith('.'))
        throw new ModelLoadError(`${index}: expected shard file names inside the folder, found ${JSON.stringify(f)}`);
    for (const f of files) if (!existsSync(join(dir, f))) throw new ModelLoadError(`${index}: expected shard ${f} in the folder, found no such file`);
    return files.map((f) => readHeader(join(dir, f)));
  }
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.safetensors') && !f.startsWith('acbench-'))
    .sort();
  if (!files.length) throw new ModelLoadError(`${dir}: expected model.safetensors (or a sharded index), found no .safetensors file`);
  return files.map((f) => readHeader(join(dir, f)));
}

/**
 * Our compressed layout's integer codes, beside the float weights (acbench-codes*.safetensors): per quantized linear
 * `{prefix}.codes` U8 [rows, cols], `{prefix}.scales` and `{prefix}.zeros` F32 [groups, rows], `{prefix}.g_idx` I32 [cols];
 * the metadata holds `{prefix}.bits` and `{prefix}.group_size`. What a GGUF conversion needs to write exact blocks.
 */
export const CODES_FILE_PREFIX = 'acbench-codes';

export function writeCodesFile(file: string, records: ReadonlyMap<string, QuantCodes>): void {
  const tensors = new Map<string, TensorToWrite>();
  const metadata: Record<string, string> = { format: 'acbench-codes' };
  for (const [prefix, q] of records) {
    const groups = q.scales.length / q.rows;
    tensors.set(`${prefix}.codes`, { dtype: 'U8', shape: [q.rows, q.cols], data: q.codes });
    tensors.set(`${prefix}.scales`, { dtype: 'F32', shape: [groups, q.rows], data: q.scales });
    tensors.set(`${prefix}.zeros`, { dtype: 'F32', shape: [groups, q.rows], data: q.zeros });
    tensors.set(`${prefix}.g_idx`, { dtype: 'I32', shape: [q.cols], data: q.gIdx });
    metadata[`${prefix}.bits`] = String(q.bits);
    metadata[`${prefix}.group_size`] = String(q.groupSize);
  }
  writeSafetensors(file, tensors, metadata);
}

export class Checkpoint {
  private readonly where = new Map<string, SafetensorsHeader>();
  private readonly codes = new Map<string, SafetensorsHeader>();
  readonly headers: SafetensorsHeader[];
  readonly packed: PackedQuantization | undefined;

  private constructor(
    readonly dir: string,
    readonly config: ModelConfig,
  ) {
    this.headers = shardHeaders(dir);
    for (const h of this.headers) for (const name of h.tensors.keys()) this.where.set(name, h);
    this.packed = packedQuantizationOf(dir);
    for (const f of readdirSync(dir)
      .filter((f) => f.startsWith(CODES_FILE_PREFIX) && f.endsWith('.safetensors'))
      .sort()) {
      const h = readHeader(join(dir, f));
      for (const name of h.tensors.keys()) if (name.endsWith('.codes')) this.codes.set(name.slice(0, -'.codes'.length), h);
    }
  }

  static open(dir: string): Checkpoint {
    if (!existsSync(dir)) throw new ModelLoadError(`expected a model folder at ${dir}, found nothing there`);
    if (!statSync(dir).isDirectory()) throw new ModelLoadError(`expected a model folder at ${dir}, found a file`);
    return new Checkpoint(dir, readConfig(dir));
  }

  has(name: string): boolean {
    return this.where.has(name);
  }

  info(name: string): TensorInfo | undefined {
    return this.where.get(name)?.tensors.get(name);
  }

  private header(name: string, shape?: readonly number[]): SafetensorsHeader {
    const h = this.where.get(name);
    if (!h) throw new ModelLoadError(`${this.dir}: expected tensor "${name}" in the checkpoint, found none`);
    const info = h.tensors.get(name)!;
    if (shape && (info.shape.length !== shape.length || info.shape.some((d, i) => d !== shape[i])))
      throw new SafetensorsError(h.file, name, `expected shape ${JSON.stringify(shape)} from config.json, found ${JSON.stringify(info.shape)}`);
    return h;
  }

  /** Throw a typed error naming the file and tensor unless `name` exists with `shape`. */
  expectShape(name: string, shape: readonly number[]): void {
    this.header(name, shape);
  }

  /** One tensor widened to float32, its shape checked when given, its values checked finite. */
  readF32(name: string, shape?: readonly number[]): Float32Array {
    const h = this.header(name, shape);
    const values = readTensorF32(h, name);
    expectFinite(h.file, name, values);
    return values;
  }

  /** One floating tensor in its file dtype (F32 / F16 / BF16); other dtypes are widened to F32. */
  readStored(name: string, shape?: readonly number[]): StoredValues {
    const h = this.header(name, shape);
    const info = h.tensors.get(name)!;
    if (info.dtype !== 'F16' && info.dtype !== 'BF16') return { dtype: 'F32', data: this.readF32(name) };
    const data = new Uint16Array((info.end - info.begin) / 2);
    readBytes(h.file, name, info, new Uint8Array(data.buffer));
    expectFiniteHalf(h.file, name, data, info.dtype);
    return { dtype: info.dtype, data };
  }

  /** Rows [r0, r1) of a 2-D tensor in its file dtype (embedding rows, pieces of a large matrix). */
  readRows(name: string, r0: number, r1: number): StoredValues {
    const h = this.header(name);
    const info = h.tensors.get(name)!;
    if (info.shape.length !== 2 || r0 < 0 || r1 > info.shape[0] || r0 > r1)
      throw new SafetensorsError(h.file, name, `expected rows ${r0}–${r1} of a 2-D tensor, found shape ${JSON.stringify(info.shape)}`);
    const cols = info.shape[1];
    if (info.dtype === 'F32' || info.dtype === 'F16' || info.dtype === 'BF16') {
      const size = info.dtype === 'F32' ? 4 : 2;
      const bytes = new Uint8Array((r1 - r0) * cols * size);
      readBytes(h.file, name, { ...info, begin: info.begin + r0 * cols * size, end: info.begin + r1 * cols * size }, bytes);
      if (info.dtype === 'F32') {
        const data = new Float32Array(bytes.buffer);
        expectFinite(h.file, name, data);
        return { dtype: 'F32', data };
      }
      const data = new Uint16Array(bytes.buffer);
      expectFiniteHalf(h.file, name, data, info.dtype);
      return { dtype: info.dtype, data };
    }
    return { dtype: 'F32', data: this.readF32(name).slice(r0 * cols, r1 * cols) };
  }

  /** The dtype of a dense tensor, or undefined when it is absent or not floating. */
  floatDtype(name: string): FloatDtype | undefined {
    const d = this.info(name)?.dtype;
    return d === 'F32' || d === 'F16' || d === 'BF16' ? d : undefined;
  }

  /** W [out, in] of a block linear as float32: a dense .weight, or a GPTQ / AWQ packed linear dequantized. */
  linearF32(layer: number, name: LinearName): Float32Array {
    const base = linearPrefix(layer, name);
    const [rows, cols] = linearShape(this.config, name);
    if (this.has(`${base}.weight`) || !this.packed) return this.readF32(`${base}.weight`, [rows, cols]);
    const w = dequantizeLinear(this.packed, (n) => this.where.get(n), base, rows, cols);
    expectFinite(this.where.get(`${base}.qweight`)?.file ?? this.dir, `${base} (dequantized from its scales)`, w);
    return w;
  }

  /** The integer codes of a quantized linear (GPTQ / AWQ packed tensors, or our codes file), or undefined for a dense one. */
  linearCodes(layer: number, name: LinearName): QuantCodes | undefined {
    const base = linearPrefix(layer, name);
    const side = this.codes.get(base);
    const [rows, cols] = linearShape(this.config, name);
    const codes = side ? readCodes(side, base, [rows, cols]) : this.has(`${base}.weight`) || !this.packed ? undefined : packedLinearCodes(this.packed, (n) => this.where.get(n), base, rows, cols);
    if (codes) {
      const file = side?.file ?? this.where.get(`${base}.qweight`)?.file ?? this.dir;
      expectFinite(file, `${base}.scales`, codes.scales);
      expectFinite(file, `${base}.zeros`, codes.zeros);
    }
    return codes;
  }

  /** The linears' file dtype when every block linear is dense and shares one; undefined otherwise. */
  linearDtype(): FloatDtype | undefined {
    const seen = new Set<string>();
    for (let l = 0; l < this.config.numLayers; l++) for (const n of LINEAR_NAMES) seen.add(this.floatDtype(`${linearPrefix(l, n)}.weight`) ?? 'packed');
    return seen.size === 1 && !seen.has('packed') ? ([...seen][0] as FloatDtype) : undefined;
  }

  /** Bytes of every tensor in the shards (what the checkpoint costs to hold as stored). */
  get bytes(): number {
    let n = 0;
    for (const h of this.headers) for (const t of h.tensors.values()) n += t.end - t.begin;
    return n;
  }

  /** A cheap identity of the folder's files (names, sizes, modification times, config text): a cache key, not a content hash. */
  fingerprint(): string {
    const h = createHash('sha256').update(readFileSync(join(this.dir, 'config.json')));
    for (const f of readdirSync(this.dir).sort()) {
      if (!/\.(safetensors|json)$/.test(f)) continue;
      const s = statSync(join(this.dir, f));
      h.update(`${f}:${s.size}:${s.mtimeMs}\n`);
    }
    return h.digest('hex');
  }
}

function readCodes(h: SafetensorsHeader, prefix: string, [rows, cols]: [number, number]): QuantCodes {
  const info = (n: string, dtype: Dtype, shape: number[]) => {
    const t = h.tensors.get(`${prefix}.${n}`);
    if (!t || t.dtype !== dtype || t.shape.join(',') !== shape.join(','))
      throw new SafetensorsError(h.file, `${prefix}.${n}`, `expected ${dtype} ${JSON.stringify(shape)}, found ${t ? `${t.dtype} ${JSON.stringify(t.shape)}` : 'nothing'}`);
    const bytes = new Uint8Array(t.end - t.begin);
    readBytes(h.file, `${prefix}.${n}`, t, bytes);
    return bytes;
  };
  const groups = h.tensors.get(`${prefix}.scales`)?.shape[0] ?? 0;
  const bits = Number(h.metadata[`${prefix}.bits`]);
  const groupSize = Number(h.metadata[`${prefix}.group_size`]);
  if (!Number.isInteger(bits) || bits < 2 || bits > 8) throw new SafetensorsError(h.file, prefix, `expected metadata ${prefix}.bits 2–8, found ${JSON.stringify(h.metadata[`${prefix}.bits`])}`);
  const codes = info('codes', 'U8', [rows, cols]);
  const gIdx = new Int32Array(info('g_idx', 'I32', [cols]).buffer);
  for (const g of gIdx) if (g < 0 || g >= groups) throw new SafetensorsError(h.file, `${prefix}.g_idx`, `expected groups in [0, ${groups}), found ${g}`);
  return { bits, rows, cols, groupSize, codes, scales: new Float32Array(info('scales', 'F32', [groups, rows]).buffer), zeros: new Float32Array(info('zeros', 'F32', [groups, rows]).buffer), gIdx };
}

function readBytes(file: string, name: string, info: Pick<TensorInfo, 'begin' | 'end'>, target: Uint8Array): void {
  const fd = openSync(file, 'r');
  try {
    let done = 0; // positional reads, in pieces (readSync moves at most 2 GiB at a time)
    while (done < target.length) {
      const got = readSync(fd, target, done, Math.min(target.length - done, 1 << 30), info.begin + done);
      if (got <= 0) throw new SafetensorsError(file, name, `expected ${target.length} bytes of data, the file ended after ${done}`);
      done += got;
    }
  } finally {
    closeSync(fd);
  }
}

export type { Dtype };
