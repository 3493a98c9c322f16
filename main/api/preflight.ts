// Pre-flight estimate of an experiment's peak memory and wall time on this machine, from the model's
// config.json and rough throughput figures of the active backend. Memory blocks a run unless overridden.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ExperimentSpec, Preflight } from './contract.js';
import { parameterCountOf, readConfig, type ModelConfig } from '../model/index.js';
import { CalibrationError, dividingGroupSizes, modelShapeProblems, needsCalibration, readCalibrationTexts, resolveConfig } from '../compress/index.js';
import { BenchInputError, resolveSuiteDir, resolveTaskIds } from '../bench/index.js';

/** The config of a model folder, or null when it has none that parses (the load stage will say why). */
export function readModelConfig(dir: string): ModelConfig | null {
  if (!existsSync(join(dir, 'config.json'))) return null;
  try {
    return readConfig(dir);
  } catch {
    return null;
  }
}

export type SpecProblems = Preflight['problems'];

/**
 * What would refuse a spec once its run starts, found here and now: the model folder, each configuration against the
 * model's widths (the compress stage's own rule), the calibration text and the benchmark selection. One entry per field.
 */
export function specProblems(spec: ExperimentSpec, modelDir: string | null): SpecProblems {
  const out: SpecProblems = [];
  const where = spec.model.kind === 'local' ? 'model.path' : 'model';
  if (modelDir && !existsSync(join(modelDir, 'config.json')))
    out.push({
      path: where,
      message:
        spec.model.kind === 'builtin'
          ? `expected the built-in model ${spec.model.id} bundled with this build (at ${modelDir}); found none: choose a local model folder`
          : `expected a Hugging Face model folder with config.json at ${modelDir}; found ${existsSync(modelDir) ? 'no config.json' : 'no such folder'}`,
    });
  const config = modelDir ? readModelConfig(modelDir) : null;
  if (modelDir && existsSync(join(modelDir, 'config.json')) && !config) out.push({ path: where, message: `expected a config.json of a Llama, Qwen2 or Mistral model in ${modelDir}; found one that does not parse` });
  if (config)
    spec.compressions.forEach((c, i) => {
      if (c.method === 'none') return;
      const shape = modelShapeProblems(resolveConfig(c), config)[0];
      const hint = shape?.field === 'groupSize' ? ` (try ${dividingGroupSizes(config).join(', ') || '-1, per channel'})` : '';
      if (shape) out.push({ path: `compressions.${i}.${shape.field}`, message: `${shape.where}: expected ${shape.expected}; found ${shape.found}${hint}` });
    });
  if (spec.compressions.some((c) => needsCalibration(c.method)))
    try {
      readCalibrationTexts(spec.calibration.source);
    } catch (e) {
      if (!(e instanceof CalibrationError)) throw e;
      out.push({ path: 'calibration.source', message: `expected ${e.expected}; found ${e.found}` });
    }
  for (const [path, check] of [['benchmarks.suite', () => resolveSuiteDir(spec.benchmarks.suite)], ['benchmarks.tasks', () => resolveTaskIds(spec.benchmarks.tasks)]] as const)
    try {
      check();
    } catch (e) {
      if (!(e instanceof BenchInputError)) throw e;
      out.push({ path, message: `expected ${e.expected}; found ${e.found}` });
    }
  return out;
}

/** Where an experiment's base model lives; a remote endpoint has no folder. */
export function resolveModelDir(spec: Pick<ExperimentSpec, 'model'>, appRoot: string): string | null {
  switch (spec.model.kind) {
    case 'builtin':
      return join(appRoot, 'resources', 'models', spec.model.id);
    case 'local':
      return spec.model.path;
    case 'endpoint':
      return null;
  }
}

/** Sustained FLOP/s we plan with per backend (measured on the project's 2-core machines; GPU a guess). */
const PLANNING_FLOPS: Record<string, number> = { 'tfjs-node-gpu': 2e12, 'tfjs-node': 8e10, 'tfjs-wasm': 4e10, 'tfjs-cpu': 1.2e9, js: 6e8 };
/** tokens an evaluated item costs on average (prompt + generation) — a planning figure, refined by the live ETA */
const TOKENS_PER_ITEM = 700;

export interface PreflightInput {
  spec: ExperimentSpec;
  modelDir: string | null;
  backend: string;
  threads: number;
  availableBytes: number;
  evalItems: number;
}

export function estimate(input: PreflightInput): Omit<Preflight, 'problems'> {
  const { spec, backend } = input;
  const models = 1 + spec.compressions.filter((c) => c.method !== 'none').length;
  const items = input.evalItems;
  if (!input.modelDir) {
    const seconds = items * models * 2; // a remote endpoint: about 2 s per item, the server's own speed decides
    return { memoryBytes: 0, availableBytes: input.availableBytes, seconds, backend: 'remote endpoint', fits: true, reason: 'The model runs on the endpoint; only results are kept here.' };
  }
  const shape = readModelConfig(input.modelDir);
  // no estimate without a config: the load stage will say what is wrong with the folder
  if (!shape) return { memoryBytes: 0, availableBytes: input.availableBytes, seconds: 0, backend, fits: true, reason: `No estimate: expected a readable config.json in ${input.modelDir}, found none.` };
  const params = parameterCountOf(shape);
  const weights = params * 4; // float32 in memory
  const calibTokens = spec.calibration.samples * spec.calibration.seqlen;
  const activations = calibTokens * shape.hiddenSize * 4 * 3; // one layer's inputs, outputs and a working copy
  const hessian = Math.max(shape.hiddenSize, shape.intermediateSize) ** 2 * 8; // float64 Hessian of the widest linear
  const kvCache = 2 * shape.numLayers * 4096 * shape.numKvHeads * shape.headDim * 4;
  const memoryBytes = Math.round(2 * weights + activations + hessian + kvCache); // base + one compressed copy live at once
  const flops = PLANNING_FLOPS[backend] ?? PLANNING_FLOPS.js;
  const compressSeconds = (models - 1) * (2 * params * calibTokens * 2) / flops; // ≈ two passes over the calibration set
  const evalSeconds = (models * items * TOKENS_PER_ITEM * 2 * params) / flops;
  const analysisSeconds = spec.analysis.enabled ? ((models - 1) * 2 * spec.analysis.sequences * spec.analysis.seqlen * 2 * params) / flops : 0;
  const seconds = compressSeconds + evalSeconds + analysisSeconds;
  const fits = memoryBytes <= input.availableBytes;
  const gib = (b: number) => `${(b / 2 ** 30).toFixed(2)} GiB`;
  const reason = fits
    ? `${(params / 1e6).toFixed(1)}M parameters; peak ≈ ${gib(memoryBytes)} of ${gib(input.availableBytes)} free. Time is a rough plan (${items} items × ${models} models); the run monitor's ETA is measured.`
    : `Needs about ${gib(memoryBytes)} but only ${gib(input.availableBytes)} is free (${(params / 1e6).toFixed(1)}M parameters in float32, two copies, plus calibration activations). Lower the calibration samples, close other programs, or start with the memory override.`;
  return { memoryBytes, availableBytes: input.availableBytes, seconds, backend, fits, reason };
}
