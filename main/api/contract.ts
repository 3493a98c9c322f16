// The contract between the renderer (or any client) and the service host: every call, result and
// event as a zod schema. Both transports (Electron IPC, web shell HTTP + WebSocket) parse every input
// with these schemas; the renderer imports this file for types and schemas only.
import { z } from 'zod';
// the compress room's pure rules (no node imports), not its door: the renderer bundles this file, and the door pulls in tfjs
import { compressionConfigProblems, GROUPED_QUANT_METHODS, PRUNING_METHODS } from '../compress/rules.js';

// --- building blocks -----------------------------------------------------------------------------

export const Id = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'an id of letters, digits, "_" or "-" (1–64 characters)');

/** Where an endpoint's API key is kept, never the key itself (a spec goes into history.json, listExperiments and bundles). */
export const SecretRef = z
  .string()
  .regex(/^(env:[A-Za-z_][A-Za-z0-9_]{0,127}|file:.{1,4096}|keychain:[A-Za-z0-9_-]{1,64})$/, 'a reference to the API key: env:NAME (an environment variable), file:PATH (a file holding it) or keychain:ID (saved in the desktop app)');

const endpointFields = {
  kind: z.literal('endpoint'),
  baseUrl: z.string({ error: 'an http(s) URL such as http://127.0.0.1:8000/v1' }).url('an http(s) URL such as http://127.0.0.1:8000/v1'),
  model: z.string({ error: 'the served model name' }).min(1, 'the served model name'),
  apiKeyRef: SecretRef.optional(),
};
const modelSource = (endpoint: z.ZodObject) =>
  z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('builtin'), id: z.literal('acb-tiny') }),
    z.object({ kind: z.literal('local'), path: z.string({ error: 'a model folder path' }).min(1, 'a model folder path') }),
    endpoint as z.ZodObject<typeof endpointFields>,
  ]);
/** What a new spec may say: a key in clear is refused, so it never reaches the history. */
export const ModelSource = modelSource(
  z.object({ ...endpointFields, apiKey: z.never({ error: 'no API key in the spec (it would be kept in history.json and bundles): give apiKeyRef as env:NAME or file:PATH, or save the key in the desktop app' }).optional() }),
);
/** What the history holds: an older spec's key in clear is dropped on reading (the service moves it to a file at start-up). */
export const StoredModelSource = modelSource(z.object(endpointFields));
export type ModelSource = z.infer<typeof StoredModelSource>;

export const CompressionMethod = z.enum(['none', 'rtn', 'gptq', 'awq', 'smoothquant', 'fp8', 'magnitude', 'wanda', 'sparsegpt']);
export type CompressionMethod = z.infer<typeof CompressionMethod>;
export const SparsityPattern = z.enum(['unstructured', '2:4', '4:8']);

/** The fields of a compression configuration, without the rules between them (what a stored experiment holds). */
export const CompressionConfigFields = z.object({
  method: CompressionMethod,
  label: z.string().max(80).optional(),
  bits: z.number().int().min(2).max(8).optional(),
  groupSize: z.number().int().min(-1).max(8192).optional(),
  actOrder: z.boolean().optional(),
  sym: z.boolean().optional(),
  damp: z.number().positive().max(1).optional(),
  sparsity: z.number().min(0).max(0.99).optional(),
  pattern: SparsityPattern.optional(),
  alpha: z.number().min(0).max(1).optional(),
  fp8Granularity: z.enum(['tensor', 'channel']).optional(),
  kvBits: z.union([z.literal(4), z.literal(8), z.literal(16)]).optional(),
});
/** A configuration that can run: the fields, then every rule of main/compress/rules.ts, each on the field at fault. */
export const CompressionConfig = CompressionConfigFields.superRefine((c, ctx) => {
  for (const p of compressionConfigProblems(c)) ctx.addIssue({ code: 'custom', path: [p.field], message: p.expected, params: { found: p.found } });
});
export type CompressionConfig = z.infer<typeof CompressionConfig>;

const METHOD_NAMES: Record<CompressionMethod, string> = { none: 'Base', rtn: 'RTN', gptq: 'GPTQ', awq: 'AWQ', smoothquant: 'SmoothQuant', fp8: 'FP8', magnitude: 'Magnitude', wanda: 'Wanda', sparsegpt: 'SparseGPT' };
export const methodName = (m: CompressionMethod): string => (m === 'none' ? 'None (base)' : METHOD_NAMES[m]);
export { GROUPED_QUANT_METHODS, PRUNING_METHODS };

