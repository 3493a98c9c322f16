// Inference-time transforms a compressed folder records (acbench_compression.json, "runtime"): SmoothQuant's
// dynamic per-token activation quantization (linear inputs, and the q/k/v projection outputs that feed attention's BMMs,
// smoothquant ppl_eval.py quantize_bmm_input=True) and the simulated KV-cache quantization. Every loader applies them,
// so `generate`, `logits`, `analyze`, `eval` and `run` all mean the same model.
//   activations, per token t: Δ_t = max|x_t|/(2^(b−1) − 1), x̂ = round(x/Δ_t)·Δ_t;
//   keys/values, per token, KV head and group of g along head_dim: scale = (max − min)/(2^b − 1), zero = round(−min/scale),
//   x̂ = scale·(clamp(round(x/scale) + zero, 0, 2^b − 1) − zero).
import { existsSync } from 'node:fs';
import { readUserJsonObject, UserFileError } from './files.js';
import { join } from 'node:path';
import { matrix, type Matrix } from '../tensor/index.js';
import type { ActivationTransform, CausalLM, KvTransform, ProjectionOutputTransform } from './types.js';

/** The compressed folder's record of its method, configuration, report and runtime (written by the compress room). */
export const COMPRESSION_METADATA_FILE = 'acbench_compression.json';

export interface RuntimeTransforms {
  /** per-token activation quantization of every block linear's input (SmoothQuant W8A8), or null */
  activationBits: number | null;
  /** per-token quantization of the q/k/v projection outputs (attention BMM inputs), or null (absent in older folders) */
  bmmInputBits: number | null;
  kvCache: { bits: number; groupSize: number } | null;
}

export const NO_RUNTIME: RuntimeTransforms = { activationBits: null, bmmInputBits: null, kvCache: null };

export class RuntimeMetadataError extends Error {
  constructor(file: string, detail: string) {
    super(`${file}: ${detail}`);
    this.name = 'RuntimeMetadataError';
  }
}

/** Round half to even (banker's rounding), like torch.round. */
export function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  if (d < 0.5) return f + 0; // + 0 turns −0 into 0
  if (d > 0.5) return f + 1;
  return f % 2 === 0 ? f + 0 : f + 1;
}

/** The runtime transforms a folder records; none for a plain checkpoint. */
export function readRuntime(dir: string): RuntimeTransforms {
  const file = join(dir, COMPRESSION_METADATA_FILE);
  if (!existsSync(file)) return NO_RUNTIME;
  let raw: unknown;
  try {
    raw = readUserJsonObject(file);
  } catch (e) {
    if (e instanceof UserFileError) throw new RuntimeMetadataError(file, `expected ${e.expected}, found ${e.found}`);
    throw e;
  }
  const rt = (raw as { runtime?: unknown } | null)?.runtime as Partial<RuntimeTransforms> | undefined;
  if (!rt || typeof rt !== 'object') throw new RuntimeMetadataError(file, 'expected a "runtime" object');
  const bits = rt.activationBits ?? null;
  if (bits !== null && !(Number.isInteger(bits) && bits >= 2 && bits <= 16)) throw new RuntimeMetadataError(file, `expected runtime.activationBits null or 2–16, found ${JSON.stringify(bits)}`);
  const bmm = rt.bmmInputBits ?? null;
  if (bmm !== null && !(Number.isInteger(bmm) && bmm >= 2 && bmm <= 16)) throw new RuntimeMetadataError(file, `expected runtime.bmmInputBits null or 2–16, found ${JSON.stringify(bmm)}`);
  const kv = rt.kvCache ?? null;
  if (kv !== null && !(kv && Number.isInteger(kv.bits) && kv.bits >= 2 && kv.bits <= 16 && Number.isInteger(kv.groupSize) && kv.groupSize >= -1))
    throw new RuntimeMetadataError(file, `expected runtime.kvCache null or {bits 2–16, groupSize ≥ −1 (−1: the whole head)}, found ${JSON.stringify(kv)}`);
  return { activationBits: bits, bmmInputBits: bmm, kvCache: kv };
}

