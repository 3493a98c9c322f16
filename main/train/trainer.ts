// The training loop: seeded init, token-budget batches from the mixture, forward + backward,
// AdamW, checkpoints every N steps (resumable), progress with tokens/s and ETA, and the HF export.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildBatch, type MixtureEntry, type PromptLoss, type TextEncoding } from './data.js';
import { hasCheckpoint, loadCheckpoint, saveCheckpoint, saveHfModel, type SpecialIds, type TrainState } from './export.js';
import { checkConfig, initParams, lossAndGrad, paramSpecs, parameterCount, zerosLike, type Params, type TinyConfig } from './network.js';
import { adamwStep, type OptimConfig } from './optim.js';
import type { Products } from './ops.js';

export interface TrainOptions {
  config: TinyConfig;
  optim: OptimConfig;
  seed: number;
  /** stop after this many optimizer steps in total (a resumed run continues up to it) */
  steps: number;
  /** tokens per optimizer step (whole examples, each its own sequence) */
  batchTokens: number;
  mixture: MixtureEntry[];
  encoder: TextEncoding;
  specialIds: SpecialIds;
  products: Products;
  /** where checkpoints go (state.json + checkpoint.safetensors) */
  checkpointDir: string;
  checkpointEvery: number;
  resume: boolean;
  /** starting weights (continued training from a saved model) instead of a seeded init; ignored when resuming */
  init?: Params;
  attentionBlock?: number;
  /** language-model loss on a sample of prompt tokens (default: answers only) */
  promptLoss?: PromptLoss;
  /** print a progress line every this many steps (default 10) */
  logEvery?: number;
  log?: (line: string) => void;
  /** wall-clock budget: stop (with a checkpoint) once this many seconds have passed in this process */
  maxSeconds?: number;
  /** print the answer loss per source every this many steps (default 50) */
  sourceLossEvery?: number;
  /** called after each step (tests, UIs) */
  onStep?: (step: number, loss: number) => void;
}

export interface TrainResult {
  params: Params;
  state: TrainState;
  finished: boolean;
  parameterCount: number;
}

export class TrainingResumeError extends Error {
  constructor(detail: string) {
    super(`resume: ${detail}`);
    this.name = 'TrainingResumeError';
  }
}

const fmtTime = (s: number) =>
  s >= 3600
    ? `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`
    : s >= 60
      ? `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, '0')}s`
      : `${s.toFixed(0)}s`;

