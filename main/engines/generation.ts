// Which engine generates for a model folder, and opening it. llama.cpp runs every model it represents exactly (dense
// F32/F16/BF16 weights, quantization codes as Q8_0/Q4_0/Q4_1 blocks); our decoder runs the rest (SmoothQuant's W8A8
// activations, simulated KV-cache quantization, dynamic NTK rope) and is the reference.
import { freemem } from 'node:os';
import { ExpectedFoundError } from '../base/index.js';
import {
  BpeTokenizer,
  Checkpoint,
  decoderGenerator,
  parameterCountOf,
  describeRuntime,
  loadModel,
  readRuntime,
  residencyFor,
  type EngineInfo,
  type ModelConfig,
  type TokenGenerator,
  type Tokenizer,
} from '../model/index.js';
import { cachedGguf, CLI_OWNER, folderHash, releaseGgufOwner } from './llamacpp/cache.js';
import { llamaCppSupport } from './llamacpp/convert.js';
import { GPU_CHOICES, LlamaCppModel, LlamaCppUnavailableError, llamaCppBinding, llamaCppVersion, llamaRuntime, runtimeDevice, type GpuChoice } from './llamacpp/runtime.js';

export type EngineChoice = 'auto' | 'llamacpp' | 'tfjs';
export const ENGINE_CHOICES: readonly EngineChoice[] = ['auto', 'llamacpp', 'tfjs'];

export interface GenerationPreferences {
  engine: EngineChoice;
  gpu: GpuChoice;
}

export const DEFAULT_PREFERENCES: GenerationPreferences = { engine: 'auto', gpu: 'auto' };

/** Longest context a generation opens unless the model allows less (ACBENCH_CONTEXT overrides). */
export const DEFAULT_CONTEXT_TOKENS = 8192;

export class EnginePreferenceError extends ExpectedFoundError {
  override name = 'EnginePreferenceError';
  constructor(variable: string, expected: readonly string[], found: string) {
    super(variable, `one of ${expected.join(', ')}`, JSON.stringify(found));
  }
}

/** Settings overridden by ACBENCH_GENERATION=llamacpp|tfjs|auto and ACBENCH_GPU=auto|cuda|vulkan|metal|off. */
export function preferencesFromEnv(base: Partial<GenerationPreferences> = {}, env: NodeJS.ProcessEnv = process.env): GenerationPreferences {
  const engine = env.ACBENCH_GENERATION ?? base.engine ?? DEFAULT_PREFERENCES.engine;
  const gpu = env.ACBENCH_GPU ?? base.gpu ?? DEFAULT_PREFERENCES.gpu;
  if (!ENGINE_CHOICES.includes(engine as EngineChoice)) throw new EnginePreferenceError('ACBENCH_GENERATION', ENGINE_CHOICES, engine);
  if (!GPU_CHOICES.includes(gpu as GpuChoice)) throw new EnginePreferenceError('ACBENCH_GPU', GPU_CHOICES, gpu);
  return { engine: engine as EngineChoice, gpu: gpu as GpuChoice };
}

/** The context a generation of this model opens: the model's own limit, capped (ACBENCH_CONTEXT or 8192). */
export function contextTokensFor(c: ModelConfig, env: NodeJS.ProcessEnv = process.env): number {
  const cap = env.ACBENCH_CONTEXT ? Number(env.ACBENCH_CONTEXT) : DEFAULT_CONTEXT_TOKENS;
  if (!Number.isInteger(cap) || cap < 16) throw new EnginePreferenceError('ACBENCH_CONTEXT', ['a whole number of tokens ≥ 16'], String(env.ACBENCH_CONTEXT));
  const support = llamaCppSupport(c);
  return Math.min(cap, c.maxPositionEmbeddings, support.ok ? support.maxContext : Infinity);
}

