// The Llama-family decoder: embedding → N × [RMSNorm → attention (rotary, GQA, KV cache) → residual →
// RMSNorm → SwiGLU MLP → residual] → RMSNorm → lm_head. All heavy work goes through the engine. The block is written
// once (Layer.block); the full forward attends each sequence to itself, the packed decode step to its KV caches
// (kv-cache.ts); finished generations' caches wait in the prefix pool (prefix-pool.ts).
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { getEngine, matrix, type AttentionShape, type Engine, type Matrix, type ResidentWeight } from '../tensor/index.js';
import { configJson, ropeInvFreq } from './config.js';
import { DTYPE_BYTES, readHeader, readTensorF32, writeSafetensorsStreamed, type StreamedTensor } from './safetensors.js';
import { widenHalf } from './dtype.js';
import { linearPrefix, widen, type StoredValues } from './checkpoint.js';
import { attendOverCaches, KvCache } from './kv-cache.js';
import { PREFIX_POOL_BYTES, PrefixCachePool } from './prefix-pool.js';
import {
  LINEAR_NAMES,
  type ActivationTransform,
  type AttentionInputName,
  type CausalLM,
  type DecoderLayer,
  type ForwardOptions,
  type ForwardResult,
  type GenerateOptions,
  type GenerateResult,
  type KvTransform,
  type LinearInputHook,
  type LinearName,
  type LinearParams,
  type ModelConfig,
  type ProjectionOutputTransform,
  type Tokenizer,
} from './types.js';

/**
 * A linear's weight W [rows = out, cols = in]: in memory (random models, or edited by compression) or read from the
 * checkpoint when a stage needs it, so a loaded model holds no float32 copy of what the engine already has.
 */
export interface LinearSlot {
  rows: number;
  cols: number;
  bias?: Float32Array;
  weight?: Matrix;
  /** the weight widened to float32, from the checkpoint */
  read?: () => Float32Array;
  /** the weight in its file dtype, for saving it unchanged */
  stored?: () => StoredValues;
  storedDtype?: StoredValues['dtype'];
}

/** Token embeddings [vocab, hidden] kept in their file dtype; rows are widened when looked up. */
export interface EmbeddingTable {
  rows: number;
  cols: number;
  values: StoredValues;
}

export interface LayerWeights {
  inputNorm: Float32Array;
  postAttentionNorm: Float32Array;
  linears: Record<LinearName, LinearSlot>;
}

export interface DecoderWeights {
  embed: EmbeddingTable;
  layers: LayerWeights[];
  finalNorm: Float32Array;
  /** [vocab, hidden]; null when tied to the embedding */
  lmHead: LinearSlot | null;
}

/** W of a slot as a float32 matrix (a fresh read for a checkpoint-backed slot). */
export function slotWeight(s: LinearSlot): Matrix {
  if (s.weight) return s.weight;
  if (!s.read) throw new Error('internal: a linear slot with neither a weight nor a reader');
  return matrix(s.rows, s.cols, s.read());
}

/** cos/sin [t, headDim/2] of the rotary embedding at each row's position. */
export interface RotaryTables {
  cos: Float32Array;
  sin: Float32Array;
}

/** Attention of a block's queries given its new keys and values: over themselves (a full forward) or over caches (decoding). */
export type Attend = (q: Matrix, k: Matrix, v: Matrix) => Matrix;

/** Largest shard save() writes (HF splits checkpoints the same way). */
export const SHARD_BYTES = 2 * 2 ** 30;

/** Split tensors in order into shards of at most `max` bytes (a larger tensor gets a shard of its own). */
function shardTensors(tensors: StreamedTensor[], max: number): StreamedTensor[][] {
  const out: StreamedTensor[][] = [[]];
  let bytes = 0;
  for (const t of tensors) {
    const size = t.shape.reduce((a, b) => a * b, 1) * DTYPE_BYTES[t.dtype];
    if (bytes + size > max && out[out.length - 1].length) {
      out.push([]);
      bytes = 0;
    }
    out[out.length - 1].push(t);
    bytes += size;
  }
  return out;
}

