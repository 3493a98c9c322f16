// Text generators the runner drives: the embedded CausalLM, or any OpenAI-compatible endpoint.
// The runner knows only this interface, never a model's internals.
import { decoderGenerator } from '../model/index.js';
import type { CausalLM, ChatTurn, EngineInfo, TokenGenerator, Tokenizer } from '../model/index.js';
import { BenchCancelledError, EndpointError } from './errors.js';
import type { GenerationSettings, Prompt } from './types.js';
import { sha256 } from './util.js';

export interface GenerateCallOptions extends GenerationSettings {
  signal?: AbortSignal;
}

export interface TextGenerator {
  /** stable identity for caching: model hash or endpoint+model name */
  readonly id: string;
  /** tokens the model can attend to, if known (prompts are cut in the middle to fit) */
  readonly contextWindow?: number;
  /** the engine and device that generate (local models); recorded with every result */
  readonly engine?: EngineInfo;
  /** whether settings.temperature > 0 is honoured (sampling); otherwise every answer is greedy */
  readonly samples?: boolean;
  countTokens?(text: string): number;
  chat(turns: ChatTurn[], opts: GenerateCallOptions): Promise<string>;
  complete(prompt: string, opts: GenerateCallOptions): Promise<string>;
  /** optional: several prompts with the same settings at once */
  generateMany?(prompts: Prompt[], opts: GenerateCallOptions): Promise<string[]>;
}

export function generateFor(g: TextGenerator, prompt: Prompt, opts: GenerateCallOptions): Promise<string> {
  return prompt.kind === 'chat' ? g.chat(prompt.turns, opts) : g.complete(prompt.text, opts);
}

/** Cut generated text at the first stop string (for servers that accept only a few stops). */
export function cutAtStop(text: string, stop: readonly string[] | undefined): string {
  let out = text;
  for (const s of stop ?? []) {
    if (!s) continue;
    const i = out.indexOf(s);
    if (i >= 0) out = out.slice(0, i);
  }
  return out;
}

/** LongBench's rule: keep the first and last halves of the allowed tokens, cut the middle. */
export function truncateMiddle(ids: number[], maxTokens: number): number[] {
  if (ids.length <= maxTokens) return ids;
  const half = Math.floor(maxTokens / 2);
  return [...ids.slice(0, half), ...ids.slice(ids.length - (maxTokens - half))];
}

/**
 * How a prompt and its answer share a context of `window` tokens. The whole answer budget is kept when it fits; else the
 * answer gets what the prompt leaves; a prompt is cut (in the middle) only when it would leave less than a quarter of the
 * window (or the whole budget, if smaller) for the answer. Answers stop early far more often than prompts can spare their
 * middle: a 1,024-token WorfBench budget in a 1,152-token window must not cut every prompt to 128 tokens.
 */
export function answerBudget(promptTokens: number, maxNewTokens: number, window: number): { promptTokens: number; maxNewTokens: number } {
  if (promptTokens + maxNewTokens <= window) return { promptTokens, maxNewTokens };
  const reserve = Math.max(1, Math.min(maxNewTokens, Math.ceil(window / 4)));
  if (promptTokens + reserve <= window) return { promptTokens, maxNewTokens: window - promptTokens };
  return { promptTokens: Math.max(1, window - reserve), maxNewTokens: reserve };
}

/** A local model for generation: our tokenizer, a token-level engine (our decoder or llama.cpp), an identity, a window. */
export interface LocalGeneration {
  tokenizer: Tokenizer;
  tokens: TokenGenerator;
  /** identity for caching generations: model content + engine, e.g. "model:<hash>@llama.cpp/Q4_0" */
  id: string;
  contextWindow: number;
}

function isCausalLM(x: CausalLM | LocalGeneration): x is CausalLM {
  return typeof (x as CausalLM).generateBatch === 'function';
}

