// The New-experiment form's model: tasks, capability grouping, the "Demo study" preset, labels for
// compression configurations, and the mapping from form state to the spec room's ExperimentSpec.
import {
  configLabel,
  DEMO_COMPRESSIONS,
  DEMO_GROUP_SIZE,
  DEMO_STUDY,
  ExperimentSpec,
  GROUPED_QUANT_METHODS,
  methodName,
  PRUNING_METHODS,
  type CompressionConfig,
  type ExperimentSpecInput,
} from '../../main/spec/index.js';
import { taskListing, type TaskListing } from '../../main/results/index.js';
import { describeIssues } from './issues.js';

/** A task as the picker lists it: the service's listTasks answer, or the catalogue's listing until it answers. */
export type TaskInfo = Pick<TaskListing, 'id' | 'name' | 'capability' | 'help' | 'aliases'>;

/** The listed tasks a spec's task list selects, by id or by a group name (the demo names "longbench", "agentboard-tool"). */
export function selectedTasks(selection: readonly string[], tasks: readonly TaskInfo[]): Set<string> {
  const wanted = new Set(selection.map((t) => t.trim().toLowerCase()));
  return new Set(tasks.filter((t) => wanted.has(t.id) || (t.aliases ?? []).some((a) => wanted.has(a))).map((t) => t.id));
}

/** The catalogue's tasks (without item counts), shown until the service's listTasks answers (and where it cannot). */
export const TASKS: readonly TaskInfo[] = taskListing();

export { CAPABILITIES, capabilityName, capabilityOfTask } from '../../main/results/index.js';

export { configLabel, methodName };
export const QUANT_METHODS: ReadonlySet<string> = new Set(GROUPED_QUANT_METHODS);
export const PRUNE_METHODS: ReadonlySet<string> = new Set(PRUNING_METHODS);

/** Sensible defaults when the user picks a method in a configuration row (groups of 32 on acb-tiny, whose widths 128 does not divide). */
export function defaultConfig(method: CompressionConfig['method'], model: FormState['model'] = { kind: 'local', path: '' }): CompressionConfig {
  const groupSize = model.kind === 'builtin' ? DEMO_GROUP_SIZE : 128;
  switch (method) {
    case 'rtn':
      return { method, bits: 4, groupSize, sym: true };
    case 'gptq':
      return { method, bits: 4, groupSize, actOrder: true, sym: true, damp: 0.01 };
    case 'awq':
      return { method, bits: 4, groupSize, sym: false };
    case 'smoothquant':
      return { method, bits: 8, alpha: 0.5 };
    case 'fp8':
      return { method, fp8Granularity: 'channel' };
    case 'magnitude':
    case 'wanda':
    case 'sparsegpt':
      return { method, sparsity: 0.5, pattern: 'unstructured' };
    default:
      return { method };
  }
}

/** The study's grid at a size this machine runs (the spec room's DEMO_COMPRESSIONS, shared with `acbench run builtin:demo`). */
export function demoStudyCompressions(): CompressionConfig[] {
  return structuredClone(DEMO_COMPRESSIONS);
}

/** The form's state: the spec's input shape, with numbers possibly still being typed (strings). */
export type FormState = ExperimentSpecInput;

/** The first form the app shows: the demo study, exactly as `acbench run builtin:demo` runs it. */
export function demoStudyForm(): FormState {
  return structuredClone(DEMO_STUDY);
}

export type FieldErrors = Record<string, string>;

/** Validate with the spec's schema (every rule the service and the compress stage apply); errors keyed by dotted path ("compressions.2.bits"). */
export function validateForm(form: FormState): { ok: true; spec: ExperimentSpec } | { ok: false; errors: FieldErrors } {
  const withLabels = { ...form, compressions: (form.compressions ?? []).map((c) => ({ ...c, label: configLabel(c) })) };
  const parsed = ExperimentSpec.safeParse(withLabels);
  if (parsed.success) return { ok: true, spec: parsed.data };
  return { ok: false, errors: describeIssues(parsed.error.issues, withLabels) };
}
