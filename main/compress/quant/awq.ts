// AWQ (Lin et al., 2024), AutoAWQ variant, spec §5. Activation-aware per-input-channel scales:
//   s = x̄^r / (w̄^(1−r) + 1e−4), clamp ≥ 1e−4, s ← s/√(max s·min s),  r* = argmin_r ‖f(Q(W·diag s)·diag s⁻¹, X) − f(W, X)‖²
// with f the module the references inspect (q/k/v: the self-attention output; gate/up: the MLP output; o, down: the linear)
// over r ∈ {0, 0.05, …, 0.95} (x̄_j = mean|x_j|, w̄_j = mean over rows of |w| / group max); fold s into the
// previous norm (γ/s) or linear (rows/s) and the next linears' columns (·s). Then a clip search per
// (row, group): max ← (1 − i/20)·max, i < 10, keeping the lowest ‖X_g w_g − X_g Q(clip(w_g))‖². Finally
// the zero-point group quantizer: Δ = max(max − min, 1e−5)/(2^b − 1), z = clamp(−round(min/Δ), 0, 2^b − 1).
import type { Engine, Matrix } from '../../tensor/index.js';
import { matrix } from '../../tensor/index.js';
import type { DecoderLayer, LinearName } from '../../model/index.js';
import { INPUT_OF, statisticOf, type InputKey, type LayerInput, type LayerStep } from '../step.js';
import { type QuantRecord, newQuantRecord, roundHalfEven } from './minmax.js';
import { toFp16Scale } from '../export/fp16.js';

/** AWQ's group quantizer (min/max not extended to 0), in place on a copy; returns weights and record. */
export function awqQuantize(w: Matrix, bits: number, groupSize: number): { weight: Matrix; record: QuantRecord } {
  const { rows, cols } = w;
  const gs = groupSize > 0 ? groupSize : cols;
  const maxq = 2 ** bits - 1;
  const rec = newQuantRecord(rows, cols, bits, groupSize, false);
  const out = new Float32Array(rows * cols);
  for (let c = 0; c < cols; c++) rec.gIdx[c] = groupSize > 0 ? Math.floor(c / gs) : 0;
  for (let g0 = 0, g = 0; g0 < cols; g0 += gs, g++)
    for (let r = 0; r < rows; r++) {
      const base = r * cols + g0;
      const n = Math.min(gs, cols - g0);
      let mn = Infinity;
      let mx = -Infinity;
      for (let k = 0; k < n; k++) {
        mn = Math.min(mn, w.data[base + k]);
        mx = Math.max(mx, w.data[base + k]);
      }
      const scale = toFp16Scale(Math.max(mx - mn, 1e-5) / maxq); // fp16 in AWQ checkpoints
      const zero = Math.min(Math.max(-roundHalfEven(Math.fround(mn / scale)), 0), maxq);
      rec.scales[g * rows + r] = scale;
      rec.zeros[g * rows + r] = zero;
      for (let k = 0; k < n; k++) {
        let q = roundHalfEven(Math.fround(w.data[base + k] / scale)) + zero;
        q = q < 0 ? 0 : q > maxq ? maxq : q;
        rec.codes[base + k] = q;
        out[base + k] = Math.fround((q - zero) * scale);
      }
    }
  return { weight: matrix(rows, cols, out), record: rec };
}

/** Fake-quantized weights only (for the searches). */
export const awqFakeQuant = (w: Matrix, bits: number, groupSize: number): Matrix => awqQuantize(w, bits, groupSize).weight;

/** w̄_j: mean over the rows of all weights of |w| / (max |w| in its group + 1e−6). */
export function weightMeanNormalised(weights: Matrix[], groupSize: number): Float64Array {
  const cols = weights[0].cols;
  const gs = groupSize > 0 ? groupSize : cols;
  const sum = new Float64Array(cols);
  let rows = 0;
  for (const w of weights) {
    for (let r = 0; r < w.rows; r++)
      for (let g0 = 0; g0 < cols; g0 += gs) {
        let mx = 0;
        for (let k = g0; k < Math.min(g0 + gs, cols); k++) mx = Math.max(mx, Math.abs(w.data[r * cols + k]));
        for (let k = g0; k < Math.min(g0 + gs, cols); k++) sum[k] += Math.abs(w.data[r * cols + k]) / (mx + 1e-6);
      }
    rows += w.rows;
  }
  return sum.map((v) => v / rows);
}

