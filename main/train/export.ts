// Hugging Face export of the trained decoder (config.json, model.safetensors F32, tokenizer files,
// generation_config.json) and the training checkpoint (weights + AdamW moments + cursor) to resume.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { configJson } from '../model/index.js';
import { readHeader, readTensorF32, writeSafetensors, type TensorToWrite } from '../model/index.js';
import type { ModelConfig } from '../model/index.js';
import { paramSpecs, type Params, type TinyConfig } from './network.js';
import { transposeInto, type Arr } from './ops.js';

export interface SpecialIds {
  endOfText: number;
  imStart: number;
  imEnd: number;
}

/** The runtime's view of the trained model (LlamaForCausalLM, tied embeddings, no biases). */
export function modelConfigOf(c: TinyConfig, ids: SpecialIds): ModelConfig {
  return {
    architecture: 'LlamaForCausalLM',
    modelType: 'llama',
    hiddenSize: c.hidden,
    intermediateSize: c.intermediate,
    numLayers: c.layers,
    numHeads: c.heads,
    numKvHeads: c.kvHeads,
    headDim: c.headDim,
    vocabSize: c.vocabSize,
    rmsNormEps: c.rmsEps,
    ropeTheta: c.ropeTheta,
    maxPositionEmbeddings: c.maxSeq,
    tieWordEmbeddings: true,
    attentionBias: false,
    bosTokenId: undefined,
    eosTokenIds: [ids.imEnd, ids.endOfText],
    padTokenId: ids.endOfText,
  };
}

const f32 = (a: Arr): Float32Array => (a instanceof Float32Array ? a : Float32Array.from(a));

/** W [out, in] from our Wᵀ [in, out], columns [c0, c0 + out) of it. */
function hfWeight(wt: Arr, inF: number, totalOut: number, c0: number, out: number): TensorToWrite {
  const sub = new Float32Array(inF * out);
  for (let i = 0; i < inF; i++) for (let j = 0; j < out; j++) sub[i * out + j] = wt[i * totalOut + c0 + j];
  const w = new Float32Array(out * inF);
  transposeInto(sub, inF, out, w);
  return { dtype: 'F32', shape: [out, inF], data: w };
}

/** HF tensor names and layouts: q/k/v and gate/up split, linears transposed to [out, in]. */
export function hfTensors(c: TinyConfig, params: Params): Map<string, TensorToWrite> {
  const d = c.hidden,
    qd = c.heads * c.headDim,
    kvd = c.kvHeads * c.headDim,
    F = c.intermediate;
  const t = new Map<string, TensorToWrite>();
  const P = (n: string) => params.get(n)!;
  t.set('model.embed_tokens.weight', { dtype: 'F32', shape: [c.vocabSize, d], data: f32(P('embed')) });
  for (let l = 0; l < c.layers; l++) {
    const p = `model.layers.${l}`;
    t.set(`${p}.input_layernorm.weight`, { dtype: 'F32', shape: [d], data: f32(P(`L${l}.norm1`)) });
    t.set(`${p}.post_attention_layernorm.weight`, { dtype: 'F32', shape: [d], data: f32(P(`L${l}.norm2`)) });
    const wqkv = P(`L${l}.wqkv`);
    t.set(`${p}.self_attn.q_proj.weight`, hfWeight(wqkv, d, qd + 2 * kvd, 0, qd));
    t.set(`${p}.self_attn.k_proj.weight`, hfWeight(wqkv, d, qd + 2 * kvd, qd, kvd));
    t.set(`${p}.self_attn.v_proj.weight`, hfWeight(wqkv, d, qd + 2 * kvd, qd + kvd, kvd));
    t.set(`${p}.self_attn.o_proj.weight`, hfWeight(P(`L${l}.wo`), qd, d, 0, d));
    const wgu = P(`L${l}.wgu`);
    t.set(`${p}.mlp.gate_proj.weight`, hfWeight(wgu, d, 2 * F, 0, F));
    t.set(`${p}.mlp.up_proj.weight`, hfWeight(wgu, d, 2 * F, F, F));
    t.set(`${p}.mlp.down_proj.weight`, hfWeight(P(`L${l}.wd`), F, d, 0, d));
  }
  t.set('model.norm.weight', { dtype: 'F32', shape: [d], data: f32(P('normF')) });
  return t;
}