/** Linears that read the same input are uploaded as one stacked weight, so each is one large product. */
const GROUPS: readonly (readonly LinearName[])[] = [['q_proj', 'k_proj', 'v_proj'], ['o_proj'], ['gate_proj', 'up_proj'], ['down_proj']];
const ATTENTION_INPUTS: readonly AttentionInputName[] = ['q_proj', 'k_proj', 'v_proj']; // GROUPS[0], in its order

/** Stack W₁…Wₙ [outᵢ, in] into [Σ outᵢ, in]; biases concatenated (zeros where a member has none). */
function stack(params: LinearParams[]): { weight: Matrix; bias?: Float32Array } {
  if (params.length === 1) return params[0];
  const cols = params[0].weight.cols;
  const rows = params.reduce((n, p) => n + p.weight.rows, 0);
  const weight = new Float32Array(rows * cols);
  const bias = params.some((p) => p.bias) ? new Float32Array(rows) : undefined;
  let r = 0;
  for (const p of params) {
    weight.set(p.weight.data, r * cols);
    if (bias && p.bias) bias.set(p.bias, r);
    r += p.weight.rows;
  }
  return { weight: matrix(rows, cols, weight), bias };
}

class Layer implements DecoderLayer {
  /** one resident per group (stacked), keyed by the group's first linear; uploaded when first used */
  private grouped = new Map<LinearName, { resident: ResidentWeight; bias?: Float32Array; widths: number[] }>();
  /** single-linear residents, built only when an activation transform needs each linear's own input */
  private single = new Map<LinearName, ResidentWeight>();
  constructor(
    readonly index: number,
    private readonly model: DecoderModel,
    private weights: LayerWeights,
  ) {}

  private upload(group: readonly LinearName[]): { resident: ResidentWeight; bias?: Float32Array; widths: number[] } {
    this.grouped.get(group[0])?.resident.dispose();
    const members = group.map((n) => this.linear(n));
    const { weight, bias } = stack(members);
    const entry = { resident: this.model.engine.residentWeight(weight), bias, widths: members.map((m) => m.weight.rows) };
    this.grouped.set(group[0], entry);
    return entry;
  }

  /** Upload every group now (a model that generates keeps its layers resident). */
  load(): void {
    for (const g of GROUPS) if (!this.grouped.has(g[0])) this.upload(g);
  }

  /** Free this layer's resident weights; the next use uploads them again (layer-at-a-time work on large models). */
  release(): void {
    for (const g of this.grouped.values()) g.resident.dispose();
    for (const w of this.single.values()) w.dispose();
    this.grouped.clear();
    this.single.clear();
  }

  /** whether any of the layer's weights are on the engine now */
  get resident(): boolean {
    return this.grouped.size > 0;
  }

  /**
   * The outputs of a group of linears that share input x. Hooks see x once per linear; with an activation
   * transform each linear gets its own transformed input (and its own resident weight).
   */
  private project(group: readonly LinearName[], x: Matrix, hook?: LinearInputHook): Matrix[] {
    if (hook) for (const n of group) hook(n, x);
    const e = this.model.engine;
    const transform = this.model.activationTransform;
    if (transform)
      return group.map((n) => {
        let w = this.single.get(n);
        if (!w) this.single.set(n, (w = e.residentWeight(this.linear(n).weight)));
        return e.linear(transform(n, x), w, this.weights.linears[n].bias);
      });
    const g = this.grouped.get(group[0]) ?? this.upload(group);
    const y = e.linear(x, g.resident, g.bias);
    if (group.length === 1) return [y];
    return splitColumns(y, g.widths);
  }

  /** q, k, v of the normed input x, each through the model's projection-output transform when one is set (before rotary). */
  private projectAttentionInputs(x: Matrix, hook?: LinearInputHook): Matrix[] {
    const qkv = this.project(GROUPS[0], x, hook);
    const t = this.model.outputTransform;
    return t ? qkv.map((y, i) => t(ATTENTION_INPUTS[i], y)) : qkv;
  }

