// The runner: batches prompts, caches generations, appends every finished item to a JSONL file,
// resumes by skipping items already there, reports progress, and stops on an AbortSignal.
import { appendFileSync, closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, truncateSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { BenchCancelledError, BenchInputError } from './errors.js';
import { generateFor, type TextGenerator } from './generator.js';
import type { EngineInfo } from '../model/index.js';
import type { BenchTask, EpisodeStep, EpisodeTask, GenerationSettings, ItemScores, Prompt, SingleTurnTask, TaskItem } from './types.js';
import { isRecord, sha256, stableStringify } from './util.js';

/** One finished item, as appended to the results JSONL. */
export interface ResultRecord {
  key: string;
  task: string;
  id: string;
  group?: string;
  generator: string;
  /** the engine and device that generated this item (local models) */
  engine?: EngineInfo;
  settings: GenerationSettings;
  /** single-turn: the prompt; episodes: the first prompt */
  prompt: Prompt;
  /** single-turn: raw output; episodes: the outputs joined by newlines */
  output: string;
  parsed: unknown;
  steps?: (EpisodeStep & { output: string })[];
  scores: ItemScores;
  timing: { ms: number; finishedAt: string; cached: boolean };
}

export function recordKey(taskId: string, itemId: string): string {
  return `${taskId}::${itemId}`;
}

/** A crash while appending leaves a torn last line: cut it off so the next append starts a clean line. */
export function repairTornTail(file: string): void {
  if (!existsSync(file)) return;
  const buf = readFileSync(file);
  if (buf.length === 0 || buf[buf.length - 1] === 0x0a) return;
  const lastNewline = buf.lastIndexOf(0x0a);
  truncateSync(file, lastNewline + 1);
}

/** Read a results JSONL: a torn last line (crash while writing) is ignored; any other line that is not a result record is skipped. */
export function readResults(file: string): ResultRecord[] {
  return readResultsReport(file).records;
}

/** The records of a results JSONL and the lines skipped as unreadable (1-based), which never hide the records after them. */
export function readResultsReport(file: string): { records: ResultRecord[]; unreadable: { line: number; reason: string }[] } {
  if (!existsSync(file)) return { records: [], unreadable: [] };
  const records: ResultRecord[] = [];
  const unreadable: { line: number; reason: string }[] = [];
  const text = readFileSync(file, 'utf8');
  const lines = text.split('\n');
  // the segment after the last newline is empty, or an append cut short
  for (let i = 0; i < lines.length - 1; i++) {
    const l = lines[i].trim();
    if (!l) continue;
    let v: unknown;
    try {
      v = JSON.parse(l);
    } catch (e) {
      unreadable.push({ line: i + 1, reason: `expected a JSON result record, found unreadable text (${(e as Error).message})` });
      continue;
    }
    if (isRecord(v) && typeof v.key === 'string' && typeof v.task === 'string' && typeof v.id === 'string' && isRecord(v.scores)) records.push(v as unknown as ResultRecord);
    else unreadable.push({ line: i + 1, reason: 'expected an object with string "key", "task" and "id" and a "scores" object' });
  }
  return { records, unreadable };
}

/** Generation cache: (generator id, prompt hash, settings) → text, append-only JSONL. */
export class GenerationCache {
  private readonly map = new Map<string, string>();
  constructor(readonly file?: string) {
    if (file) repairTornTail(file);
    if (file && existsSync(file)) {
      for (const l of readFileSync(file, 'utf8').split('\n')) {
        if (!l.trim()) continue;
        try {
          const v = JSON.parse(l) as { key?: unknown; text?: unknown };
          if (typeof v.key === 'string' && typeof v.text === 'string') this.map.set(v.key, v.text);
        } catch {
          /* torn last line */
        }
      }
    }
  }
  static key(generatorId: string, prompt: Prompt, settings: GenerationSettings): string {
    return sha256(`${generatorId}\n${sha256(stableStringify(prompt))}\n${stableStringify(settings)}`);
  }
  get(key: string): string | undefined {
    return this.map.get(key);
  }
  set(key: string, text: string): void {
    this.map.set(key, text);
    if (this.file) {
      mkdirSync(dirname(this.file), { recursive: true });
      appendFileSync(this.file, JSON.stringify({ key, text }) + '\n');
    }
  }
  get size(): number {
    return this.map.size;
  }
}

export interface Progress {
  task: string;
  done: number;
  total: number;
  /** finished items per second in this session (resumed items excluded) */
  itemsPerSecond: number;
  /** seconds left at the current rate; undefined before the first item */
  etaSeconds?: number;
}

export interface RunTaskOptions {
  task: BenchTask;
  items: TaskItem[];
  generator: TextGenerator;
  resultsFile: string;
  cache?: GenerationCache;
  batchSize?: number;
  signal?: AbortSignal;
  onProgress?: (p: Progress) => void;
}

/** One record, written and fsynced before the item counts: a finished item survives a crash of the machine too. */
function append(file: string, rec: ResultRecord): void {
  mkdirSync(dirname(file), { recursive: true });
  const fd = openSync(file, 'a');
  try {
    writeSync(fd, JSON.stringify(rec) + '\n');
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

async function cachedGenerate(g: TextGenerator, cache: GenerationCache, prompts: Prompt[], settings: GenerationSettings, signal?: AbortSignal): Promise<{ text: string; cached: boolean }[]> {
  const keys = prompts.map((p) => GenerationCache.key(g.id, p, settings));
  const out: ({ text: string; cached: boolean } | undefined)[] = keys.map((k) => {
    const t = cache.get(k);
    return t === undefined ? undefined : { text: t, cached: true };
  });
  const missing = out.map((x, i) => (x ? -1 : i)).filter((i) => i >= 0);
  if (missing.length) {
    if (signal?.aborted) throw new BenchCancelledError();
    const opts = { ...settings, signal };
    const texts =
      g.generateMany && missing.length > 1
        ? await g.generateMany(
            missing.map((i) => prompts[i]),
            opts,
          )
        : await Promise.all(missing.map((i) => generateFor(g, prompts[i], opts)));
    missing.forEach((i, j) => {
      cache.set(keys[i], texts[j]);
      out[i] = { text: texts[j], cached: false };
    });
  }
  return out as { text: string; cached: boolean }[];
}

/**
 * Run one task's items. Items whose key is already in the results file are skipped (resume).
 * Returns every record of this task (old and new), in item order.
 */
export async function runTask(opts: RunTaskOptions): Promise<ResultRecord[]> {
  const { task, items, generator, resultsFile, signal, onProgress } = opts;
  const cache = opts.cache ?? new GenerationCache();
  repairTornTail(resultsFile);
  const earlier = readResults(resultsFile).filter((r) => r.task === task.id);
  // a results file resumes only the generator that wrote it: another model's (or engine's) items would pass for this one's
  const foreign = earlier.find((r) => r.generator !== generator.id);
  if (foreign)
    throw new BenchInputError(
      resultsFile,
      `finished items of ${generator.id} to resume`,
      `items of ${foreign.generator} (another model or engine): write to another folder, or delete the file to start over`,
    );
  const existing = new Map(earlier.map((r) => [r.key, r]));
  const todo = items.filter((it) => !existing.has(recordKey(task.id, it.id)));
  const total = items.length;
  let done = total - todo.length;
  const started = Date.now();
  let fresh = 0;
  const report = () => {
    const elapsed = (Date.now() - started) / 1000;
    const rate = fresh > 0 && elapsed > 0 ? fresh / elapsed : 0;
    onProgress?.({ task: task.id, done, total, itemsPerSecond: rate, etaSeconds: rate > 0 ? (total - done) / rate : undefined });
  };
  report();
  const finish = (rec: ResultRecord) => {
    append(resultsFile, rec);
    existing.set(rec.key, rec);
    done++;
    fresh++;
    report();
  };
  if (task.kind === 'single') {
    const t = task as SingleTurnTask<TaskItem, unknown>;
    const batchSize = Math.max(1, opts.batchSize ?? 4);
    // batch consecutive items that share generation settings
    let i = 0;
    while (i < todo.length) {
      if (signal?.aborted) throw new BenchCancelledError();
      const settings = t.settings(todo[i]);
      const batch = [todo[i]];
      while (batch.length < batchSize && i + batch.length < todo.length && stableStringify(t.settings(todo[i + batch.length])) === stableStringify(settings)) batch.push(todo[i + batch.length]);
      const t0 = Date.now();
      const prompts = batch.map((it) => t.prompt(it));
      const outs = await cachedGenerate(generator, cache, prompts, settings, signal);
      const ms = (Date.now() - t0) / batch.length;
      batch.forEach((it, j) => {
        const parsed = t.parse(outs[j].text, it);
        const scores = t.score(it, parsed);
        finish({
          key: recordKey(t.id, it.id),
          task: t.id,
          id: it.id,
          group: it.group,
          generator: generator.id,
          ...(generator.engine ? { engine: generator.engine } : {}),
          settings,
          prompt: prompts[j],
          output: outs[j].text,
          parsed,
          scores,
          timing: { ms, finishedAt: new Date().toISOString(), cached: outs[j].cached },
        });
      });
      i += batch.length;
    }
  } else {
    const t = task as EpisodeTask<TaskItem>;
    const batchSize = Math.max(1, opts.batchSize ?? 4);
    // episodes advance in lockstep, batchSize at a time, so each step is one batched generation
    for (let i = 0; i < todo.length; i += batchSize) {
      if (signal?.aborted) throw new BenchCancelledError();
      await runEpisodes(t, todo.slice(i, i + batchSize), generator, cache, signal, finish);
    }
  }
  return items.map((it) => existing.get(recordKey(task.id, it.id))!).filter(Boolean);
}

interface EpisodeState {
  item: TaskItem;
  env: ReturnType<EpisodeTask<TaskItem>['reset']>;
  history: (EpisodeStep & { output: string })[];
  firstPrompt?: Prompt;
  allCached: boolean;
  done: boolean;
  t0: number;
}

/**
 * The agent loop for several episodes at once: at most task.maxSteps actions each; every step's
 * generation is cached, so a resumed episode replays. `onDone` gets each record as its episode ends.
 */
export async function runEpisodes(
  task: EpisodeTask<TaskItem>,
  items: TaskItem[],
  generator: TextGenerator,
  cache: GenerationCache,
  signal: AbortSignal | undefined,
  onDone: (r: ResultRecord) => void,
): Promise<void> {
  const states: EpisodeState[] = items.map((item) => ({ item, env: task.reset(item), history: [], allCached: true, done: false, t0: Date.now() }));
  const close = (st: EpisodeState) => {
    st.done = true;
    const { item, history } = st;
    onDone({
      key: recordKey(task.id, item.id),
      task: task.id,
      id: item.id,
      group: item.group,
      generator: generator.id,
      ...(generator.engine ? { engine: generator.engine } : {}),
      settings: task.settings(item),
      prompt: st.firstPrompt!,
      output: history.map((h) => h.output).join('\n'),
      parsed: history.map((h) => h.action),
      steps: history,
      scores: task.score(item, history),
      timing: { ms: Date.now() - st.t0, finishedAt: new Date().toISOString(), cached: st.allCached },
    });
  };
  for (let step = 0; step < task.maxSteps; step++) {
    if (signal?.aborted) throw new BenchCancelledError();
    const active = states.filter((s) => !s.done);
    if (active.length === 0) break;
    // one batched call per distinct settings (AgentBoard tasks use one setting)
    const bySettings = new Map<string, EpisodeState[]>();
    for (const st of active) {
      const k = stableStringify(task.settings(st.item));
      if (!bySettings.has(k)) bySettings.set(k, []);
      bySettings.get(k)!.push(st);
    }
    for (const group of bySettings.values()) {
      const prompts = group.map((st) => task.prompt(st.item, st.env, st.history));
      const outs = await cachedGenerate(generator, cache, prompts, task.settings(group[0].item), signal);
      group.forEach((st, j) => {
        st.firstPrompt ??= prompts[j];
        st.allCached &&= outs[j].cached;
        const action = task.parseAction(outs[j].text);
        const r = st.env.step(action);
        st.history.push({ action, observation: r.observation, progress: r.progress, done: r.done, output: outs[j].text });
        if (r.done) close(st);
      });
    }
  }
  for (const st of states) if (!st.done) close(st);
}
