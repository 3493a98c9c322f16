// The decoder we train (Llama layout: RMSNorm, rotary, grouped-query attention, SwiGLU, tied
// embeddings), with its forward and hand-written backward. Linear weights are kept input-major
// (Wᵀ, [in, out]) and fused (q|k|v, gate|up) so every heavy product is one plain 2-D matmul.
import { seededNormal } from '../model/index.js';
import {
  attentionBackward,
  attentionForward,
  crossEntropyInPlace,
  mat,
  rmsNormBackward,
  rmsNormForward,
  ropeTables,
  rotaryInPlace,
  swigluBackward,
  swigluForward,
  type Arr,
  type AttentionGeometry,
  type AttentionSaved,
  type Mat,
  type Products,
  type Segment,
} from './ops.js';

export interface TinyConfig {
  vocabSize: number;
  hidden: number;
  layers: number;
  heads: number;
  kvHeads: number;
  headDim: number;
  intermediate: number;
  ropeTheta: number;
  rmsEps: number;
  /** longest training sequence (and max_position_embeddings) */
  maxSeq: number;
}

export class TinyConfigError extends Error {
  constructor(detail: string) {
    super(`model configuration: ${detail}`);
    this.name = 'TinyConfigError';
  }
}

export function checkConfig(c: TinyConfig): void {
  const ints: (keyof TinyConfig)[] = ['vocabSize', 'hidden', 'layers', 'heads', 'kvHeads', 'headDim', 'intermediate', 'maxSeq'];
  for (const k of ints) if (!Number.isInteger(c[k]) || c[k] <= 0) throw new TinyConfigError(`expected ${k} to be a positive integer, found ${c[k]}`);
  if (c.heads % c.kvHeads) throw new TinyConfigError(`expected heads (${c.heads}) to be a multiple of kvHeads (${c.kvHeads})`);
  if (c.headDim % 2) throw new TinyConfigError(`expected an even headDim for rotary embeddings, found ${c.headDim}`);
}

export interface ParamSpec {
  name: string;
  rows: number;
  cols: number;
  /** AdamW weight decay applies (matrices, not norm gains) */
  decay: boolean;
}

export type Params = Map<string, Arr>;

/** Parameter tensors in a fixed order. Linear weights are Wᵀ ([in, out]); embed is [vocab, hidden]. */
export function paramSpecs(c: TinyConfig): ParamSpec[] {
  const d = c.hidden,
    qd = c.heads * c.headDim,
    kvd = c.kvHeads * c.headDim;
  const specs: ParamSpec[] = [{ name: 'embed', rows: c.vocabSize, cols: d, decay: true }];
  for (let l = 0; l < c.layers; l++) {
    specs.push(
      { name: `L${l}.norm1`, rows: 1, cols: d, decay: false },
      { name: `L${l}.wqkv`, rows: d, cols: qd + 2 * kvd, decay: true },
      { name: `L${l}.wo`, rows: qd, cols: d, decay: true },
      { name: `L${l}.norm2`, rows: 1, cols: d, decay: false },
      { name: `L${l}.wgu`, rows: d, cols: 2 * c.intermediate, decay: true },
      { name: `L${l}.wd`, rows: c.intermediate, cols: d, decay: true },
    );
  }
  specs.push({ name: 'normF', rows: 1, cols: d, decay: false });
  return specs;
}

export function parameterCount(c: TinyConfig): number {
  return paramSpecs(c).reduce((a, s) => a + s.rows * s.cols, 0);
}

/** Seeded init: N(0, 0.02) for matrices, 0.02/√(2·layers) for the projections into the residual stream, γ = 1. */
export function initParams(c: TinyConfig, seed: number, p: Products): Params {
  checkConfig(c);
  const normal = seededNormal(seed);
  const params: Params = new Map();
  for (const s of paramSpecs(c)) {
    const data = p.alloc(s.rows * s.cols);
    if (!s.decay) data.fill(1);
    else {
      const std = /\.(wo|wd)$/.test(s.name) ? 0.02 / Math.sqrt(2 * c.layers) : 0.02;
      for (let i = 0; i < data.length; i++) data[i] = std * normal();
    }
    params.set(s.name, data);
  }
  return params;
}

export function zerosLike(c: TinyConfig, p: Products): Params {
  return new Map(paramSpecs(c).map((s) => [s.name, p.alloc(s.rows * s.cols)]));
}

/** Several token sequences packed row after row; targets[t] is the token after t (−1: none), weights[t] its loss weight. */
export interface Batch {
  ids: Int32Array;
  targets: Int32Array;
  weights: Float32Array;
  segments: Segment[];
  /** 1 where the target is an answer token (reported apart from prompt tokens that also carry a loss); default: every weighted target */
  answer?: Uint8Array;
}

