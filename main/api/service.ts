// Implements the contract: every call arrives as untrusted JSON, is parsed with its schema, and
// answers with the output schema's shape or a ServiceError {code, message}.
import { createHash, randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { cpus, freemem, totalmem } from 'node:os';
import { existsSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { z } from 'zod';
import {
  calls,
  type AppInfo,
  EngineSettings as EngineSettingsSchema,
  type EngineSettings,
  type EngineStatus,
  type CallName,
  type CallOutput,
  type ErrorCode,
  type Experiment,
  type Preflight,
  type ResultRecord,
  type RunProgress,
  type TaskInfo,
  RunBundle,
  RunStatus,
  Experiment as ExperimentSchema,
  MAX_BUNDLE_RECORDS,
  type RunSummary,
} from './contract.js';
import { DASHBOARD_KINDS, ResultRecord as ResultRecordSchema } from './contract.js';
import { describeZodError, ExperimentSpec } from '../spec/index.js';
import { builtinModelDir } from '../base/index.js';

const RECORD_KINDS = new Set<string>(ResultRecordSchema.shape.kind.options);
import { historyFile, openHistory, readResultsFile, resultsFile, runDir, ResultsLog, type HistoryData, type StoredRun, type UnreadableLine } from '../store/index.js';
import { planRun, resumeRefusal, RunQueue, startRefusal, type Executor, type RunRequest } from '../jobs/index.js';
import { getEngine } from '../tensor/index.js';
import { llamaCppStatus, preferencesFromEnv, releaseRun } from '../engines/index.js';
import type { Low } from 'lowdb';
import { exportRecords } from './export.js';
import { BenchInputError, resolveSecretRef } from '../bench/index.js';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';

/** Specs from before keys were kept out of them: each key in clear goes to ACBENCH_HOME/secrets/<experiment>.key (mode 600), the spec refers to it. */
function moveKeysOutOfHistory(data: HistoryData, home: string): string[] {
  const moved: string[] = [];
  for (const exp of data.experiments) {
    const model = (exp.spec as { model?: Record<string, unknown> } | null)?.model;
    if (!model || model.kind !== 'endpoint' || typeof model.apiKey !== 'string') continue;
    const dir = join(home, 'secrets');
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const file = join(dir, `${exp.id}.key`);
    writeFileSync(file, model.apiKey, { mode: 0o600 });
    chmodSync(file, 0o600);
    delete model.apiKey;
    model.apiKeyRef = `file:${file}`;
    moved.push(exp.id);
  }
  return moved;
}

export class ServiceError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ServiceError';
  }
}

export const APP_NAME = 'ACBench Studio';
const NAME_MAX = 200;
const IMPORTED = ' (imported)';
/** records per write (and fsync) when a bundle is imported */
const IMPORT_BATCH = 5000;
export const APP_VERSION = '0.1.0';

/** Canonical JSON: keys sorted, so equal specs hash equal. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** sha256 of what determines results (name, tags and notes do not). */
export function specHash(spec: ExperimentSpec): string {
  const { name: _name, tags: _tags, notes: _notes, ...rest } = spec;
  return createHash('sha256').update(canonicalJson(rest)).digest('hex');
}

