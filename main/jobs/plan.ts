// A run's plan, made before anything runs: every check startRun applies (the model folder, each configuration against
// the model's widths, the calibration text, the benchmark selection, memory, a resumed run's state) and the pre-flight
// estimate of peak memory and wall time on this machine, from the model's config.json (read once per plan) and rough
// throughput figures of the active backend. Memory blocks a run unless overridden.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { itemsUnderLimit, modelFolder, type ExperimentSpec } from '../spec/index.js';
import { parameterCountOf, parseEncoderConfig, readConfig, residentBytesOf, streamedBytesOf, type ModelConfig } from '../model/index.js';
import { CalibrationError, shouldStream, dividingGroupSizes, modelShapeProblems, needsCalibration, readCalibrationTexts, resolveConfig } from '../compress/index.js';
import { BenchInputError, resolveSuiteDir, resolveTaskIds } from '../bench/index.js';
import { contextTokensFor, kvPlan } from '../engines/index.js';

/** What the pre-flight says about a spec here (the contract's Preflight). */
export interface Preflight {
  memoryBytes: number;
  availableBytes: number;
  seconds: number;
  backend: string;
  fits: boolean;
  reason: string;
  /** what would refuse this spec once it runs, one entry per field */
  problems: { path: string; message: string }[];
}

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

/** Why a model folder cannot be read (no folder, or no config.json in it), or null. */
export function modelFolderProblem(spec: ExperimentSpec, modelDir: string): string | null {
  if (existsSync(join(modelDir, 'config.json'))) return null;
  return spec.model.kind === 'builtin'
    ? `expected the built-in model ${spec.model.id} bundled with this build (at ${modelDir}); found none: choose a local model folder`
    : `expected a Hugging Face model folder with config.json at ${modelDir}; found ${existsSync(modelDir) ? 'no config.json' : 'no such folder'}`;
}

/**
 * What would refuse a spec once its run starts, found here and now: the model folder, each configuration against the
 * model's widths (the compress stage's own rule), the calibration text and the benchmark selection. One entry per field.
 */
export function specProblems(spec: ExperimentSpec, modelDir: string | null, config: ModelConfig | null = modelDir ? readModelConfig(modelDir) : null): SpecProblems {
  const out: SpecProblems = [];
  const where = spec.model.kind === 'local' ? 'model.path' : 'model';
  const folder = modelDir ? modelFolderProblem(spec, modelDir) : null;
  if (folder) out.push({ path: where, message: folder });
  else if (modelDir && !config) out.push({ path: where, message: `expected a config.json of a Llama, Qwen2 or Mistral model in ${modelDir}; found one that does not parse` });
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
  const sim = spec.benchmarks.similarityModel;
  if (sim) {
    const problem = sentenceEncoderProblem(sim);
    if (problem) out.push({ path: 'benchmarks.similarityModel', message: problem });
  }
  for (const [path, check] of [
    ['benchmarks.suite', () => resolveSuiteDir(spec.benchmarks.suite)],
    ['benchmarks.tasks', () => resolveTaskIds(spec.benchmarks.tasks)],
  ] as const)
    try {
      check();
    } catch (e) {
      if (!(e instanceof BenchInputError)) throw e;
      out.push({ path, message: `expected ${e.expected}; found ${e.found}` });
    }
  return out;
}

/** Why a folder is not a sentence-transformers encoder we load (BERT/MiniLM or MPNet), or null; reads only its configs. */
export function sentenceEncoderProblem(dir: string): string | null {
  if (!existsSync(join(dir, 'config.json')))
    return `expected a sentence-transformers folder (config.json, modules.json, *.safetensors, tokenizer.json) at ${dir}; found ${existsSync(dir) ? 'no config.json' : 'no such folder'}`;
  if (!existsSync(join(dir, 'tokenizer.json'))) return `expected tokenizer.json in ${dir}; found none`;
  try {
    parseEncoderConfig(JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as Record<string, unknown>, join(dir, 'config.json'));
  } catch (e) {
    return (e as Error).message;
  }
  return null;
}

