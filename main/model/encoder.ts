// Sentence encoders in the sentence-transformers folder layout (all-mpnet-base-v2, all-MiniLM-L6-v2, …) on our engine:
// modules.json → Transformer (BERT or MPNet, safetensors + tokenizer.json) → Pooling (1_Pooling/config.json) → Normalize.
// Forward (post-LayerNorm encoder, HF modeling_bert.py / modeling_mpnet.py):
//   BERT:  x = LN(E_word[id] + E_pos[i] + E_type[0]),  positions i = 0…L−1
//   MPNet: x = LN(E_word[id] + E_pos[i + 2]),          positions start at padding_idx + 1 = 2
//   each layer: a = LN(x + O(softmax(Q·Kᵀ/√d + B) V)),  x = LN(a + W₂·act(W₁a))
//   with B = 0 for BERT and MPNet's relative position bias B[h, i, j] = bias[bucket(j − i), h] shared by all layers.
// Pooling (sentence-transformers Pooling.forward): [cls | max | mean | mean·√n | weighted mean | last token] concatenated in
// that order, each over the sentence's tokens; Normalize: e/max(‖e‖₂, 1e−12).
// A sentence is encoded alone (no padding): padded batches give the same token states (masked keys, right padding).
import { ExpectedFoundError } from '../base/index.js';
import { existsSync, readdirSync } from 'node:fs';
import { readUserJson, readUserJsonObject, UserFileError } from './files.js';
import { join } from 'node:path';
import { getEngine, matrix, type Engine, type Matrix, type ResidentWeight } from '../tensor/index.js';
import { readHeader, readTensorF32, type SafetensorsHeader } from './safetensors.js';
import { WordPieceTokenizer } from './wordpiece.js';

export class EncoderLoadError extends ExpectedFoundError {
  override name = 'EncoderLoadError';
}

export type EncoderArchitecture = 'bert' | 'mpnet';
export type HiddenAct = 'gelu' | 'gelu_new' | 'gelu_pytorch_tanh' | 'relu';

export interface EncoderConfig {
  modelType: EncoderArchitecture;
  hiddenSize: number;
  numLayers: number;
  numHeads: number;
  intermediateSize: number;
  hiddenAct: HiddenAct;
  layerNormEps: number;
  maxPositionEmbeddings: number;
  vocabSize: number;
  /** BERT only */
  typeVocabSize: number;
  /** MPNet only (relative_attention_num_buckets, default 32) */
  relativeAttentionNumBuckets: number;
}

export interface PoolingConfig {
  cls: boolean;
  max: boolean;
  mean: boolean;
  meanSqrtLen: boolean;
  weightedMean: boolean;
  lastToken: boolean;
}

interface Linear {
  weight: ResidentWeight;
  bias: Float32Array;
}

interface EncoderLayer {
  q: Linear;
  k: Linear;
  v: Linear;
  o: Linear;
  attentionNorm: { gamma: Float32Array; beta: Float32Array };
  intermediate: Linear;
  output: Linear;
  outputNorm: { gamma: Float32Array; beta: Float32Array };
}

const num = (raw: Record<string, unknown>, key: string, file: string, fallback?: number): number => {
  const v = raw[key] ?? fallback;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new EncoderLoadError(`${file} ${key}`, 'a number', JSON.stringify(v));
  return v;
};

