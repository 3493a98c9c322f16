// Running a study: resolve the suite folder, build tasks, run them, aggregate per task and capability.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { bundledPath } from '../base/index.js';
import { itemsUnderLimit } from '../spec/index.js';
import { TASKS, taskListing, type TaskListing } from '../results/index.js';
import { createTask, resolveTaskIds } from './catalog.js';
import { BenchInputError } from './errors.js';
import type { TextGenerator } from './generator.js';
import { GenerationCache, type Progress, readResults, type ResultRecord, runTask } from './runner.js';
import { LexicalSimilarity, type TextSimilarity } from './similarity.js';
import { capabilityScores, compareRuns, type CapabilityScore, type Comparison, type PairedTask } from './stats.js';
import type { BenchTask, TaskItem, TaskScore } from './types.js';

/** The built-in suites: ACBENCH_DATASETS, else the datasets/ folder bundled with the app (main/base finds it, packaged or not). */
export function builtinSuiteDir(): string {
  if (process.env.ACBENCH_DATASETS) return resolve(process.env.ACBENCH_DATASETS);
  const dir = bundledPath('datasets');
  if (!existsSync(join(dir, 'manifest.json'))) throw new BenchInputError('built-in suite', 'a datasets/ folder with manifest.json in the application folder (or ACBENCH_DATASETS)', `none at ${dir}`);
  return dir;
}

export function resolveSuiteDir(suite: string): string {
  if (suite === 'builtin') return builtinSuiteDir();
  const p = resolve(suite);
  if (!existsSync(p)) throw new BenchInputError('suite', '"builtin" or an existing folder laid out like datasets/', JSON.stringify(suite));
  return p;
}

/** The runnable built-in tasks as the UI's task picker lists them, with item counts from the manifest. */
export function listBuiltinTasks(): TaskListing[] {
  let counts = new Map<string, number>();
  try {
    const m = JSON.parse(readFileSync(join(builtinSuiteDir(), 'manifest.json'), 'utf8')) as { tasks?: { id: string; items: number }[] };
    counts = new Map((m.tasks ?? []).map((t) => [t.id, t.items]));
  } catch {
    /* no built-in suite on disk: list the tasks without counts */
  }
  return taskListing(counts);
}

export interface OverallProgress extends Progress {
  taskIndex: number;
  taskCount: number;
}

export interface RunBenchmarksOptions {
  generator: TextGenerator;
  /** "builtin" or a folder in the datasets/ layout */
  suite?: string;
  /** task ids or groups; empty → every runnable task */
  tasks?: string[];
  /** first N items per task — results are then marked not for publication */
  limit?: number;
  /** JSONL of finished items (appended; existing items are skipped on restart) */
  resultsFile: string;
  /** generation cache (JSONL); default: resultsFile + ".cache.jsonl" */
  cacheFile?: string;
  similarity?: TextSimilarity;
  batchSize?: number;
  onProgress?: (p: OverallProgress) => void;
  /** each task once scored: its items (the limit applied), their records in item order, and the aggregate */
  onTaskScored?: (t: ScoredTask) => void;
  signal?: AbortSignal;
}

export interface ScoredTask {
  task: BenchTask;
  items: TaskItem[];
  records: ResultRecord[];
  score: TaskScore;
}

export interface BenchmarkRunResult {
  generator: string;
  suite: string;
  tasks: TaskScore[];
  capabilities: CapabilityScore[];
  deviations: string[];
  limit?: number;
  notForPublication: boolean;
  note?: string;
  resultsFile: string;
  similarity: string;
}

/** What each deviation label means (shown in the UI next to results that carry it). */
export const DEVIATION_NOTES: Record<string, string> = {
  'lexical-sim':
    "No sentence-embedding model is loaded: T-Eval (plan, reason) and WorfBench compare texts with a lexical fallback (cosine of word and character 3-gram counts) instead of all-mpnet-base-v2 embeddings (give a sentence-transformers folder with --similarity-model DIR or the spec's benchmarks.similarityModel).",
  'other-sentence-encoder': "T-Eval (plan, reason) and WorfBench compare texts with the cosine of a sentence-transformers model other than all-mpnet-base-v2 (the originals' encoder).",
  'offline-tools': 'AgentBoard Tool-query and Tool-operation use deterministic offline tools with the original call and output shapes instead of live web services.',
  'agentboard-history-window': 'AgentBoard prompts keep the last 6 steps of history (the original drops the oldest steps when the context is full).',
  'niah-greedy': 'Needle in a Haystack: the study samples at temperature 1.0 (30 new tokens); this generator decodes greedily.',
  'longbench-truncate-rendered-prompt':
    "Over-long prompts are cut in the middle after the chat template is applied, keeping at least a quarter of the window (or the whole answer budget, if smaller) for the answer (the original cuts the raw prompt before templating to the model's maximum length); endpoint runs are not cut.",
  'builtin-synthetic-suite': "The built-in suites are procedurally generated by this project in each benchmark's file format; scores are not comparable to the published benchmarks.",
  'zh-char-tokens':
    'Chinese LongBench metrics (multifieldqa_zh, dureader, vcsum) split text into characters; the original segments words with jieba, for which no JavaScript port with the same segmentation is used here.',
  'worfbench-examples-from-data':
    "WorfBench prompts: the suite has no prompts/two_shot_example.json or prompts/eval_prompt.py, so two other records of the file stand in for the reference's fixed two-shot example.",
};