/** Our Wᵀ [in, totalOut] columns [c0, c0 + out) from an HF weight W [out, in]. */
function fromHfWeight(w: Float32Array, inF: number, totalOut: number, c0: number, out: number, into: Arr): void {
  for (let j = 0; j < out; j++) for (let i = 0; i < inF; i++) into[i * totalOut + c0 + j] = w[j * inF + i];
}

/** Weights of a saved HF folder (the inverse of hfTensors), to continue training from a finished model. */
export function paramsFromHf(dir: string, c: TinyConfig, alloc: (n: number) => Arr): Params {
  const header = readHeader(join(dir, 'model.safetensors'));
  const get = (name: string, shape: number[]): Float32Array => {
    const info = header.tensors.get(name);
    if (!info || info.shape.join(',') !== shape.join(','))
      throw new CheckpointError(header.file, `expected tensor ${name} of shape [${shape.join(', ')}], found ${info ? JSON.stringify(info.shape) : 'none'}`);
    return readTensorF32(header, name);
  };
  const d = c.hidden,
    qd = c.heads * c.headDim,
    kvd = c.kvHeads * c.headDim,
    F = c.intermediate;
  const params: Params = new Map();
  const put = (n: string, size: number, fill: (a: Arr) => void) => {
    const a = alloc(size);
    fill(a);
    params.set(n, a);
  };
  const copy = (src: Float32Array) => (a: Arr) => a.set(src);
  put('embed', c.vocabSize * d, copy(get('model.embed_tokens.weight', [c.vocabSize, d])));
  for (let l = 0; l < c.layers; l++) {
    const p = `model.layers.${l}`;
    put(`L${l}.norm1`, d, copy(get(`${p}.input_layernorm.weight`, [d])));
    put(`L${l}.norm2`, d, copy(get(`${p}.post_attention_layernorm.weight`, [d])));
    put(`L${l}.wqkv`, d * (qd + 2 * kvd), (a) => {
      fromHfWeight(get(`${p}.self_attn.q_proj.weight`, [qd, d]), d, qd + 2 * kvd, 0, qd, a);
      fromHfWeight(get(`${p}.self_attn.k_proj.weight`, [kvd, d]), d, qd + 2 * kvd, qd, kvd, a);
      fromHfWeight(get(`${p}.self_attn.v_proj.weight`, [kvd, d]), d, qd + 2 * kvd, qd + kvd, kvd, a);
    });
    put(`L${l}.wo`, qd * d, (a) => fromHfWeight(get(`${p}.self_attn.o_proj.weight`, [d, qd]), qd, d, 0, d, a));
    put(`L${l}.wgu`, d * 2 * F, (a) => {
      fromHfWeight(get(`${p}.mlp.gate_proj.weight`, [F, d]), d, 2 * F, 0, F, a);
      fromHfWeight(get(`${p}.mlp.up_proj.weight`, [F, d]), d, 2 * F, F, F, a);
    });
    put(`L${l}.wd`, F * d, (a) => fromHfWeight(get(`${p}.mlp.down_proj.weight`, [d, F]), F, d, 0, d, a));
  }
  put('normF', d, copy(get('model.norm.weight', [d])));
  for (const s of paramSpecs(c))
    if (params.get(s.name)?.length !== s.rows * s.cols) throw new CheckpointError(header.file, `expected ${s.name} with ${s.rows * s.cols} values, found ${params.get(s.name)?.length ?? 'none'}`);
  return params;
}

