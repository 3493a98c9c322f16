// A Hugging Face folder (Llama / Qwen2 / Mistral; dense, GPTQ, AWQ or our compressed layout) → GGUF, written
// tensor by tensor. Names and layout follow llama.cpp's convert_hf_to_gguf.py: Llama and Mistral are the
// "llama" architecture, whose rotary embedding pairs neighbouring dimensions, so q/k rows are permuted from
// HF's rotate-half order; Qwen2 keeps rotate-half (NEOX) order and needs no permutation.
import { basename } from 'node:path';
import {
  BpeTokenizer,
  Checkpoint,
  LINEAR_NAMES,
  dequantizeCodes,
  linearPrefix,
  linearShape,
  ropeInvFreq,
  widen,
  type LinearName,
  type ModelConfig,
  type QuantCodes,
  type StoredValues,
} from '../../model/index.js';
import {
  bool,
  encodeBlocks,
  encodeFloat,
  f32,
  f32s,
  GGML_BLOCK,
  i32s,
  LLAMA_FTYPE,
  quantizeRowsReference,
  str,
  strings,
  u32,
  writeGguf,
  type BlockCodes,
  type GgmlType,
  type GgufTensor,
  type GgufValue,
} from './gguf.js';

export class GgufConversionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GgufConversionError';
  }
}

/**
 * What a conversion writes for the matrices: `auto` keeps every value exactly (dense linears in their file dtype,
 * quantized linears as Q8_0 / Q4_0 / Q4_1 where their codes map onto those blocks, F32 otherwise); the others write
 * every matrix in that type (q8_0 / q4_0 / q4_1 reuse exact codes where they map and otherwise quantize with
 * llama.cpp's own reference rounding; embeddings then stay F16).
 */
export type GgufTarget = 'auto' | 'f32' | 'f16' | 'bf16' | 'q8_0' | 'q4_0' | 'q4_1';
export const GGUF_TARGETS: readonly GgufTarget[] = ['auto', 'f32', 'f16', 'bf16', 'q8_0', 'q4_0', 'q4_1'];

/** Why a configuration cannot run on llama.cpp exactly, or null when it can (up to `maxContext` tokens). */
export function llamaCppSupport(c: ModelConfig): { ok: true; maxContext: number } | { ok: false; why: string } {
  if (c.ropeScaling?.type === 'dynamic') return { ok: false, why: 'dynamic NTK rope scaling has no llama.cpp equivalent' };
  // llama.cpp's llama architecture attends over the whole context; a Mistral window is exact only while the context fits in it
  return { ok: true, maxContext: Math.min(c.maxPositionEmbeddings, c.slidingWindow ?? Infinity) };
}

const GGUF_ARCH = (c: ModelConfig) => (c.architecture === 'Qwen2ForCausalLM' ? 'qwen2' : 'llama');

/** llama.cpp's tensor name of a block linear. */
const GGUF_LINEAR: Record<LinearName, string> = { q_proj: 'attn_q', k_proj: 'attn_k', v_proj: 'attn_v', o_proj: 'attn_output', gate_proj: 'ffn_gate', up_proj: 'ffn_up', down_proj: 'ffn_down' };

/**
 * Row order llama.cpp's "llama" rope expects (convert_hf_to_gguf.py permute): within each head, HF row
 * s·(d/2) + i (s ∈ {0, 1}) becomes row 2i + s. Returns perm with ggufRow r ← hfRow perm[r].
 */
export function ropeRowPermutation(heads: number, headDim: number): Int32Array {
  const perm = new Int32Array(heads * headDim);
  const half = headDim / 2;
  for (let h = 0; h < heads; h++) for (let i = 0; i < half; i++) for (let s = 0; s < 2; s++) perm[h * headDim + 2 * i + s] = h * headDim + s * half + i;
  return perm;
}