  get inputNorm(): Float32Array {
    return this.weights.inputNorm;
  }
  get postAttentionNorm(): Float32Array {
    return this.weights.postAttentionNorm;
  }

  linear(name: LinearName): LinearParams {
    const s = this.weights.linears[name];
    return { weight: slotWeight(s), bias: s.bias };
  }

  /** The slot behind a linear (saving, hashing: read once, in its file dtype). */
  slot(name: LinearName): LinearSlot {
    return this.weights.linears[name];
  }

  setLinear(name: LinearName, params: LinearParams): void {
    const s = this.weights.linears[name];
    if (params.weight.rows !== s.rows || params.weight.cols !== s.cols)
      throw new RangeError(`layer ${this.index} ${name}: expected a ${s.rows}×${s.cols} weight, found ${params.weight.rows}×${params.weight.cols}`);
    this.weights.linears[name] = { rows: s.rows, cols: s.cols, weight: params.weight, bias: params.bias };
    const group = GROUPS.find((g) => g.includes(name))!;
    if (this.grouped.has(group[0])) this.upload(group);
    this.single.get(name)?.dispose();
    this.single.delete(name);
    this.model.invalidateHash();
  }

  /** Write the linears edited in memory to `file` (float32) and read them from there from now on, freeing the copies. */
  spillEdited(file: string): void {
    const edited = LINEAR_NAMES.filter((n) => this.weights.linears[n].weight);
    if (!edited.length) return;
    writeSafetensorsStreamed(
      file,
      edited.map((n) => ({ name: n, dtype: 'F32' as const, shape: [this.weights.linears[n].rows, this.weights.linears[n].cols], bytes: () => this.weights.linears[n].weight!.data })),
    );
    const header = readHeader(file);
    for (const n of edited) {
      const s = this.weights.linears[n];
      this.weights.linears[n] = {
        rows: s.rows,
        cols: s.cols,
        bias: s.bias,
        read: () => readTensorF32(header, n),
        stored: () => ({ dtype: 'F32', data: readTensorF32(header, n) }),
        storedDtype: 'F32',
      };
    }
  }

  setNorms(inputNorm: Float32Array, postAttentionNorm: Float32Array): void {
    this.weights.inputNorm = inputNorm;
    this.weights.postAttentionNorm = postAttentionNorm;
    this.model.invalidateHash();
  }

  /**
   * One transformer block over new rows (nanoGPT's Block.forward, llama2.c's layer loop; both forward() and the packed
   * decode step run it): h ← h + o_proj(attend(rotary(q), rotary(k), v)) of RMSNorm(h), then h ← h + down_proj(silu(gate)·up)
   * of RMSNorm(h). q/k/v pass the projection-output transform before rotary, k/v the KV transform after it. The hook sees
   * each linear's input; with `until`, the block stops once that linear's input has gone to the hook and returns null.
   */
  block(hidden: Matrix, rope: RotaryTables, attend: Attend, hook?: LinearInputHook, until?: LinearName): Matrix | null {
    const c = this.model.config;
    const e = this.model.engine;
    const stopAt = (group: readonly LinearName[], x: Matrix) => {
      if (!until || !group.includes(until)) return false;
      if (hook) for (const n of group) hook(n, x);
      return true;
    };
    const normed = e.rmsNorm(hidden, this.weights.inputNorm, c.rmsNormEps);
    if (stopAt(GROUPS[0], normed)) return null;
    const [q, k, v] = this.projectAttentionInputs(normed, hook);
    e.rotary(q, c.numHeads, c.headDim, rope.cos, rope.sin);
    e.rotary(k, c.numKvHeads, c.headDim, rope.cos, rope.sin);
    const kv = this.model.kvTransform;
    const attn = kv ? attend(q, kv.keys(k, c.numKvHeads, c.headDim), kv.values(v, c.numKvHeads, c.headDim)) : attend(q, k, v);
    if (stopAt(GROUPS[1], attn)) return null;
    const h1 = e.add(hidden, this.project(GROUPS[1], attn, hook)[0]);
    const normed2 = e.rmsNorm(h1, this.weights.postAttentionNorm, c.rmsNormEps);
    if (stopAt(GROUPS[2], normed2)) return null;
    const [gate, up] = this.project(GROUPS[2], normed2, hook);
    const act = e.swiglu(gate, up);
    if (stopAt(GROUPS[3], act)) return null;
    return e.add(h1, this.project(GROUPS[3], act, hook)[0]);
  }