/** Sustained FLOP/s we plan with per backend (measured on the project's 2-core machines; GPU a guess). */
const PLANNING_FLOPS: Record<string, number> = { 'tfjs-node-gpu': 2e12, 'tfjs-node': 8e10, 'tfjs-wasm': 4e10, 'tfjs-cpu': 1.2e9, js: 6e8, 'llama.cpp': 1.5e11 };
/** tokens an evaluated item costs on average (prompt + generation) — a planning figure, refined by the live ETA */
const TOKENS_PER_ITEM = 700;

export interface PreflightInput {
  spec: ExperimentSpec;
  modelDir: string | null;
  backend: string;
  threads: number;
  availableBytes: number;
  evalItems: number;
  /** the generation engine runs will use (Settings with the environment's overrides) */
  engine?: 'auto' | 'llamacpp' | 'tfjs';
  /** the model folder's config, when the caller has read it already */
  config?: ModelConfig | null;
}

export function estimate(input: PreflightInput): Omit<Preflight, 'problems'> {
  const { spec, backend } = input;
  const models = 1 + spec.compressions.filter((c) => c.method !== 'none').length;
  const items = input.evalItems;
  if (!input.modelDir) {
    const seconds = items * models * 2; // a remote endpoint: about 2 s per item, the server's own speed decides
    return { memoryBytes: 0, availableBytes: input.availableBytes, seconds, backend: 'remote endpoint', fits: true, reason: 'The model runs on the endpoint; only results are kept here.' };
  }
  const shape = input.config !== undefined ? input.config : readModelConfig(input.modelDir);
  // no estimate without a config: the load stage will say what is wrong with the folder
  if (!shape)
    return { memoryBytes: 0, availableBytes: input.availableBytes, seconds: 0, backend, fits: true, reason: `No estimate: expected a readable config.json in ${input.modelDir}, found none.` };
  const params = parameterCountOf(shape);
  const gib = (b: number) => `${(b / 2 ** 30).toFixed(2)} GiB`;
  const compressions = spec.compressions.filter((c) => c.method !== 'none');
  // the peak is the largest stage's, not a sum: each stage holds its own models and frees them
  const calibTokens = spec.calibration.samples * spec.calibration.seqlen;
  const activations = calibTokens * shape.hiddenSize * 4 * 2; // one layer's inputs and outputs over the calibration set
  const hessian = 2 * Math.max(shape.hiddenSize, shape.intermediateSize) ** 2 * 8; // float64 Hessian of the widest linear and its inverse
  const streamed = shouldStream(shape, input.availableBytes);
  const compressBytes = compressions.length ? (streamed ? streamedBytesOf(shape, 2) : residentBytesOf(shape, 2)) + activations + hessian : 0;
  // generation: llama.cpp maps its GGUF (about the checkpoint's bytes) and keeps a KV cache; the reference decoder holds float32
  const kvBytes = kvPlan(shape, contextTokensFor(shape), 4, input.availableBytes).bytes;
  const onDecoder = compressions.some((c) => c.method === 'smoothquant' || (c.kvBits !== undefined && c.kvBits !== 16)) || input.engine === 'tfjs';
  const evalBytes = spec.benchmarks.tasks.length ? Math.max(params * 2 + kvBytes, onDecoder ? residentBytesOf(shape, 2) : 0) : 0;
  // the statistics compare base and compressed on our engine: both resident, or each a layer at a time with its head in float32
  const head = shape.vocabSize * shape.hiddenSize * 4;
  const probeHidden = spec.analysis.sequences * spec.analysis.seqlen * shape.hiddenSize * 4;
  const logitsPair = 2 * spec.analysis.seqlen * shape.vocabSize * 4;
  const analysisBytes = spec.analysis.enabled && compressions.length ? 2 * (streamed ? streamedBytesOf(shape, 2) + head + probeHidden : residentBytesOf(shape, 2)) + logitsPair : 0;
  const stages: [string, number][] = [
    ['compression', compressBytes],
    ['evaluation', evalBytes],
    ['statistics', analysisBytes],
  ];
  const [peakStage, memoryBytes] = stages.reduce((a, b) => (b[1] > a[1] ? b : a));
  const flops = PLANNING_FLOPS[backend] ?? PLANNING_FLOPS.js;
  const genFlops = onDecoder || input.engine === 'tfjs' ? flops : Math.max(flops, PLANNING_FLOPS['llama.cpp']);
  const compressSeconds = (compressions.length * (2 * params * calibTokens * 2)) / flops; // ≈ two passes over the calibration set
  const evalSeconds = (models * items * TOKENS_PER_ITEM * 2 * params) / genFlops;
  const analysisSeconds = spec.analysis.enabled ? (compressions.length * 2 * spec.analysis.sequences * spec.analysis.seqlen * 2 * params) / flops : 0;
  const seconds = compressSeconds + evalSeconds + analysisSeconds;
  const fits = memoryBytes <= input.availableBytes;
  const reason = fits
    ? `${(params / 1e6).toFixed(1)}M parameters; peak ≈ ${gib(memoryBytes)} (${peakStage}) of ${gib(input.availableBytes)} free${streamed && compressions.length ? '; compression and statistics go layer at a time' : ''}. Time is a rough plan (${items} items × ${models} models); the run monitor's ETA is measured.`
    : `Needs about ${gib(memoryBytes)} in the ${peakStage} stage but only ${gib(input.availableBytes)} is free (${(params / 1e6).toFixed(1)}M parameters; ${stages
        .filter(([, b]) => b > 0)
        .map(([n, b]) => `${n} ${gib(b)}`)
        .join(
          ', ',
        )}).${peakStage === 'statistics' ? ' The statistics hold the base and a compressed model (each a layer at a time, with its head in float32): lower the probe sequences, turn them off for this model, or close other programs.' : ' Lower the calibration samples, close other programs, or start with the memory override.'}`;
  return { memoryBytes, availableBytes: input.availableBytes, seconds, backend, fits, reason };
}