function permuteRows<T extends Float32Array | Uint16Array>(data: T, cols: number, perm: Int32Array | null): T {
  if (!perm) return data;
  const out = new (data.constructor as new (n: number) => T)(data.length);
  for (let r = 0; r < perm.length; r++) out.set(data.subarray(perm[r] * cols, (perm[r] + 1) * cols), r * cols);
  return out;
}

/** The GGUF block type a code record maps onto exactly, or why it does not. */
export function blockTypeOf(q: QuantCodes): { type: 'Q8_0' | 'Q4_0' | 'Q4_1' } | { type: null; why: string } {
  if (q.cols % 32) return { type: null, why: `${q.cols} input columns are not a multiple of 32` };
  for (let b = 0; b < q.cols; b += 32)
    for (let c = b + 1; c < b + 32; c++) if (q.gIdx[c] !== q.gIdx[b]) return { type: null, why: 'a 32-column block spans two quantization groups (act-order or groups not a multiple of 32)' };
  const allZeros = (z: number) => q.zeros.every((v) => v === z);
  if (q.bits === 8) return allZeros(128) ? { type: 'Q8_0' } : { type: null, why: '8-bit codes with zero points (asymmetric) have no exact ggml block' };
  if (q.bits === 4) return allZeros(8) ? { type: 'Q4_0' } : { type: 'Q4_1' };
  return { type: null, why: `${q.bits}-bit codes have no exact ggml block` };
}

function codeBlocks(q: QuantCodes, perm: Int32Array | null): BlockCodes {
  const row = (r: number) => (perm ? perm[r] : r);
  const at = (r: number, b: number) => q.gIdx[b * 32] * q.rows + row(r);
  return {
    rows: q.rows,
    cols: q.cols,
    code: (r, c) => q.codes[row(r) * q.cols + c],
    scale: (r, b) => q.scales[at(r, b)],
    offset: (r, b) => -q.scales[at(r, b)] * q.zeros[at(r, b)],
  };
}

/** One written tensor and whether its values equal what our engine computes with. */
export interface ConvertedTensor {
  name: string;
  type: GgmlType;
  /** the values are our engine's weights (fp16-rounded block scales aside) */
  exact: boolean;
  note?: string;
}

export interface GgufConversion {
  file: string;
  bytes: number;
  target: GgufTarget;
  tensors: ConvertedTensor[];
  /** every tensor exact: what evaluation requires */
  exact: boolean;
  /** the most common matrix type, e.g. "Q4_0" or "BF16" */
  mainType: GgmlType;
  seconds: number;
}

const ROW_CHUNK_BYTES = 64 * 2 ** 20;

/** A matrix tensor [rows, cols] in a float type, produced in row chunks so huge embeddings never sit in memory twice. */
function floatMatrix(name: string, rows: number, cols: number, type: 'F32' | 'F16' | 'BF16', rowsOf: (r0: number, r1: number) => StoredValues): GgufTensor {
  return {
    name,
    dims: [cols, rows],
    type,
    write(put) {
      const step = Math.max(1, Math.floor(ROW_CHUNK_BYTES / (cols * 4)));
      for (let r0 = 0; r0 < rows; r0 += step) {
        const v = rowsOf(r0, Math.min(rows, r0 + step));
        if (v.dtype === type && v.dtype !== 'F32') put(new Uint8Array(v.data.buffer, v.data.byteOffset, v.data.byteLength));
        else put(encodeFloat(widen(v), type));
      }
    },
  };
}

function vectorTensor(name: string, values: () => Float32Array, length: number): GgufTensor {
  return { name, dims: [length], type: 'F32', write: (put) => put(encodeFloat(values(), 'F32')) };
}

