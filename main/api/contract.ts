// The contract between the renderer (or any client) and the service host: every call, result and
// event as a zod schema (an experiment's own are the spec room's). Both transports (Electron IPC, web shell HTTP +
// WebSocket) parse every input with these schemas; the renderer imports this file for types and schemas only.
import { z } from 'zod';
import { ExperimentSpec, StoredExperimentSpec } from '../spec/index.js';
import { CAPABILITY_ORDER, RECORD_KINDS, TaskListing } from '../results/index.js';

// --- building blocks -----------------------------------------------------------------------------

export const Id = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'an id of letters, digits, "_" or "-" (1–64 characters)');

export const Capability = z.enum(CAPABILITY_ORDER);
export type Capability = z.infer<typeof Capability>;

export const RunStatus = z.enum(['queued', 'running', 'done', 'failed', 'cancelled', 'interrupted']);
export type RunStatus = z.infer<typeof RunStatus>;

export const StageName = z.enum(['load', 'calibrate', 'compress', 'evaluate', 'analyse']);
export type StageName = z.infer<typeof StageName>;

export const RunSummary = z.object({
  id: Id,
  experimentId: Id,
  status: RunStatus,
  specHash: z.string(),
  createdAt: z.string(),
  startedAt: z.string().optional(),
  finishedAt: z.string().optional(),
  itemsDone: z.number().int().min(0),
  itemsTotal: z.number().int().min(0),
  error: z.string().optional(),
  headline: z.record(z.string(), z.number()).default({}),
});
export type RunSummary = z.infer<typeof RunSummary>;

export const Experiment = z.object({
  id: Id,
  name: z.string(),
  createdAt: z.string(),
  spec: StoredExperimentSpec,
  specHash: z.string(),
  runs: z.array(RunSummary),
  readOnly: z.boolean().default(false),
});
export type Experiment = z.infer<typeof Experiment>;

/** One line of a run's results.jsonl. `key` identifies the unit of work so a resumed run skips it. */
export const ResultRecord = z.object({
  key: z.string(),
  /** its data's shape by kind: main/results/records.ts */
  kind: z.enum(RECORD_KINDS),
  at: z.string(),
  data: z.record(z.string(), z.unknown()),
});
export type ResultRecord = z.infer<typeof ResultRecord>;

export const BackendInfo = z.object({
  name: z.string(),
  reason: z.string(),
  skipped: z.array(z.object({ name: z.string(), why: z.string() })),
  threads: z.number().int(),
});

export const AppInfo = z.object({
  app: z.string(),
  version: z.string(),
  node: z.string(),
  electron: z.string().nullable(),
  shell: z.enum(['electron', 'web', 'cli']),
  backend: BackendInfo,
  cpu: z.object({ model: z.string(), cores: z.number().int() }),
  gpu: z.string().nullable(),
  memoryBytes: z.number(),
  dataDir: z.string(),
  historyNotice: z.string().nullable(),
});
export type AppInfo = z.infer<typeof AppInfo>;

/** Which engine generates for local models, and on what device (Settings; ACBENCH_GENERATION and ACBENCH_GPU override). */
export const EngineSettings = z
  .object({
    engine: z.enum(['auto', 'llamacpp', 'tfjs']).default('auto'),
    gpu: z.enum(['auto', 'cuda', 'vulkan', 'metal', 'off']).default('auto'),
    /** a sentence-transformers folder new experiments start with (the spec carries it, so each run says which it used) */
    similarityModel: z.string().trim().min(1).max(4096).optional(),
  })
  .strict();
export type EngineSettings = z.infer<typeof EngineSettings>;

export const EngineStatus = z.object({
  settings: EngineSettings,
  /** what runs use: the settings with the environment's overrides */
  effective: EngineSettings,
  /** environment variables overriding the settings, e.g. "ACBENCH_GPU=off" */
  overriddenBy: z.array(z.string()),
  llamaCpp: z.object({
    available: z.boolean(),
    /** what loaded, or why nothing did */
    detail: z.string(),
    version: z.string().nullable(),
    /** the GPU build in use for the effective setting, or null for the CPU build */
    gpu: z.string().nullable(),
    devices: z.array(z.string()),
  }),
});
export type EngineStatus = z.infer<typeof EngineStatus>;

export const ExportFormat = z.enum(['jsonl', 'csv', 'markdown', 'latex', 'bundle']);

/** A runnable task as pickers list it (the results core's catalogue says what it is). */
export const TaskInfo = TaskListing;
export type TaskInfo = z.infer<typeof TaskInfo>;

export const Preflight = z.object({
  memoryBytes: z.number(),
  availableBytes: z.number(),
  seconds: z.number(),
  backend: z.string(),
  fits: z.boolean(),
  reason: z.string(),
  /** what would refuse this spec once it runs, checked against the model, files and suites here (the form shows each at its field) */
  problems: z.array(z.object({ path: z.string(), message: z.string() })).default([]),
});
export type Preflight = z.infer<typeof Preflight>;

/** The most records one bundle may carry. */
export const MAX_BUNDLE_RECORDS = 2_000_000;

