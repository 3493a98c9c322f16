// Loading a Hugging Face folder (config.json, *.safetensors or a sharded index, tokenizer files), and
// building random small models in memory for tests and benchmarks.
import { freemem } from 'node:os';
import { getEngine, matrix, type Engine, type Matrix } from '../tensor/index.js';
import { parseConfig } from './config.js';
import { Checkpoint, ModelLoadError, linearPrefix, linearShape } from './checkpoint.js';
import { applyRuntime, readRuntime } from './runtime.js';
import { DecoderModel, type DecoderWeights, type LayerWeights, type LinearSlot, type Residency } from './decoder.js';
import { BpeTokenizer, bytesToUnicode } from './tokenizer.js';
import { LINEAR_NAMES, type Architecture, type CausalLM, type ModelConfig } from './types.js';

export { ModelLoadError };

export class InsufficientMemoryError extends ModelLoadError {
  constructor(
    readonly neededBytes: number,
    readonly freeBytes: number,
  ) {
    super(
      `loading needs about ${(neededBytes / 2 ** 30).toFixed(2)} GiB (the linears and the head as float32 on the tensor engine, the embedding as stored), but only ${(freeBytes / 2 ** 30).toFixed(2)} GiB is free; pass allowOverMemory to try anyway`,
    );
    this.name = 'InsufficientMemoryError';
  }
}

export interface LoadOptions {
  allowOverMemory?: boolean;
  engine?: Engine;
  /** apply the runtime transforms the folder records (default true): every command means the same model */
  runtime?: boolean;
  /** resident (default) keeps every layer on the engine; streamed holds one layer at a time (compressing large models) */
  residency?: Residency;
}

/** Parameter count implied by a config (float32 bytes = 4 ×). */
export function parameterCountOf(c: ModelConfig): number {
  const kv = c.numKvHeads * c.headDim;
  const q = c.numHeads * c.headDim;
  const perLayer = c.hiddenSize * q * 2 + c.hiddenSize * kv * 2 + 3 * c.hiddenSize * c.intermediateSize + 2 * c.hiddenSize + (c.attentionBias ? q + 2 * kv : 0);
  return c.vocabSize * c.hiddenSize * (c.tieWordEmbeddings ? 1 : 2) + c.numLayers * perLayer + c.hiddenSize;
}

/**
 * What a loaded model holds: the block linears and the head as float32 on the engine (resident), the embedding in its
 * file dtype. The checkpoint's own copies stay on disk and are read again when a stage needs a weight.
 */
export function residentBytesOf(c: ModelConfig, embedBytesPerValue = 4): number {
  const p = parameterCountOf(c);
  const embed = c.vocabSize * c.hiddenSize;
  const head = c.vocabSize * c.hiddenSize; // tied or not, the engine holds the head in float32
  return (p - embed - (c.tieWordEmbeddings ? 0 : head)) * 4 + head * 4 + embed * embedBytesPerValue;
}

/** Float32 weights our engine holds at most at once before a model goes layer at a time (two 4 GiB wasm heaps, less headroom). */
export const RESIDENT_LIMIT_BYTES = 6 * 2 ** 30;

/**
 * Resident, or layer at a time when the model's float32 weights would not fit comfortably (more than the engine's limit
 * or half the free memory); ACBENCH_STREAMED=1|0 forces it.
 */
export function residencyFor(c: ModelConfig, freeBytes = freemem(), env: NodeJS.ProcessEnv = process.env): Residency {
  if (env.ACBENCH_STREAMED === '1') return 'streamed';
  if (env.ACBENCH_STREAMED === '0') return 'resident';
  const bytes = residentBytesOf(c);
  return bytes > RESIDENT_LIMIT_BYTES || bytes > freeBytes / 2 ? 'streamed' : 'resident';
}

/** A model held a layer at a time: the embedding as stored, and one layer's float32 weights twice (read, and on the engine). */
export function streamedBytesOf(c: ModelConfig, embedBytesPerValue = 4): number {
  const layer = (parameterCountOf({ ...c, numLayers: 1, vocabSize: 0 }) - c.hiddenSize) * 4;
  return c.vocabSize * c.hiddenSize * embedBytesPerValue + 2 * layer;
}