/** Tokenizer metadata as llama.cpp reads it (gpt2-style BPE or llama-style SentencePiece), padded to the embedding rows. */
export function tokenizerMetadata(tok: BpeTokenizer, c: ModelConfig): [string, GgufValue][] {
  const v = tok.vocabulary();
  const n = c.vocabSize;
  if (v.tokens.length > n) throw new GgufConversionError(`the tokenizer has ${v.tokens.length} tokens but the embedding only ${n} rows`);
  const tokens: string[] = [];
  const types: number[] = [];
  const TYPE = { normal: 1, control: 3, user: 4, unused: 5, byte: 6 } as const; // llama_token_type
  for (let id = 0; id < n; id++) {
    const t = v.tokens[id];
    tokens.push(t ?? `[PAD${id}]`);
    types.push(t === undefined ? TYPE.unused : TYPE[v.kind[id]]);
  }
  const meta: [string, GgufValue][] = [
    ['tokenizer.ggml.model', str(v.style === 'byte-level' ? 'gpt2' : 'llama')],
    ['tokenizer.ggml.tokens', strings(tokens)],
    ['tokenizer.ggml.token_type', i32s(types)],
  ];
  if (v.style === 'byte-level') {
    meta.push(['tokenizer.ggml.pre', str(c.architecture === 'Qwen2ForCausalLM' ? 'qwen2' : 'default')]);
    meta.push(['tokenizer.ggml.merges', strings(v.merges)]);
  } else {
    // SentencePiece scores: earlier merges score higher, as the merge rank order implies
    const rank = new Map<string, number>();
    v.merges.forEach((m, i) => rank.set(m.replace(' ', ''), i));
    meta.push(['tokenizer.ggml.scores', f32s(tokens.map((t) => (rank.has(t) ? -rank.get(t)! : 0)))]);
  }
  const eos = tok.eosTokenIds[0] ?? c.eosTokenIds[0];
  if (tok.bosTokenId !== undefined) meta.push(['tokenizer.ggml.bos_token_id', u32(tok.bosTokenId)]);
  if (eos !== undefined) meta.push(['tokenizer.ggml.eos_token_id', u32(eos)]);
  if (tok.padTokenId !== undefined) meta.push(['tokenizer.ggml.padding_token_id', u32(tok.padTokenId)]);
  meta.push(['tokenizer.ggml.add_bos_token', bool(v.addBos)]);
  if (v.chatTemplate) meta.push(['tokenizer.chat_template', str(v.chatTemplate)]);
  return meta;
}

/** Hyper-parameters under llama.cpp's keys for the llama / qwen2 architectures. */
export function modelMetadata(c: ModelConfig, name: string, fileType: GgmlType): [string, GgufValue][] {
  const a = GGUF_ARCH(c);
  const meta: [string, GgufValue][] = [
    ['general.architecture', str(a)],
    ['general.name', str(name)],
    ['general.file_type', u32(LLAMA_FTYPE[fileType])],
    ['general.quantization_version', u32(2)],
    [`${a}.context_length`, u32(c.maxPositionEmbeddings)],
    [`${a}.embedding_length`, u32(c.hiddenSize)],
    [`${a}.block_count`, u32(c.numLayers)],
    [`${a}.feed_forward_length`, u32(c.intermediateSize)],
    [`${a}.attention.head_count`, u32(c.numHeads)],
    [`${a}.attention.head_count_kv`, u32(c.numKvHeads)],
    [`${a}.attention.key_length`, u32(c.headDim)],
    [`${a}.attention.value_length`, u32(c.headDim)],
    [`${a}.rope.dimension_count`, u32(c.headDim)],
    [`${a}.rope.freq_base`, f32(c.ropeTheta)],
    [`${a}.attention.layer_norm_rms_epsilon`, f32(c.rmsNormEps)],
    [`${a}.vocab_size`, u32(c.vocabSize)],
  ];
  if (c.ropeScaling?.type === 'linear') meta.push([`${a}.rope.scaling.type`, str('linear')], [`${a}.rope.scaling.factor`, f32(c.ropeScaling.factor)]);
  return meta;
}

/** llama3 rope: the per-frequency divisors llama.cpp reads from rope_freqs.weight (θᵢ / factorᵢ = our inverse frequency). */
function ropeFreqFactors(c: ModelConfig): Float32Array {
  const scaled = ropeInvFreq(c);
  const plain = ropeInvFreq({ ...c, ropeScaling: undefined });
  return Float32Array.from(plain, (p, i) => p / scaled[i]);
}