  /** The block over a whole sequence, attending to itself (what compression runs layer by layer). */
  forward(hidden: Matrix, positions: Int32Array, hook?: LinearInputHook, until?: LinearName): Matrix | null {
    return this.block(hidden, this.model.rotaryTables(positions), this.model.selfAttention(positions), hook, until);
  }

  dispose(): void {
    this.release();
  }
}

/** Split Y [t, Σ wᵢ] into [t, wᵢ] blocks of columns (views when t = 1, copies otherwise). */
function splitColumns(y: Matrix, widths: number[]): Matrix[] {
  let c0 = 0;
  return widths.map((w) => {
    const start = c0;
    c0 += w;
    if (y.rows === 1) return matrix(1, w, y.data.subarray(start, start + w));
    const out = new Float32Array(y.rows * w);
    for (let r = 0; r < y.rows; r++) out.set(y.data.subarray(r * y.cols + start, r * y.cols + start + w), r * w);
    return matrix(y.rows, w, out);
  });
}

export interface DecoderSource {
  dir: string;
  /** tokenizer files copied by save() */
  tokenizerFiles: Record<string, string>;
}

/**
 * How weights live on the engine: `resident` uploads every layer once and keeps it (generation); `streamed` uploads a
 * layer when a forward pass reaches it and frees it after (a full forward of a model larger than the engine's memory).
 */
export type Residency = 'resident' | 'streamed';

export class DecoderModel implements CausalLM {
  readonly engine: Engine;
  readonly layers: Layer[];
  activationTransform: ActivationTransform | undefined;
  outputTransform: ProjectionOutputTransform | undefined;
  kvTransform: KvTransform | undefined;
  residency: Residency = 'resident';
  private headResident: ResidentWeight | undefined;
  private cachedHash: string | null = null;
  /** caches of finished generations for `reusePrefix`; emptied on any edit (weights, transforms) */
  readonly prefixPool = new PrefixCachePool(PREFIX_POOL_BYTES);
  private invFreq: Float64Array;
  private invFreqLength = 0;
  private readonly attentionShape: AttentionShape;

  constructor(
    readonly config: ModelConfig,
    readonly tokenizer: Tokenizer,
    private readonly weights: DecoderWeights,
    private readonly source: DecoderSource,
    engine?: Engine,
  ) {
    this.engine = engine ?? getEngine();
    this.layers = weights.layers.map((w, i) => new Layer(i, this, w));
    this.invFreq = ropeInvFreq(config);
    this.attentionShape = { nHeads: config.numHeads, nKvHeads: config.numKvHeads, headDim: config.headDim, slidingWindow: config.slidingWindow };
  }

  get dir(): string {
    return this.source.dir;
  }

  /** sha256 over the config and every parameter as float32, computed once (reading the checkpoint tensor by tensor) and again after an edit */
  get hash(): string {
    if (this.cachedHash) return this.cachedHash;
    const h = createHash('sha256').update(JSON.stringify(configJson(this.config)));
    // the float32 bytes in pieces of 2²⁴ values: one update takes < 2 GiB, and a BF16 embedding is widened a piece at a time
    const PIECE = 2 ** 24;
    const add = (a: Float32Array) => {
      for (let i = 0; i < a.length; i += PIECE) {
        const p = a.subarray(i, i + PIECE);
        h.update(new Uint8Array(p.buffer, p.byteOffset, p.byteLength));
      }
    };
    const embed = this.weights.embed.values;
    if (embed.dtype === 'F32') add(embed.data);
    else for (let i = 0; i < embed.data.length; i += PIECE) add(widen({ dtype: embed.dtype, data: embed.data.subarray(i, i + PIECE) }));
    for (const l of this.weights.layers) {
      add(l.inputNorm);
      add(l.postAttentionNorm);
      for (const n of LINEAR_NAMES) {
        add(slotWeight(l.linears[n]).data);
        const b = l.linears[n].bias;
        if (b) add(b);
      }
    }
    add(this.weights.finalNorm);
    if (this.weights.lmHead) add(slotWeight(this.weights.lmHead).data);
    h.update(this.activationTransform ? 'act' : '').update(this.kvTransform ? 'kv' : '');
    h.update(this.outputTransform ? 'qkv-out' : '');
    this.cachedHash = h.digest('hex');
    return this.cachedHash;
  }

