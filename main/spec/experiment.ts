// An experiment: the model, its compression configurations, calibration, the benchmarks and the statistics, as zod
// schemas, and the rules between the parts. A spec is parsed once where it enters (a service call, a spec file, the
// history); everything inward takes the typed value.
import { z } from 'zod';
import { CompressionConfig, CompressionConfigFields, configLabel, labelKey, RESERVED_LABELS } from './compression.js';

/** Where an endpoint's API key is kept, never the key itself (a spec goes into history.json, listExperiments and bundles). */
export const SecretRef = z
  .string()
  .regex(
    /^(env:[A-Za-z_][A-Za-z0-9_]{0,127}|file:.{1,4096}|keychain:[A-Za-z0-9_-]{1,64})$/,
    'a reference to the API key: env:NAME (an environment variable), file:PATH (a file holding it) or keychain:ID (saved in the desktop app)',
  );

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
  z.object({
    ...endpointFields,
    apiKey: z.never({ error: 'no API key in the spec (it would be kept in history.json and bundles): give apiKeyRef as env:NAME or file:PATH, or save the key in the desktop app' }).optional(),
  }),
);
/** What the history holds: an older spec's key in clear is dropped on reading (the service moves it to a file at start-up). */
export const StoredModelSource = modelSource(z.object(endpointFields));
export type ModelSource = z.infer<typeof StoredModelSource>;

/** Where an experiment's base model lives: a built-in model's bundled folder, a local folder as given; an endpoint has none. */
export function modelFolder(model: ModelSource, builtinModelDir: (id: string) => string): string | null {
  switch (model.kind) {
    case 'builtin':
      return builtinModelDir(model.id);
    case 'local':
      return model.path;
    case 'endpoint':
      return null;
  }
}

export const CalibrationConfig = z.object({
  source: z.string().min(1).default('builtin'),
  samples: z.number().int().min(1).max(4096).default(128),
  seqlen: z.number().int().min(8).max(32768).default(512),
  seed: z.number().int().min(0).default(0),
});

export const BenchmarkSelection = z.object({
  suite: z.string().min(1).default('builtin'),
  /** task ids or groups (longbench, agentboard-tool, …); empty: evaluate nothing (analysis only) */
  tasks: z.array(z.string().min(1)).default([]),
  /** evaluate only the first `limit` items of each task (the results are then not for publication) */
  limit: z.number().int().min(1).optional(),
  /** a sentence-transformers folder (all-mpnet-base-v2) for T-Eval / WorfBench similarity; absent: the lexical fallback (deviation lexical-sim) */
  similarityModel: z.string().min(1).optional(),
});

/** Items a task evaluates out of `available`: the first `limit` when the spec sets one, else all. */
export const itemsUnderLimit = (available: number, limit: number | undefined): number => (limit === undefined ? available : Math.min(available, limit));

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
    out.push({
      path: ['compressions'],
      expected: 'no compression for a model behind an endpoint: it is evaluated as served (serve each compressed checkpoint as its own endpoint, or choose a local model folder)',
      found: `${compressed.length} configuration${compressed.length === 1 ? '' : 's'}`,
    });
  if (spec.model.kind === 'endpoint' && spec.analysis.enabled)
    out.push({ path: ['analysis', 'enabled'], expected: "the statistics off for a model behind an endpoint: they need the model's logits, which an endpoint does not return", found: 'on' });
  // labels are display text (files are keyed by ids the run assigns), but results group by them: unique after normalisation
  const labels = spec.compressions.map((c) => (c.method === 'none' ? null : configLabel(c)));
  const keys = labels.map((l) => (l === null ? null : labelKey(l)));
  labels.forEach((l, i) => {
    if (l === null) return;
    const first = keys.indexOf(keys[i]);
    if (RESERVED_LABELS.includes(keys[i]!))
      out.push({
        path: ['compressions', i, 'label'],
        expected: `a label other than ${RESERVED_LABELS.map((r) => `"${r}"`).join(', ')} (reserved for the uncompressed model)`,
        found: JSON.stringify(l),
      });
    else if (first !== i)
      out.push({
        path: ['compressions', i, 'label'],
        expected: `a label no other configuration has (configuration ${first + 1} is labelled "${labels[first]}" too), ignoring case, spacing and Unicode forms`,
        found: JSON.stringify(l),
      });
  });
  return out;
}

/** A spec that can run: every configuration's rules and the rules between the parts. Every call that starts work parses with it. */
export const ExperimentSpec = specFields(CompressionConfig, ModelSource).superRefine((spec, ctx) => {
  for (const p of experimentSpecProblems(spec)) ctx.addIssue({ code: 'custom', path: p.path, message: p.expected, params: { found: p.found } });
});
export type ExperimentSpec = z.infer<typeof ExperimentSpec>;
export type ExperimentSpecInput = z.input<typeof ExperimentSpec>;
export type StoredExperimentSpec = z.infer<typeof StoredExperimentSpec>;

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