/** Write the HF folder: config.json, model.safetensors, generation_config.json and the given tokenizer files. */
export function saveHfModel(dir: string, c: TinyConfig, params: Params, ids: SpecialIds, tokenizer: Record<string, string>, extra: Record<string, string> = {}): void {
  mkdirSync(dir, { recursive: true });
  const cfg = configJson(modelConfigOf(c, ids));
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ ...cfg, transformers_version: '4.45.0' }, null, 2) + '\n');
  const generation = { bos_token_id: null, eos_token_id: [ids.imEnd, ids.endOfText], pad_token_id: ids.endOfText, do_sample: false, max_new_tokens: 256 };
  writeFileSync(join(dir, 'generation_config.json'), JSON.stringify(generation, null, 2) + '\n');
  for (const [name, text] of Object.entries({ ...tokenizer, ...extra })) writeFileSync(join(dir, name), text);
  const tmp = join(dir, 'model.safetensors.tmp');
  writeSafetensors(tmp, hfTensors(c, params), { format: 'pt' });
  renameSync(tmp, join(dir, 'model.safetensors'));
}

// --- training checkpoint --------------------------------------------------------------------------

export interface TrainState {
  step: number;
  /** next example index of the data stream */
  cursor: number;
  /** seconds of training so far (for the card's wall time) */
  seconds: number;
  tokensSeen: number;
  targetTokensSeen: number;
  history: { step: number; loss: number; lr: number; tokensPerS: number }[];
}

export class CheckpointError extends Error {
  constructor(file: string, detail: string) {
    super(`${file}: ${detail}`);
    this.name = 'CheckpointError';
  }
}

/** Weights and AdamW moments in one safetensors file (our names), state and config in JSON beside it; atomic renames. */
export function saveCheckpoint(dir: string, c: TinyConfig, params: Params, m: Params, v: Params, state: TrainState, meta: Record<string, unknown>): void {
  mkdirSync(dir, { recursive: true });
  const tensors = new Map<string, TensorToWrite>();
  for (const s of paramSpecs(c)) {
    const shape = [s.rows, s.cols];
    tensors.set(`param.${s.name}`, { dtype: 'F32', shape, data: f32(params.get(s.name)!) });
    tensors.set(`adam_m.${s.name}`, { dtype: 'F32', shape, data: f32(m.get(s.name)!) });
    tensors.set(`adam_v.${s.name}`, { dtype: 'F32', shape, data: f32(v.get(s.name)!) });
  }
  const file = join(dir, 'checkpoint.safetensors');
  writeSafetensors(`${file}.tmp`, tensors, { step: String(state.step) });
  writeFileSync(join(dir, 'state.json.tmp'), JSON.stringify({ config: c, state, meta }, null, 1) + '\n');
  renameSync(`${file}.tmp`, file);
  renameSync(join(dir, 'state.json.tmp'), join(dir, 'state.json'));
}

export function hasCheckpoint(dir: string): boolean {
  return existsSync(join(dir, 'checkpoint.safetensors')) && existsSync(join(dir, 'state.json'));
}

export function loadCheckpoint(dir: string): { config: TinyConfig; params: Params; m: Params; v: Params; state: TrainState; meta: Record<string, unknown> } {
  const stateFile = join(dir, 'state.json');
  let parsed: { config: TinyConfig; state: TrainState; meta: Record<string, unknown> };
  try {
    parsed = JSON.parse(readFileSync(stateFile, 'utf8'));
  } catch (e) {
    throw new CheckpointError(stateFile, `expected the JSON training state, found ${(e as Error).message}`);
  }
  const header = readHeader(join(dir, 'checkpoint.safetensors'));
  const params: Params = new Map(),
    m: Params = new Map(),
    v: Params = new Map();
  for (const s of paramSpecs(parsed.config)) {
    for (const [prefix, into] of [
      ['param', params],
      ['adam_m', m],
      ['adam_v', v],
    ] as const) {
      const name = `${prefix}.${s.name}`;
      const info = header.tensors.get(name);
      if (!info || info.shape[0] !== s.rows || info.shape[1] !== s.cols)
        throw new CheckpointError(header.file, `expected tensor ${name} of shape [${s.rows}, ${s.cols}], found ${info ? JSON.stringify(info.shape) : 'none'}`);
      into.set(s.name, readTensorF32(header, name));
    }
  }
  return { config: parsed.config, params, m, v, state: parsed.state, meta: parsed.meta };
}