  invalidateHash(): void {
    this.cachedHash = null;
    this.prefixPool.clear();
  }

  /** cos/sin [t, headDim/2] for the given positions (dynamic NTK scaling follows the longest position seen) */
  rotaryTables(positions: Int32Array): RotaryTables {
    const half = this.config.headDim / 2;
    if (this.config.ropeScaling?.type === 'dynamic') {
      let max = 0;
      for (const p of positions) max = Math.max(max, p + 1);
      if (max > this.invFreqLength && max > this.config.maxPositionEmbeddings) {
        this.invFreq = ropeInvFreq(this.config, max);
        this.invFreqLength = max;
      }
    }
    const cos = new Float32Array(positions.length * half);
    const sin = new Float32Array(positions.length * half);
    for (let t = 0; t < positions.length; t++)
      for (let i = 0; i < half; i++) {
        const angle = positions[t] * this.invFreq[i];
        cos[t * half + i] = Math.cos(angle);
        sin[t * half + i] = Math.sin(angle);
      }
    return { cos, sin };
  }

  embed(ids: number[]): Matrix {
    const h = this.config.hiddenSize;
    const out = new Float32Array(ids.length * h);
    const v = this.weights.embed.values;
    ids.forEach((id, t) => {
      if (!Number.isInteger(id) || id < 0 || id >= this.config.vocabSize) throw new RangeError(`token id ${id} is outside the vocabulary (0–${this.config.vocabSize - 1})`);
      if (v.dtype === 'F32') out.set(v.data.subarray(id * h, (id + 1) * h), t * h);
      else widenHalf(v.data.subarray(id * h, (id + 1) * h), v.dtype, out.subarray(t * h, (t + 1) * h));
    });
    return matrix(ids.length, h, out);
  }

  /** The lm_head on the engine (the embedding when tied), uploaded when first needed. */
  private get headWeight(): ResidentWeight {
    if (!this.headResident) {
      const w = this.weights.lmHead ? slotWeight(this.weights.lmHead) : matrix(this.weights.embed.rows, this.weights.embed.cols, widen(this.weights.embed.values));
      this.headResident = this.engine.residentWeight(w);
    }
    return this.headResident;
  }

  /** Upload every layer and the head now, as generation keeps them. */
  load(): void {
    for (const l of this.layers) l.load();
    void this.headWeight;
  }

  /** Free every resident weight; the next use uploads again. */
  release(): void {
    for (const l of this.layers) l.release();
    this.headResident?.dispose();
    this.headResident = undefined;
  }

  private finalNorm(hidden: Matrix): Matrix {
    return this.engine.rmsNorm(hidden, this.weights.finalNorm, this.config.rmsNormEps);
  }

  head(hidden: Matrix): Matrix {
    return this.engine.linear(this.finalNorm(hidden), this.headWeight);
  }

  /** Attention of a whole sequence over its own keys and values (causal, the model's sliding window). */
  selfAttention(positions: Int32Array): Attend {
    return (q, k, v) => this.engine.attention(q, k, v, this.attentionShape, positions, positions);
  }