/** s(r) = x̄^r/(w̄^(1−r) + 1e−4), clamped ≥ 1e−4, normalised by √(max·min). */
export function awqScalesForRatio(xMean: Float64Array, wMean: Float64Array, r: number): Float32Array {
  const s = new Float32Array(xMean.length);
  let mx = 0;
  let mn = Infinity;
  for (let j = 0; j < s.length; j++) {
    s[j] = Math.max(xMean[j] ** r / (wMean[j] ** (1 - r) + 1e-4), 1e-4);
    mx = Math.max(mx, s[j]);
    mn = Math.min(mn, s[j]);
  }
  const norm = Math.sqrt(mx * mn);
  for (let j = 0; j < s.length; j++) s[j] /= norm;
  return s;
}

/** Q(W·diag s)·diag s⁻¹: the trial weights of one ratio. */
export function scaledFakeQuant(w: Matrix, s: Float32Array, bits: number, groupSize: number): Matrix {
  const scaled = scaleColumns(w, s);
  const q = awqFakeQuant(scaled, bits, groupSize);
  const inv = s.map((v) => 1 / v);
  return scaleColumns(q, inv);
}

export function scaleColumns(w: Matrix, s: Float32Array): Matrix {
  const out = new Float32Array(w.data.length);
  for (let r = 0; r < w.rows; r++) for (let j = 0; j < w.cols; j++) out[r * w.cols + j] = w.data[r * w.cols + j] * s[j];
  return matrix(w.rows, w.cols, out);
}

export function scaleRows(w: Matrix, s: Float32Array): Matrix {
  const out = new Float32Array(w.data.length);
  for (let r = 0; r < w.rows; r++) for (let j = 0; j < w.cols; j++) out[r * w.cols + j] = w.data[r * w.cols + j] * s[r];
  return matrix(w.rows, w.cols, out);
}

export interface ScaleSearchResult {
  scales: Float32Array;
  ratio: number;
  /** output MSE per ratio tried */
  history: number[];
}

/**
 * Grid search of r: `evaluate(trial)` returns the output MSE when the group's linears use `trial`
 * (the same order as `weights`). Lowest MSE wins (first one on ties); r = −1 never happens since r = 0 is tried.
 */
export function searchScales(xMean: Float64Array, weights: Matrix[], bits: number, groupSize: number, evaluate: (trial: Matrix[]) => number, grid = 20): ScaleSearchResult {
  const wMean = weightMeanNormalised(weights, groupSize);
  let best = Infinity;
  let bestRatio = 0;
  let bestScales: Float32Array = new Float32Array(xMean.length).fill(1);
  const history: number[] = [];
  for (let i = 0; i < grid; i++) {
    const r = i / grid;
    const s = awqScalesForRatio(xMean, wMean, r);
    const err = evaluate(weights.map((w) => scaledFakeQuant(w, s, bits, groupSize)));
    history.push(err);
    if (err < best) {
      best = err;
      bestRatio = r;
      bestScales = s;
    }
  }
  return { scales: bestScales, ratio: bestRatio, history };
}

/** Mean squared difference of two equal-shape matrices. */
export function mse(a: Matrix, b: Matrix): number {
  let s = 0;
  for (let i = 0; i < a.data.length; i++) s += (a.data[i] - b.data[i]) ** 2;
  return s / a.data.length;
}

/**
 * Clip search: for each (row, group), shrink max|w| by (1 − i/grid) for i < maxShrink·grid, fake-quantize the
 * clipped group, keep the factor with the lowest mean (X_g·w_g − X_g·ŵ_g)² over the sampled tokens x [t, in].
 * Returns W clamped to ±best max (not yet quantized).
 */
