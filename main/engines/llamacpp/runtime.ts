// llama.cpp through node-llama-cpp (an optional dependency: its prebuilt CPU, CUDA, Vulkan and Metal builds come
// from the npm registry). Token ids from our tokenizer go in and ids come out; llama.cpp never tokenizes. Greedy
// decoding at temperature 0, stop strings and end-of-sequence handled here exactly as the reference decoder does.
import { availableParallelism } from 'node:os';
import type { EngineInfo, GenerateOptions, GenerateResult, TokenGenerator, Tokenizer } from '../../model/index.js';

export type GpuChoice = 'auto' | 'cuda' | 'vulkan' | 'metal' | 'off';
export const GPU_CHOICES: readonly GpuChoice[] = ['auto', 'cuda', 'vulkan', 'metal', 'off'];

export class LlamaCppUnavailableError extends Error {
  constructor(detail: string) {
    super(`llama.cpp is not available: ${detail}`);
    this.name = 'LlamaCppUnavailableError';
  }
}

type NodeLlamaCpp = typeof import('node-llama-cpp');
type Llama = Awaited<ReturnType<NodeLlamaCpp['getLlama']>>;
type LlamaModelT = Awaited<ReturnType<Llama['loadModel']>>;
type LlamaContextT = Awaited<ReturnType<LlamaModelT['createContext']>>;
type Sequence = ReturnType<LlamaContextT['getSequence']>;

let binding: Promise<NodeLlamaCpp | Error> | undefined;

/** node-llama-cpp, or the reason it cannot be imported (not installed, no prebuilt binary for this platform). */
export function llamaCppBinding(): Promise<NodeLlamaCpp | Error> {
  binding ??= import('node-llama-cpp').then(
    (m) => m,
    (e: unknown) => new Error(`the optional package node-llama-cpp could not be loaded (${(e as Error).message.split('\n')[0]})`),
  );
  return binding;
}

const runtimes = new Map<GpuChoice, Promise<Llama>>();

/** One llama.cpp runtime per GPU choice, loaded once per process; prebuilt binaries only, never a download or a build. */
export function llamaRuntime(gpu: GpuChoice): Promise<Llama> {
  let r = runtimes.get(gpu);
  if (!r) {
    r = (async () => {
      const m = await llamaCppBinding();
      if (m instanceof Error) throw new LlamaCppUnavailableError(m.message);
      try {
        return await m.getLlama({ gpu: gpu === 'off' ? false : gpu, build: 'never', usePrebuiltBinaries: true, progressLogs: false, logLevel: m.LlamaLogLevel.error, skipDownload: true });
      } catch (e) {
        throw new LlamaCppUnavailableError(`no ${gpu === 'off' ? 'CPU' : gpu} build loads here (${(e as Error).message.split('\n')[0]})`);
      }
    })();
    r.catch(() => runtimes.delete(gpu));
    runtimes.set(gpu, r);
  }
  return r;
}

/** The GPU behind a runtime: its build type and devices; a build with no usable device counts as none. */
export async function runtimeDevice(llama: Llama): Promise<{ gpu: 'cuda' | 'vulkan' | 'metal' | null; names: string[]; vramBytes: number }> {
  if (llama.gpu === false) return { gpu: null, names: [], vramBytes: 0 };
  const names = await llama.getGpuDeviceNames();
  const vram = await llama.getVramState();
  return { gpu: names.length && vram.total > 0 ? llama.gpu : null, names, vramBytes: vram.total };
}

export interface LlamaCppModelOptions {
  gpu?: GpuChoice;
  /** tokens per sequence: prompt + new tokens must fit (no context shift ever happens) */
  contextSize: number;
  /** sequences generated side by side in one batch */
  sequences?: number;
  threads?: number;
  /** KV cache element type; F32 keeps llama.cpp closest to the reference decoder */
  kvCache?: 'F32' | 'F16';
  /** what the GGUF holds, for the engine record (e.g. "BF16", "Q4_0") */
  weights?: string;
}

/** A GGUF loaded on llama.cpp, generating from token ids. */
export class LlamaCppModel implements TokenGenerator {
  private readonly free: Sequence[];
  private readonly waiting: ((s: Sequence) => void)[] = [];
  private disposed = false;

  private constructor(
    private readonly model: LlamaModelT,
    private readonly context: LlamaContextT,
    private readonly tokenizer: Tokenizer,
    private readonly eos: Set<number>,
    private readonly vocabSize: number,
    readonly engine: EngineInfo,
  ) {
    this.free = Array.from({ length: context.totalSequences }, () => context.getSequence());
  }