export interface StepResult {
  /** weighted mean cross-entropy (nats per target token) */
  loss: number;
  /** Σ weights (target tokens counted) */
  targetTokens: number;
  /** answer targets predicted exactly by argmax */
  correct: number;
  /** mean cross-entropy over the answer targets alone, and their count */
  answerLoss: number;
  answerTokens: number;
  /** per segment: summed answer cross-entropy and answer-token count */
  segmentLoss: Float64Array;
  segmentTokens: Int32Array;
  grads?: Params;
}

export interface StepOptions {
  /** query rows per attention block (default 256) */
  attentionBlock?: number;
  /** compute gradients (default true) */
  backward?: boolean;
}

interface LayerCache {
  x: Mat;
  h1: Mat;
  r1: Float64Array;
  qkv: Mat;
  att: AttentionSaved;
  o: Mat;
  x2: Mat;
  h2: Mat;
  r2: Float64Array;
  gu: Mat;
  sig: Arr;
  act: Mat;
}

const view = (data: Arr, rows: number, cols: number): Mat => ({ rows, cols, data });

function addInto(dst: Arr, src: Arr): void {
  for (let i = 0; i < dst.length; i++) dst[i] += src[i];
}

const tables = new WeakMap<Products, Map<string, { cos: Arr; sin: Arr }>>();
function rope(p: Products, c: TinyConfig, len: number): { cos: Arr; sin: Arr } {
  let byKey = tables.get(p);
  if (!byKey) tables.set(p, (byKey = new Map()));
  const key = `${c.headDim}/${c.ropeTheta}`;
  let t = byKey.get(key);
  if (!t || t.cos.length < len * (c.headDim / 2)) byKey.set(key, (t = ropeTables(p, Math.max(len, c.maxSeq), c.headDim, c.ropeTheta)));
  return t;
}