function newId(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}${randomBytes(4).toString('hex')}`;
}

export interface ServiceOptions {
  home: string;
  shell: AppInfo['shell'];
  executor: Executor;
  electronVersion?: string | null;
  /** the folder of a built-in model (default: resources/models/<id> bundled with the app, as main/base finds it) */
  builtinModelDir?: (id: string) => string;
  /** the benchmark tasks this build can run */
  tasks?: () => Promise<TaskInfo[]>;
  /** reads a key saved in the OS keychain (the desktop app: Electron safeStorage in the main process) */
  keychain?: (id: string) => Promise<string>;
}

export class AcbenchService {
  readonly events = new EventEmitter();
  private readonly queue: RunQueue;
  private readonly lastProgress = new Map<string, RunProgress>();
  private pendingWrite: Promise<void> = Promise.resolve();
  /** experiments of history.json that do not read back (named in info().historyNotice) */
  private unreadableExperiments: string[] = [];

  private constructor(
    private readonly opts: ServiceOptions,
    private readonly db: Low<HistoryData>,
    private readonly historyNotice: string | null,
  ) {
    this.queue = new RunQueue(opts.executor, {
      onStart: (runId) => this.updateRun(runId, { status: 'running', startedAt: new Date().toISOString(), error: undefined }),
      onEvent: (runId, event) => {
        if (event.type === 'headline') {
          const run = this.findRun(runId);
          this.updateRun(runId, { headline: { ...run.headline, ...event.headline } });
          return;
        }
        const p = event.progress;
        this.updateRunQuiet(runId, { itemsDone: p.done, itemsTotal: p.total });
        this.emitProgress(runId, {
          status: 'running',
          stage: p.stage,
          stageDone: p.stageDone,
          stageTotal: p.stageTotal,
          done: p.done,
          total: p.total,
          itemsPerS: p.itemsPerS,
          etaS: p.etaS,
          stageEtaS: p.stageEtaS,
          message: p.message,
        });
      },
      onFinish: (runId, status, error) => {
        this.updateRun(runId, { status, finishedAt: new Date().toISOString(), error });
        const last = this.lastProgress.get(runId);
        this.emitProgress(runId, {
          status,
          stage: null,
          stageDone: 0,
          stageTotal: 0,
          done: last?.done ?? 0,
          total: last?.total ?? 0,
          itemsPerS: 0,
          etaS: status === 'done' ? 0 : null,
          stageEtaS: status === 'done' ? 0 : null,
          message: status === 'failed' ? `failed: ${error ?? 'unknown error'}` : status,
        });
      },
    });
  }

  static async open(opts: ServiceOptions): Promise<AcbenchService> {
    const { db, notice } = await openHistory(historyFile(opts.home));
    const moved = moveKeysOutOfHistory(db.data, opts.home);
    if (moved.length) await db.write();
    const movedNotice = moved.length
      ? `API keys kept in clear in the history (${moved.length} experiment${moved.length === 1 ? '' : 's'}) were moved to ${join(opts.home, 'secrets')} (readable by you only); their specs now refer to those files.`
      : null;
    const service = new AcbenchService(opts, db, [notice, movedNotice].filter(Boolean).join(' ') || null);
    // A run still marked running or queued belonged to a process that died: it can be resumed.
    let changed = false;
    for (const run of db.data.runs)
      if (run.status === 'running' || run.status === 'queued') {
        run.status = 'interrupted';
        changed = true;
      }
    if (changed) await db.write();
    service.listReadable(); // names unreadable experiments in the notice from the start
    return service;
  }

  /** Parse the input with the call's schema, run it, check the output shape. */
  async dispatch(name: string, rawInput: unknown): Promise<unknown> {
    if (!Object.hasOwn(calls, name)) throw new ServiceError('not_found', `unknown call "${name}"; expected one of ${Object.keys(calls).join(', ')}`);
    const call = calls[name as CallName];
    const parsed = (call.input as z.ZodType).safeParse(rawInput ?? {});
    if (!parsed.success) throw new ServiceError('invalid_input', `${name}: ${describeZodError(parsed.error, rawInput)}`);
    const handler = this.handlers[name as CallName] as (input: unknown) => Promise<unknown>;
    return handler(parsed.data);
  }

  private readonly handlers: { [N in CallName]: (input: z.infer<(typeof calls)[N]['input']>) => Promise<CallOutput<N>> } = {
    info: async () => this.info(),
    engineStatus: async () => this.engineStatus(),
    updateEngineSettings: async (settings) => {
      this.db.data.settings.engine = settings;
      await this.db.write();
      return this.engineStatus();
    },
    listExperiments: async () => this.listReadable(),
    getExperiment: async ({ id }) => this.toExperiment(id),
    createExperiment: async ({ spec }) => this.createExperiment(spec),
    updateExperiment: async ({ id, name, tags, notes, spec }) => {
      const exp = this.findExperiment(id);
      if (spec) {
        exp.spec = spec;
        exp.specHash = specHash(spec); // unfinished runs of the old spec can no longer be resumed
      }
      if (name !== undefined) exp.name = name;
      if (tags !== undefined) exp.tags = tags;
      if (notes !== undefined) exp.notes = notes;
      await this.db.write();
      return this.toExperiment(id);
    },
    deleteExperiment: async ({ id }) => {
      const exp = this.findExperiment(id);
      const runs = this.db.data.runs.filter((r) => r.experimentId === exp.id);
      for (const run of runs) if (this.queue.isActive(run.id)) throw new ServiceError('conflict', `experiment ${id} has run ${run.id} in progress; cancel it before deleting`);
      this.db.data.experiments = this.db.data.experiments.filter((e) => e.id !== id);
      this.db.data.runs = this.db.data.runs.filter((r) => r.experimentId !== id);
      await this.db.write();
      for (const run of runs) {
        rmSync(runDir(this.opts.home, run.id), { recursive: true, force: true });
        releaseRun(this.opts.home, run.id); // the GGUF files converted for this run, unless another run holds them
        for (const key of [...this.recordCache.keys()]) if (key.startsWith(`${run.id}\u0000`)) this.recordCache.delete(key);
      }
      return { deleted: true };
    },
    listTasks: async () => (this.opts.tasks ? this.opts.tasks() : []),
    preflight: async ({ spec }) => this.preflight(spec),
    importBundle: async ({ fileName, content }) => this.importBundle(fileName, content),
    startRun: async ({ experimentId, resumeRunId, allowOverMemory }) => {
      const exp = this.findExperiment(experimentId);
      // the spec as stored may predate a rule: every rule the stages apply is checked here, before anything runs
      const parsed = ExperimentSpec.safeParse(exp.spec);
      if (!parsed.success) throw new ServiceError('invalid_input', `experiment ${exp.id} cannot run: ${describeZodError(parsed.error, exp.spec)}`);
      const refusal = startRefusal(await this.preflight(parsed.data), allowOverMemory === true);
      if (refusal) throw new ServiceError(refusal.code, refusal.message);
      // the endpoint's key is read now and handed to the run, never stored with it
      let apiKey: string | undefined;
      if (parsed.data.model.kind === 'endpoint' && parsed.data.model.apiKeyRef)
        try {
          apiKey = await resolveSecretRef(parsed.data.model.apiKeyRef, { keychain: this.opts.keychain });
        } catch (e) {
          if (e instanceof BenchInputError) throw new ServiceError('invalid_input', e.message);
          throw e;
        }
      let run: StoredRun;
      if (resumeRunId) {
        run = this.findRun(resumeRunId);
        const refused = resumeRefusal(run, exp, this.queue.isActive(run.id));
        if (refused) throw new ServiceError(refused.code, refused.message);
        Object.assign(run, { status: 'queued', error: undefined, finishedAt: undefined });
      } else {
        run = { id: newId('run'), experimentId: exp.id, status: 'queued', specHash: exp.specHash, createdAt: new Date().toISOString(), itemsDone: 0, itemsTotal: 0, headline: {} };
        this.db.data.runs.push(run);
      }
      await this.db.write();
      const req: RunRequest = {
        runId: run.id,
        experimentId: exp.id,
        spec: parsed.data,
        specHash: exp.specHash,
        home: this.opts.home,
        resultsFile: resultsFile(this.opts.home, run.id),
        engine: this.effectiveEngine(),
        apiKey,
      };
      this.queue.enqueue(req);
      return this.toRunSummary(run);
    },
    cancelRun: async ({ runId }) => {
      const run = this.findRun(runId);
      if (!this.queue.cancel(runId)) throw new ServiceError('conflict', `run ${runId} is ${run.status}, not queued or running; nothing to cancel`);
      return this.toRunSummary(this.findRun(runId));
    },
    getRunResults: async ({ runId, offset, limit, kinds }) => {
      const run = this.findRun(runId);
      const { records, unreadable } = this.readRun(runId, kinds);
      return { run: this.toRunSummary(run), records: records.slice(offset, offset + limit), total: records.length, unreadable };
    },
    exportRun: async ({ runId, format }) => {
      const run = this.findRun(runId);
      const exp = this.findExperiment(run.experimentId);
      const records = this.readRecords(runId);
      return exportRecords(format, { experiment: this.toExperiment(exp.id), run: this.toRunSummary(run), records, info: this.info() });
    },
  };

  /** A new experiment of a spec parsed where it entered (a call's input, the CLI's spec file). */
  async createExperiment(spec: ExperimentSpec): Promise<Experiment> {
    const id = newId('exp');
    this.db.data.experiments.push({ id, name: spec.name, createdAt: new Date().toISOString(), spec, specHash: specHash(spec), tags: spec.tags, notes: spec.notes });
    await this.db.write();
    return this.toExperiment(id);
  }

  async preflight(spec: ExperimentSpec): Promise<Preflight> {
    const tasks = this.opts.tasks ? await this.opts.tasks() : [];
    const report = getEngine().report;
    return planRun(spec, {
      backend: report.name,
      threads: report.threads,
      availableBytes: freemem(),
      engine: this.effectiveEngine().engine,
      tasks,
      builtinModelDir: this.opts.builtinModelDir ?? builtinModelDir,
    });
  }

  private async importBundle(fileName: string, content: string): Promise<Experiment> {
    let raw: unknown;
    try {
      raw = JSON.parse(content);
    } catch (error) {
      throw new ServiceError('invalid_input', `${fileName}: expected a JSON run bundle, found text that is not JSON (${(error as Error).message})`);
    }
    // the envelope at once, the records in batches with a yield between them (a bundle can hold hundreds of thousands)
    const envelope = RunBundle.omit({ records: true }).safeParse(raw);
    if (!envelope.success) throw new ServiceError('invalid_input', `${fileName}: not an ACBench run bundle: ${describeZodError(envelope.error, raw)}`);
    const rawRecords = (raw as { records?: unknown }).records;
    if (!Array.isArray(rawRecords) || rawRecords.length > MAX_BUNDLE_RECORDS)
      throw new ServiceError(
        'invalid_input',
        `${fileName}: not an ACBench run bundle: records: expected a list of at most ${MAX_BUNDLE_RECORDS} result records, found ${Array.isArray(rawRecords) ? rawRecords.length : typeof rawRecords}`,
      );
    const records: ResultRecord[] = [];
    for (let i = 0; i < rawRecords.length; i += IMPORT_BATCH) {
      const batch = RunBundle.shape.records.safeParse(rawRecords.slice(i, i + IMPORT_BATCH));
      if (!batch.success)
        throw new ServiceError(
          'invalid_input',
          `${fileName}: not an ACBench run bundle: ${describeZodError(batch.error, rawRecords.slice(i, i + IMPORT_BATCH)).replace(/^(\d+)/, (n) => `records.${i + Number(n)}`)}`,
        );
      for (const r of batch.data) records.push(r);
      await new Promise((r) => setImmediate(r));
    }
    const bundle = { ...envelope.data, records };
    // the name as the history's schema reads it back: " (imported)" must still fit
    const name = `${bundle.experiment.name.trim().slice(0, NAME_MAX - IMPORTED.length) || 'run'}${IMPORTED}`;
    const spec = { ...bundle.experiment.spec, name };
    const tags = [...new Set([...spec.tags, 'imported'])].slice(-20);
    const id = newId('exp');
    const now = new Date().toISOString();
    const stored = { id, name, createdAt: now, spec, specHash: specHash(spec), tags, notes: spec.notes };
    // what is accepted is what can be read back: the stored experiment goes through the schema listExperiments answers with
    const readable = ExperimentSchema.safeParse(this.experimentOf(stored, []));
    if (!readable.success) throw new ServiceError('invalid_input', `${fileName}: the bundle's experiment would not read back: ${describeZodError(readable.error, stored)}`);
    const runId = newId('run');
    const log = new ResultsLog(resultsFile(this.opts.home, runId));
    try {
      // batches of records, one write and one fsync each, yielding between them so other calls are answered meanwhile
      for (let i = 0; i < bundle.records.length; i += IMPORT_BATCH) {
        log.appendBatch(bundle.records.slice(i, i + IMPORT_BATCH)); // keep the original times
        await new Promise((r) => setImmediate(r));
      }
    } finally {
      log.close();
    }
    this.db.data.experiments.push(stored);
    const status = RunStatus.safeParse(bundle.run.status);
    this.db.data.runs.push({
      id: runId,
      experimentId: id,
      status: status.success && status.data !== 'running' && status.data !== 'queued' ? status.data : 'interrupted',
      specHash: specHash(spec),
      createdAt: now,
      finishedAt: now,
      itemsDone: bundle.records.length,
      itemsTotal: bundle.records.length,
      headline: bundle.run.headline,
    });
    await this.db.write();
    return this.toExperiment(id);
  }

  private engineSettings(): EngineSettings {
    const parsed = EngineSettingsSchema.safeParse(this.db.data.settings.engine ?? {});
    return parsed.success ? parsed.data : EngineSettingsSchema.parse({});
  }

  /** The settings with ACBENCH_GENERATION / ACBENCH_GPU applied; a wrong variable is an error the user sees. */
  private effectiveEngine(): EngineSettings {
    try {
      return preferencesFromEnv(this.engineSettings());
    } catch (e) {
      throw new ServiceError('invalid_input', (e as Error).message);
    }
  }

  async engineStatus(): Promise<EngineStatus> {
    const settings = this.engineSettings();
    const effective = this.effectiveEngine();
    const overriddenBy = (['ACBENCH_GENERATION', 'ACBENCH_GPU'] as const).filter((v) => process.env[v]).map((v) => `${v}=${process.env[v]}`);
    return { settings, effective, overriddenBy, llamaCpp: await llamaCppStatus(effective.gpu) };
  }

  info(): AppInfo {
    const report = getEngine().report;
    const cpu = cpus();
    return {
      app: APP_NAME,
      version: APP_VERSION,
      node: process.versions.node,
      electron: this.opts.electronVersion ?? process.versions.electron ?? null,
      shell: this.opts.shell,
      backend: { name: report.name, reason: report.reason, skipped: report.skipped, threads: report.threads },
      cpu: { model: cpu[0]?.model ?? 'unknown', cores: cpu.length },
      gpu: report.name === 'tfjs-node-gpu' ? 'CUDA (tfjs-node-gpu)' : null,
      memoryBytes: totalmem(),
      dataDir: this.opts.home,
      historyNotice:
        [
          this.historyNotice,
          this.unreadableExperiments.length
            ? `${this.unreadableExperiments.length} experiment${this.unreadableExperiments.length === 1 ? '' : 's'} in history.json could not be read and ${this.unreadableExperiments.length === 1 ? 'is' : 'are'} not listed (the file keeps ${this.unreadableExperiments.length === 1 ? 'it' : 'them'}): ${this.unreadableExperiments.join('; ')}`
            : null,
        ]
          .filter(Boolean)
          .join(' ') || null,
    };
  }

  /** resolves when no run is queued or running and the index is on disk */
  async idle(): Promise<void> {
    await this.queue.idle();
    await this.pendingWrite;
  }

  /** Parse the dashboard records of the latest finished runs ahead of the first request (web shell and Electron host at start-up). */
  warmDashboards(runs = 2): void {
    const latest = [...this.db.data.runs]
      .filter((r) => r.status === 'done')
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
      .slice(0, runs);
    for (const r of latest) {
      try {
        this.readRecords(r.id, DASHBOARD_KINDS);
      } catch {
        // an unreadable results file is reported when the run is opened
      }
    }
  }

  /** parsed once per file size and kind filter: results are append-only, so an unchanged size means unchanged records */
  private readonly recordCache = new Map<string, { size: number; records: ResultRecord[]; unreadable: UnreadableLine[] }>();

  private readRecords(runId: string, kinds?: readonly string[]): ResultRecord[] {
    return this.readRun(runId, kinds).records;
  }

  private readRun(runId: string, kinds?: readonly string[]): { records: ResultRecord[]; unreadable: UnreadableLine[] } {
    const file = resultsFile(this.opts.home, runId);
    const size = existsSync(file) ? statSync(file).size : 0;
    const cacheKey = `${runId}\u0000${kinds ? [...kinds].sort().join(',') : '*'}`;
    const cached = this.recordCache.get(cacheKey);
    if (cached && cached.size === size) return cached;
    const read = readResultsFile(file, kinds ? new Set(kinds) : undefined);
    const entry = { size, records: read.records.filter((r): r is ResultRecord => RECORD_KINDS.has(r.kind)), unreadable: read.unreadable };
    this.recordCache.set(cacheKey, entry);
    return entry;
  }

  private emitProgress(runId: string, p: Omit<RunProgress, 'runId' | 'experimentId'>): void {
    const run = this.findRun(runId);
    const event: RunProgress = { runId, experimentId: run.experimentId, ...p };
    this.lastProgress.set(runId, event);
    this.events.emit('runProgress', event);
  }

  private findExperiment(id: string) {
    const exp = this.db.data.experiments.find((e) => e.id === id);
    if (!exp) throw new ServiceError('not_found', `no experiment with id ${id}`);
    return exp;
  }

  private findRun(id: string): StoredRun {
    const run = this.db.data.runs.find((r) => r.id === id);
    if (!run) throw new ServiceError('not_found', `no run with id ${id}`);
    return run;
  }

  private updateRun(id: string, patch: Partial<StoredRun>): void {
    this.updateRunQuiet(id, patch);
    this.pendingWrite = this.pendingWrite.then(() => this.db.write()).catch((error: Error) => console.error(`history: write failed: ${error.message}`));
  }

  // progress counters change many times a second: persist them with the next status write only
  private updateRunQuiet(id: string, patch: Partial<StoredRun>): void {
    const run = this.db.data.runs.find((r) => r.id === id);
    if (run) Object.assign(run, patch);
  }

  private toRunSummary(run: StoredRun): RunSummary {
    return { ...run, headline: { ...run.headline } };
  }

  private toExperiment(id: string): Experiment {
    const exp = this.findExperiment(id);
    const candidate = this.experimentOf(
      exp,
      this.db.data.runs.filter((r) => r.experimentId === id),
    );
    const parsed = ExperimentSchema.safeParse(candidate);
    if (!parsed.success) throw new ServiceError('internal', `experiment ${id} in history.json cannot be read: ${describeZodError(parsed.error, candidate)}`);
    return parsed.data;
  }

  /** A stored experiment in the contract's shape (not yet checked). */
  private experimentOf(exp: HistoryData['experiments'][number], runs: StoredRun[]): unknown {
    const spec = exp.spec && typeof exp.spec === 'object' ? exp.spec : {};
    return {
      id: exp.id,
      name: exp.name,
      createdAt: exp.createdAt,
      spec: { ...spec, name: exp.name, tags: exp.tags, notes: exp.notes },
      specHash: exp.specHash,
      runs: runs.map((r) => this.toRunSummary(r)),
      readOnly: false,
    };
  }

  /** Every experiment that reads back; one that does not is left out of the list and named in the history notice. */
  private listReadable(): Experiment[] {
    const out: Experiment[] = [];
    const unreadable: string[] = [];
    for (const e of this.db.data.experiments)
      try {
        out.push(this.toExperiment(e.id));
      } catch (error) {
        unreadable.push(`${e.id} (${(error as Error).message.replace(/^experiment \S+ in history\.json cannot be read: /, '').slice(0, 160)})`);
      }
    this.unreadableExperiments = unreadable;
    return out.sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1));
  }
}