  static async open(ggufFile: string, tokenizer: Tokenizer, model: { eosTokenIds: number[]; vocabSize: number }, opts: LlamaCppModelOptions): Promise<LlamaCppModel> {
    const gpu = opts.gpu ?? 'auto';
    let llama = await llamaRuntime(gpu);
    let device = await runtimeDevice(llama);
    if (gpu === 'auto' && llama.gpu !== false && !device.gpu) {
      // a GPU build whose devices llama.cpp skips (no driver, a CPU-type device): the CPU build runs the same maths
      llama = await llamaRuntime('off');
      device = await runtimeDevice(llama);
    }
    const loaded = await llama.loadModel({ modelPath: ggufFile, gpuLayers: device.gpu ? 'max' : 0, useMmap: true });
    const kv = opts.kvCache ?? 'F32';
    const threads = opts.threads ?? Math.max(1, Math.min(llama.cpuMathCores || availableParallelism(), availableParallelism()));
    const context = await loaded.createContext({
      contextSize: opts.contextSize,
      sequences: Math.max(1, opts.sequences ?? 1),
      batchSize: Math.min(512, opts.contextSize),
      flashAttention: false,
      threads,
      experimentalKvCacheKeyType: kv,
      experimentalKvCacheValueType: kv,
    });
    const layers = loaded.fileInsights.totalLayers;
    const engine: EngineInfo = {
      name: 'llama.cpp',
      version: await llamaCppVersion(),
      device: device.gpu ? `${device.gpu}: ${device.names.join(', ')}` : 'cpu',
      gpu: device.gpu,
      offloadedLayers: loaded.gpuLayers,
      totalLayers: layers,
      threads,
      weights: opts.weights,
      kvCache: kv,
    };
    return new LlamaCppModel(loaded, context, tokenizer, new Set([...tokenizer.eosTokenIds, ...model.eosTokenIds]), model.vocabSize, engine);
  }

  get contextSize(): number {
    return this.context.contextSize;
  }

  private async acquire(prompt: readonly number[]): Promise<Sequence> {
    if (this.disposed) throw new Error('llama.cpp model used after dispose()');
    if (!this.free.length) return new Promise((resolve) => this.waiting.push(resolve));
    // the free sequence whose cache shares the longest prefix with this prompt (an agent episode's next step)
    let best = 0;
    let bestShared = -1;
    this.free.forEach((s, i) => {
      const shared = sharedPrefix(s.contextTokens as unknown as number[], prompt);
      if (shared > bestShared) [best, bestShared] = [i, shared];
    });
    return this.free.splice(best, 1)[0];
  }

  private release(s: Sequence): void {
    const next = this.waiting.shift();
    if (next) next(s);
    else this.free.push(s);
  }

  async generateBatch(prompts: number[][], opts: GenerateOptions): Promise<GenerateResult[]> {
    return Promise.all(prompts.map((p) => this.generate(p, opts)));
  }

  /**
   * One sequence evaluates at a time: llama.cpp's numbers for a token depend on which other sequences share its batch
   * (the products' blocking changes), so batched items could differ from the same items alone or resumed in another
   * batch. Each sequence keeps its own cache, so an agent episode still reuses its own history.
   */
  private turn: Promise<void> = Promise.resolve();

  async generate(prompt: number[], opts: GenerateOptions): Promise<GenerateResult> {
    let done!: () => void;
    const previous = this.turn;
    this.turn = new Promise<void>((resolve) => (done = resolve));
    try {
      await previous;
      return await this.generateAlone(prompt, opts);
    } finally {
      done();
    }
  }