/** Plain words for what a folder's runtime does, or null when it has none. */
export function describeRuntime(rt: RuntimeTransforms): string | null {
  const parts = [
    rt.activationBits ? `${rt.activationBits}-bit per-token activations` : '',
    rt.bmmInputBits ? `${rt.bmmInputBits}-bit per-token q/k/v (attention inputs)` : '',
    rt.kvCache ? `KV cache ${rt.kvCache.bits}-bit (groups of ${rt.kvCache.groupSize})` : '',
  ].filter(Boolean);
  return parts.length ? parts.join(', ') : null;
}

/** Install (or clear) a folder's runtime transforms on a loaded model. */
export function applyRuntime(model: CausalLM, rt: RuntimeTransforms): void {
  model.setActivationTransform(rt.activationBits ? perTokenActivationTransform(rt.activationBits) : undefined);
  model.setOutputTransform(rt.bmmInputBits ? perTokenProjectionOutputTransform(rt.bmmInputBits) : undefined);
  model.setKvTransform(rt.kvCache ? kvQuantTransform(rt.kvCache.bits, rt.kvCache.groupSize) : undefined);
}

/** Symmetric per-row absmax quantize-dequantize: Δ_r = max(max|x_r|, 1e−5)/(2^(b−1) − 1). */
export function quantizeRowsAbsmax(x: Matrix, bits = 8): Matrix {
  const qmax = 2 ** (bits - 1) - 1;
  const out = new Float32Array(x.data.length);
  for (let r = 0; r < x.rows; r++) {
    let amax = 0;
    const base = r * x.cols;
    for (let j = 0; j < x.cols; j++) amax = Math.max(amax, Math.abs(x.data[base + j]));
    const delta = Math.fround(Math.max(amax, 1e-5) / qmax);
    for (let j = 0; j < x.cols; j++) out[base + j] = Math.fround(roundHalfEven(Math.fround(x.data[base + j] / delta)) * delta);
  }
  return matrix(x.rows, x.cols, out);
}

/** Dynamic per-token activation quantization for every block linear's input. */
export function perTokenActivationTransform(bits = 8): ActivationTransform {
  return (_name, input) => quantizeRowsAbsmax(input, bits);
}

/** Dynamic per-token quantization of the q/k/v projection outputs (the attention BMM inputs), before rotary. */
export function perTokenProjectionOutputTransform(bits = 8): ProjectionOutputTransform {
  return (_name, output) => quantizeRowsAbsmax(output, bits);
}

/** Quantize-dequantize x [tokens, heads·headDim] in groups of g along each head. */
export function quantizeKv(x: Matrix, nKvHeads: number, headDim: number, bits: number, groupSize: number): Matrix {
  if (x.cols !== nKvHeads * headDim) throw new RangeError(`kv quantization: expected ${nKvHeads}×${headDim} = ${nKvHeads * headDim} columns, found ${x.cols}`);
  const g = groupSize > 0 ? Math.min(groupSize, headDim) : headDim;
  const maxq = 2 ** bits - 1;
  const out = new Float32Array(x.data.length);
  for (let t = 0; t < x.rows; t++)
    for (let h = 0; h < nKvHeads; h++)
      for (let g0 = 0; g0 < headDim; g0 += g) {
        const base = t * x.cols + h * headDim + g0;
        const n = Math.min(g, headDim - g0);
        let mn = Infinity;
        let mx = -Infinity;
        for (let k = 0; k < n; k++) {
          const v = x.data[base + k];
          if (v < mn) mn = v;
          if (v > mx) mx = v;
        }
        const scale = Math.fround(Math.max(mx - mn, 1e-8) / maxq);
        const zero = roundHalfEven(-mn / scale);
        for (let k = 0; k < n; k++) {
          let q = roundHalfEven(x.data[base + k] / scale) + zero;
          q = q < 0 ? 0 : q > maxq ? maxq : q;
          out[base + k] = Math.fround(scale * (q - zero));
        }
      }
  return matrix(x.rows, x.cols, out);
}

export function kvQuantTransform(bits: number, groupSize: number): KvTransform {
  return {
    keys: (k, nKvHeads, headDim) => quantizeKv(k, nKvHeads, headDim, bits, groupSize),
    values: (v, nKvHeads, headDim) => quantizeKv(v, nKvHeads, headDim, bits, groupSize),
  };
}