/** A model from its folder, or from a checkpoint already opened (its config.json and shard headers read once). */
export async function loadModel(source: string | Checkpoint, opts: LoadOptions = {}): Promise<CausalLM> {
  const ckpt = typeof source === 'string' ? Checkpoint.open(source) : source;
  const dir = ckpt.dir;
  const c = ckpt.config;
  const embedDtype = ckpt.floatDtype('model.embed_tokens.weight') ?? 'F32';
  const needed = opts.residency === 'streamed' ? streamedBytesOf(c, embedDtype === 'F32' ? 4 : 2) : residentBytesOf(c, embedDtype === 'F32' ? 4 : 2);
  if (!opts.allowOverMemory && needed > freemem()) throw new InsufficientMemoryError(needed, freemem());
  const tokenizer = BpeTokenizer.fromDir(dir);
  const layers: LayerWeights[] = [];
  for (let i = 0; i < c.numLayers; i++) {
    const p = `model.layers.${i}`;
    const linears = {} as LayerWeights['linears'];
    for (const n of LINEAR_NAMES) {
      const [rows, cols] = linearShape(c, n);
      const base = linearPrefix(i, n);
      const bias = ckpt.has(`${base}.bias`) ? ckpt.readF32(`${base}.bias`, [rows]) : undefined;
      const dense = ckpt.has(`${base}.weight`);
      if (dense) ckpt.expectShape(`${base}.weight`, [rows, cols]); // checked now, the values read when a stage needs them
      linears[n] = { rows, cols, bias, read: () => ckpt.linearF32(i, n), ...(dense ? { stored: () => ckpt.readStored(`${base}.weight`, [rows, cols]) } : {}) };
    }
    layers.push({ inputNorm: ckpt.readF32(`${p}.input_layernorm.weight`, [c.hiddenSize]), postAttentionNorm: ckpt.readF32(`${p}.post_attention_layernorm.weight`, [c.hiddenSize]), linears });
  }
  const headShape = [c.vocabSize, c.hiddenSize];
  if (ckpt.has('lm_head.weight')) ckpt.expectShape('lm_head.weight', headShape);
  const weights: DecoderWeights = {
    embed: { rows: c.vocabSize, cols: c.hiddenSize, values: ckpt.readStored('model.embed_tokens.weight', headShape) },
    layers,
    finalNorm: ckpt.readF32('model.norm.weight', [c.hiddenSize]),
    lmHead: ckpt.has('lm_head.weight')
      ? { rows: c.vocabSize, cols: c.hiddenSize, read: () => ckpt.readF32('lm_head.weight', headShape), stored: () => ckpt.readStored('lm_head.weight', headShape) }
      : null,
  };
  if (!c.tieWordEmbeddings && !weights.lmHead) throw new ModelLoadError(`${dir}: tie_word_embeddings is false, but the checkpoint has no lm_head.weight`);
  const model = new DecoderModel(c, tokenizer, weights, { dir, tokenizerFiles: {} }, opts.engine);
  model.residency = opts.residency ?? 'resident';
  if (opts.runtime !== false) applyRuntime(model, readRuntime(dir));
  return model;
}

/** Mulberry32: a small seeded generator; Box–Muller for normals. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function seededNormal(seed: number): () => number {
  const u = seededRandom(seed);
  return () => Math.sqrt(-2 * Math.log(u() || 1e-12)) * Math.cos(2 * Math.PI * u());
}

export const CHATML_TEMPLATE =
  "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>\\n' }}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

/**
 * tokenizer.json's "model" for byte-level BPE: no dropout, unknown token, word affixes or byte fallback; merges as
 * "a b" (byte symbols never hold a space); `ignore_merges` written only when given.
 */
export function bpeModelJson(vocab: Record<string, number>, merges: readonly [string, string][], o: { ignoreMerges?: boolean } = {}): Record<string, unknown> {
  const ignore = o.ignoreMerges === undefined ? {} : { ignore_merges: o.ignoreMerges };
  return {
    type: 'BPE',
    dropout: null,
    unk_token: null,
    continuing_subword_prefix: null,
    end_of_word_suffix: null,
    fuse_unk: false,
    byte_fallback: false,
    ...ignore,
    vocab,
    merges: merges.map(([a, b]) => `${a} ${b}`),
  };
}

/** A byte-level tokenizer.json with the 256 byte symbols, optional merges and ChatML special tokens. */
export function byteLevelTokenizerFiles(merges: [string, string][] = []): Record<string, string> {
  const symbols = bytesToUnicode();
  const vocab: Record<string, number> = {};
  symbols.forEach((s, i) => (vocab[s] = i));
  for (const [a, b] of merges) if (!(a + b in vocab)) vocab[a + b] = Object.keys(vocab).length;
  const n = Object.keys(vocab).length;
  const specials = ['<|endoftext|>', '<|im_start|>', '<|im_end|>'];
  const tokenizer = {
    version: '1.0',
    added_tokens: specials.map((content, i) => ({ id: n + i, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true })),
    normalizer: null,
    pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
    post_processor: null,
    decoder: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
    model: bpeModelJson(vocab, merges),
  };
  const config = { eos_token: '<|im_end|>', pad_token: '<|endoftext|>', bos_token: null, add_bos_token: false, chat_template: CHATML_TEMPLATE, model_max_length: 4096 };
  const generation = { eos_token_id: [n + 2, n], do_sample: false };
  return { 'tokenizer.json': JSON.stringify(tokenizer), 'tokenizer_config.json': JSON.stringify(config, null, 2), 'generation_config.json': JSON.stringify(generation, null, 2) };
}

