// Hugging Face config.json → ModelConfig for the Llama / Qwen2 / Mistral family.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readUserJsonObject, UserFileError } from './files.js';
import { SUPPORTED_ARCHITECTURES, type Architecture, type ModelConfig, type RopeScaling } from './types.js';

export class ModelConfigError extends Error {
  constructor(file: string, detail: string) {
    super(`${file}: ${detail}`);
    this.name = 'ModelConfigError';
  }
}

export class UnsupportedArchitectureError extends ModelConfigError {
  constructor(file: string, found: unknown) {
    super(file, `expected architectures to name one of ${SUPPORTED_ARCHITECTURES.join(', ')}, found ${JSON.stringify(found)}`);
    this.name = 'UnsupportedArchitectureError';
  }
}

export function parseConfig(raw: Record<string, unknown>, file = 'config.json'): ModelConfig {
  const archs = raw.architectures;
  const architecture = (Array.isArray(archs) ? archs : []).find((a) => SUPPORTED_ARCHITECTURES.includes(a as Architecture)) as Architecture | undefined;
  if (!architecture) throw new UnsupportedArchitectureError(file, archs);
  const int = (key: string, fallback?: number): number => {
    const v = raw[key] ?? fallback;
    // widths become array sizes: beyond 2^24 a forward pass cannot allocate them anyway
    if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0 || v > 2 ** 24)
      throw new ModelConfigError(file, `expected "${key}" to be a positive integer (at most ${2 ** 24}), found ${JSON.stringify(v)}`);
    return v;
  };
  const hiddenSize = int('hidden_size');
  const numHeads = int('num_attention_heads');
  const numKvHeads = int('num_key_value_heads', numHeads);
  if (numHeads % numKvHeads !== 0) throw new ModelConfigError(file, `expected num_attention_heads (${numHeads}) to be a multiple of num_key_value_heads (${numKvHeads})`);
  const headDim = raw.head_dim === undefined || raw.head_dim === null ? hiddenSize / numHeads : raw.head_dim;
  if (typeof headDim !== 'number' || !Number.isInteger(headDim) || headDim <= 0 || headDim > 2 ** 16 || headDim % 2 !== 0)
    throw new ModelConfigError(file, `expected "head_dim" (or hidden_size / num_attention_heads) to be a positive even integer up to ${2 ** 16}, found ${JSON.stringify(headDim)}`);
  // hyper-parameters a forward pass divides by or raises to: a bad one gives NaN logits, so it is refused here
  const positive = (key: string, value: unknown, fallback?: number): number => {
    const v = value ?? fallback;
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) throw new ModelConfigError(file, `expected "${key}" to be a finite number > 0, found ${JSON.stringify(v) ?? String(v)}`);
    return v;
  };
  const optionalId = (key: string): number | undefined => {
    const v = raw[key];
    if (v === undefined || v === null) return undefined;
    if (!Number.isInteger(v) || (v as number) < 0) throw new ModelConfigError(file, `expected "${key}" to be a token id (an integer ≥ 0) or null, found ${JSON.stringify(v)}`);
    return v as number;
  };
  const eos = raw.eos_token_id;
  const eosTokenIds = eos === undefined || eos === null ? [] : Array.isArray(eos) ? eos : [eos];
  if (!eosTokenIds.every((id) => Number.isInteger(id) && id >= 0)) throw new ModelConfigError(file, `expected "eos_token_id" to be a token id or a list of them, found ${JSON.stringify(eos)}`);
  const rs = raw.rope_scaling as Record<string, unknown> | null | undefined;
  let ropeScaling: RopeScaling | undefined;
  if (rs !== undefined && rs !== null && (typeof rs !== 'object' || Array.isArray(rs)))
    throw new ModelConfigError(file, `expected "rope_scaling" to be an object or null, found ${JSON.stringify(rs)}`);
  if (rs) {
    const type = (rs.rope_type ?? rs.type) as string;
    if (type !== 'linear' && type !== 'dynamic' && type !== 'llama3' && type !== 'default')
      throw new ModelConfigError(file, `expected rope_scaling type linear, dynamic or llama3, found ${JSON.stringify(type)}`);
    if (type !== 'default') {
      const optional = (key: string) => (rs[key] === undefined || rs[key] === null ? undefined : positive(`rope_scaling.${key}`, rs[key]));
      ropeScaling = {
        type,
        factor: positive('rope_scaling.factor', rs.factor, 1),
        lowFreqFactor: optional('low_freq_factor'),
        highFreqFactor: optional('high_freq_factor'),
        originalMaxPositionEmbeddings: optional('original_max_position_embeddings'),
      };
      if (type === 'llama3' && (ropeScaling.highFreqFactor ?? 4) <= (ropeScaling.lowFreqFactor ?? 1))
        throw new ModelConfigError(file, `expected rope_scaling.high_freq_factor > low_freq_factor, found ${ropeScaling.highFreqFactor ?? 4} ≤ ${ropeScaling.lowFreqFactor ?? 1}`);
    }
  }
  const slidingRaw = architecture === 'MistralForCausalLM' || raw.use_sliding_window ? raw.sliding_window : undefined;
  if (slidingRaw !== undefined && slidingRaw !== null && !(Number.isInteger(slidingRaw) && (slidingRaw as number) >= 0))
    throw new ModelConfigError(file, `expected "sliding_window" to be a whole number of tokens or null, found ${JSON.stringify(slidingRaw)}`);
  const slidingWindow = slidingRaw as number | null | undefined;
  return {
    architecture,
    modelType: String(raw.model_type ?? architecture),
    hiddenSize,
    intermediateSize: int('intermediate_size'),
    numLayers: int('num_hidden_layers'),
    numHeads,
    numKvHeads,
    headDim,
    vocabSize: int('vocab_size'),
    rmsNormEps: positive('rms_norm_eps', raw.rms_norm_eps, 1e-6),
    ropeTheta: positive('rope_theta', raw.rope_theta, 10000),
    ropeScaling,
    maxPositionEmbeddings: int('max_position_embeddings', 2048),
    tieWordEmbeddings: raw.tie_word_embeddings === true,
    attentionBias: architecture === 'Qwen2ForCausalLM' ? true : raw.attention_bias === true,
    slidingWindow: typeof slidingWindow === 'number' && slidingWindow > 0 ? slidingWindow : undefined,
    bosTokenId: optionalId('bos_token_id'),
    eosTokenIds: eosTokenIds as number[],
    padTokenId: optionalId('pad_token_id'),
    torchDtype: typeof raw.torch_dtype === 'string' ? raw.torch_dtype : undefined,
  };
}

