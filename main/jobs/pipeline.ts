// Runs a run's stages in order over its results log: each finished item is appended (and fsynced)
// before it counts, items already in the log are skipped, and cancellation is checked between items.
import type { ResultLine, ResultsLog } from '../store/index.js';
import { ProgressMeter } from './progress.js';

export type StageName = 'load' | 'calibrate' | 'compress' | 'evaluate' | 'analyse';

export interface StageContext {
  readonly signal: AbortSignal;
  /** an item with this key finished in an earlier session of this run */
  isDone(key: string): boolean;
  /** the record of an item finished earlier (resume reads reports back) */
  recorded(key: string): ResultLine | undefined;
  /** record a finished item and count it */
  finish(key: string, kind: string, data: Record<string, unknown>): void;
  /** append a record that is not a counted unit of work (details mirrored from a sub-runner) */
  record(key: string, kind: string, data: Record<string, unknown>): void;
  /** count an item finished in an earlier session */
  skip(key: string): void;
  /** count n units finished by a sub-runner that keeps its own resumable log (benchmark items) */
  advance(n: number, message?: string): void;
  /** the stage's item count, when it is only known once the stage starts */
  setTotal(total: number): void;
  /** a progress message without an item (e.g. "layer 3/8, q_proj") */
  message(text: string): void;
}

/**
 * A stage of a run. A stage whose `stage:<name>` record exists is skipped whole on resume, so a stage never takes an input
 * from an earlier stage's side effect: it builds what it needs on first use (memoised), whether or not that stage ran in
 * this session (the base model, the tokenizer, the calibration set).
 */
export interface Stage {
  readonly name: StageName;
  /** items this stage will finish (an estimate is fine; setTotal corrects it) */
  readonly total: number;
  run(ctx: StageContext): Promise<void>;
}

export interface PipelineProgress {
  stage: StageName | null;
  stageDone: number;
  stageTotal: number;
  done: number;
  total: number;
  itemsPerS: number;
  /** seconds left in the whole run: known in the last stage only, since items of different stages take different times */
  etaS: number | null;
  /** seconds left in this stage: its remaining items at its own measured rate */
  stageEtaS: number | null;
  message: string;
}

export class CancelledError extends Error {
  constructor() {
    super('the run was cancelled');
    this.name = 'CancelledError';
  }
}

export function throwIfCancelled(signal: AbortSignal): void {
  if (signal.aborted) throw new CancelledError();
}

export interface PipelineOptions {
  signal: AbortSignal;
  onProgress(p: PipelineProgress): void;
  /** minimum milliseconds between progress events (the last one always goes out) */
  throttleMs?: number;
  now?: () => number;
}

export const stageDoneKey = (name: StageName) => `stage:${name}`;

export async function runPipeline(stages: Stage[], log: ResultsLog, opts: PipelineOptions): Promise<void> {
  const now = opts.now ?? (() => Date.now());
  const totals = stages.map((s) => s.total);
  const overall = new ProgressMeter(
    totals.reduce((a, b) => a + b, 0),
    now,
  );
  const byKey = new Map(log.recovered.records.map((r) => [r.key, r]));
  let lastEmit = -Infinity;
  const throttle = opts.throttleMs ?? 100;
  // a damaged line was skipped when the log was read (its item is done again): the run says so once
  for (const u of log.recovered.unreadable) {
    const key = `unreadable:${u.line}`;
    if (!log.has(key)) log.append(key, 'log', { message: `results.jsonl line ${u.line} could not be read and was skipped (${u.reason}); its work is done again`, line: u.line, reason: u.reason });
  }

  for (const [index, stage] of stages.entries()) {
    throwIfCancelled(opts.signal);
    if (log.has(stageDoneKey(stage.name))) {
      overall.skip(totals[index]);
      continue;
    }
    const meter = new ProgressMeter(totals[index], now);
    let message = `${stage.name}…`;
    const emit = (force = false) => {
      const t = now();
      if (!force && t - lastEmit < throttle) return;
      lastEmit = t;
      const s = meter.snapshot();
      const o = overall.snapshot();
      // a rate pooled over stages would time a model's evaluation by how fast it loaded: only the last stage's own rate says when the run ends
      const last = index === stages.length - 1;
      opts.onProgress({ stage: stage.name, stageDone: s.done, stageTotal: s.total, done: o.done, total: o.total, itemsPerS: s.itemsPerS, etaS: last ? s.etaS : null, stageEtaS: s.etaS, message });
    };
    const ctx: StageContext = {
      signal: opts.signal,
      isDone: (key) => log.has(key),
      recorded: (key) => byKey.get(key),
      finish(key, kind, data) {
        const rec = log.append(key, kind, data); // an item computed before a cancel is still kept
        byKey.set(key, rec);
        meter.tick();
        overall.tick();
        emit();
        throwIfCancelled(opts.signal);
      },
      record(key, kind, data) {
        byKey.set(key, log.append(key, kind, data));
      },
      skip() {
        meter.skip();
        overall.skip();
      },
      advance(n, text) {
        meter.tick(n);
        overall.tick(n);
        if (text) message = text;
        emit();
        throwIfCancelled(opts.signal);
      },
      setTotal(total) {
        overall.setTotal(overall.snapshot().total - totals[index] + total);
        totals[index] = total;
        meter.setTotal(total);
      },
      message(text) {
        message = text;
        emit();
      },
    };
    const started = now();
    meter.begin();
    overall.begin();
    emit(true);
    await stage.run(ctx);
    throwIfCancelled(opts.signal);
    log.append(stageDoneKey(stage.name), 'stage', { stage: stage.name, wallS: (now() - started) / 1000, items: meter.snapshot().done });
    message = `${stage.name} done`;
    emit(true);
  }
  const o = overall.snapshot();
  opts.onProgress({ stage: null, stageDone: 0, stageTotal: 0, done: o.total, total: o.total, itemsPerS: 0, etaS: 0, stageEtaS: 0, message: 'finished' });
}
