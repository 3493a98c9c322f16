// The layer-by-layer driver (spec §8): capture the inputs of decoder layer 0 for every calibration
// sequence, then per layer collect statistics with hooks, compress the linears, and rerun the layer to
// produce the next layer's inputs. GPTQ is true-sequential ([k,v,q] → [o] → [up,gate] → [down], each group
// calibrated on the partly compressed layer); SparseGPT and Wanda take one pass; AWQ and SmoothQuant
// propagate full-precision outputs. Only one layer's activations and one group's Hessians live at once.
import { getEngine, type Engine, type Matrix } from '../tensor/index.js';
import type { CausalLM, DecoderLayer, LinearName } from '../model/index.js';
import { type CompressionConfig, type CompressionTuning, type ResolvedConfig, needsCalibration, patternNM, resolveConfig, validateAgainstModel } from './config.js';
import type { CalibrationSet } from './calibration.js';
import { CalibrationError, CompressionCancelledError } from './errors.js';
import { HessianAccumulator } from './hessian.js';
import { type QuantRecord } from './quant/minmax.js';
import { rtnQuantize } from './quant/rtn.js';
import { gptqQuantize } from './quant/gptq.js';
import { awqLayer, subsampleRows } from './quant/awq.js';
import { ActivationMaxAccumulator, foldSmoothing, perTokenActivationTransform, perTokenProjectionOutputTransform, quantizeRowsAbsmax, smoothingScales } from './quant/smoothquant.js';
import { fp8Quantize } from './quant/fp8.js';
import { kvQuantTransform } from './quant/kvcache.js';
import { magnitudePrune } from './prune/magnitude.js';
import { InputNormAccumulator, wandaPrune } from './prune/wanda.js';
import { sparseGptPrune } from './prune/sparsegpt.js';
import { sparsityOf } from './prune/mask.js';
import { type CompressionReport, type LayerReport, type LinearReport, type LossKind, effectiveBits, modelSizes } from './report.js';

export const BLOCK_LINEARS: readonly LinearName[] = ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj'];
/** Linears that read the same input share one statistic. */
export type InputKey = 'attn' | 'o' | 'mlp' | 'down';
export const INPUT_OF: Record<LinearName, InputKey> = { q_proj: 'attn', k_proj: 'attn', v_proj: 'attn', o_proj: 'o', gate_proj: 'mlp', up_proj: 'mlp', down_proj: 'down' };
/** GPTQ's true-sequential groups. */
export const SEQUENTIAL_GROUPS: readonly (readonly LinearName[])[] = [['k_proj', 'v_proj', 'q_proj'], ['o_proj'], ['up_proj', 'gate_proj'], ['down_proj']];

export interface CompressProgress {
  stage: 'capture' | 'statistics' | 'compress' | 'propagate' | 'done';
  layer: number;
  layers: number;
  linear?: LinearName;
  /** finished linears out of layers × 7 */
  done: number;
  total: number;
  fraction: number;
  elapsedS: number;
  etaS: number | null;
  message: string;
}

export interface CompressRunOptions {
  onProgress?: (p: CompressProgress) => void;
  signal?: AbortSignal;
  engine?: Engine;
  tuning?: CompressionTuning;
  /**
   * Layer at a time (llm-compressor's sequential pipeline): called when a layer is finished with that layer's quantization
   * records, which then are not kept in the outcome; the layer's resident weights are freed after it returns. A caller
   * writes the layer out here, so the peak is about the embeddings, one layer and the calibration activations.
   */
  onLayerDone?: (layer: number, records: Map<string, QuantRecord>) => void | Promise<void>;
  /** compress only the first N layers (a measurement of time and memory per layer; the report says how many) */
  firstLayers?: number;
}