/** Forward over the batch, the masked cross-entropy, and (unless backward is false) every parameter's gradient. */
export function lossAndGrad(c: TinyConfig, params: Params, batch: Batch, p: Products, opts: StepOptions = {}): StepResult {
  const d = c.hidden,
    N = batch.ids.length;
  const qd = c.heads * c.headDim,
    kvd = c.kvHeads * c.headDim;
  const geo: AttentionGeometry = { heads: c.heads, kvHeads: c.kvHeads, headDim: c.headDim, block: opts.attentionBlock ?? 256 };
  const P = (name: string) => params.get(name)!;
  const longest = Math.max(1, ...batch.segments.map((s) => s.len));
  const { cos, sin } = rope(p, c, longest);
  for (const s of batch.segments) if (s.len > c.maxSeq) throw new TinyConfigError(`a sequence of ${s.len} tokens is longer than maxSeq ${c.maxSeq}`);

  // embedding
  const E = P('embed');
  let x = mat(p, N, d);
  for (let t = 0; t < N; t++) {
    const id = batch.ids[t];
    if (id < 0 || id >= c.vocabSize) throw new RangeError(`token id ${id} at row ${t} is outside the vocabulary (0…${c.vocabSize - 1})`);
    x.data.set(E.subarray(id * d, (id + 1) * d), t * d);
  }

  const caches: LayerCache[] = [];
  for (let l = 0; l < c.layers; l++) {
    const { y: h1, r: r1 } = rmsNormForward(p, x, P(`L${l}.norm1`), c.rmsEps);
    const qkv = p.matmul(h1, view(P(`L${l}.wqkv`), d, qd + 2 * kvd));
    for (const s of batch.segments) {
      rotaryInPlace(qkv, s.start, s.len, 0, c.heads, c.headDim, cos, sin, false);
      rotaryInPlace(qkv, s.start, s.len, qd, c.kvHeads, c.headDim, cos, sin, false);
    }
    const { out: o, saved: att } = attentionForward(p, qkv, batch.segments, geo);
    const a = p.matmul(o, view(P(`L${l}.wo`), qd, d));
    const x2 = mat(p, N, d);
    for (let i = 0; i < x2.data.length; i++) x2.data[i] = x.data[i] + a.data[i];
    const { y: h2, r: r2 } = rmsNormForward(p, x2, P(`L${l}.norm2`), c.rmsEps);
    const gu = p.matmul(h2, view(P(`L${l}.wgu`), d, 2 * c.intermediate));
    const { act, sig } = swigluForward(p, gu);
    const m = p.matmul(act, view(P(`L${l}.wd`), c.intermediate, d));
    const x3 = mat(p, N, d);
    for (let i = 0; i < x3.data.length; i++) x3.data[i] = x2.data[i] + m.data[i];
    caches.push({ x, h1, r1, qkv, att, o, x2, h2, r2, gu, sig, act });
    x = x3;
  }

  // head: only rows that carry a loss weight are projected to the vocabulary
  const { y: hf, r: rf } = rmsNormForward(p, x, P('normF'), c.rmsEps);
  const rows: number[] = [];
  let weightSum = 0;
  for (let t = 0; t < N; t++)
    if (batch.weights[t] > 0 && batch.targets[t] >= 0) {
      rows.push(t);
      weightSum += batch.weights[t];
    }
  const M = rows.length;
  const segmentLoss = new Float64Array(batch.segments.length);
  const segmentTokens = new Int32Array(batch.segments.length);
  if (M === 0) return { loss: 0, targetTokens: 0, correct: 0, answerLoss: 0, answerTokens: 0, segmentLoss, segmentTokens, grads: opts.backward === false ? undefined : zerosLike(c, p) };
  const hm = mat(p, M, d);
  const targets = new Int32Array(M);
  const weights = new Float64Array(M);
  rows.forEach((t, i) => {
    hm.data.set(hf.data.subarray(t * d, (t + 1) * d), i * d);
    targets[i] = batch.targets[t];
    weights[i] = batch.weights[t];
  });
  const embedMat = view(E, c.vocabSize, d);
  const logits = p.matmulTransB(hm, embedMat); // [M, vocab]
  const { loss, rowLoss, rowCorrect } = crossEntropyInPlace(logits, targets, weights, weightSum);
  let answerLoss = 0,
    answerTokens = 0,
    correct = 0;
  let seg = 0;
  rows.forEach((t, i) => {
    if (batch.answer && !batch.answer[t]) return;
    while (t >= batch.segments[seg].start + batch.segments[seg].len) seg++;
    answerLoss += rowLoss[i];
    answerTokens++;
    correct += rowCorrect[i];
    segmentLoss[seg] += rowLoss[i];
    segmentTokens[seg]++;
  });
  answerLoss /= Math.max(1, answerTokens);
  const stats = { loss, targetTokens: weightSum, correct, answerLoss, answerTokens, segmentLoss, segmentTokens };
  if (opts.backward === false) return stats;

  // ---- backward ----
  const grads = zerosLike(c, p);
  const G = (name: string) => grads.get(name)!;
  addInto(G('embed'), p.matmulTransA(logits, hm).data); // tied head: dE += dzᵀ·h
  const dhm = p.matmul(logits, embedMat); // [M, d]
  const dhf = mat(p, N, d);
  rows.forEach((t, i) => dhf.data.set(dhm.data.subarray(i * d, (i + 1) * d), t * d));
  let dx = mat(p, N, d);
  rmsNormBackward(x, rf, P('normF'), dhf, dx.data, G('normF'));

  for (let l = c.layers - 1; l >= 0; l--) {
    const k = caches[l];
    // MLP: x3 = x2 + act·Wd, act = swiglu(h2·Wgu)
    const wd = view(P(`L${l}.wd`), c.intermediate, d);
    addInto(G(`L${l}.wd`), p.matmulTransA(k.act, dx).data);
    const dAct = p.matmulTransB(dx, wd);
    const dgu = swigluBackward(p, k.gu, k.sig, dAct);
    const wgu = view(P(`L${l}.wgu`), d, 2 * c.intermediate);
    addInto(G(`L${l}.wgu`), p.matmulTransA(k.h2, dgu).data);
    const dh2 = p.matmulTransB(dgu, wgu);
    const dx2 = dx; // residual: the MLP's input gradient adds onto the stream's
    rmsNormBackward(k.x2, k.r2, P(`L${l}.norm2`), dh2, dx2.data, G(`L${l}.norm2`));
    // attention: x2 = x + o·Wo
    const wo = view(P(`L${l}.wo`), qd, d);
    addInto(G(`L${l}.wo`), p.matmulTransA(k.o, dx2).data);
    const dO = p.matmulTransB(dx2, wo);
    const dqkv = attentionBackward(p, k.qkv, dO, batch.segments, geo, k.att);
    for (const s of batch.segments) {
      rotaryInPlace(dqkv, s.start, s.len, 0, c.heads, c.headDim, cos, sin, true);
      rotaryInPlace(dqkv, s.start, s.len, qd, c.kvHeads, c.headDim, cos, sin, true);
    }
    const wqkv = view(P(`L${l}.wqkv`), d, qd + 2 * kvd);
    addInto(G(`L${l}.wqkv`), p.matmulTransA(k.h1, dqkv).data);
    const dh1 = p.matmulTransB(dqkv, wqkv);
    rmsNormBackward(k.x, k.r1, P(`L${l}.norm1`), dh1, dx2.data, G(`L${l}.norm1`));
    dx = dx2;
    caches[l] = undefined as unknown as LayerCache; // free this layer's activations early
  }
  const dE = G('embed');
  for (let t = 0; t < N; t++) {
    const id = batch.ids[t];
    const o = id * d;
    for (let j = 0; j < d; j++) dE[o + j] += dx.data[t * d + j];
  }
  return { ...stats, grads };
}