export function clipSearch(w: Matrix, x: Matrix, bits: number, groupSize: number, engine: Engine, grid = 20, maxShrink = 0.5): Matrix {
  const { rows, cols } = w;
  const gs = groupSize > 0 ? groupSize : cols;
  const t = x.rows;
  const out = new Float32Array(w.data);
  const orgMax = new Float32Array(rows);
  for (let g0 = 0; g0 < cols; g0 += gs) {
    const n = Math.min(gs, cols - g0);
    const xg = new Float32Array(t * n);
    for (let i = 0; i < t; i++) for (let k = 0; k < n; k++) xg[i * n + k] = x.data[i * cols + g0 + k];
    const xm = matrix(t, n, xg);
    const wg = new Float32Array(rows * n);
    for (let r = 0; r < rows; r++) {
      let mx = 0;
      for (let k = 0; k < n; k++) {
        wg[r * n + k] = w.data[r * cols + g0 + k];
        mx = Math.max(mx, Math.abs(wg[r * n + k]));
      }
      orgMax[r] = mx;
    }
    const wgm = matrix(rows, n, wg);
    const org = engine.matmulTransB(xm, wgm).data; // [t, rows]
    const bestErr = new Float64Array(rows).fill(Infinity);
    const bestMax = new Float32Array(orgMax);
    for (let i = 0; i < Math.floor(maxShrink * grid); i++) {
      const f = 1 - i / grid;
      const cw = new Float32Array(rows * n);
      for (let r = 0; r < rows; r++) {
        const m = orgMax[r] * f;
        for (let k = 0; k < n; k++) cw[r * n + k] = Math.min(Math.max(wg[r * n + k], -m), m);
      }
      const q = awqFakeQuant(matrix(rows, n, cw), bits, -1);
      const cur = engine.matmulTransB(xm, q).data;
      for (let r = 0; r < rows; r++) {
        let e = 0;
        for (let s = 0; s < t; s++) e += (cur[s * rows + r] - org[s * rows + r]) ** 2;
        e /= t;
        if (e < bestErr[r]) {
          bestErr[r] = e;
          bestMax[r] = orgMax[r] * f;
        }
      }
    }
    for (let r = 0; r < rows; r++) for (let k = 0; k < n; k++) out[r * cols + g0 + k] = Math.min(Math.max(wg[r * n + k], -bestMax[r]), bestMax[r]);
  }
  return matrix(rows, cols, out);
}

// ---- one decoder layer ------------------------------------------------------------------------

/** x̄_j = mean |x_j| over every calibration token of one linear input, and the inputs of the first `sampled` sequences. */
export class AwqInputStatistic {
  readonly sumAbs: Float64Array;
  tokens = 0;
  readonly samples: Matrix[] = [];
  constructor(
    readonly columns: number,
    readonly sampled: number,
  ) {
    this.sumAbs = new Float64Array(columns);
  }
  add(x: Matrix, _engine: Engine, sequence: number): void {
    for (let t = 0; t < x.rows; t++) for (let j = 0; j < x.cols; j++) this.sumAbs[j] += Math.abs(x.data[t * x.cols + j]);
    this.tokens += x.rows;
    if (sequence < this.sampled) this.samples.push(matrix(x.rows, x.cols, new Float32Array(x.data)));
  }
  meanAbs(): Float64Array {
    return this.sumAbs.map((v) => v / this.tokens);
  }
}

/** Calibration sequences the searches run on: enough for `searchTokens` tokens, at least one. */
export const awqSampledSequences = (sequences: number, seqlen: number, searchTokens: number): number => Math.max(1, Math.min(sequences, Math.ceil(searchTokens / (seqlen || 1))));

export interface AwqLayerOptions {
  bits: number;
  groupSize: number;
  /** the hidden states of the sampled sequences entering this layer, with their positions */
  sampleInputs: LayerInput[];
  /** x̄_j per input (mean |x| over all calibration tokens) for the four distinct linear inputs */
  xMean: Record<InputKey, Float64Array>;
  /** sampled inputs of each linear input (tokens from sampleInputs) */
  xSample: Record<InputKey, Matrix>;
  groupedQueryAttention: boolean;
  engine: Engine;
}

export interface AwqScaledLayer {
  ratios: Partial<Record<'qkv' | 'o' | 'gateUp' | 'down', number>>;
  /** the search objective per ratio tried (output MSE of the inspected module), per scale group */
  histories: Partial<Record<'qkv' | 'o' | 'gateUp' | 'down', number[]>>;
  /** the sampled inputs of each linear input after the fold (x/s): what the clip search and the loss see */
  inputs: Record<InputKey, Matrix>;
}

/**
 * The output of the module the references inspect (llm-awq auto_scale.py / AutoAWQ `module2inspect`), read at that
 * module's last linear: self_attn's output is o_proj(attention) (probe 'o_proj'), the MLP's is down_proj(swiglu)
 * (probe 'down_proj'), without the residual. `probe`'s own weights are never among the trial weights.
 */