  forward(ids: number[], opts: ForwardOptions = {}): ForwardResult {
    const positions = Int32Array.from(ids, (_, i) => i);
    const rope = this.rotaryTables(positions);
    const attend = this.selfAttention(positions);
    let h = this.embed(ids);
    const hidden = new Map<number, Matrix>();
    const wanted = new Set(opts.hiddenLayers ?? []);
    for (const layer of this.layers) {
      h = layer.block(h, rope, attend)!;
      if (this.residency === 'streamed') layer.release();
      if (wanted.has(layer.index)) hidden.set(layer.index, h);
    }
    const normed = this.finalNorm(h);
    if (wanted.has(-1)) hidden.set(-1, normed);
    const rows = opts.allLogits ? normed : matrix(1, normed.cols, normed.data.slice((normed.rows - 1) * normed.cols));
    return { logits: this.engine.linear(rows, this.headWeight), hidden };
  }

  /**
   * The final hidden states (after the final norm) of several sequences, computed layer by layer over all of them, so a
   * streamed model uploads each layer once for the whole set; the same numbers as forward() per sequence.
   */
  async finalHidden(sequences: number[][], signal?: AbortSignal): Promise<Matrix[]> {
    const hs = sequences.map((ids) => this.embed(ids));
    const positions = sequences.map((ids) => Int32Array.from(ids, (_, i) => i));
    for (const layer of this.layers) {
      for (let s = 0; s < hs.length; s++) {
        signal?.throwIfAborted();
        hs[s] = layer.forward(hs[s], positions[s])!;
        await new Promise<void>((resolve) => setImmediate(resolve)); // let an abort or a progress message in
      }
      if (this.residency === 'streamed') layer.release();
    }
    return hs.map((h) => this.finalNorm(h));
  }

  /** lm_head alone: normed final hidden states [t, hidden] → logits [t, vocab]. */
  headLogits(normed: Matrix): Matrix {
    return this.engine.linear(normed, this.headWeight);
  }

  private newCaches(capacity: number): KvCache[] {
    return this.layers.map(() => new KvCache(capacity, this.config.numKvHeads * this.config.headDim));
  }

  generate(prompt: number[], opts: GenerateOptions): GenerateResult {
    return this.generateBatch([prompt], opts)[0];
  }