/** config.json of a BERT / MPNet encoder. */
export function parseEncoderConfig(raw: Record<string, unknown>, file = 'config.json'): EncoderConfig {
  const modelType = raw.model_type;
  if (modelType !== 'bert' && modelType !== 'mpnet') throw new EncoderLoadError(`${file} model_type`, '"bert" or "mpnet" (a BERT/MiniLM or MPNet sentence encoder)', JSON.stringify(modelType));
  const act = raw.hidden_act ?? 'gelu';
  if (!['gelu', 'gelu_new', 'gelu_pytorch_tanh', 'relu'].includes(act as string)) throw new EncoderLoadError(`${file} hidden_act`, 'gelu, gelu_new, gelu_pytorch_tanh or relu', JSON.stringify(act));
  const posType = raw.position_embedding_type ?? 'absolute';
  if (modelType === 'bert' && posType !== 'absolute') throw new EncoderLoadError(`${file} position_embedding_type`, '"absolute"', JSON.stringify(posType));
  const c: EncoderConfig = {
    modelType,
    hiddenSize: num(raw, 'hidden_size', file),
    numLayers: num(raw, 'num_hidden_layers', file),
    numHeads: num(raw, 'num_attention_heads', file),
    intermediateSize: num(raw, 'intermediate_size', file),
    hiddenAct: act as HiddenAct,
    layerNormEps: num(raw, 'layer_norm_eps', file, 1e-12),
    maxPositionEmbeddings: num(raw, 'max_position_embeddings', file),
    vocabSize: num(raw, 'vocab_size', file),
    typeVocabSize: num(raw, 'type_vocab_size', file, 2),
    relativeAttentionNumBuckets: num(raw, 'relative_attention_num_buckets', file, 32),
  };
  if (c.hiddenSize % c.numHeads !== 0) throw new EncoderLoadError(`${file} hidden_size`, `a multiple of num_attention_heads (${c.numHeads})`, String(c.hiddenSize));
  return c;
}

/** 1_Pooling/config.json (sentence-transformers Pooling; its defaults when a key is absent). */
export function parsePoolingConfig(raw: Record<string, unknown>): PoolingConfig {
  const mode = typeof raw.pooling_mode === 'string' ? raw.pooling_mode.toLowerCase() : undefined;
  const flag = (key: string, byMode: string, fallback: boolean) => (mode !== undefined ? mode === byMode : ((raw[key] as boolean | undefined) ?? fallback));
  return {
    cls: flag('pooling_mode_cls_token', 'cls', false),
    max: flag('pooling_mode_max_tokens', 'max', false),
    mean: flag('pooling_mode_mean_tokens', 'mean', true),
    meanSqrtLen: flag('pooling_mode_mean_sqrt_len_tokens', 'mean_sqrt_len_tokens', false),
    weightedMean: flag('pooling_mode_weightedmean_tokens', 'weightedmean', false),
    lastToken: flag('pooling_mode_lasttoken', 'lasttoken', false),
  };
}

/** erf(x) to double precision: Maclaurin series for |x| < 3, Lentz's continued fraction of erfc beyond. */
export function erf(x: number): number {
  const ax = Math.abs(x);
  if (ax >= 6) return Math.sign(x);
  if (ax < 3) {
    // erf x = 2/√π · Σ (−1)ⁿ x^(2n+1) / (n!(2n+1))
    let term = ax;
    let sum = ax;
    for (let n = 1; n < 200; n++) {
      term *= (-ax * ax) / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    return Math.sign(x) * (2 / Math.sqrt(Math.PI)) * sum;
  }
  // erfc x = exp(−x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + …)))))
  const tiny = 1e-300;
  let f = ax;
  let c = ax;
  let d = 0;
  for (let n = 1; n < 300; n++) {
    const a = n / 2;
    d = ax + a * d;
    d = d === 0 ? tiny : d;
    c = ax + a / c;
    c = c === 0 ? tiny : c;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  const erfc = Math.exp(-ax * ax) / Math.sqrt(Math.PI) / f;
  return Math.sign(x) * (1 - erfc);
}

/** The activation between the two feed-forward linears (HF ACT2FN). */
export function activation(name: HiddenAct): (x: number) => number {
  switch (name) {
    case 'gelu':
      return (x) => 0.5 * x * (1 + erf(x / Math.SQRT2)); // exact GELU, torch.nn.functional.gelu
    case 'gelu_new':
    case 'gelu_pytorch_tanh':
      return (x) => 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3)));
    case 'relu':
      return (x) => (x > 0 ? x : 0);
  }
}