export interface CompressionOutcome {
  report: CompressionReport;
  /** integer codes per `${layer}.${linear}` for the GPTQ / AWQ exporters (quantization methods only) */
  records: Map<string, QuantRecord>;
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Compress `model` in place. Validation happens before any work; the AbortSignal is checked between
 * linears (a cancelled model is partly compressed). Returns the report and the quantization records.
 */
export async function compressModel(model: CausalLM, config: CompressionConfig, calibration: CalibrationSet | undefined, opts: CompressRunOptions = {}): Promise<CompressionOutcome> {
  const cfg = resolveConfig(config, opts.tuning);
  validateAgainstModel(cfg, model.config);
  if (needsCalibration(cfg.method) && (!calibration || calibration.samples.length === 0))
    throw new CalibrationError('(none)', `a calibration set for method ${cfg.method}`, 'none');
  if (calibration && needsCalibration(cfg.method) && calibration.seqlen > model.config.maxPositionEmbeddings)
    throw new CalibrationError(calibration.source, `seqlen ≤ the model's max_position_embeddings (${model.config.maxPositionEmbeddings})`, String(calibration.seqlen));
  const engine = opts.engine ?? getEngine();
  const t0 = performance.now();
  const nLayers = model.layers.length;
  const total = nLayers * BLOCK_LINEARS.length;
  let done = 0;
  const linears: LinearReport[] = [];
  const layers: LayerReport[] = [];
  const records = new Map<string, QuantRecord>();
  const seconds = { calibrate: 0, capture: 0, statistics: 0, hessianInverse: 0, updates: 0, compress: 0, total: 0 };
  const baseModelHash = model.hash;

  const progress = (stage: CompressProgress['stage'], layer: number, message: string, linear?: LinearName) => {
    const elapsedS = (performance.now() - t0) / 1000;
    const etaS = done > 0 ? (elapsedS / done) * (total - done) : null;
    opts.onProgress?.({ stage, layer, layers: nLayers, linear, done, total, fraction: done / total, elapsedS, etaS, message });
  };
  const checkCancel = async (where: string) => {
    await yieldToEventLoop();
    if (opts.signal?.aborted) throw new CompressionCancelledError(where);
  };

  // --- capture layer-0 inputs -------------------------------------------------------------------
  let hidden: Matrix[] = [];
  let positions: Int32Array[] = [];
  if (needsCalibration(cfg.method) && calibration) {
    const tc = performance.now();
    hidden = calibration.samples.map((ids) => model.embed(ids));
    positions = calibration.samples.map((ids) => Int32Array.from(ids, (_, i) => i));
    seconds.capture = (performance.now() - tc) / 1000;
    progress('capture', 0, `captured layer-0 inputs of ${hidden.length} × ${calibration.seqlen} tokens`);
  }

  const record = (layer: number, name: LinearName, after: Matrix, loss: number, lossKind: LossKind, secs: number) => {
    linears.push({ layer, name, rows: after.rows, cols: after.cols, loss, lossKind, sparsity: sparsityOf(after.data), bitsPerWeight: effectiveBits(cfg, after.rows, after.cols), seconds: secs });
  };

  /**
   * Forward every calibration sequence through `layer`; `onInput` sees each distinct linear input once per
   * sequence (q/k/v and gate/up share theirs); outputs replace the inputs when `propagate`.
   */
  const pass = (layer: DecoderLayer, onInput: ((key: InputKey, x: Matrix, sequence: number) => void) | undefined, propagate: boolean, until?: LinearName) => {
    const ts = performance.now();
    const seen = new Set<InputKey>();
    for (let i = 0; i < hidden.length; i++) {
      seen.clear();
      const hook = onInput
        ? (name: LinearName, x: Matrix) => {
            const key = INPUT_OF[name];
            if (seen.has(key)) return;
            seen.add(key);
            onInput(key, x, i);
          }
        : undefined;
      const out = layer.forward(hidden[i], positions[i], hook, propagate ? undefined : until);
      if (propagate) hidden[i] = out!;
    }
    seconds.statistics += (performance.now() - ts) / 1000;
  };

  const lastLayer = Math.min(nLayers, opts.firstLayers ?? nLayers);
  for (let li = 0; li < lastLayer; li++) {
    const layer = model.layers[li];
    const tl = performance.now();
    const before = linears.length;
    let awqRatios: Record<string, number> | undefined;
    const compressOne = async (name: LinearName, fn: (w: Matrix, bias?: Float32Array) => { weight: Matrix; loss: number; lossKind: LossKind; record?: QuantRecord }) => {
      await checkCancel(`layer ${li} ${name}`);
      progress('compress', li, `layer ${li + 1}/${nLayers}: ${name}`, name);
      const ts = performance.now();
      const p = layer.linear(name);
      const r = fn(p.weight, p.bias);
      layer.setLinear(name, { weight: r.weight, bias: p.bias });
      if (r.record) records.set(`${li}.${name}`, r.record);
      const secs = (performance.now() - ts) / 1000;
      seconds.compress += secs;
      record(li, name, r.weight, r.loss, r.lossKind, secs);
      done++;
    };

    switch (cfg.method) {
      case 'none':
        done += BLOCK_LINEARS.length;
        break;
      case 'rtn':
      case 'fp8':
      case 'magnitude':
        for (const name of BLOCK_LINEARS)
          await compressOne(name, (w) => {
            if (cfg.method === 'rtn') {
              const r = rtnQuantize(w, cfg);
              return { weight: r.weight, record: r.record, loss: weightMse(w, r.weight), lossKind: 'weight-mse' };
            }
            if (cfg.method === 'fp8') {
              const r = fp8Quantize(w, cfg.fp8Granularity);
              return { weight: r.weight, loss: weightMse(w, r.weight), lossKind: 'weight-mse' };
            }
            const r = magnitudePrune(w, { sparsity: cfg.sparsity, nm: patternNM(cfg.pattern) });
            return { weight: r.weight, loss: weightMse(w, r.weight), lossKind: 'weight-mse' };
          });
        break;
      case 'gptq':
      case 'sparsegpt': {
        const groups = cfg.trueSequential ? SEQUENTIAL_GROUPS : [BLOCK_LINEARS];
        for (const group of groups) {
          await checkCancel(`layer ${li} statistics`);
          progress('statistics', li, `layer ${li + 1}/${nLayers}: Hessians for ${group.join(', ')}`);
          const keys = new Set(group.map((n) => INPUT_OF[n]));
          const hess = new Map<InputKey, HessianAccumulator>();
          pass(layer, (key, x) => {
            if (!keys.has(key)) return;
            let h = hess.get(key);
            if (!h) hess.set(key, (h = new HessianAccumulator(x.cols)));
            h.add(x, engine);
          }, false, lastInput(group)); // stop once the group's inputs are seen: [k,v,q] needs only the first norm
          for (const name of group)
            await compressOne(name, (w) => {
              const h = hess.get(INPUT_OF[name]);
              if (!h) throw new Error(`internal: no Hessian collected for ${name} (the layer's hook did not report it)`);
              if (cfg.method === 'gptq') {
                const r = gptqQuantize(w, h.h, cfg, engine);
                seconds.hessianInverse += r.timings.inverseS;
                seconds.updates += r.timings.updateS;
                return { weight: r.weight, record: r.record, loss: r.loss, lossKind: 'obs' };
              }
              const r = sparseGptPrune(w, h.h, { sparsity: cfg.sparsity, nm: patternNM(cfg.pattern), damp: cfg.damp, blockSize: cfg.blockSize, quant: cfg.quantizeAfterPruning ? { bits: cfg.bits, groupSize: cfg.groupSize, sym: cfg.sym } : undefined }, engine);
              seconds.hessianInverse += r.timings.inverseS;
              seconds.updates += r.timings.updateS;
              return { weight: r.weight, record: r.record, loss: r.loss, lossKind: 'obs' };
            });
        }
        progress('propagate', li, `layer ${li + 1}/${nLayers}: rerunning the compressed layer`);
        pass(layer, undefined, true);
        break;
      }
      case 'wanda': {
        progress('statistics', li, `layer ${li + 1}/${nLayers}: input norms`);
        const norms = new Map<InputKey, InputNormAccumulator>();
        pass(layer, (key, x) => (norms.get(key) ?? norms.set(key, new InputNormAccumulator(x.cols)).get(key)!).add(x), false);
        for (const name of BLOCK_LINEARS)
          await compressOne(name, (w) => {
            const r = wandaPrune(w, norms.get(INPUT_OF[name])!.meanSquares(), { sparsity: cfg.sparsity, nm: patternNM(cfg.pattern) });
            return { weight: r.weight, loss: r.loss, lossKind: 'wanda' };
          });
        progress('propagate', li, `layer ${li + 1}/${nLayers}: rerunning the pruned layer`);
        pass(layer, undefined, true);
        break;
      }
      case 'smoothquant': {
        progress('statistics', li, `layer ${li + 1}/${nLayers}: activation maxima`);
        const maxima = new Map<InputKey, ActivationMaxAccumulator>();
        pass(layer, (key, x) => (maxima.get(key) ?? maxima.set(key, new ActivationMaxAccumulator(x.cols)).get(key)!).add(x), true); // full-precision propagation
        await checkCancel(`layer ${li} smoothing`);
        const W = (n: LinearName) => layer.linear(n).weight;
        const qkv: LinearName[] = ['q_proj', 'k_proj', 'v_proj'];
        const mlp: LinearName[] = ['gate_proj', 'up_proj'];
        const sA = smoothingScales(maxima.get('attn')!.max, qkv.map(W), cfg.alpha);
        const sM = smoothingScales(maxima.get('mlp')!.max, mlp.map(W), cfg.alpha);
        const fA = foldSmoothing(layer.inputNorm, qkv.map(W), sA);
        const fM = foldSmoothing(layer.postAttentionNorm, mlp.map(W), sM);
        layer.setNorms(fA.gamma, fM.gamma);
        qkv.forEach((n, i) => layer.setLinear(n, { weight: fA.weights[i], bias: layer.linear(n).bias }));
        mlp.forEach((n, i) => layer.setLinear(n, { weight: fM.weights[i], bias: layer.linear(n).bias }));
        for (const name of BLOCK_LINEARS)
          await compressOne(name, (w) => {
            const q = quantizeRowsAbsmax(w, 8);
            return { weight: q, loss: weightMse(w, q), lossKind: 'weight-mse' };
          });
        break;
      }
      case 'awq': {
        progress('statistics', li, `layer ${li + 1}/${nLayers}: activation statistics`);
        const sums = new Map<InputKey, { sum: Float64Array; tokens: number }>();
        const nSample = Math.max(1, Math.min(hidden.length, Math.ceil(cfg.awqSearchTokens / (calibration!.seqlen || 1))));
        const sampleInputs = hidden.slice(0, nSample).map((h, i) => ({ hidden: h, positions: positions[i] }));
        const sampleRows = new Map<InputKey, Matrix[]>();
        pass(layer, (key, x, i) => {
          let s = sums.get(key);
          if (!s) sums.set(key, (s = { sum: new Float64Array(x.cols), tokens: 0 }));
          for (let t = 0; t < x.rows; t++) for (let j = 0; j < x.cols; j++) s.sum[j] += Math.abs(x.data[t * x.cols + j]);
          s.tokens += x.rows;
          if (i < nSample) {
            const list = sampleRows.get(key) ?? [];
            list.push({ rows: x.rows, cols: x.cols, data: new Float32Array(x.data) });
            sampleRows.set(key, list);
          }
        }, true); // full-precision propagation
        const key4: InputKey[] = ['attn', 'o', 'mlp', 'down'];
        const xMean = Object.fromEntries(key4.map((k) => [k, sums.get(k)!.sum.map((v) => v / sums.get(k)!.tokens)])) as Record<InputKey, Float64Array>;
        const xSample = Object.fromEntries(key4.map((k) => [k, subsampleRows(concatRows(sampleRows.get(k)!), cfg.awqSearchTokens)])) as Record<InputKey, Matrix>;
        await checkCancel(`layer ${li} scale search`);
        progress('compress', li, `layer ${li + 1}/${nLayers}: scale and clip search`);
        const tsr = performance.now();
        const mc = model.config;
        const res = awqLayer(layer, {
          bits: cfg.bits,
          groupSize: cfg.groupSize,
          sampleInputs,
          xMean,
          xSample,
          groupedQueryAttention: mc.numKvHeads !== mc.numHeads,
          engine,
        }, (name) => {
          if (opts.signal?.aborted) throw new CompressionCancelledError(`layer ${li} ${name}`);
          progress('compress', li, `layer ${li + 1}/${nLayers}: ${name}`, name);
        });
        const secs = (performance.now() - tsr) / 1000;
        seconds.compress += secs;
        awqRatios = res.ratios as Record<string, number>;
        for (const name of BLOCK_LINEARS) {
          const w = layer.linear(name).weight;
          records.set(`${li}.${name}`, res.records.get(name)!);
          linears.push({ layer: li, name, rows: w.rows, cols: w.cols, loss: res.losses.get(name)!, lossKind: 'output-mse', sparsity: sparsityOf(w.data), bitsPerWeight: effectiveBits(cfg, w.rows, w.cols), seconds: secs / BLOCK_LINEARS.length });
          done++;
        }
        break;
      }
    }
    const mine = linears.slice(before);
    const numel = mine.reduce((a, l) => a + l.rows * l.cols, 0);
    layers.push({
      index: li,
      loss: mine.reduce((a, l) => a + l.loss, 0),
      sparsity: numel ? mine.reduce((a, l) => a + l.sparsity * l.rows * l.cols, 0) / numel : 0,
      seconds: (performance.now() - tl) / 1000,
      ...(awqRatios ? { awqRatios } : {}),
    });
    progress('compress', li, `layer ${li + 1}/${nLayers} done`);
    if (opts.onLayerDone) {
      const mine = new Map([...records].filter(([k]) => k.startsWith(`${li}.`)));
      for (const k of mine.keys()) records.delete(k);
      await opts.onLayerDone(li, mine);
      layer.release();
    }
  }
  hidden = [];
  positions = [];

  // --- inference-time transforms ----------------------------------------------------------------
  if (cfg.method === 'smoothquant') {
    model.setActivationTransform(perTokenActivationTransform(8));
    model.setOutputTransform(perTokenProjectionOutputTransform(8)); // attention BMM inputs (smoothquant ppl_eval.py)
  }
  if (cfg.kvBits !== 16) model.setKvTransform(kvQuantTransform(cfg.kvBits, cfg.kvGroupSize));

  const numelAll = linears.reduce((a, l) => a + l.rows * l.cols, 0);
  const zeros = linears.reduce((a, l) => a + l.sparsity * l.rows * l.cols, 0);
  const bits = numelAll ? linears.reduce((a, l) => a + l.bitsPerWeight * l.rows * l.cols, 0) / numelAll : 16;
  seconds.total = (performance.now() - t0) / 1000;
  const report: CompressionReport = {
    method: cfg.method,
    config: cfg,
    calibration: calibration && needsCalibration(cfg.method)
      ? { source: calibration.source, samples: calibration.samples.length, seqlen: calibration.seqlen, seed: calibration.seed, hash: calibration.hash, corpusTokens: calibration.corpusTokens }
      : null,
    layers,
    linears,
    sparsity: { global: numelAll ? zeros / numelAll : 0, perLayer: layers.map((l) => l.sparsity) },
    effectiveBitsPerWeight: cfg.method === 'none' ? 16 : bits,
    sizeBytes: modelSizes(model.config, cfg.method === 'none' ? [] : linears.map((l) => ({ numel: l.rows * l.cols, bits: l.bitsPerWeight }))),
    seconds,
    kvCache: cfg.kvBits !== 16 ? { bits: cfg.kvBits, groupSize: cfg.kvGroupSize } : null,
    activations: cfg.method === 'smoothquant' ? { bits: 8, granularity: 'per-token', bmmInputs: true } : null,
    backend: engine.report.name,
    baseModelHash,
    compressedModelHash: model.hash,
    createdAt: new Date().toISOString(),
  };
  progress('done', nLayers - 1, `compressed ${nLayers} layers in ${seconds.total.toFixed(1)} s`);
  return { report, records };
}

/** The linear of a group whose input comes last in the block (a statistics pass may stop there). */
export function lastInput(group: readonly LinearName[]): LinearName {
  const order: InputKey[] = ['attn', 'o', 'mlp', 'down'];
  return group.reduce((a, b) => (order.indexOf(INPUT_OF[b]) > order.indexOf(INPUT_OF[a]) ? b : a));
}

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

/** ‖W − Ŵ‖²_F / numel */
export function weightMse(a: Matrix, b: Matrix): number {
  let s = 0;
  for (let i = 0; i < a.data.length; i++) s += (a.data[i] - b.data[i]) ** 2;
  return s / a.data.length;
}