export function moduleOutput(layer: DecoderLayer, sample: LayerInput, probe: LinearName, engine: Engine): Matrix {
  let input: Matrix | undefined;
  layer.forward(
    sample.hidden,
    sample.positions,
    (name, x) => {
      if (name === probe) input = x;
    },
    probe,
  ); // stop once the probe's input is known
  if (!input) throw new Error(`internal: the layer's hook never reported ${probe}'s input`);
  const p = layer.linear(probe);
  const y = engine.matmulTransB(input, p.weight);
  if (p.bias) for (let t = 0; t < y.rows; t++) for (let j = 0; j < y.cols; j++) y.data[t * y.cols + j] += p.bias[j];
  return y;
}

/**
 * Scale-search objective: mean over the samples of the MSE of the inspected module's output when `names` use `trial`
 * weights, against the full-precision output ((org_out − out)².mean() in the references).
 */
export function moduleOutputMse(layer: DecoderLayer, samples: LayerInput[], probe: LinearName, engine: Engine): (names: LinearName[], trial: Matrix[]) => number {
  const reference = samples.map((s) => moduleOutput(layer, s, probe, engine));
  return (names, trial) => {
    if (names.includes(probe)) throw new Error(`internal: ${probe} is both the probe and a trial linear`);
    const saved = names.map((n) => layer.linear(n));
    names.forEach((n, i) => layer.setLinear(n, { weight: trial[i], bias: saved[i].bias }));
    let e = 0;
    samples.forEach((s, i) => (e += mse(moduleOutput(layer, s, probe, engine), reference[i])));
    names.forEach((n, i) => layer.setLinear(n, saved[i]));
    return e / samples.length;
  };
}

/** Steps 1–2 for one layer: search every scale group's s on the full-precision inputs, fold s into the layer. */
export function awqScaleLayer(layer: DecoderLayer, o: AwqLayerOptions): AwqScaledLayer {
  const { engine } = o;
  const W = (n: LinearName) => layer.linear(n).weight;
  // q/k/v are judged on the self-attention output, gate/up on the MLP output (module2inspect = self_attn / mlp)
  const attentionMse = moduleOutputMse(layer, o.sampleInputs, 'o_proj', engine);
  const mlpMse = moduleOutputMse(layer, o.sampleInputs, 'down_proj', engine);
  const linearMse = (name: LinearName, x: Matrix) => {
    const ref = engine.matmulTransB(x, W(name));
    return (trial: Matrix[]) => mse(engine.matmulTransB(x, trial[0]), ref);
  };
  const ratios: AwqScaledLayer['ratios'] = {};
  // 1. search every group's scales on the original weights
  const qkvNames: LinearName[] = ['q_proj', 'k_proj', 'v_proj'];
  const mlpNames: LinearName[] = ['gate_proj', 'up_proj'];
  const sQkv = searchScales(o.xMean.attn, qkvNames.map(W), o.bits, o.groupSize, (t) => attentionMse(qkvNames, t));
  ratios.qkv = sQkv.ratio;
  const histories: AwqScaledLayer['histories'] = { qkv: sQkv.history };
  let sO: ScaleSearchResult | undefined;
  if (!o.groupedQueryAttention) {
    sO = searchScales(o.xMean.o, [W('o_proj')], o.bits, o.groupSize, linearMse('o_proj', o.xSample.o));
    ratios.o = sO.ratio;
    histories.o = sO.history;
  }
  const sMlp = searchScales(o.xMean.mlp, mlpNames.map(W), o.bits, o.groupSize, (t) => mlpMse(mlpNames, t));
  ratios.gateUp = sMlp.ratio;
  histories.gateUp = sMlp.history;
  const sDown = searchScales(o.xMean.down, [W('down_proj')], o.bits, o.groupSize, linearMse('down_proj', o.xSample.down));
  ratios.down = sDown.ratio;
  histories.down = sDown.history;
  // 2. fold: previous op ÷ s, next linears' columns × s; the cached inputs become x/s
  const inv = (s: Float32Array) => s.map((v) => 1 / v);
  const gammaIn = layer.inputNorm.map((g, j) => g / sQkv.scales[j]);
  const gammaPost = layer.postAttentionNorm.map((g, j) => g / sMlp.scales[j]);
  layer.setNorms(gammaIn, gammaPost);
  for (const n of qkvNames) layer.setLinear(n, { ...layer.linear(n), weight: scaleColumns(W(n), sQkv.scales) });
  for (const n of mlpNames) layer.setLinear(n, { ...layer.linear(n), weight: scaleColumns(W(n), sMlp.scales) });
  if (sO) {
    const v = layer.linear('v_proj');
    const is = inv(sO.scales);
    layer.setLinear('v_proj', { weight: scaleRows(v.weight, is), bias: v.bias?.map((b, r) => b * is[r]) });
    layer.setLinear('o_proj', { ...layer.linear('o_proj'), weight: scaleColumns(W('o_proj'), sO.scales) });
  }
  const up = layer.linear('up_proj');
  const isd = inv(sDown.scales);
  layer.setLinear('up_proj', { weight: scaleRows(up.weight, isd), bias: up.bias?.map((b, r) => b * isd[r]) });
  layer.setLinear('down_proj', { ...layer.linear('down_proj'), weight: scaleColumns(W('down_proj'), sDown.scales) });
  const inputs = {
    attn: scaleColumns(o.xSample.attn, inv(sQkv.scales)),
    o: sO ? scaleColumns(o.xSample.o, inv(sO.scales)) : o.xSample.o,
    mlp: scaleColumns(o.xSample.mlp, inv(sMlp.scales)),
    down: scaleColumns(o.xSample.down, inv(sDown.scales)),
  };
  return { ratios, histories, inputs };
}