  private async generateAlone(prompt: number[], opts: GenerateOptions): Promise<GenerateResult> {
    if (prompt.length === 0) throw new RangeError('generate: expected at least one prompt token, found an empty prompt');
    const maxNew = Math.max(0, opts.maxNewTokens);
    if (prompt.length + maxNew > this.context.contextSize)
      throw new RangeError(`generate: the prompt (${prompt.length} tokens) and ${maxNew} new tokens exceed llama.cpp's context of ${this.context.contextSize} tokens`);
    const seq = await this.acquire(prompt);
    try {
      const t0 = performance.now();
      // keep the cached prefix, evaluate at least the prompt's last token (its logits give the first new token)
      const shared = opts.reusePrefix === false ? 0 : Math.min(sharedPrefix(seq.contextTokens as unknown as number[], prompt), prompt.length - 1);
      if (seq.nextTokenIndex > shared) await seq.eraseContextTokenRanges([{ start: shared, end: seq.nextTokenIndex }]);
      const tokens: number[] = [];
      let text = '';
      let finish: GenerateResult['finishReason'] | null = maxNew === 0 ? 'length' : null;
      let tPrefill = performance.now();
      if (!finish) {
        const it = seq.evaluate(prompt.slice(shared) as never, { temperature: 0, yieldEogToken: true });
        for await (const token of it) {
          if (tokens.length === 0 && text === '') tPrefill = performance.now();
          const id = token as unknown as number;
          if (opts.signal?.aborted) finish = 'aborted';
          else if (!opts.ignoreEos && this.eos.has(id)) finish = 'eos';
          else {
            tokens.push(id);
            const next = this.tokenizer.decode(tokens, { skipSpecialTokens: true });
            opts.onToken?.(id, next.slice(text.length));
            text = next;
            if (opts.stop?.some((s) => s && text.includes(s))) finish = 'stop';
            else if (tokens.length >= maxNew) finish = 'length';
          }
          if (finish) break;
        }
      }
      const tEnd = performance.now();
      if (finish === 'stop') for (const s of opts.stop ?? []) if (s && text.includes(s)) text = text.slice(0, text.indexOf(s));
      const prefillTokens = prompt.length - shared;
      const decodeTokens = Math.max(0, tokens.length - 1);
      return {
        text,
        tokens,
        finishReason: finish ?? 'length',
        stats: {
          prefillTokens,
          reusedTokens: shared,
          decodeTokens,
          prefillTokensPerS: prefillTokens / Math.max(1e-9, (tPrefill - t0) / 1000),
          decodeTokensPerS: decodeTokens / Math.max(1e-9, (tEnd - tPrefill) / 1000),
          peakMemoryBytes: process.memoryUsage().rss,
          backend: `llama.cpp (${this.engine.device})`,
        },
      };
    } finally {
      this.release(seq);
    }
  }

  /** The next-token distribution after `ids` (softmax of the raw logits), for parity checks against the reference decoder. */
  async nextTokenProbabilities(ids: number[]): Promise<Float32Array> {
    const seq = await this.acquire([]);
    try {
      await seq.clearHistory();
      const input = ids.map((id, i) => (i === ids.length - 1 ? [id, { generateNext: { probabilities: true, options: { temperature: 1, topK: 0, topP: 1, minP: 0 } } }] : id));
      const out = await seq.controlledEvaluate(input as never);
      const probs = out[ids.length - 1]?.next.probabilities;
      if (!probs) throw new Error('llama.cpp returned no probabilities');
      const p = new Float32Array(this.vocabSize);
      for (const [tok, v] of probs) p[tok as unknown as number] = v;
      return p;
    } finally {
      await seq.clearHistory();
      this.release(seq);
    }
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await this.context.dispose();
    await this.model.dispose();
  }
}

/** Prefill tokens/s of node-llama-cpp alone on a GGUF (no tokenizer, no generation loop): what our wrapper is measured against. */
export async function barePrefillTokensPerS(ggufFile: string, ids: number[], opts: { gpu?: GpuChoice; threads?: number } = {}): Promise<number> {
  const llama = await llamaRuntime(opts.gpu ?? 'off');
  const model = await llama.loadModel({ modelPath: ggufFile, gpuLayers: 0, useMmap: true });
  const context = await model.createContext({
    contextSize: Math.ceil((ids.length + 1) / 256) * 256,
    batchSize: 512,
    flashAttention: false,
    threads: opts.threads ?? availableParallelism(),
    experimentalKvCacheKeyType: 'F32',
    experimentalKvCacheValueType: 'F32',
  });
  try {
    const seq = context.getSequence();
    const t0 = performance.now();
    await seq.evaluateWithoutGeneratingNewTokens(ids as never);
    return ids.length / ((performance.now() - t0) / 1000);
  } finally {
    await context.dispose();
    await model.dispose();
  }
}

export function sharedPrefix(a: readonly number[], b: readonly number[]): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a[i] === b[i]) i++;
  return i;
}

let version: Promise<string> | undefined;
export async function llamaCppVersion(): Promise<string> {
  version ??= (async () => {
    try {
      const { createRequire } = await import('node:module');
      const { readFileSync } = await import('node:fs');
      const entry = createRequire(import.meta.url).resolve('node-llama-cpp');
      const root = entry.slice(0, entry.lastIndexOf('node-llama-cpp') + 'node-llama-cpp'.length);
      return `node-llama-cpp ${(JSON.parse(readFileSync(`${root}/package.json`, 'utf8')) as { version: string }).version}`;
    } catch {
      return 'node-llama-cpp';
    }
  })();
  return version;
}