export interface ConvertOptions {
  target?: GgufTarget;
  name?: string;
}

/** Convert an HF folder to a GGUF file. Codes of quantized linears come from packed GPTQ/AWQ tensors or our compressed layout's codes file. */
export function convertToGguf(dir: string, file: string, opts: ConvertOptions = {}): GgufConversion {
  const t0 = performance.now();
  const target = opts.target ?? 'auto';
  const ckpt = Checkpoint.open(dir);
  const c = ckpt.config;
  const support = llamaCppSupport(c);
  if (!support.ok) throw new GgufConversionError(`${dir}: cannot be converted for llama.cpp: ${support.why}`);
  const tok = BpeTokenizer.fromDir(dir);
  const llamaArch = GGUF_ARCH(c) === 'llama';
  const permQ = llamaArch ? ropeRowPermutation(c.numHeads, c.headDim) : null;
  const permK = llamaArch ? ropeRowPermutation(c.numKvHeads, c.headDim) : null;
  const tensors: GgufTensor[] = [];
  const report: ConvertedTensor[] = [];
  const forced: Record<Exclude<GgufTarget, 'auto'>, GgmlType> = { f32: 'F32', f16: 'F16', bf16: 'BF16', q8_0: 'Q8_0', q4_0: 'Q4_0', q4_1: 'Q4_1' };
  const quantTarget = target === 'q8_0' || target === 'q4_0' || target === 'q4_1' ? (forced[target] as 'Q8_0' | 'Q4_0' | 'Q4_1') : null;
  // float type of a dense matrix stored as `dtype`: kept (auto), or the forced one (embeddings stay F16 under q targets)
  const floatTarget = (dtype: 'F32' | 'F16' | 'BF16'): 'F32' | 'F16' | 'BF16' => (target === 'auto' ? dtype : quantTarget ? 'F16' : (forced[target] as 'F32' | 'F16' | 'BF16'));
  const exactFloat = (from: string, to: string) => from === to || to === 'F32' || (from === 'F16' && to === 'F16');

  const dense = (hfName: string, ggufName: string, rows: number, cols: number, perm: Int32Array | null = null) => {
    const dtype = ckpt.floatDtype(hfName) ?? 'F32';
    const type = floatTarget(dtype);
    tensors.push(floatMatrix(ggufName, rows, cols, type, perm ? (r0, r1) => rowsPermuted(ckpt.readStored(hfName, [rows, cols]), cols, perm, r0, r1) : (r0, r1) => ckpt.readRows(hfName, r0, r1)));
    report.push({ name: ggufName, type, exact: exactFloat(dtype, type), ...(exactFloat(dtype, type) ? {} : { note: `${dtype} rounded to ${type}` }) });
  };

  dense('model.embed_tokens.weight', 'token_embd.weight', c.vocabSize, c.hiddenSize);
  for (let l = 0; l < c.numLayers; l++) {
    const p = `model.layers.${l}`;
    tensors.push(vectorTensor(`blk.${l}.attn_norm.weight`, () => ckpt.readF32(`${p}.input_layernorm.weight`, [c.hiddenSize]), c.hiddenSize));
    tensors.push(vectorTensor(`blk.${l}.ffn_norm.weight`, () => ckpt.readF32(`${p}.post_attention_layernorm.weight`, [c.hiddenSize]), c.hiddenSize));
    report.push({ name: `blk.${l}.attn_norm.weight`, type: 'F32', exact: true }, { name: `blk.${l}.ffn_norm.weight`, type: 'F32', exact: true });
    for (const n of LINEAR_NAMES) {
      const [rows, cols] = linearShape(c, n);
      const perm = n === 'q_proj' ? permQ : n === 'k_proj' ? permK : null;
      const name = `blk.${l}.${GGUF_LINEAR[n]}.weight`;
      const hf = linearPrefix(l, n);
      const codes = ckpt.linearCodes(l, n);
      const mapped = codes ? blockTypeOf(codes) : null;
      if (codes && mapped?.type && (target === 'auto' || quantTarget === mapped.type)) {
        // exact: the codes as ggml blocks (scales and offsets rounded to fp16)
        const type = mapped.type;
        tensors.push({ name, dims: [cols, rows], type, write: (put) => put(encodeBlocks(codeBlocks(ckpt.linearCodes(l, n)!, perm), type)) });
        report.push({ name, type, exact: true, note: 'quantization codes written as ggml blocks (fp16 scales)' });
      } else if (quantTarget && cols % GGML_BLOCK[quantTarget][0] === 0) {
        tensors.push({ name, dims: [cols, rows], type: quantTarget, write: (put) => put(quantizeRowsReference(permuteRows(ckpt.linearF32(l, n), cols, perm), rows, cols, quantTarget)) });
        report.push({
          name,
          type: quantTarget,
          exact: false,
          note: `quantized with llama.cpp's reference ${quantTarget} rounding${codes ? ` (codes do not map: ${mapped && !mapped.type ? mapped.why : `not ${quantTarget}`})` : ''}`,
        });
      } else if (codes) {
        const type = target === 'auto' ? 'F32' : floatTarget('F32');
        tensors.push({ name, dims: [cols, rows], type, write: (put) => put(encodeFloat(permuteRows(dequantizeCodes(ckpt.linearCodes(l, n)!), cols, perm), type)) });
        report.push({ name, type, exact: type === 'F32', note: mapped && !mapped.type ? mapped.why : undefined });
      } else dense(`${hf}.weight`, name, rows, cols, perm);
      if (ckpt.has(`${hf}.bias`)) {
        tensors.push(vectorTensor(`blk.${l}.${GGUF_LINEAR[n]}.bias`, () => permuteRows(ckpt.readF32(`${hf}.bias`, [rows]), 1, perm), rows));
        report.push({ name: `blk.${l}.${GGUF_LINEAR[n]}.bias`, type: 'F32', exact: true });
      }
    }
  }
  tensors.push(vectorTensor('output_norm.weight', () => ckpt.readF32('model.norm.weight', [c.hiddenSize]), c.hiddenSize));
  report.push({ name: 'output_norm.weight', type: 'F32', exact: true });
  if (ckpt.has('lm_head.weight')) dense('lm_head.weight', 'output.weight', c.vocabSize, c.hiddenSize);
  else if (!c.tieWordEmbeddings) throw new GgufConversionError(`${dir}: tie_word_embeddings is false, but the checkpoint has no lm_head.weight`);
  if (c.ropeScaling?.type === 'llama3') {
    const factors = ropeFreqFactors(c);
    tensors.push(vectorTensor('rope_freqs.weight', () => factors, factors.length));
    report.push({ name: 'rope_freqs.weight', type: 'F32', exact: true });
  }
  const counts = new Map<GgmlType, number>();
  report.filter((r) => r.name.startsWith('blk.') && r.name.endsWith('.weight') && !r.name.includes('norm')).forEach((r) => counts.set(r.type, (counts.get(r.type) ?? 0) + 1));
  const mainType = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 'F32';
  const metadata = [...modelMetadata(c, opts.name ?? basename(dir), mainType), ...tokenizerMetadata(tok, c)];
  const bytes = writeGguf(file, metadata, tensors);
  return { file, bytes, target, tensors: report, exact: report.every((r) => r.exact), mainType, seconds: (performance.now() - t0) / 1000 };
}

function rowsPermuted(v: StoredValues, cols: number, perm: Int32Array, r0: number, r1: number): StoredValues {
  const src = v.data;
  const out = new (src.constructor as new (n: number) => Float32Array | Uint16Array)((r1 - r0) * cols);
  for (let r = r0; r < r1; r++) out.set(src.subarray(perm[r] * cols, (perm[r] + 1) * cols), (r - r0) * cols);
  return { dtype: v.dtype, data: out } as StoredValues;
}