/** The label results, charts and files know a configuration by: its own, else "GPTQ-W4", "SmoothQuant-W8A8", "Wanda-2:4", "Wanda-50%". */
export function configLabel(c: CompressionConfig): string {
  if (c.label && c.label.trim()) return c.label.trim();
  const name = METHOD_NAMES[c.method];
  let label: string;
  if (GROUPED_QUANT_METHODS.includes(c.method)) label = `${name}-W${c.bits ?? 4}`;
  else if (c.method === 'smoothquant') label = `${name}-W${c.bits ?? 8}A8`;
  else if (c.method === 'fp8') label = c.fp8Granularity === 'tensor' ? 'FP8-tensor' : 'FP8';
  else if (PRUNING_METHODS.includes(c.method)) label = c.pattern && c.pattern !== 'unstructured' ? `${name}-${c.pattern}` : `${name}-${Math.round((c.sparsity ?? 0.5) * 100)}%`;
  else label = name;
  if (c.kvBits && c.kvBits !== 16) label += `-KV${c.kvBits}`;
  return label;
}


/** Labels the results keep for the app's own rows: "base" is the uncompressed model. */
export const RESERVED_LABELS = ['base'];

/** The form two labels are compared in: Unicode NFKC, case-folded, inner whitespace collapsed ("Cfg  A" ≡ "cfg a"). */
export function labelKey(label: string): string {
  return label.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();
}

export const CalibrationConfig = z.object({
  source: z.string().min(1).default('builtin'),
  samples: z.number().int().min(1).max(4096).default(128),
  seqlen: z.number().int().min(8).max(32768).default(512),
  seed: z.number().int().min(0).default(0),
});

export const Capability = z.enum(['action', 'workflow', 'long-context', 'real-world']);
export type Capability = z.infer<typeof Capability>;

export const BenchmarkSelection = z.object({
  suite: z.string().min(1).default('builtin'),
  /** task ids or groups (longbench, agentboard-tool, …); empty: evaluate nothing (analysis only) */
  tasks: z.array(z.string().min(1)).default([]),
  limit: z.number().int().min(1).optional(),
  /** a sentence-transformers folder (all-mpnet-base-v2) for T-Eval / WorfBench similarity; absent: the lexical fallback (deviation lexical-sim) */
  similarityModel: z.string().min(1).optional(),
});

export const AnalysisConfig = z.object({
  enabled: z.boolean().default(true),
  sequences: z.number().int().min(1).max(1024).default(16),
  seqlen: z.number().int().min(8).max(8192).default(128),
});

const specFields = (config: typeof CompressionConfigFields | typeof CompressionConfig, model: typeof ModelSource | typeof StoredModelSource) =>
  z.object({
    name: z.string({ error: 'a name' }).trim().min(1, 'a name').max(200),
    model,
    compressions: z.array(config).max(32).default([]),
    calibration: CalibrationConfig.default({ source: 'builtin', samples: 128, seqlen: 512, seed: 0 }),
    benchmarks: BenchmarkSelection.default({ suite: 'builtin', tasks: [] }),
    analysis: AnalysisConfig.default({ enabled: true, sequences: 16, seqlen: 128 }),
    seed: z.number().int().min(0).default(0),
    tags: z.array(z.string().max(40)).max(20).default([]),
    notes: z.string().max(10_000).default(''),
  });

/** An experiment as the history holds it: well-formed fields, whether or not it could run (older specs stay readable). */
export const StoredExperimentSpec = specFields(CompressionConfigFields, StoredModelSource);

export interface SpecProblem {
  path: (string | number)[];
  expected: string;
  found: string;
}

/** The rules between the parts of a spec (each configuration's own rules are CompressionConfig's). */
export function experimentSpecProblems(spec: Pick<z.infer<typeof StoredExperimentSpec>, 'model' | 'compressions' | 'analysis'>): SpecProblem[] {
  const out: SpecProblem[] = [];
  const compressed = spec.compressions.filter((c) => c.method !== 'none');
  if (spec.model.kind === 'endpoint' && compressed.length)
    out.push({ path: ['compressions'], expected: 'no compression for a model behind an endpoint: it is evaluated as served (serve each compressed checkpoint as its own endpoint, or choose a local model folder)', found: `${compressed.length} configuration${compressed.length === 1 ? '' : 's'}` });
  if (spec.model.kind === 'endpoint' && spec.analysis.enabled)
    out.push({ path: ['analysis', 'enabled'], expected: "the statistics off for a model behind an endpoint: they need the model's logits, which an endpoint does not return", found: 'on' });
  // labels are display text (files are keyed by ids the run assigns), but results group by them: unique after normalisation
  const labels = spec.compressions.map((c) => (c.method === 'none' ? null : configLabel(c)));
  const keys = labels.map((l) => (l === null ? null : labelKey(l)));
  labels.forEach((l, i) => {
    if (l === null) return;
    const first = keys.indexOf(keys[i]);
    if (RESERVED_LABELS.includes(keys[i]!)) out.push({ path: ['compressions', i, 'label'], expected: `a label other than ${RESERVED_LABELS.map((r) => `"${r}"`).join(', ')} (reserved for the uncompressed model)`, found: JSON.stringify(l) });
    else if (first !== i) out.push({ path: ['compressions', i, 'label'], expected: `a label no other configuration has (configuration ${first + 1} is labelled "${labels[first]}" too), ignoring case, spacing and Unicode forms`, found: JSON.stringify(l) });
  });
  return out;
}