/** What a plan knows of the machine it runs on. */
export interface Machine {
  backend: string;
  threads: number;
  availableBytes: number;
  engine?: 'auto' | 'llamacpp' | 'tfjs';
  /** the suite's tasks and how many items each has */
  tasks: { id: string; items: number }[];
  builtinModelDir: (id: string) => string;
}

/** The pre-flight of a parsed spec on this machine: its problems and its estimate, from one read of config.json. */
export function planRun(spec: ExperimentSpec, machine: Machine): Preflight {
  const modelDir = modelFolder(spec.model, machine.builtinModelDir);
  const config = modelDir ? readModelConfig(modelDir) : null;
  const evalItems = machine.tasks.filter((t) => spec.benchmarks.tasks.includes(t.id)).reduce((n, t) => n + itemsUnderLimit(t.items, spec.benchmarks.limit), 0);
  const { backend, threads, availableBytes, engine } = machine;
  return { ...estimate({ spec, modelDir, backend, threads, availableBytes, evalItems, engine, config }), problems: specProblems(spec, modelDir, config) };
}

/** Why a run may not start now (its problems, then memory unless overridden): the refusal's code and words, or null. */
export function startRefusal(plan: Preflight, allowOverMemory: boolean): { code: 'invalid_input' | 'unsupported'; message: string } | null {
  if (plan.problems.length) return { code: 'invalid_input', message: plan.problems.map((p) => `${p.path}: ${p.message}`).join('; ') };
  if (!allowOverMemory && !plan.fits) return { code: 'unsupported', message: `${plan.reason} (start with the memory override to run anyway)` };
  return null;
}

/** Why a run may not be resumed under an experiment's spec now, or null. */
export function resumeRefusal(
  run: { id: string; experimentId: string; status: string; specHash: string },
  experiment: { id: string; specHash: string },
  active: boolean,
): { code: 'invalid_input' | 'conflict'; message: string } | null {
  if (run.experimentId !== experiment.id) return { code: 'invalid_input', message: `run ${run.id} belongs to experiment ${run.experimentId}, not ${experiment.id}` };
  if (active) return { code: 'conflict', message: `run ${run.id} is already ${run.status}` };
  if (run.status === 'done') return { code: 'conflict', message: `run ${run.id} already finished; start a new run instead` };
  if (run.specHash !== experiment.specHash)
    return { code: 'conflict', message: `run ${run.id} was started with spec ${run.specHash.slice(0, 12)}, but the experiment's spec is now ${experiment.specHash.slice(0, 12)}; start a new run` };
  return null;
}
