// The layer-by-layer driver (spec §8): capture the inputs of decoder layer 0 for every calibration sequence, then per
// layer and per group of linears run the method's step (step.ts, one per method in steps.ts): a statistics pass with
// hooks, the layer-wide preparation, each linear compressed; then the next layer's inputs — the compressed layer rerun,
// or the full-precision outputs of the statistics pass (AWQ, SmoothQuant). GPTQ is true-sequential ([k,v,q] → [o] →
// [up,gate] → [down], each group calibrated on the partly compressed layer). Only one layer's activations and one
// group's statistics live at once.
import { getEngine, type Engine, type Matrix } from '../tensor/index.js';
import type { CausalLM, DecoderLayer, LinearName } from '../model/index.js';
import { perTokenActivationTransform, perTokenProjectionOutputTransform } from '../model/index.js';
import { type CompressionConfig, type CompressionTuning, resolveConfig, validateAgainstModel } from './config.js';
import type { CalibrationSet } from './calibration.js';
import { CalibrationError, CompressionCancelledError } from './errors.js';
import { COMPRESSION_METHODS } from './methods/index.js';
import { type QuantRecord } from './quant/minmax.js';
import { kvQuantTransform } from './quant/kvcache.js';
import { sparsityOf } from './prune/mask.js';
import { type CompressionReport, type LayerReport, type LinearReport, effectiveBits, modelSizes } from './report.js';
import { BLOCK_LINEARS, INPUT_OF, lastInput, type CompressedLinear, type InputKey, type InputStatistic, type StepContext } from './step.js';
import { LAYER_STEPS, needsCalibration } from './steps.js';

export { BLOCK_LINEARS, SEQUENTIAL_GROUPS } from './step.js';

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
  if (needsCalibration(cfg.method) && (!calibration || calibration.samples.length === 0)) throw new CalibrationError('(none)', `a calibration set for method ${cfg.method}`, 'none');
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

  const step = LAYER_STEPS[cfg.method];
  const lastLayer = Math.min(nLayers, opts.firstLayers ?? nLayers);
  for (let li = 0; li < lastLayer; li++) {
    const layer = model.layers[li];
    const tl = performance.now();
    const before = linears.length;
    const where = `layer ${li + 1}/${nLayers}`;
    let awqRatios: Record<string, number> | undefined;
    for (const group of step.groups?.(cfg) ?? [BLOCK_LINEARS]) {
      const ctx: StepContext = { config: cfg, engine, model: model.config, inputs: hidden.map((h, i) => ({ hidden: h, positions: positions[i] })), seqlen: calibration?.seqlen ?? 0 };
      // the method's statistic of each input the group reads; a pass that does not propagate stops once it has them all
      const stats = new Map<InputKey, InputStatistic>();
      if (step.statistic) {
        const { label, create } = step.statistic;
        await checkCancel(`layer ${li} statistics`);
        progress('statistics', li, `${where}: ${label} for ${group.join(', ')}`);
        const keys = new Set(group.map((n) => INPUT_OF[n]));
        pass(
          layer,
          (key, x, i) => {
            if (!keys.has(key)) return;
            let s = stats.get(key);
            if (!s) stats.set(key, (s = create(x.cols, ctx)));
            s.add(x, engine, i);
          },
          step.fullPrecisionOutputs === true,
          lastInput(group),
        );
      }
      let prepared: Pick<LayerReport, 'awqRatios'> | undefined;
      if (step.prepare) {
        await checkCancel(`layer ${li} ${step.prepare.label}`);
        progress('compress', li, `${where}: ${step.prepare.label}`);
        const tp = performance.now();
        prepared = step.prepare.run(layer, stats, ctx);
        seconds.compress += (performance.now() - tp) / 1000;
        awqRatios = prepared.awqRatios;
      }
      for (const name of group) {
        await checkCancel(`layer ${li} ${name}`);
        progress('compress', li, `${where}: ${name}`, name);
        const ts = performance.now();
        const p = layer.linear(name);
        const r: CompressedLinear = step.linear(name, p.weight, stats, ctx, prepared);
        layer.setLinear(name, { weight: r.weight, bias: p.bias });
        if (r.record) records.set(`${li}.${name}`, r.record);
        seconds.hessianInverse += r.timings?.inverseS ?? 0;
        seconds.updates += r.timings?.updateS ?? 0;
        const secs = (performance.now() - ts) / 1000;
        seconds.compress += secs;
        linears.push({
          layer: li,
          name,
          rows: r.weight.rows,
          cols: r.weight.cols,
          loss: r.loss,
          lossKind: r.lossKind,
          sparsity: sparsityOf(r.weight.data),
          bitsPerWeight: effectiveBits(cfg, r.weight.rows, r.weight.cols),
          seconds: secs,
        });
        done++;
      }
    }
    if (step.statistic && !step.fullPrecisionOutputs) {
      progress('propagate', li, `${where}: rerunning the compressed layer`);
      pass(layer, undefined, true);
    }
    done = (li + 1) * BLOCK_LINEARS.length; // linears a method leaves alone (none) count as done
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
  const activations = COMPRESSION_METHODS[cfg.method].activations;
  if (activations) {
    model.setActivationTransform(perTokenActivationTransform(activations.bits));
    if (activations.bmmInputs) model.setOutputTransform(perTokenProjectionOutputTransform(activations.bits)); // attention BMM inputs (smoothquant ppl_eval.py)
  }
  if (cfg.kvBits !== 16) model.setKvTransform(kvQuantTransform(cfg.kvBits, cfg.kvGroupSize));

  const numelAll = linears.reduce((a, l) => a + l.rows * l.cols, 0);
  const zeros = linears.reduce((a, l) => a + l.sparsity * l.rows * l.cols, 0);
  const bits = numelAll ? linears.reduce((a, l) => a + l.bitsPerWeight * l.rows * l.cols, 0) / numelAll : 16;
  seconds.total = (performance.now() - t0) / 1000;
  const report: CompressionReport = {
    method: cfg.method,
    config: cfg,
    calibration:
      calibration && needsCalibration(cfg.method)
        ? { source: calibration.source, samples: calibration.samples.length, seqlen: calibration.seqlen, seed: calibration.seed, hash: calibration.hash, corpusTokens: calibration.corpusTokens }
        : null,
    layers,
    linears,
    sparsity: { global: numelAll ? zeros / numelAll : 0, perLayer: layers.map((l) => l.sparsity) },
    effectiveBitsPerWeight: bits,
    sizeBytes: modelSizes(
      model.config,
      linears.map((l) => ({ numel: l.rows * l.cols, bits: l.bitsPerWeight })),
    ),
    seconds,
    kvCache: cfg.kvBits !== 16 ? { bits: cfg.kvBits, groupSize: cfg.kvGroupSize } : null,
    activations: activations ? { ...activations } : null,
    backend: engine.report.name,
    baseModelHash,
    compressedModelHash: model.hash,
    createdAt: new Date().toISOString(),
  };
  progress('done', nLayers - 1, `compressed ${nLayers} layers in ${seconds.total.toFixed(1)} s`);
  return { report, records };
}