/** Which engine a folder generates on, and why: llama.cpp only where it computes the same model. */
export async function chooseEngine(dir: string, prefs: GenerationPreferences): Promise<{ engine: 'llama.cpp' | 'tfjs'; reason: string }> {
  if (prefs.engine === 'tfjs') return { engine: 'tfjs', reason: 'chosen in Settings (or ACBENCH_GENERATION=tfjs)' };
  const runtime = describeRuntime(readRuntime(dir));
  const refuse = (why: string) => {
    if (prefs.engine === 'llamacpp') throw new LlamaCppUnavailableError(`${why}; choose the tfjs engine for this model`);
    return { engine: 'tfjs' as const, reason: why };
  };
  if (runtime) return refuse(`this model's runtime (${runtime}) is simulated by our engine only; llama.cpp's own KV and activation types are not the study's scheme`);
  const support = llamaCppSupport(Checkpoint.open(dir).config);
  if (!support.ok) return refuse(support.why);
  const binding = await llamaCppBinding();
  if (binding instanceof Error) return refuse(binding.message);
  return {
    engine: 'llama.cpp',
    reason: prefs.engine === 'llamacpp' ? 'chosen in Settings (or ACBENCH_GENERATION=llamacpp)' : 'llama.cpp holds these weights exactly (what it does to the activations is in the weights note)',
  };
}

export interface OpenGeneration {
  tokenizer: Tokenizer;
  tokens: TokenGenerator;
  config: ModelConfig;
  /** identity for caching generations: the folder's content and the engine that generates */
  id: string;
  contextWindow: number;
  close(): Promise<void>;
}

export interface OpenOptions {
  home: string;
  /** who holds the converted GGUF: a run id, or "cli" */
  owner?: string;
  /** sequences generated side by side (the benchmark runner's batch) */
  sequences?: number;
  /** the folder's tokenizer when the caller has read it already */
  tokenizer?: BpeTokenizer;
  /** tokens per sequence to allocate (default: the model's context window); `generate` asks for what one prompt needs */
  contextTokens?: number;
  onMessage?: (m: string) => void;
}

const KV_BUDGET_FRACTION = 0.25;

/** Models whose float32 GGUF is at most this size generate from float32 weights (see ggufTargetFor). */
export const F32_GGUF_LIMIT_BYTES = 2 ** 30;

/**
 * The GGUF a model generates from. llama.cpp multiplies BF16/F16 weights with activations rounded to 16 bits and Q4/Q8
 * blocks with activations quantized to 8 bits, where our decoder keeps float32 activations. Small models (float32 GGUF
 * ≤ 1 GiB) therefore run from float32 weights, computing what the reference computes; larger ones keep their file dtype
 * or exact blocks, so a 7B model fits. The rule depends on the model's size only, so a base model and its compressions
 * run at the same precision, and the engine record names the weights' type.
 */
export function ggufTargetFor(c: ModelConfig): 'f32' | 'auto' {
  return parameterCountOf(c) * 4 <= F32_GGUF_LIMIT_BYTES ? 'f32' : 'auto';
}

/** What llama.cpp's products do to the activations for a weight type, for the engine record. */
export function activationNote(mainType: string): string {
  if (mainType === 'F32') return '';
  if (mainType === 'F16' || mainType === 'BF16') return ` (activations rounded to ${mainType} in its products)`;
  return ' (activations quantized to 8 bits in its products)';
}

/**
 * llama.cpp's KV cache for a context: F32 keys and values keep it closest to the reference decoder; F16 when F32 would
 * take more than a quarter of free memory; and one sequence instead of one per batched episode when even F16 would (the
 * tokens are the same, an episode's next step just prefills its whole prompt again).
 */
export function kvPlan(c: ModelConfig, contextSize: number, sequences: number, freeBytes: number): { kvCache: 'F32' | 'F16'; sequences: number; bytes: number } {
  const perSequence = (bytesPerValue: number) => 2 * c.numLayers * c.numKvHeads * c.headDim * bytesPerValue * contextSize;
  const budget = KV_BUDGET_FRACTION * freeBytes;
  if (perSequence(4) * sequences <= budget) return { kvCache: 'F32', sequences, bytes: perSequence(4) * sequences };
  if (perSequence(2) * sequences <= budget) return { kvCache: 'F16', sequences, bytes: perSequence(2) * sequences };
  return { kvCache: 'F16', sequences: 1, bytes: perSequence(2) };
}

/**
 * llama.cpp threads: ACBENCH_THREADS, else one for models under 100 M parameters (their products are too small to
 * split, and a second thread waiting at every barrier costs more than it brings), else every core.
 */