/** Run (or continue) training; returns the weights and the state. Synchronous: the engine blocks on its workers. */
export function train(o: TrainOptions): TrainResult {
  checkConfig(o.config);
  const log = o.log ?? ((l: string) => console.log(l));
  const specs = paramSpecs(o.config);
  let params: Params, m: Params, v: Params;
  let state: TrainState = { step: 0, cursor: 0, seconds: 0, tokensSeen: 0, targetTokensSeen: 0, history: [] };
  if (o.resume && hasCheckpoint(o.checkpointDir)) {
    const ck = loadCheckpoint(o.checkpointDir);
    if (JSON.stringify(ck.config) !== JSON.stringify(o.config))
      throw new TrainingResumeError(`expected the checkpoint's model configuration ${JSON.stringify(o.config)}, found ${JSON.stringify(ck.config)}`);
    if (ck.meta.seed !== o.seed) throw new TrainingResumeError(`expected a checkpoint trained with seed ${o.seed}, found seed ${String(ck.meta.seed)}`);
    const conv = (ps: Params): Params => new Map([...ps].map(([k, a]) => [k, o.products.precision === 'f64' ? Float64Array.from(a) : a]));
    params = conv(ck.params);
    m = conv(ck.m);
    v = conv(ck.v);
    state = ck.state;
    log(`resumed at step ${state.step} (example ${state.cursor}, ${fmtTime(state.seconds)} trained so far)`);
  } else {
    params = o.init ?? initParams(o.config, o.seed, o.products);
    m = zerosLike(o.config, o.products);
    v = zerosLike(o.config, o.products);
  }
  const nParams = parameterCount(o.config);
  const meta = { seed: o.seed, optim: o.optim, batchTokens: o.batchTokens, promptLoss: o.promptLoss ?? null, mixture: o.mixture.map((e) => ({ source: e.source.name, weight: e.weight })) };
  const t0 = Date.now();
  const startStep = state.step;
  const startSeconds = state.seconds;
  let windowTokens = 0,
    windowStart = Date.now(),
    windowLoss = 0,
    windowTargets = 0,
    windowCorrect = 0;
  let bySource: Record<string, { loss: number; tokens: number }> = {};
  const sourceEvery = o.sourceLossEvery ?? 50;
  const logEvery = o.logEvery ?? 10;
  while (state.step < o.steps) {
    const plan = buildBatch(o.mixture, o.seed, state.cursor, o.batchTokens, o.config.maxSeq, o.encoder, o.specialIds, o.promptLoss);
    const r = lossAndGrad(o.config, params, plan.batch, o.products, { attentionBlock: o.attentionBlock });
    if (!Number.isFinite(r.loss)) throw new Error(`training diverged at step ${state.step}: loss ${r.loss} (lower the learning rate)`);
    const { lr } = adamwStep(specs, params, r.grads!, m, v, o.optim, state.step);
    state.step++;
    state.cursor += plan.examples;
    state.tokensSeen += plan.batch.ids.length;
    state.targetTokensSeen += r.answerTokens;
    state.seconds = startSeconds + (Date.now() - t0) / 1000;
    windowTokens += plan.batch.ids.length;
    windowLoss += r.answerLoss * r.answerTokens;
    windowTargets += r.answerTokens;
    windowCorrect += r.correct;
    plan.segmentSources.forEach((src, k) => {
      const b = (bySource[src] ??= { loss: 0, tokens: 0 });
      b.loss += r.segmentLoss[k];
      b.tokens += r.segmentTokens[k];
    });
    o.onStep?.(state.step, r.answerLoss);
    if (state.step % logEvery === 0 || state.step === o.steps) {
      const secs = (Date.now() - windowStart) / 1000;
      const tps = windowTokens / Math.max(secs, 1e-9);
      const perStep = (Date.now() - t0) / 1000 / (state.step - startStep);
      const loss = windowLoss / Math.max(windowTargets, 1);
      state.history.push({ step: state.step, loss: Number(loss.toFixed(4)), lr: Number(lr.toPrecision(3)), tokensPerS: Math.round(tps) });
      log(
        `step ${state.step}/${o.steps}  answer loss ${loss.toFixed(4)}  acc ${((100 * windowCorrect) / Math.max(windowTargets, 1)).toFixed(1)}%  lr ${lr.toExponential(2)}  ${Math.round(tps)} tok/s  ` +
          `elapsed ${fmtTime(state.seconds)}  ETA ${fmtTime(perStep * (o.steps - state.step))}`,
      );
      windowTokens = windowLoss = windowTargets = windowCorrect = 0;
      windowStart = Date.now();
    }
    if (state.step % sourceEvery === 0 || state.step === o.steps) {
      log(
        `  answer loss by source: ${Object.entries(bySource)
          .sort()
          .map(([k, b]) => `${k} ${(b.loss / Math.max(1, b.tokens)).toFixed(3)}`)
          .join(', ')}`,
      );
      bySource = {};
    }
    const outOfTime = o.maxSeconds !== undefined && (Date.now() - t0) / 1000 >= o.maxSeconds;
    if (state.step % o.checkpointEvery === 0 || state.step === o.steps || outOfTime) saveCheckpoint(o.checkpointDir, o.config, params, m, v, state, meta);
    if (outOfTime) {
      log(`stopping at step ${state.step}: the time budget of ${o.maxSeconds} s is spent (resume with --resume)`);
      break;
    }
  }
  const finished = state.step >= o.steps;
  return { params, state, finished, parameterCount: nParams };
}

export { saveHfModel };

/** Save a small JSON (used for the tokenizer cache and run metadata). */
export function writeJson(file: string, value: unknown): void {
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, JSON.stringify(value, null, 1) + '\n');
}

export function readJson<T>(file: string): T | undefined {
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as T) : undefined;
}