/**
 * MPNet's relative position bucket of (key − query) = relative_position (modeling_mpnet.py relative_position_bucket,
 * num_buckets 32, max_distance 128): n = −relative_position; half the buckets for n < 0; |n| < 8 exact; beyond,
 * 8 + ⌊log(|n|/8)/log(128/8)·8⌋ (computed in float32 as torch does), at most 15.
 */
export function relativePositionBucket(relativePosition: number, numBuckets = 32, maxDistance = 128): number {
  const f = Math.fround;
  let n = -relativePosition;
  const half = Math.floor(numBuckets / 2);
  let ret = n < 0 ? half : 0;
  n = Math.abs(n);
  const maxExact = Math.floor(half / 2);
  if (n < maxExact) return ret + n;
  const large = maxExact + Math.trunc(f(f(f(Math.log(f(n / maxExact))) / f(Math.log(maxDistance / maxExact))) * (half - maxExact)));
  ret += Math.min(large, half - 1);
  return ret;
}

/** y = (x − mean)/√(var + eps)·γ + β per row (biased variance), in float64, stored as float32. */
export function layerNorm(x: Matrix, gamma: Float32Array, beta: Float32Array, eps: number): Matrix {
  const { rows, cols, data } = x;
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    let mean = 0;
    for (let j = 0; j < cols; j++) mean += data[r * cols + j];
    mean /= cols;
    let v = 0;
    for (let j = 0; j < cols; j++) v += (data[r * cols + j] - mean) ** 2;
    const inv = 1 / Math.sqrt(v / cols + eps);
    for (let j = 0; j < cols; j++) out[r * cols + j] = (data[r * cols + j] - mean) * inv * gamma[j] + beta[j];
  }
  return matrix(rows, cols, out);
}

/** The module stack of a sentence-transformers folder, read from modules.json (a bare HF folder: mean pooling only). */
interface ModuleStack {
  transformerDir: string;
  poolingDir: string | null;
  normalize: boolean;
}

function readModules(dir: string): ModuleStack {
  const file = join(dir, 'modules.json');
  if (!existsSync(file)) throw new EncoderLoadError(dir, 'a sentence-transformers folder with modules.json (e.g. all-mpnet-base-v2)', 'no modules.json');
  let modules: { path?: string; type?: string }[];
  try {
    modules = readUserJson(file) as { path?: string; type?: string }[]; // a regular file within the limit
  } catch (e) {
    if (e instanceof UserFileError) throw new EncoderLoadError(file, e.expected, e.found);
    throw e;
  }
  if (!Array.isArray(modules)) throw new EncoderLoadError(file, 'a list of modules', typeof modules);
  const stack: ModuleStack = { transformerDir: '', poolingDir: null, normalize: false };
  let transformer = false;
  for (const m of modules) {
    const kind = (m.type ?? '').split('.').pop();
    const path = join(dir, m.path ?? '');
    if (kind === 'Transformer') {
      stack.transformerDir = path;
      transformer = true;
    } else if (kind === 'Pooling') stack.poolingDir = path;
    else if (kind === 'Normalize') stack.normalize = true;
    else throw new EncoderLoadError(`${file} module ${JSON.stringify(m.type)}`, 'Transformer, Pooling and Normalize modules only', JSON.stringify(m.type));
  }
  if (!transformer) throw new EncoderLoadError(file, 'a sentence_transformers.models.Transformer module', 'none');
  return stack;
}

const readJson = (file: string): Record<string, unknown> => {
  try {
    return readUserJsonObject(file);
  } catch (e) {
    if (e instanceof UserFileError) throw new EncoderLoadError(file, `a readable JSON file (${e.expected})`, e.found);
    throw e;
  }
};