/** Deviations from the originals for the tasks that ran, recorded with every result. */
export function deviationsFor(taskIds: readonly string[], suite: string, similarity: TextSimilarity, generator?: TextGenerator): string[] {
  const d: string[] = [];
  const uses = (p: string) => taskIds.some((t) => t.startsWith(p));
  if (similarity.deviation && (uses('t-eval') || uses('worfbench'))) d.push(similarity.deviation);
  if (uses('agentboard-tool')) d.push('offline-tools');
  if (uses('agentboard')) d.push('agentboard-history-window');
  if (uses('niah') && generator && !generator.samples) d.push('niah-greedy');
  if (uses('longbench')) d.push('longbench-truncate-rendered-prompt');
  if (suite === 'builtin') d.push('builtin-synthetic-suite');
  return d;
}

/**
 * Paired comparison of two results files (base and compressed) over the tasks and items both
 * contain, with each task's own aggregate as the headline and a seeded paired bootstrap.
 */
export function compareResultFiles(baseFile: string, compressedFile: string, opts: { iterations?: number; seed?: number; similarity?: TextSimilarity } = {}): Comparison {
  const base = readResults(baseFile);
  const comp = readResults(compressedFile);
  const ctx = { similarity: opts.similarity ?? new LexicalSimilarity() };
  const tasks: PairedTask[] = [];
  for (const info of TASKS.filter((t) => t.runnable)) {
    const b = new Map(base.filter((r) => r.task === info.id).map((r) => [r.id, r]));
    const c = new Map(comp.filter((r) => r.task === info.id).map((r) => [r.id, r]));
    const ids = [...b.keys()].filter((id) => c.has(id));
    if (ids.length === 0) continue;
    const task = createTask(info.id, ctx);
    tasks.push({
      task: info.id,
      capability: info.capability,
      headline: (scores, items) => task.aggregate(scores, items as never).score,
      items: ids.map((id) => ({ id, group: b.get(id)!.group })),
      base: ids.map((id) => b.get(id)!.scores),
      compressed: ids.map((id) => c.get(id)!.scores),
    });
  }
  return compareRuns(tasks, opts);
}

/** Run tasks on a generator; returns per-task and per-capability scores (×100). */
export async function runBenchmarks(opts: RunBenchmarksOptions): Promise<BenchmarkRunResult> {
  const suite = opts.suite ?? 'builtin';
  const dir = resolveSuiteDir(suite);
  const ids = resolveTaskIds(opts.tasks ?? []);
  const similarity = opts.similarity ?? new LexicalSimilarity();
  const cache = new GenerationCache(opts.cacheFile ?? `${opts.resultsFile}.cache.jsonl`);
  const ctx = { similarity, countTokens: opts.generator.countTokens?.bind(opts.generator) };
  const scores: TaskScore[] = [];
  const dataDeviations: string[] = [];
  for (let k = 0; k < ids.length; k++) {
    const task = createTask(ids[k], ctx);
    let items: TaskItem[] = await task.load(dir);
    dataDeviations.push(...(task.deviations?.() ?? []));
    items = items.slice(0, itemsUnderLimit(items.length, opts.limit));
    const records: ResultRecord[] = await runTask({
      task,
      items,
      generator: opts.generator,
      resultsFile: opts.resultsFile,
      cache,
      batchSize: opts.batchSize,
      signal: opts.signal,
      onProgress: (p) => opts.onProgress?.({ ...p, taskIndex: k, taskCount: ids.length }),
    });
    const byId = new Map(records.map((r) => [r.id, r]));
    const kept = items.filter((it) => byId.has(it.id));
    const keptRecords = kept.map((it) => byId.get(it.id)!);
    const score = task.aggregate(
      keptRecords.map((r) => r.scores),
      kept,
    );
    scores.push(score);
    opts.onTaskScored?.({ task, items: kept, records: keptRecords, score });
  }
  const limited = opts.limit !== undefined;
  return {
    generator: opts.generator.id,
    suite,
    tasks: scores,
    capabilities: capabilityScores(scores),
    deviations: [...new Set([...deviationsFor(ids, suite, similarity, opts.generator), ...dataDeviations])],
    limit: opts.limit,
    notForPublication: limited,
    note: limited ? `not for publication: only the first ${opts.limit} items of each task were run` : undefined,
    resultsFile: opts.resultsFile,
    similarity: similarity.id,
  };
}