  /**
   * Greedy decoding of several prompts: each prompt is prefilled into its own KV cache, then every
   * decode step runs all unfinished sequences' new tokens through the linears as one [B, hidden] batch.
   * With `reusePrefix`, a prompt that starts like an earlier generation's tokens prefills only what follows them.
   */
  generateBatch(prompts: number[][], opts: GenerateOptions): GenerateResult[] {
    if (prompts.some((p) => p.length === 0)) throw new RangeError('generate: expected at least one prompt token, found an empty prompt');
    const eos = new Set(this.tokenizer.eosTokenIds.concat(this.config.eosTokenIds));
    const maxNew = Math.max(0, opts.maxNewTokens);
    const t0 = performance.now();
    // dynamic NTK changes the rotary frequencies with the longest position seen, so cached keys would not match
    const pool = opts.reusePrefix && this.config.ropeScaling?.type !== 'dynamic' ? this.prefixPool : null;
    const states = prompts.map((p) => {
      const reused = pool?.take(p, p.length + maxNew);
      return {
        caches: reused?.caches ?? this.newCaches(p.length + maxNew),
        shared: reused?.shared ?? 0,
        fed: [...p], // the tokens whose keys and values the caches hold
        tokens: [] as number[],
        position: p.length,
        next: -1,
        finish: null as GenerateResult['finishReason'] | null,
        text: '',
      };
    });
    let peak = process.memoryUsage().rss;
    const prefillLogits = this.packedStep(
      prompts.map((p, b) => p.slice(states[b].shared)),
      states.map((s) => s.shared),
      states.map((s) => s.caches),
    );
    states.forEach((s, b) => (s.next = argmax(prefillLogits.subarray(b * this.config.vocabSize, (b + 1) * this.config.vocabSize))));
    const tPrefill = performance.now();
    const reusedTokens = states.reduce((n, s) => n + s.shared, 0);
    const prefillTokens = prompts.reduce((n, p) => n + p.length, 0) - reusedTokens;
    let decodeTokens = 0;
    const accept = (s: (typeof states)[number], token: number) => {
      if (opts.signal?.aborted) {
        s.finish = 'aborted';
        return;
      }
      if (!opts.ignoreEos && eos.has(token)) {
        s.finish = 'eos';
        return;
      }
      s.tokens.push(token);
      const text = this.tokenizer.decode(s.tokens, { skipSpecialTokens: true });
      opts.onToken?.(token, text.slice(s.text.length));
      s.text = text;
      if (opts.stop?.some((stop) => stop && text.includes(stop))) s.finish = 'stop';
      else if (s.tokens.length >= maxNew) s.finish = 'length';
    };
    for (const s of states) {
      if (maxNew === 0) s.finish = 'length';
      else accept(s, s.next);
    }
    while (states.some((s) => !s.finish)) {
      const active = states.filter((s) => !s.finish);
      const ids = active.map((s) => s.tokens[s.tokens.length - 1]);
      const logits = this.packedStep(
        ids.map((id) => [id]),
        active.map((s) => s.position),
        active.map((s) => s.caches),
      );
      decodeTokens += active.length;
      active.forEach((s, i) => {
        s.position++;
        s.fed.push(ids[i]);
        accept(s, argmax(logits.subarray(i * this.config.vocabSize, (i + 1) * this.config.vocabSize)));
      });
      peak = Math.max(peak, process.memoryUsage().rss);
    }
    const tEnd = performance.now();
    if (pool) for (const s of states) pool.put(s.fed, s.caches);
    return states.map((s) => {
      let text = s.text;
      if (s.finish === 'stop') for (const stop of opts.stop ?? []) if (stop && text.includes(stop)) text = text.slice(0, text.indexOf(stop));
      return {
        text,
        tokens: s.tokens,
        finishReason: s.finish!,
        stats: {
          prefillTokens,
          reusedTokens,
          decodeTokens,
          prefillTokensPerS: prefillTokens / Math.max(1e-9, (tPrefill - t0) / 1000),
          decodeTokensPerS: decodeTokens / Math.max(1e-9, (tEnd - tPrefill) / 1000),
          peakMemoryBytes: peak,
          backend: this.engine.report.name,
        },
      };
    });
  }

  /**
   * New tokens of B sequences packed into one [Σ tᵢ, hidden] batch: every linear runs once over all rows,
   * attention runs per sequence on its own cache (no padding). Returns the last row's logits per sequence [B, vocab].
   */
  private packedStep(segments: number[][], starts: number[], caches: KvCache[][]): Float32Array {
    const c = this.config;
    const lengths = segments.map((seg) => seg.length);
    const pos = Int32Array.from(segments.flatMap((seg, b) => seg.map((_, i) => starts[b] + i)));
    const rope = this.rotaryTables(pos);
    let h = this.embed(segments.flat());
    for (const layer of this.layers) {
      const layerCaches = caches.map((perLayer) => perLayer[layer.index]);
      h = layer.block(h, rope, (q, k, v) => attendOverCaches(this.engine, this.attentionShape, q, k, v, pos, lengths, layerCaches))!;
      if (this.residency === 'streamed') layer.release(); // a layer at a time, every step: memory ≈ one layer, not the model
    }
    // only the last row of each sequence goes through the final norm and lm_head
    const last = new Float32Array(segments.length * c.hiddenSize);
    let end = 0;
    lengths.forEach((n, b) => {
      end += n;
      last.set(h.data.subarray((end - 1) * c.hiddenSize, end * c.hiddenSize), b * c.hiddenSize);
    });
    return this.head(matrix(segments.length, c.hiddenSize, last)).data;
  }

  setActivationTransform(t: ActivationTransform | undefined): void {
    this.activationTransform = t;
    this.invalidateHash();
  }

  setOutputTransform(t: ProjectionOutputTransform | undefined): void {
    this.outputTransform = t;
    this.invalidateHash();
  }

  setKvTransform(t: KvTransform | undefined): void {
    this.kvTransform = t;
    this.invalidateHash();
  }