/** What exportRun({format: 'bundle'}) writes and importBundle reads back. */
export const RunBundle = z.object({
  format: z.literal('acbench-run-bundle'),
  formatVersion: z.literal(1),
  experiment: z.object({ name: z.string(), spec: StoredExperimentSpec }).passthrough(),
  run: z.object({ id: z.string(), status: z.string(), headline: z.record(z.string(), z.number()).default({}) }).passthrough(),
  reproducibility: z.record(z.string(), z.unknown()),
  records: z.array(ResultRecord).max(MAX_BUNDLE_RECORDS),
});

// --- calls ---------------------------------------------------------------------------------------

const call = <I extends z.ZodType, O extends z.ZodType>(input: I, output: O) => ({ input, output });

export const calls = {
  info: call(z.object({}).strict(), AppInfo),
  engineStatus: call(z.object({}).strict(), EngineStatus),
  updateEngineSettings: call(EngineSettings, EngineStatus),
  listExperiments: call(z.object({}).strict(), z.array(Experiment)),
  getExperiment: call(z.object({ id: Id }).strict(), Experiment),
  createExperiment: call(z.object({ spec: ExperimentSpec }).strict(), Experiment),
  updateExperiment: call(
    z
      .object({
        id: Id,
        name: z.string().trim().min(1).max(200).optional(),
        tags: z.array(z.string().max(40)).max(20).optional(),
        notes: z.string().max(10_000).optional(),
        spec: ExperimentSpec.optional(),
      })
      .strict(),
    Experiment,
  ),
  deleteExperiment: call(z.object({ id: Id }).strict(), z.object({ deleted: z.boolean() })),
  startRun: call(z.object({ experimentId: Id, resumeRunId: Id.optional(), allowOverMemory: z.boolean().optional() }).strict(), RunSummary),
  listTasks: call(z.object({}).strict(), z.array(TaskInfo)),
  preflight: call(z.object({ spec: ExperimentSpec }).strict(), Preflight),
  importBundle: call(z.object({ fileName: z.string().max(260), content: z.string().max(64 * 2 ** 20) }).strict(), Experiment),
  cancelRun: call(z.object({ runId: Id }).strict(), RunSummary),
  getRunResults: call(
    z
      .object({
        runId: Id,
        offset: z.number().int().min(0).default(0),
        limit: z.number().int().min(1).max(10_000).default(1000),
        /** only these kinds (dashboards skip the per-item records, which are most of a run) */
        kinds: z.array(ResultRecord.shape.kind).max(6).optional(),
      })
      .strict(),
    z.object({
      run: RunSummary,
      records: z.array(ResultRecord),
      total: z.number().int(),
      /** lines of results.jsonl that are not a record: skipped (the records after them are kept) and reported here */
      unreadable: z.array(z.object({ line: z.number().int(), reason: z.string() })).default([]),
    }),
  ),
  exportRun: call(z.object({ runId: Id, format: ExportFormat }).strict(), z.object({ fileName: z.string(), mimeType: z.string(), content: z.string() })),
} as const;

export type CallName = keyof typeof calls;
export type CallInput<N extends CallName> = z.input<(typeof calls)[N]['input']>;
export type CallOutput<N extends CallName> = z.infer<(typeof calls)[N]['output']>;
export const callNames = Object.keys(calls) as CallName[];

// --- events --------------------------------------------------------------------------------------

export const RunProgress = z.object({
  runId: Id,
  experimentId: Id,
  status: RunStatus,
  stage: StageName.nullable(),
  stageDone: z.number().int().min(0),
  stageTotal: z.number().int().min(0),
  done: z.number().int().min(0),
  total: z.number().int().min(0),
  itemsPerS: z.number().min(0),
  /** seconds left in the whole run; null while later stages have not measured their speed */
  etaS: z.number().min(0).nullable(),
  /** seconds left in the current stage, from its own rate */
  stageEtaS: z.number().min(0).nullable().default(null),
  message: z.string(),
});
export type RunProgress = z.infer<typeof RunProgress>;

export const events = { runProgress: RunProgress } as const;

// --- errors --------------------------------------------------------------------------------------

export const ErrorCode = z.enum(['invalid_input', 'not_found', 'conflict', 'unauthorized', 'unsupported', 'internal']);
export type ErrorCode = z.infer<typeof ErrorCode>;
export const ApiError = z.object({ code: ErrorCode, message: z.string() });
export type ApiError = z.infer<typeof ApiError>;

/** The client interface the renderer programs against; each transport implements it. */
export type AcbenchApi = { [N in CallName]: (input: CallInput<N>) => Promise<CallOutput<N>> } & {
  onRunProgress(listener: (event: RunProgress) => void): () => void;
};

/** The renderer's Content-Security-Policy, sent by the web shell and by the Electron session alike. */
export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self' ws: wss:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";
/** The same policy for index.html's <meta> (a copy for pages opened without the header): a <meta> policy ignores frame-ancestors and logs an error for it, so the header alone carries it. */
export const META_CONTENT_SECURITY_POLICY = CONTENT_SECURITY_POLICY.split('; ')
  .filter((d) => !d.startsWith('frame-ancestors '))
  .join('; ');

/** The record kinds a results dashboard loads at once (per-item records wait for the drill-down). */
export const DASHBOARD_KINDS = ['score', 'analysis', 'compression', 'stage', 'log'] as const;