/** A sentence encoder: text → one embedding (normalised when the folder has a Normalize module). */
export class SentenceEncoder {
  private constructor(
    readonly dir: string,
    readonly config: EncoderConfig,
    readonly tokenizer: WordPieceTokenizer,
    readonly pooling: PoolingConfig,
    readonly normalize: boolean,
    /** sentence-transformers' max_seq_length: tokens per sentence, special tokens included */
    readonly maxSeqLength: number,
    /** ST's do_lower_case: lowercase the text before the tokenizer */
    readonly doLowerCase: boolean,
    private readonly engine: Engine,
    private readonly wordEmbeddings: Float32Array,
    private readonly positionEmbeddings: Float32Array,
    private readonly tokenTypeEmbedding: Float32Array | null,
    private readonly embeddingNorm: { gamma: Float32Array; beta: Float32Array },
    private readonly layers: EncoderLayer[],
    /** MPNet: relative_attention_bias [buckets, heads] */
    private readonly relativeBias: Float32Array | null,
  ) {}

  /** Embedding width (the pooled vector: hidden size × the number of pooling modes). */
  get dimension(): number {
    const p = this.pooling;
    return this.config.hiddenSize * [p.cls, p.max, p.mean, p.meanSqrtLen, p.weightedMean, p.lastToken].filter(Boolean).length;
  }

  static load(dir: string, engine: Engine = getEngine()): SentenceEncoder {
    if (!existsSync(dir)) throw new EncoderLoadError(dir, 'a sentence-transformers model folder', 'nothing there');
    const stack = readModules(dir);
    const tdir = stack.transformerDir;
    const config = parseEncoderConfig(readJson(join(tdir, 'config.json')), join(tdir, 'config.json'));
    const stFile = ['sentence_bert_config.json', 'sentence_roberta_config.json', 'sentence_xlnet_config.json'].map((f) => join(tdir, f)).find(existsSync);
    const st = stFile ? readJson(stFile) : {};
    const tokFile = join(tdir, 'tokenizer.json');
    if (!existsSync(tokFile)) throw new EncoderLoadError(tdir, 'tokenizer.json', 'none');
    const tokenizer = WordPieceTokenizer.fromFile(tokFile);
    const tokCfgFile = join(tdir, 'tokenizer_config.json');
    const modelMax = existsSync(tokCfgFile) ? (readJson(tokCfgFile).model_max_length as number | undefined) : undefined;
    const positions = config.modelType === 'mpnet' ? config.maxPositionEmbeddings - 2 : config.maxPositionEmbeddings;
    // ST: max_seq_length from its config, else min(max_position_embeddings, tokenizer model_max_length)
    const maxSeqLength = typeof st.max_seq_length === 'number' ? st.max_seq_length : Math.min(positions, modelMax ?? Infinity);
    if (maxSeqLength > positions) throw new EncoderLoadError(`${stFile ?? tdir} max_seq_length`, `at most ${positions} (the model's positions)`, String(maxSeqLength));
    const pooling = stack.poolingDir && existsSync(join(stack.poolingDir, 'config.json')) ? parsePoolingConfig(readJson(join(stack.poolingDir, 'config.json'))) : parsePoolingConfig({});

    const headers = readdirSync(tdir)
      .filter((f) => f.endsWith('.safetensors'))
      .sort()
      .map((f) => readHeader(join(tdir, f)));
    if (headers.length === 0) throw new EncoderLoadError(tdir, 'model.safetensors', 'no .safetensors file (convert pytorch_model.bin to safetensors first)');
    const where = new Map<string, SafetensorsHeader>();
    for (const h of headers) for (const name of h.tensors.keys()) where.set(name, h);
    const prefix = [`${config.modelType}.`, ''].find((p) => where.has(`${p}embeddings.word_embeddings.weight`));
    if (prefix === undefined) throw new EncoderLoadError(tdir, `tensor embeddings.word_embeddings.weight (or ${config.modelType}.embeddings…)`, 'none');
    const read = (name: string, shape: number[]): Float32Array => {
      // old BERT checkpoints name LayerNorm parameters gamma/beta (HF renames them on load)
      const candidates = [name, name.replace(/LayerNorm\.weight$/, 'LayerNorm.gamma').replace(/LayerNorm\.bias$/, 'LayerNorm.beta')].map((n) => prefix + n);
      const full = candidates.find((n) => where.has(n));
      if (!full) throw new EncoderLoadError(tdir, `tensor ${prefix}${name}`, 'none');
      const h = where.get(full)!;
      const info = h.tensors.get(full)!;
      if (info.shape.length !== shape.length || info.shape.some((d, i) => d !== shape[i]))
        throw new EncoderLoadError(`${h.file} ${full}`, `shape ${JSON.stringify(shape)} from config.json`, JSON.stringify(info.shape));
      return readTensorF32(h, full);
    };
    const H = config.hiddenSize;
    const I = config.intermediateSize;
    const linear = (base: string, out: number, inp: number): Linear => ({ weight: engine.residentWeight(matrix(out, inp, read(`${base}.weight`, [out, inp]))), bias: read(`${base}.bias`, [out]) });
    const norm = (base: string) => ({ gamma: read(`${base}.weight`, [H]), beta: read(`${base}.bias`, [H]) });
    const layers: EncoderLayer[] = [];
    for (let i = 0; i < config.numLayers; i++) {
      const p = `encoder.layer.${i}`;
      const bert = config.modelType === 'bert';
      layers.push({
        q: linear(bert ? `${p}.attention.self.query` : `${p}.attention.attn.q`, H, H),
        k: linear(bert ? `${p}.attention.self.key` : `${p}.attention.attn.k`, H, H),
        v: linear(bert ? `${p}.attention.self.value` : `${p}.attention.attn.v`, H, H),
        o: linear(bert ? `${p}.attention.output.dense` : `${p}.attention.attn.o`, H, H),
        attentionNorm: norm(bert ? `${p}.attention.output.LayerNorm` : `${p}.attention.LayerNorm`),
        intermediate: linear(`${p}.intermediate.dense`, I, H),
        output: linear(`${p}.output.dense`, H, I),
        outputNorm: norm(`${p}.output.LayerNorm`),
      });
    }
    return new SentenceEncoder(
      dir,
      config,
      tokenizer,
      pooling,
      stack.normalize,
      maxSeqLength,
      st.do_lower_case === true,
      engine,
      read('embeddings.word_embeddings.weight', [config.vocabSize, H]),
      read('embeddings.position_embeddings.weight', [config.maxPositionEmbeddings, H]),
      config.modelType === 'bert' ? read('embeddings.token_type_embeddings.weight', [config.typeVocabSize, H]).slice(0, H) : null,
      norm('embeddings.LayerNorm'),
      layers,
      config.modelType === 'mpnet' ? read('encoder.relative_attention_bias.weight', [config.relativeAttentionNumBuckets, config.numHeads]) : null,
    );
  }