export type RandomModelConfig = Partial<ModelConfig> & { architecture: Architecture };

/** A random small model with a byte-level tokenizer (vocab ≥ 259), for tests of every room. */
export function createRandomModel(partial: RandomModelConfig, seed: number, engine: Engine = getEngine()): CausalLM {
  const files = byteLevelTokenizerFiles();
  const tokenizer = new BpeTokenizer(JSON.parse(files['tokenizer.json']), JSON.parse(files['tokenizer_config.json']), JSON.parse(files['generation_config.json']));
  const hidden = partial.hiddenSize ?? 32;
  const heads = partial.numHeads ?? 4;
  const config = parseConfig({
    architectures: [partial.architecture],
    model_type: partial.architecture === 'Qwen2ForCausalLM' ? 'qwen2' : partial.architecture === 'MistralForCausalLM' ? 'mistral' : 'llama',
    hidden_size: hidden,
    intermediate_size: partial.intermediateSize ?? hidden * 2,
    num_hidden_layers: partial.numLayers ?? 2,
    num_attention_heads: heads,
    num_key_value_heads: partial.numKvHeads ?? heads,
    head_dim: partial.headDim ?? hidden / heads,
    vocab_size: Math.max(partial.vocabSize ?? 272, tokenizer.vocabSize),
    rms_norm_eps: partial.rmsNormEps ?? 1e-6,
    rope_theta: partial.ropeTheta ?? 10000,
    rope_scaling: partial.ropeScaling
      ? {
          rope_type: partial.ropeScaling.type,
          factor: partial.ropeScaling.factor,
          low_freq_factor: partial.ropeScaling.lowFreqFactor,
          high_freq_factor: partial.ropeScaling.highFreqFactor,
          original_max_position_embeddings: partial.ropeScaling.originalMaxPositionEmbeddings,
        }
      : undefined,
    max_position_embeddings: partial.maxPositionEmbeddings ?? 512,
    tie_word_embeddings: partial.tieWordEmbeddings ?? false,
    attention_bias: partial.attentionBias ?? partial.architecture === 'Qwen2ForCausalLM',
    sliding_window: partial.slidingWindow,
    use_sliding_window: partial.slidingWindow !== undefined,
    eos_token_id: tokenizer.eosTokenIds[0],
  });
  const normal = seededNormal(seed);
  const rand = (rows: number, cols: number, scale: number) =>
    matrix(
      rows,
      cols,
      Float32Array.from({ length: rows * cols }, () => normal() * scale),
    );
  const vec = (n: number, around: number, spread: number) => Float32Array.from({ length: n }, () => around + normal() * spread);
  const c = config;
  const q = c.numHeads * c.headDim;
  const kv = c.numKvHeads * c.headDim;
  const s = 1 / Math.sqrt(c.hiddenSize);
  const slot = (weight: Matrix, bias?: Float32Array): LinearSlot => ({ rows: weight.rows, cols: weight.cols, weight, bias });
  const layers: LayerWeights[] = Array.from({ length: c.numLayers }, () => ({
    inputNorm: vec(c.hiddenSize, 1, 0.1),
    postAttentionNorm: vec(c.hiddenSize, 1, 0.1),
    linears: {
      q_proj: slot(rand(q, c.hiddenSize, s), c.attentionBias ? vec(q, 0, 0.1) : undefined),
      k_proj: slot(rand(kv, c.hiddenSize, s), c.attentionBias ? vec(kv, 0, 0.1) : undefined),
      v_proj: slot(rand(kv, c.hiddenSize, s), c.attentionBias ? vec(kv, 0, 0.1) : undefined),
      o_proj: slot(rand(c.hiddenSize, q, 1 / Math.sqrt(q))),
      gate_proj: slot(rand(c.intermediateSize, c.hiddenSize, s)),
      up_proj: slot(rand(c.intermediateSize, c.hiddenSize, s)),
      down_proj: slot(rand(c.hiddenSize, c.intermediateSize, 1 / Math.sqrt(c.intermediateSize))),
    },
  }));
  const weights: DecoderWeights = {
    embed: { rows: c.vocabSize, cols: c.hiddenSize, values: { dtype: 'F32', data: rand(c.vocabSize, c.hiddenSize, 1).data } },
    layers,
    finalNorm: vec(c.hiddenSize, 1, 0.1),
    lmHead: c.tieWordEmbeddings ? null : slot(rand(c.vocabSize, c.hiddenSize, s)),
  };
  return new DecoderModel(config, tokenizer, weights, { dir: '', tokenizerFiles: files }, engine);
}
