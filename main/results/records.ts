// The record shapes of a run's results.jsonl (`ResultRecord.data` by kind), as the stages write them and the dashboards
// and reports read them. Loose objects: a record may carry more fields than listed (the full report, per-field scores).
import { z } from 'zod';

export const RECORD_KINDS = ['item', 'stage', 'score', 'analysis', 'compression', 'log'] as const;
export type RecordKind = (typeof RECORD_KINDS)[number];

const fraction = z.number(); // scores are fractions in [0, 1] unless `scale: "percent"`
/** The configuration's label ("base" for the uncompressed model), or an object with a label (older bundles). */
const config = z.union([z.string(), z.looseObject({ label: z.string() })]);

/** A task's headline (no subtask/format: it counts toward its capability), or a detail row (subtask and/or format). */
export const ScoreData = z.looseObject({
  task: z.string(),
  config,
  score: fraction,
  capability: z.string().optional(),
  ci95: z.tuple([z.number(), z.number()]).nullable().optional(),
  n: z.number().optional(),
  subtask: z.string().optional(),
  format: z.string().optional(),
  scale: z.enum(['fraction', 'percent']).optional(),
  deviations: z.array(z.looseObject({ label: z.string(), note: z.string() })).optional(),
  engine: z.looseObject({ name: z.string(), device: z.string().optional(), version: z.string().optional(), weights: z.string().optional(), reason: z.string().optional() }).optional(),
});
/** One cell of the needle-in-a-haystack grid (subtask "cell"): context length in tokens, depth as a fraction. */
export const NiahCellData = z.looseObject({ task: z.literal('niah'), config, contextLength: z.number(), depth: z.number(), score: fraction });

export const AnalysisData = z.discriminatedUnion('metric', [
  z.looseObject({ metric: z.literal('topk'), config, k: z.number(), consistency: z.number() }),
  z.looseObject({ metric: z.literal('topk-position'), config, position: z.number(), consistency: z.number() }),
  z.looseObject({ metric: z.literal('energy'), config, edges: z.array(z.number()).optional(), counts: z.array(z.number()).optional(), values: z.array(z.number()).optional() }),
  z.looseObject({ metric: z.literal('erank'), config, erank: z.number(), diffErank: z.number().optional() }),
  z.looseObject({ metric: z.literal('perplexity'), config, perplexity: z.number() }),
  /** paired-bootstrap drops of one configuration vs base, per task and capability */
  z.looseObject({ metric: z.literal('drops'), config, tasks: z.array(z.looseObject({ task: z.string() })), capabilities: z.array(z.looseObject({ capability: z.string(), absolute: z.number() })) }),
  /** the full statistics of one compressed model against the base */
  z.looseObject({ metric: z.literal('pair'), label: z.string() }),
]);

/** One per configuration, and one for base too (its weight bytes). */
export const CompressionData = z.looseObject({
  config,
  memoryBytes: z.number(),
  method: z.string().optional(),
  bits: z.number().optional(),
  groupSize: z.number().optional(),
  sparsity: z.number().optional(),
  pattern: z.string().optional(),
});
/** One evaluated item; `prompt` is text or what the model saw (chat turns, a raw prompt): the drill-down shows text only. */
export const ItemData = z.looseObject({
  task: z.string(),
  config,
  score: fraction,
  id: z.union([z.string(), z.number()]).optional(),
  index: z.number().optional(),
  correct: z.boolean().optional(),
  prompt: z.unknown().optional(),
  output: z.string().optional(),
});
export const StageData = z.looseObject({ stage: z.string(), wallS: z.number(), items: z.number() });
export const LogData = z.looseObject({ message: z.string(), level: z.string().optional() });

/** The schema of a record's data by kind (a score is a task/detail score or a NIAH cell). */
export const RECORD_DATA: Record<RecordKind, z.ZodType> = {
  score: z.union([ScoreData, NiahCellData]),
  analysis: AnalysisData,
  compression: CompressionData,
  item: ItemData,
  stage: StageData,
  log: LogData,
};

/** Why a record's data does not have its kind's shape, or null. */
export function recordProblem(kind: RecordKind, data: unknown): string | null {
  const parsed = RECORD_DATA[kind].safeParse(data);
  return parsed.success ? null : parsed.error.issues.map((i) => `${i.path.join('.') || '(data)'}: ${i.message}`).join('; ');
}
