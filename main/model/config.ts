// Hugging Face config.json → ModelConfig for the Llama / Qwen2 / Mistral family.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
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
    if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) throw new ModelConfigError(file, `expected "${key}" to be a positive integer, found ${JSON.stringify(v)}`);
    return v;
  };
  const hiddenSize = int('hidden_size');
  const numHeads = int('num_attention_heads');
  const numKvHeads = int('num_key_value_heads', numHeads);
  if (numHeads % numKvHeads !== 0) throw new ModelConfigError(file, `expected num_attention_heads (${numHeads}) to be a multiple of num_key_value_heads (${numKvHeads})`);
  const headDim = typeof raw.head_dim === 'number' ? raw.head_dim : hiddenSize / numHeads;
  if (!Number.isInteger(headDim) || headDim % 2 !== 0) throw new ModelConfigError(file, `expected an even head dimension, found ${headDim}`);
  const eos = raw.eos_token_id;
  const rs = raw.rope_scaling as Record<string, unknown> | null | undefined;
  let ropeScaling: RopeScaling | undefined;
  if (rs && typeof rs === 'object') {
    const type = (rs.rope_type ?? rs.type) as string;
    if (type !== 'linear' && type !== 'dynamic' && type !== 'llama3' && type !== 'default')
      throw new ModelConfigError(file, `expected rope_scaling type linear, dynamic or llama3, found ${JSON.stringify(type)}`);
    if (type !== 'default')
      ropeScaling = {
        type,
        factor: Number(rs.factor ?? 1),
        lowFreqFactor: rs.low_freq_factor as number | undefined,
        highFreqFactor: rs.high_freq_factor as number | undefined,
        originalMaxPositionEmbeddings: rs.original_max_position_embeddings as number | undefined,
      };
  }
  const slidingWindow = architecture === 'MistralForCausalLM' || raw.use_sliding_window ? (raw.sliding_window as number | null | undefined) ?? undefined : undefined;
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
    rmsNormEps: typeof raw.rms_norm_eps === 'number' ? raw.rms_norm_eps : 1e-6,
    ropeTheta: typeof raw.rope_theta === 'number' ? raw.rope_theta : 10000,
    ropeScaling,
    maxPositionEmbeddings: typeof raw.max_position_embeddings === 'number' ? raw.max_position_embeddings : 2048,
    tieWordEmbeddings: raw.tie_word_embeddings === true,
    attentionBias: architecture === 'Qwen2ForCausalLM' ? true : raw.attention_bias === true,
    slidingWindow: typeof slidingWindow === 'number' && slidingWindow > 0 ? slidingWindow : undefined,
    bosTokenId: typeof raw.bos_token_id === 'number' ? raw.bos_token_id : undefined,
    eosTokenIds: Array.isArray(eos) ? (eos as number[]) : typeof eos === 'number' ? [eos] : [],
    padTokenId: typeof raw.pad_token_id === 'number' ? raw.pad_token_id : undefined,
    torchDtype: typeof raw.torch_dtype === 'string' ? raw.torch_dtype : undefined,
  };
}

export function readConfig(dir: string): ModelConfig {
  const file = join(dir, 'config.json');
  if (!existsSync(file)) throw new ModelConfigError(file, 'expected a Hugging Face config.json in the model folder, found none');
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ModelConfigError(file, `expected JSON, found invalid text (${(error as Error).message})`);
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new ModelConfigError(file, 'expected a JSON object');
  return parseConfig(raw as Record<string, unknown>, file);
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
      ? { rope_scaling: { rope_type: c.ropeScaling.type, factor: c.ropeScaling.factor, low_freq_factor: c.ropeScaling.lowFreqFactor, high_freq_factor: c.ropeScaling.highFreqFactor, original_max_position_embeddings: c.ropeScaling.originalMaxPositionEmbeddings } }
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