/** Wraps a local model: chat → the model's chat template; raw prompts are encoded with special tokens; ids go to the engine. */
export class CausalLMGenerator implements TextGenerator {
  readonly id: string;
  readonly contextWindow: number;
  private readonly tokenizer: Tokenizer;
  private readonly tokens: TokenGenerator;
  /**
   * A loaded CausalLM generates on our decoder; a LocalGeneration on whatever engine it names. `variant` names
   * inference-time changes the weights' hash does not see, so cached generations of the base model are never reused for them.
   */
  constructor(source: CausalLM | LocalGeneration, opts: { contextWindow?: number; variant?: string } = {}) {
    const local = isCausalLM(source) ? { tokenizer: source.tokenizer, tokens: decoderGenerator(source), id: `model:${source.hash}`, contextWindow: source.config.maxPositionEmbeddings } : source;
    this.tokenizer = local.tokenizer;
    this.tokens = local.tokens;
    this.id = `${local.id}${opts.variant ? `+${opts.variant}` : ''}`;
    this.contextWindow = opts.contextWindow ?? local.contextWindow;
  }
  get engine(): EngineInfo {
    return this.tokens.engine;
  }
  countTokens(text: string): number {
    return this.tokenizer.encode(text, { addSpecialTokens: false }).length;
  }
  private ids(prompt: Prompt, maxNewTokens: number): { ids: number[]; maxNewTokens: number } {
    const tok = this.tokenizer;
    const ids = prompt.kind === 'chat' ? tok.encode(tok.applyChatTemplate(prompt.turns), { addSpecialTokens: false }) : tok.encode(prompt.text, { addSpecialTokens: true });
    const budget = answerBudget(ids.length, maxNewTokens, this.contextWindow);
    return { ids: truncateMiddle(ids, budget.promptTokens), maxNewTokens: budget.maxNewTokens };
  }
  private async run(prompts: Prompt[], opts: GenerateCallOptions): Promise<string[]> {
    if (opts.signal?.aborted) throw new BenchCancelledError();
    const inputs = prompts.map((p) => this.ids(p, opts.maxNewTokens));
    // prompts batch together by answer budget (most keep the task's own)
    const texts: string[] = new Array(prompts.length);
    for (const budget of new Set(inputs.map((x) => x.maxNewTokens))) {
      const idx = inputs.flatMap((x, i) => (x.maxNewTokens === budget ? [i] : []));
      const results = await this.tokens.generateBatch(
        idx.map((i) => inputs[i].ids),
        { maxNewTokens: budget, stop: opts.stop, signal: opts.signal, reusePrefix: true },
      );
      idx.forEach((i, j) => (texts[i] = cutAtStop(results[j].text, opts.stop)));
    }
    return texts;
  }
  async chat(turns: ChatTurn[], opts: GenerateCallOptions): Promise<string> {
    return (await this.run([{ kind: 'chat', turns }], opts))[0];
  }
  async complete(prompt: string, opts: GenerateCallOptions): Promise<string> {
    return (await this.run([{ kind: 'raw', text: prompt }], opts))[0];
  }
  async generateMany(prompts: Prompt[], opts: GenerateCallOptions): Promise<string[]> {
    return this.run(prompts, opts);
  }
}

export interface EndpointOptions {
  /** e.g. http://127.0.0.1:8000 or http://host/v1 */
  baseUrl: string;
  model: string;
  apiKey?: string;
  /** per-request timeout, ms (default 120 000) */
  timeoutMs?: number;
  /** retries after the first try on 5xx / network errors / timeouts (default 3) */
  retries?: number;
  /** first backoff, ms; doubles each retry (default 500) */
  backoffMs?: number;
  contextWindow?: number;
  /** requests in flight at once for generateMany (default 4) */
  concurrency?: number;
}

class RetryableError extends Error {}

/** Any OpenAI-compatible server (vLLM, llama.cpp server): temperature 0 unless a task asks (NIAH), timeouts, retries with backoff. */
export class OpenAIEndpointGenerator implements TextGenerator {
  readonly id: string;
  readonly contextWindow?: number;
  readonly samples = true;
  private readonly root: string;
  constructor(private readonly opts: EndpointOptions) {
    let root = opts.baseUrl.replace(/\/+$/, '');
    if (!/\/v1$/.test(root)) root += '/v1';
    this.root = root;
    this.id = `endpoint:${sha256(`${root}#${opts.model}`).slice(0, 16)}:${opts.model}`;
    this.contextWindow = opts.contextWindow;
  }

  private async post(path: string, body: Record<string, unknown>, signal?: AbortSignal): Promise<Record<string, unknown>> {
    const url = `${this.root}${path}`;
    const retries = this.opts.retries ?? 3;
    const backoff = this.opts.backoffMs ?? 500;
    let lastError = '';
    for (let attempt = 0; attempt <= retries; attempt++) {
      if (signal?.aborted) throw new BenchCancelledError();
      if (attempt > 0) await sleep(backoff * 2 ** (attempt - 1), signal);
      try {
        return await this.once(url, body, signal);
      } catch (e) {
        if (e instanceof RetryableError) {
          lastError = e.message;
          continue;
        }
        throw e;
      }
    }
    throw new EndpointError(url, undefined, `gave up after ${retries + 1} tries: ${lastError}`);
  }