export function llamaThreads(c: ModelConfig, env: NodeJS.ProcessEnv = process.env): number | undefined {
  if (env.ACBENCH_THREADS) {
    const n = Number(env.ACBENCH_THREADS);
    if (!Number.isInteger(n) || n < 1) throw new EnginePreferenceError('ACBENCH_THREADS', ['a whole number ≥ 1'], env.ACBENCH_THREADS);
    return n;
  }
  return parameterCountOf(c) < 1e8 ? 1 : undefined;
}

/**
 * Open a model folder for generation on the chosen engine. llama.cpp gets a GGUF converted once and cached under
 * ACBENCH_HOME; our decoder loads the folder with its runtime transforms. If llama.cpp fails to start under `auto`,
 * the decoder runs and the engine record says why.
 */
export async function openGeneration(dir: string, prefs: GenerationPreferences, opts: OpenOptions): Promise<OpenGeneration> {
  const choice = await chooseEngine(dir, prefs);
  const ckpt = Checkpoint.open(dir);
  const config = ckpt.config;
  const contextWindow = contextTokensFor(config);
  if (choice.engine === 'llama.cpp') {
    try {
      const tokenizer = opts.tokenizer ?? BpeTokenizer.fromDir(dir);
      const target = ggufTargetFor(config);
      const entry = cachedGguf(opts.home, dir, target, opts.owner ?? CLI_OWNER, () => opts.onMessage?.(`converting ${dir} to GGUF for llama.cpp`));
      const contextSize = Math.min(opts.contextTokens ?? contextWindow, contextWindow);
      const { kvCache, sequences } = kvPlan(config, contextSize, Math.max(1, opts.sequences ?? 1), freemem());
      const model = await LlamaCppModel.open(entry.file, tokenizer, config, {
        gpu: prefs.gpu,
        contextSize,
        sequences,
        kvCache,
        threads: llamaThreads(config),
        weights: `GGUF ${entry.conversion.mainType}${activationNote(entry.conversion.mainType)}`,
      });
      model.engine.reason = choice.reason;
      return { tokenizer, tokens: model, config, id: `model:${entry.hash}@llama.cpp/${entry.conversion.mainType}`, contextWindow, close: () => model.dispose() };
    } catch (e) {
      if (prefs.engine === 'llamacpp') throw e;
      choice.reason = `llama.cpp failed to start (${(e as Error).message.split('\n')[0]})`;
    }
  }
  // layer at a time when float32 weights would not fit (a 7B checkpoint): every token then reads each layer again
  const residency = residencyFor(config);
  const model = await loadModel(dir, { residency });
  const tokens = decoderGenerator(model, choice.reason);
  if (residency === 'streamed') tokens.engine.weights = 'float32, a layer at a time';
  return {
    tokenizer: model.tokenizer,
    tokens,
    config,
    // the folder's content hash (files streamed), not model.hash: that widens every weight to float32 at once
    id: `model:${folderHash(dir)}`,
    contextWindow,
    async close() {
      model.dispose();
    },
  };
}

/** What llama.cpp offers here for a GPU choice: whether a build loads, its version, the GPU build and its devices. */
export async function llamaCppStatus(gpu: GpuChoice): Promise<{ available: boolean; detail: string; version: string | null; gpu: string | null; devices: string[] }> {
  const binding = await llamaCppBinding();
  if (binding instanceof Error) return { available: false, detail: binding.message, version: null, gpu: null, devices: [] };
  const version = await llamaCppVersion();
  try {
    let llama = await llamaRuntime(gpu);
    let device = await runtimeDevice(llama);
    let note = '';
    if (gpu === 'auto' && llama.gpu !== false && !device.gpu) {
      note = ` (the ${llama.gpu} build found no usable device)`;
      llama = await llamaRuntime('off');
      device = await runtimeDevice(llama);
    }
    return { available: true, detail: device.gpu ? `${device.gpu} build, ${device.names.length} device(s)` : `CPU build${note}`, version, gpu: device.gpu, devices: device.names };
  } catch (e) {
    return { available: false, detail: (e as Error).message, version, gpu: null, devices: [] };
  }
}

/** A run's files are gone: release the GGUF files it held. */
export function releaseRun(home: string, runId: string): string[] {
  return releaseGgufOwner(home, runId);
}

export type { EngineInfo, GpuChoice as GpuPreference };
export { folderHash as modelFolderHash };