/** A spec that can run: every configuration's rules and the rules between the parts. Every call that starts work parses with it. */
export const ExperimentSpec = specFields(CompressionConfig, ModelSource).superRefine((spec, ctx) => {
  for (const p of experimentSpecProblems(spec)) ctx.addIssue({ code: 'custom', path: p.path, message: p.expected, params: { found: p.found } });
});
export type ExperimentSpec = z.infer<typeof ExperimentSpec>;
export type ExperimentSpecInput = z.input<typeof ExperimentSpec>;

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
  kind: z.enum(['item', 'stage', 'score', 'analysis', 'compression', 'log']),
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

export const TaskInfo = z.object({
  id: z.string(),
  /** short name for pickers */
  name: z.string(),
  /** one line of help: what is measured and how many items */
  help: z.string(),
  title: z.string(),
  capability: Capability,
  benchmark: z.string(),
  metric: z.string(),
  items: z.number().int(),
  /** the group names a spec's task list may use for this task ("longbench", "agentboard-tool", "real-world", …) */
  aliases: z.array(z.string()).default([]),
});
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
  exportRun: call(
    z.object({ runId: Id, format: ExportFormat }).strict(),
    z.object({ fileName: z.string(), mimeType: z.string(), content: z.string() }),
  ),
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

/** A zod failure as one sentence: where, what was expected, what was found. */
export function describeZodError(error: z.ZodError, input: unknown): string {
  return error.issues
    .map((issue) => {
      const path = issue.path.length ? issue.path.join('.') : '(input)';
      const ruleFound = issue.code === 'custom' ? (issue.params as { found?: unknown } | undefined)?.found : undefined;
      let found: unknown = input;
      for (const key of issue.path) found = found && typeof found === 'object' ? (found as Record<PropertyKey, unknown>)[key as PropertyKey] : undefined;
      const shown = typeof ruleFound === 'string' ? ruleFound : found === undefined ? 'nothing' : JSON.stringify(found)?.slice(0, 80);
      return `${path}: ${issue.message} (found ${shown})`;
    })
    .join('; ');
}

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

// The demo study: acb-tiny, base + the study's compression methods, all four capabilities and the statistics,
// sized to finish in minutes on two cores. Here so that the CLI preset and the UI's first form are one object.
const demoPrune = (method: 'magnitude' | 'wanda' | 'sparsegpt', pattern: 'unstructured' | '2:4', label: string): CompressionConfig => ({ method, sparsity: 0.5, pattern, label });

/** acb-tiny's widths (hidden 128, MLP 352) are multiples of 32, not of the study's 128: groups of 32 play g128's part. */
export const DEMO_GROUP_SIZE = 32;

export const DEMO_COMPRESSIONS: CompressionConfig[] = [
  { method: 'rtn', bits: 4, groupSize: DEMO_GROUP_SIZE, sym: false, label: 'RTN-W4' },
  { method: 'gptq', bits: 4, groupSize: DEMO_GROUP_SIZE, sym: true, actOrder: true, damp: 0.01, label: 'GPTQ-W4' },
  { method: 'gptq', bits: 3, groupSize: DEMO_GROUP_SIZE, sym: true, actOrder: true, damp: 0.01, label: 'GPTQ-W3' },
  { method: 'awq', bits: 4, groupSize: DEMO_GROUP_SIZE, label: 'AWQ-W4' },
  { method: 'smoothquant', alpha: 0.5, label: 'SmoothQuant-W8A8' },
  { method: 'fp8', fp8Granularity: 'tensor', label: 'FP8-tensor' },
  demoPrune('magnitude', 'unstructured', 'Magnitude-50%'),
  demoPrune('magnitude', '2:4', 'Magnitude-2:4'),
  demoPrune('wanda', 'unstructured', 'Wanda-50%'),
  demoPrune('wanda', '2:4', 'Wanda-2:4'),
  demoPrune('sparsegpt', 'unstructured', 'SparseGPT-50%'),
  demoPrune('sparsegpt', '2:4', 'SparseGPT-2:4'),
];

/** A sample limit keeps the demo to minutes; its results are marked "not for publication". */
export const DEMO_STUDY: ExperimentSpecInput = {
  name: 'Demo study (acb-tiny)',
  model: { kind: 'builtin', id: 'acb-tiny' },
  compressions: DEMO_COMPRESSIONS,
  calibration: { source: 'builtin', samples: 32, seqlen: 256, seed: 0 },
  benchmarks: { suite: 'builtin', tasks: ['t-eval', 'worfbench', 'longbench', 'longgenbench', 'niah', 'agentboard-pddl', 'agentboard-tool'], limit: 6 },
  analysis: { enabled: true, sequences: 8, seqlen: 128 },
  seed: 0,
  tags: ['demo'],
  notes: 'The built-in demo: acb-tiny under the study\'s quantization and pruning methods, every capability, with a 6-item sample per task.',
};