  private async once(url: string, body: Record<string, unknown>, signal?: AbortSignal): Promise<Record<string, unknown>> {
    const ctrl = new AbortController();
    const timeoutMs = this.opts.timeoutMs ?? 120_000;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      ctrl.abort();
    }, timeoutMs);
    const onAbort = () => ctrl.abort();
    signal?.addEventListener('abort', onAbort);
    try {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (this.opts.apiKey) headers.authorization = `Bearer ${this.opts.apiKey}`;
      let res: Response;
      try {
        res = await fetch(url, { method: 'POST', headers, body: JSON.stringify(body), signal: ctrl.signal });
      } catch (e) {
        if (signal?.aborted) throw new BenchCancelledError();
        if (timedOut) throw new RetryableError(`no answer within ${timeoutMs} ms`);
        throw new RetryableError(`network error: ${(e as Error).message}`);
      }
      let text: string;
      try {
        text = await res.text();
      } catch (e) {
        if (signal?.aborted) throw new BenchCancelledError();
        if (timedOut) throw new RetryableError(`no answer within ${timeoutMs} ms`);
        throw new RetryableError(`network error reading the body: ${(e as Error).message}`);
      }
      if (res.status >= 500) throw new RetryableError(`HTTP ${res.status}: ${text.slice(0, 200)}`);
      if (res.status >= 400) throw new EndpointError(url, res.status, `request rejected (${text.slice(0, 300) || res.statusText})`);
      try {
        const json = JSON.parse(text) as unknown;
        if (typeof json !== 'object' || json === null) throw new Error('not an object');
        return json as Record<string, unknown>;
      } catch {
        throw new EndpointError(url, res.status, `expected a JSON completion, found ${JSON.stringify(text.slice(0, 120))}`);
      }
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
  }

  private common(opts: GenerateCallOptions): Record<string, unknown> {
    const body: Record<string, unknown> = { model: this.opts.model, temperature: opts.temperature ?? 0, max_tokens: opts.maxNewTokens };
    if (opts.seed !== undefined) body.seed = opts.seed;
    // OpenAI allows at most 4 stop strings; the rest are applied here after the answer comes back
    if (opts.stop && opts.stop.length) body.stop = opts.stop.slice(0, 4);
    return body;
  }

  async chat(turns: ChatTurn[], opts: GenerateCallOptions): Promise<string> {
    const url = `${this.root}/chat/completions`;
    const json = await this.post('/chat/completions', { ...this.common(opts), messages: turns.map((t) => ({ role: t.role === 'function' ? 'tool' : t.role, content: t.content })) }, opts.signal);
    const choice = firstChoice(json, url);
    const msg = choice.message as Record<string, unknown> | undefined;
    if (!msg || typeof msg.content !== 'string') throw new EndpointError(url, 200, `expected choices[0].message.content, found ${JSON.stringify(choice).slice(0, 120)}`);
    return cutAtStop(msg.content, opts.stop);
  }

  async complete(prompt: string, opts: GenerateCallOptions): Promise<string> {
    const url = `${this.root}/completions`;
    const json = await this.post('/completions', { ...this.common(opts), prompt }, opts.signal);
    const choice = firstChoice(json, url);
    if (typeof choice.text !== 'string') throw new EndpointError(url, 200, `expected choices[0].text, found ${JSON.stringify(choice).slice(0, 120)}`);
    return cutAtStop(choice.text, opts.stop);
  }

  async generateMany(prompts: Prompt[], opts: GenerateCallOptions): Promise<string[]> {
    const out: string[] = new Array(prompts.length);
    let next = 0;
    const worker = async () => {
      while (next < prompts.length) {
        const i = next++;
        out[i] = await generateFor(this, prompts[i], opts);
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.opts.concurrency ?? 4, prompts.length) }, worker));
    return out;
  }
}

function firstChoice(json: Record<string, unknown>, url: string): Record<string, unknown> {
  const choices = json.choices;
  if (!Array.isArray(choices) || choices.length === 0 || typeof choices[0] !== 'object' || choices[0] === null) {
    throw new EndpointError(url, 200, `expected a non-empty "choices" array, found ${JSON.stringify(json).slice(0, 120)}`);
  }
  return choices[0] as Record<string, unknown>;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new BenchCancelledError());
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(new BenchCancelledError());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