  /** Token ids of one text as sentence-transformers feeds them: strip, optional lowercase, tokenizer with truncation. */
  tokenize(text: string): number[] {
    // Python's str.strip() also strips the separators \x1c–\x1f, so the class names those control characters on purpose
    // eslint-disable-next-line no-control-regex
    let t = text.replace(/^[\p{White_Space}\x1c-\x1f]+|[\p{White_Space}\x1c-\x1f]+$/gu, '');
    if (this.doLowerCase) t = t.toLowerCase();
    return this.tokenizer.encode(t, this.maxSeqLength);
  }

  /** Last hidden states [L, hidden] of one tokenized sentence. */
  tokenEmbeddings(ids: readonly number[]): Matrix {
    return this.tokenEmbeddingsBatch([ids])[0];
  }

  /**
   * Last hidden states of several tokenized sentences, each its own unpadded sequence: the linears run once over all
   * sentences' rows stacked (one product per weight), attention runs per sentence.
   */
  tokenEmbeddingsBatch(batch: readonly (readonly number[])[]): Matrix[] {
    const c = this.config;
    const H = c.hiddenSize;
    const e = this.engine;
    const starts: number[] = [];
    let rows = 0;
    for (const ids of batch) {
      starts.push(rows);
      rows += ids.length;
    }
    const x0 = new Float32Array(rows * H);
    const offset = c.modelType === 'mpnet' ? 2 : 0; // MPNet: create_position_ids_from_input_ids → padding_idx + 1 + i
    batch.forEach((ids, b) =>
      ids.forEach((id, t) => {
        if (!Number.isInteger(id) || id < 0 || id >= c.vocabSize) throw new RangeError(`token id ${id} is outside the vocabulary (0–${c.vocabSize - 1})`);
        const pos = t + offset;
        const row = (starts[b] + t) * H;
        for (let j = 0; j < H; j++) {
          let v = this.wordEmbeddings[id * H + j] + this.positionEmbeddings[pos * H + j];
          if (this.tokenTypeEmbedding) v += this.tokenTypeEmbedding[j];
          x0[row + j] = v;
        }
      }),
    );
    let x = layerNorm(matrix(rows, H, x0), this.embeddingNorm.gamma, this.embeddingNorm.beta, c.layerNormEps);
    const biases = new Map<number, Float32Array | null>();
    const biasFor = (L: number) => (biases.has(L) ? biases.get(L)! : biases.set(L, this.positionBias(L)).get(L)!);
    const act = activation(c.hiddenAct);
    const segment = (m: Matrix, b: number) => matrix(batch[b].length, m.cols, m.data.subarray(starts[b] * m.cols, (starts[b] + batch[b].length) * m.cols));
    for (const layer of this.layers) {
      const q = e.linear(x, layer.q.weight, layer.q.bias);
      const k = e.linear(x, layer.k.weight, layer.k.bias);
      const v = e.linear(x, layer.v.weight, layer.v.bias);
      const context = new Float32Array(rows * H);
      batch.forEach((ids, b) => context.set(bidirectionalAttention(segment(q, b), segment(k, b), segment(v, b), c.numHeads, biasFor(ids.length)).data, starts[b] * H));
      const a = layerNorm(e.add(e.linear(matrix(rows, H, context), layer.o.weight, layer.o.bias), x), layer.attentionNorm.gamma, layer.attentionNorm.beta, c.layerNormEps);
      const inner = e.linear(a, layer.intermediate.weight, layer.intermediate.bias);
      for (let i = 0; i < inner.data.length; i++) inner.data[i] = act(inner.data[i]);
      x = layerNorm(e.add(e.linear(inner, layer.output.weight, layer.output.bias), a), layer.outputNorm.gamma, layer.outputNorm.beta, c.layerNormEps);
    }
    return batch.map((_, b) => matrix(batch[b].length, H, x.data.slice(starts[b] * H, (starts[b] + batch[b].length) * H)));
  }

