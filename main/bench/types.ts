// The task framework: every benchmark is a module with load → prompt → parse → score → aggregate;
// multi-turn environments add reset/step and run an agent loop.
import type { ChatTurn } from '../model/index.js';
import type { TextSimilarity } from './similarity.js';

export type { ChatTurn };

import { CAPABILITY_ORDER, type BenchmarkName, type Capability } from '../results/index.js';

/** The study's four capabilities (Table 1), in the results core's order. */
export type { BenchmarkName, Capability };
export const CAPABILITIES: readonly Capability[] = CAPABILITY_ORDER;

export { BENCHMARKS } from '../results/index.js';

/** What the model sees: chat turns (wrapped by the model's chat template) or a raw prompt (no template). */
export type Prompt = { kind: 'chat'; turns: ChatTurn[] } | { kind: 'raw'; text: string };

export interface GenerationSettings {
  maxNewTokens: number;
  stop?: string[];
  /** sampling temperature (default 0, greedy); a generator that cannot sample decodes greedily and says so */
  temperature?: number;
  /** sampling seed, so a sampled run repeats */
  seed?: number;
}

/** Per-item score fields (0–1 each); `score` is the item's headline value. */
export type ItemScores = Record<string, number>;

export interface TaskScore {
  task: string;
  benchmark: BenchmarkName;
  capability: Capability;
  /** headline metric name, e.g. "overall", "node F1", "progress rate" */
  metric: string;
  /** headline value ×100 */
  score: number;
  /** every aggregated field ×100 */
  fields: Record<string, number>;
  /** sub-scores (×100) per group: T-Eval ability, WorfBench scenario, LongBench dataset, … */
  groups?: Record<string, Record<string, number>>;
  n: number;
}

export interface TaskItem {
  id: string;
  /** sub-group for per-group scores (T-Eval ability+format, WorfBench scenario, LongBench dataset) */
  group?: string;
}

/** What a task may need from outside: a similarity, a token counter (NIAH lengths). */
export interface TaskContext {
  similarity: TextSimilarity;
  /** counts tokens the way the evaluated model does; defaults to ≈ 4 characters per token */
  countTokens?: (text: string) => number;
}

interface TaskBase<I extends TaskItem> {
  readonly id: string;
  readonly benchmark: BenchmarkName;
  readonly capability: Capability;
  readonly title: string;
  readonly metric: string;
  /** read this task's items from a suite folder (built-in datasets/ or a user folder in the same layout) */
  load(suiteDir: string): Promise<I[]>;
  settings(item: I): GenerationSettings;
  /** deviations from the reference that depend on the loaded data (call after load) */
  deviations?(): string[];
  /** mean the per-item fields into the task score (×100) */
  aggregate(scores: ItemScores[], items: I[]): TaskScore;
}

export interface SingleTurnTask<I extends TaskItem = TaskItem, P = unknown> extends TaskBase<I> {
  readonly kind: 'single';
  prompt(item: I): Prompt;
  parse(output: string, item: I): P;
  score(item: I, parsed: P): ItemScores;
}

export interface StepResult {
  observation: string;
  /** fraction of subgoals reached now, 0–1 */
  progress: number;
  done: boolean;
}

/** A multi-turn environment for one episode. */
export interface Environment {
  readonly goal: string;
  readonly initialObservation: string;
  step(action: string): StepResult;
}

export interface EpisodeStep {
  action: string;
  observation: string;
  progress: number;
  /** the environment ended the episode at this step (AgentBoard's tools: a finish action) */
  done?: boolean;
}

export interface EpisodeTask<I extends TaskItem = TaskItem> extends TaskBase<I> {
  readonly kind: 'episode';
  readonly maxSteps: number;
  reset(item: I): Environment;
  /** the prompt for the next action, given the history so far */
  prompt(item: I, env: Environment, history: readonly EpisodeStep[]): Prompt;
  /** text → action string sent to the environment (first line, "Action:" prefix removed) */
  parseAction(output: string): string;
  score(item: I, history: readonly EpisodeStep[]): ItemScores;
}

export type BenchTask<I extends TaskItem = TaskItem> = SingleTurnTask<I, unknown> | EpisodeTask<I>;

/** Mean each field over items and scale ×100; missing fields count as 0. */
export function meanFields(scores: readonly ItemScores[]): Record<string, number> {
  const keys = new Set<string>();
  for (const s of scores) for (const k of Object.keys(s)) keys.add(k);
  const out: Record<string, number> = {};
  for (const k of keys) {
    let sum = 0;
    for (const s of scores) sum += s[k] ?? 0;
    out[k] = scores.length ? (100 * sum) / scores.length : 0;
  }
  return out;
}

/** Group-wise meanFields. */
export function groupFields<I extends TaskItem>(scores: readonly ItemScores[], items: readonly I[]): Record<string, Record<string, number>> {
  const by = new Map<string, ItemScores[]>();
  items.forEach((it, i) => {
    const g = it.group ?? 'all';
    if (!by.has(g)) by.set(g, []);
    by.get(g)!.push(scores[i]);
  });
  const out: Record<string, Record<string, number>> = {};
  for (const [g, s] of [...by].sort((a, b) => a[0].localeCompare(b[0]))) out[g] = { ...meanFields(s), n: s.length };
  return out;
}