export function readConfig(dir: string): ModelConfig {
  const file = join(dir, 'config.json');
  if (!existsSync(file)) throw new ModelConfigError(file, 'expected a Hugging Face config.json in the model folder, found none');
  let raw: Record<string, unknown>;
  try {
    raw = readUserJsonObject(file);
  } catch (error) {
    if (error instanceof UserFileError) throw new ModelConfigError(file, `expected ${error.expected}, found ${error.found}`);
    throw error;
  }
  return parseConfig(raw, file);
}

/** config.json written for a ModelConfig (inverse of parseConfig for the fields we use). */
export function configJson(c: ModelConfig): Record<string, unknown> {
  return {
    architectures: [c.architecture],
    model_type: c.modelType,
    hidden_size: c.hiddenSize,
    intermediate_size: c.intermediateSize,
    num_hidden_layers: c.numLayers,
    num_attention_heads: c.numHeads,
    num_key_value_heads: c.numKvHeads,
    head_dim: c.headDim,
    vocab_size: c.vocabSize,
    rms_norm_eps: c.rmsNormEps,
    rope_theta: c.ropeTheta,
    ...(c.ropeScaling
      ? {
          rope_scaling: {
            rope_type: c.ropeScaling.type,
            factor: c.ropeScaling.factor,
            low_freq_factor: c.ropeScaling.lowFreqFactor,
            high_freq_factor: c.ropeScaling.highFreqFactor,
            original_max_position_embeddings: c.ropeScaling.originalMaxPositionEmbeddings,
          },
        }
      : {}),
    max_position_embeddings: c.maxPositionEmbeddings,
    tie_word_embeddings: c.tieWordEmbeddings,
    attention_bias: c.attentionBias,
    ...(c.slidingWindow ? { sliding_window: c.slidingWindow, use_sliding_window: true } : {}),
    bos_token_id: c.bosTokenId,
    eos_token_id: c.eosTokenIds.length === 1 ? c.eosTokenIds[0] : c.eosTokenIds,
    pad_token_id: c.padTokenId,
    torch_dtype: 'float32',
  };
}

/** Inverse frequencies of rotary embeddings, with rope_scaling (linear, llama3; dynamic is applied per length). */
export function ropeInvFreq(c: ModelConfig, seqLen = 0): Float64Array {
  const half = c.headDim / 2;
  let base = c.ropeTheta;
  const s = c.ropeScaling;
  if (s?.type === 'dynamic' && seqLen > c.maxPositionEmbeddings) {
    // NTK-aware: base · ((factor·L/Lmax) − (factor − 1))^(d/(d−2))
    base = base * ((s.factor * seqLen) / c.maxPositionEmbeddings - (s.factor - 1)) ** (c.headDim / (c.headDim - 2));
  }
  const inv = new Float64Array(half);
  for (let i = 0; i < half; i++) inv[i] = 1 / base ** ((2 * i) / c.headDim);
  if (s?.type === 'linear') for (let i = 0; i < half; i++) inv[i] /= s.factor;
  if (s?.type === 'llama3') {
    const low = s.lowFreqFactor ?? 1;
    const high = s.highFreqFactor ?? 4;
    const orig = s.originalMaxPositionEmbeddings ?? 8192;
    const lowWavelen = orig / low;
    const highWavelen = orig / high;
    for (let i = 0; i < half; i++) {
      const wavelen = (2 * Math.PI) / inv[i];
      if (wavelen > lowWavelen) inv[i] /= s.factor;
      else if (wavelen >= highWavelen) {
        const smooth = (orig / wavelen - low) / (high - low);
        inv[i] = (1 - smooth) * (inv[i] / s.factor) + smooth * inv[i];
      }
    }
  }
  return inv;
}