  /** MPNet: B[h, i, j] = relative_attention_bias[bucket(j − i), h], [heads, L, L]; null for BERT. */
  private positionBias(L: number): Float32Array | null {
    if (!this.relativeBias) return null;
    const heads = this.config.numHeads;
    const out = new Float32Array(heads * L * L);
    for (let i = 0; i < L; i++)
      for (let j = 0; j < L; j++) {
        const b = relativePositionBucket(j - i, this.config.relativeAttentionNumBuckets);
        for (let h = 0; h < heads; h++) out[(h * L + i) * L + j] = this.relativeBias[b * heads + h];
      }
    return out;
  }

  /** One sentence's embedding: pooled token states, normalised when the folder says so. */
  encodeOne(text: string): Float32Array {
    return this.encode([text])[0];
  }

  /** Embeddings of several sentences, run in batches of at most `maxRows` stacked tokens (the same numbers as one by one). */
  encode(texts: readonly string[], maxRows = 1024): Float32Array[] {
    const ids = texts.map((t) => this.tokenize(t));
    const out: Float32Array[] = [];
    for (let i = 0; i < ids.length;) {
      let rows = 0;
      let j = i;
      while (j < ids.length && (j === i || rows + ids[j].length <= maxRows)) rows += ids[j++].length;
      for (const x of this.tokenEmbeddingsBatch(ids.slice(i, j))) {
        const pooled = poolTokens(x, this.pooling);
        out.push(this.normalize ? normalizeL2(pooled) : pooled);
      }
      i = j;
    }
    return out;
  }