  /**
   * Write an HF folder: config.json, the tensors (streamed one at a time; unedited ones in their file dtype, edited
   * ones in float32; shards of at most SHARD_BYTES with an index when larger), tokenizer files copied.
   */
  async save(dir: string, extraFiles: Record<string, string> = {}, opts: { shardBytes?: number } = {}): Promise<void> {
    mkdirSync(dir, { recursive: true });
    const c = this.config;
    const tensors: StreamedTensor[] = [];
    const f32 = (name: string, shape: number[], data: () => Float32Array) => tensors.push({ name, dtype: 'F32', shape, bytes: data });
    const e = this.weights.embed;
    tensors.push({ name: 'model.embed_tokens.weight', dtype: e.values.dtype, shape: [e.rows, e.cols], bytes: () => e.values.data });
    this.weights.layers.forEach((l, i) => {
      f32(`model.layers.${i}.input_layernorm.weight`, [c.hiddenSize], () => l.inputNorm);
      f32(`model.layers.${i}.post_attention_layernorm.weight`, [c.hiddenSize], () => l.postAttentionNorm);
      for (const n of LINEAR_NAMES) {
        const slot = l.linears[n];
        const p = linearPrefix(i, n);
        if (slot.weight || !slot.stored) f32(`${p}.weight`, [slot.rows, slot.cols], () => slotWeight(slot).data);
        else tensors.push({ name: `${p}.weight`, dtype: this.storedDtype(slot), shape: [slot.rows, slot.cols], bytes: () => slot.stored!().data });
        if (slot.bias) f32(`${p}.bias`, [slot.bias.length], () => slot.bias!);
      }
    });
    f32('model.norm.weight', [c.hiddenSize], () => this.weights.finalNorm);
    const head = this.weights.lmHead;
    if (head && (head.weight || !head.stored)) f32('lm_head.weight', [c.vocabSize, c.hiddenSize], () => slotWeight(head).data);
    else if (head) tensors.push({ name: 'lm_head.weight', dtype: this.storedDtype(head), shape: [c.vocabSize, c.hiddenSize], bytes: () => head.stored!().data });
    const shards = shardTensors(tensors, opts.shardBytes ?? SHARD_BYTES);
    const names = shards.map((_, k) => (shards.length === 1 ? 'model.safetensors' : `model-${String(k + 1).padStart(5, '0')}-of-${String(shards.length).padStart(5, '0')}.safetensors`));
    let total = 0;
    shards.forEach((shard, k) => (total += writeSafetensorsStreamed(join(dir, names[k]), shard, { format: 'pt' })));
    if (shards.length > 1)
      writeFileSync(
        join(dir, 'model.safetensors.index.json'),
        JSON.stringify({ metadata: { total_size: total }, weight_map: Object.fromEntries(shards.flatMap((sh, k) => sh.map((t) => [t.name, names[k]]))) }, null, 2),
      );
    writeFileSync(join(dir, 'config.json'), JSON.stringify(configJson(c), null, 2));
    for (const [name, content] of Object.entries(this.source.tokenizerFiles)) writeFileSync(join(dir, name), content);
    for (const name of ['tokenizer.json', 'tokenizer_config.json', 'generation_config.json', 'special_tokens_map.json'])
      if (!(name in this.source.tokenizerFiles) && this.source.dir && existsSync(join(this.source.dir, name)) && join(this.source.dir, name) !== join(dir, name))
        copyFileSync(join(this.source.dir, name), join(dir, name));
    for (const [name, content] of Object.entries(extraFiles)) writeFileSync(join(dir, name), content);
  }

  /** The file dtype of a checkpoint-backed slot (read once to learn it; the dtype does not change). */
  private storedDtype(slot: LinearSlot): StoredValues['dtype'] {
    return slot.storedDtype ?? (slot.storedDtype = slot.stored!().dtype);
  }

  dispose(): void {
    this.prefixPool.clear();
    this.release();
  }
}

export function argmax(a: Float32Array): number {
  let best = 0;
  for (let i = 1; i < a.length; i++) if (a[i] > a[best]) best = i; // ties → lowest id, deterministic
  return best;
}