/**
 * Steps 3–4 for one folded linear: the clip search (not for q/k, whose outputs meet in a product), then the group
 * quantizer; loss = mean (x·Ŵᵀ − x·Wᵀ)² over its sampled inputs x.
 */
export function awqLinear(name: LinearName, w: Matrix, x: Matrix, bits: number, groupSize: number, engine: Engine): { weight: Matrix; record: QuantRecord; loss: number } {
  const clipped = name === 'q_proj' || name === 'k_proj' ? w : clipSearch(w, subsampleRows(x, 512), bits, groupSize, engine);
  const { weight, record } = awqQuantize(clipped, bits, groupSize);
  return { weight, record, loss: mse(engine.matmulTransB(x, weight), engine.matmulTransB(x, w)) };
}

/**
 * AWQ's layer step: mean |x| and sampled inputs from one pass over the full-precision layer (whose outputs go on to the
 * next layer), the scale search and fold on the whole layer, then each linear clipped and quantized.
 */
export const awqStep: LayerStep<AwqInputStatistic, { awqRatios: Record<string, number>; inputs: Record<InputKey, Matrix> }> = {
  statistic: {
    label: 'activation statistics',
    create: (columns, { inputs, seqlen, config }) => new AwqInputStatistic(columns, awqSampledSequences(inputs.length, seqlen, config.awqSearchTokens)),
  },
  fullPrecisionOutputs: true,
  prepare: {
    label: 'scale search',
    run(layer, stats, { config, engine, model, inputs }) {
      const keys: InputKey[] = ['attn', 'o', 'mlp', 'down'];
      const of = (k: InputKey) => statisticOf(stats, k);
      const scaled = awqScaleLayer(layer, {
        bits: config.bits,
        groupSize: config.groupSize,
        sampleInputs: inputs.slice(0, of('attn').sampled),
        xMean: Object.fromEntries(keys.map((k) => [k, of(k).meanAbs()])) as Record<InputKey, Float64Array>,
        xSample: Object.fromEntries(keys.map((k) => [k, subsampleRows(concatRows(of(k).samples), config.awqSearchTokens)])) as Record<InputKey, Matrix>,
        groupedQueryAttention: model.numKvHeads !== model.numHeads,
        engine,
      });
      return { awqRatios: scaled.ratios as Record<string, number>, inputs: scaled.inputs };
    },
  },
  linear(name, w, _stats, { config, engine }, prepared) {
    const r = awqLinear(name, w, prepared!.inputs[INPUT_OF[name]], config.bits, config.groupSize, engine);
    return { ...r, lossKind: 'output-mse' };
  },
};

/** Every k-th row so that at most n rows remain. */
export function subsampleRows(x: Matrix, n: number): Matrix {
  if (x.rows <= n) return x;
  const step = Math.floor(x.rows / n);
  const rows = Math.floor((x.rows - 1) / step) + 1;
  const out = new Float32Array(rows * x.cols);
  for (let i = 0; i < rows; i++) out.set(x.data.subarray(i * step * x.cols, (i * step + 1) * x.cols), i * x.cols);
  return matrix(rows, x.cols, out);
}

/** The rows of several matrices of one width, stacked. */
function concatRows(ms: Matrix[]): Matrix {
  const cols = ms[0].cols;
  const rows = ms.reduce((a, m) => a + m.rows, 0);
  const out = new Float32Array(rows * cols);
  let off = 0;
  for (const m of ms) {
    out.set(m.data, off);
    off += m.data.length;
  }
  return { rows, cols, data: out };
}