  dispose(): void {
    for (const l of this.layers) for (const lin of [l.q, l.k, l.v, l.o, l.intermediate, l.output]) lin.weight.dispose();
  }
}

/**
 * Full (unmasked) multi-head attention of one sentence: softmax(Q_h·K_hᵀ/√d + B_h)·V_h per head h, heads side by side.
 * q, k, v [L, heads·d]; bias [heads, L, L] or null. Accumulates in float64.
 */
export function bidirectionalAttention(q: Matrix, k: Matrix, v: Matrix, heads: number, bias: Float32Array | null): Matrix {
  const L = q.rows;
  const width = q.cols;
  const d = width / heads;
  const scale = 1 / Math.sqrt(d);
  const out = new Float32Array(L * width);
  const scores = new Float64Array(L);
  for (let h = 0; h < heads; h++) {
    const c0 = h * d;
    for (let i = 0; i < L; i++) {
      let max = -Infinity;
      for (let j = 0; j < L; j++) {
        let s = 0;
        for (let t = 0; t < d; t++) s += q.data[i * width + c0 + t] * k.data[j * width + c0 + t];
        s = s * scale + (bias ? bias[(h * L + i) * L + j] : 0);
        scores[j] = s;
        if (s > max) max = s;
      }
      let sum = 0;
      for (let j = 0; j < L; j++) sum += scores[j] = Math.exp(scores[j] - max);
      for (let t = 0; t < d; t++) {
        let acc = 0;
        for (let j = 0; j < L; j++) acc += scores[j] * v.data[j * width + c0 + t];
        out[i * width + c0 + t] = acc / sum;
      }
    }
  }
  return matrix(L, width, out);
}

/** sentence-transformers Pooling over all L tokens (no padding): the enabled modes, concatenated in its order. */
export function poolTokens(x: Matrix, p: PoolingConfig): Float32Array {
  const { rows: L, cols: H } = x;
  const parts: Float32Array[] = [];
  const column = (f: (j: number) => number) => Float32Array.from({ length: H }, (_, j) => f(j));
  if (p.cls) parts.push(x.data.slice(0, H));
  if (p.max)
    parts.push(
      column((j) => {
        let m = -Infinity;
        for (let t = 0; t < L; t++) m = Math.max(m, x.data[t * H + j]);
        return m;
      }),
    );
  const sum = (weight: (t: number) => number) =>
    column((j) => {
      let s = 0;
      for (let t = 0; t < L; t++) s += weight(t) * x.data[t * H + j];
      return s;
    });
  if (p.mean || p.meanSqrtLen) {
    const s = sum(() => 1);
    const n = Math.max(L, 1e-9); // sum_mask clamped at 1e-9
    if (p.mean) parts.push(s.map((v) => v / n));
    if (p.meanSqrtLen) parts.push(s.map((v) => v / Math.sqrt(n)));
  }
  if (p.weightedMean) {
    const s = sum((t) => t + 1); // weights 1…L
    parts.push(s.map((v) => v / ((L * (L + 1)) / 2)));
  }
  if (p.lastToken) parts.push(x.data.slice((L - 1) * H, L * H));
  const out = new Float32Array(parts.reduce((n, a) => n + a.length, 0));
  let off = 0;
  for (const a of parts) {
    out.set(a, off);
    off += a.length;
  }
  return out;
}

/** F.normalize(p=2): e / max(‖e‖₂, 1e−12). */
export function normalizeL2(e: Float32Array): Float32Array {
  let ss = 0;
  for (const v of e) ss += v * v;
  const n = Math.max(Math.sqrt(ss), 1e-12);
  return e.map((v) => v / n);
}
