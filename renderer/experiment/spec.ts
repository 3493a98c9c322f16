// The New-experiment form's model: tasks, capability grouping, the "Demo study" preset, labels for
// compression configurations, and the mapping from form state to the contract's ExperimentSpec.
import { DEMO_COMPRESSIONS, DEMO_STUDY, ExperimentSpec, type CompressionConfig, type ExperimentSpecInput, type Capability } from '../../main/api/contract.js';
import { describeIssues } from './issues.js';

export interface TaskInfo {
  id: string;
  name: string;
  capability: Capability;
  help: string;
}

/** Built-in tasks until the service exposes its own list (a `listTasks` call). */
export const TASKS: readonly TaskInfo[] = [
  { id: 't-eval', name: 'T-Eval', capability: 'action', help: 'tool use: instruct, plan, reason, retrieve, understand, review (string and JSON formats)' },
  { id: 'worfbench', name: 'WorfBench', capability: 'workflow', help: 'workflow generation as a graph of steps, scored by node/edge F1' },
  { id: 'longbench', name: 'LongBench', capability: 'long-context', help: 'long-document QA, summarisation, few-shot, synthetic and code tasks' },
  { id: 'longgenbench', name: 'LongGenBench', capability: 'long-context', help: 'many questions answered in one long generation (GSM8K, MMLU)' },
  { id: 'niah', name: 'Needle in a Haystack', capability: 'long-context', help: 'retrieve a fact hidden at a given depth of a long context' },
  { id: 'agentboard-pddl', name: 'AgentBoard · PDDL', capability: 'real-world', help: 'multi-turn planning in simulated PDDL worlds; progress rate' },
  { id: 'agentboard-tool', name: 'AgentBoard · Tool', capability: 'real-world', help: 'multi-turn tool query and tool operation environments; progress rate' },
];

export const CAPABILITIES: readonly { id: Capability; name: string; help: string }[] = [
  { id: 'action', name: 'Action execution', help: 'calling tools correctly (T-Eval)' },
  { id: 'workflow', name: 'Workflow generation', help: 'decomposing a task into steps (WorfBench)' },
  { id: 'long-context', name: 'Long-context understanding', help: 'reading and generating over long inputs (LongBench, LongGenBench, NIAH)' },
  { id: 'real-world', name: 'Real-world application', help: 'multi-turn agent environments (AgentBoard)' },
];

export const capabilityName = (id: string): string => CAPABILITIES.find((c) => c.id === id)?.name ?? id;

export function capabilityOfTask(task: string): Capability | undefined {
  const base = task.split('/')[0];
  return TASKS.find((t) => t.id === base)?.capability;
}

const METHOD_NAMES: Record<CompressionConfig['method'], string> = {
  none: 'Base',
  rtn: 'RTN',
  gptq: 'GPTQ',
  awq: 'AWQ',
  smoothquant: 'SmoothQuant',
  fp8: 'FP8',
  magnitude: 'Magnitude',
  wanda: 'Wanda',
  sparsegpt: 'SparseGPT',
};

export const methodName = (m: CompressionConfig['method']): string => (m === 'none' ? 'None (base)' : METHOD_NAMES[m]);

export const QUANT_METHODS = new Set(['rtn', 'gptq', 'awq']);
export const PRUNE_METHODS = new Set(['magnitude', 'wanda', 'sparsegpt']);

/** A short label such as "GPTQ-W4", "SmoothQuant-W8A8", "Wanda-2:4", "Wanda-50%"; the service echoes it in records. */
export function configLabel(c: CompressionConfig): string {
  if (c.label && c.label.trim()) return c.label.trim();
  const name = METHOD_NAMES[c.method];
  let label: string;
  if (QUANT_METHODS.has(c.method)) label = `${name}-W${c.bits ?? 4}`;
  else if (c.method === 'smoothquant') label = `${name}-W${c.bits ?? 8}A8`;
  else if (c.method === 'fp8') label = c.fp8Granularity === 'tensor' ? 'FP8-tensor' : 'FP8';
  else if (PRUNE_METHODS.has(c.method)) label = c.pattern && c.pattern !== 'unstructured' ? `${name}-${c.pattern}` : `${name}-${Math.round((c.sparsity ?? 0.5) * 100)}%`;
  else label = name;
  if (c.kvBits && c.kvBits !== 16) label += `-KV${c.kvBits}`;
  return label;
}

/** Sensible defaults when the user picks a method in a configuration row. */
export function defaultConfig(method: CompressionConfig['method']): CompressionConfig {
  switch (method) {
    case 'rtn':
      return { method, bits: 4, groupSize: 128, sym: true };
    case 'gptq':
      return { method, bits: 4, groupSize: 128, actOrder: true, sym: true, damp: 0.01 };
    case 'awq':
      return { method, bits: 4, groupSize: 128, sym: false };
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

/** The study's grid at a size this machine runs (the contract's DEMO_COMPRESSIONS, shared with `acbench run builtin:demo`). */
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

/** Validate with the contract's schema; errors keyed by dotted path ("compressions.2.bits"). */
export function validateForm(form: FormState): { ok: true; spec: ExperimentSpec } | { ok: false; errors: FieldErrors } {
  const withLabels = { ...form, compressions: (form.compressions ?? []).map((c) => ({ ...c, label: configLabel(c) })) };
  const parsed = ExperimentSpec.safeParse(withLabels);
  if (parsed.success) {
    const labels = parsed.data.compressions.map((c) => c.label ?? '');
    const dup = labels.findIndex((l, i) => labels.indexOf(l) !== i);
    if (dup >= 0) return { ok: false, errors: { [`compressions.${dup}.label`]: `two configurations are both labelled "${labels[dup]}"; give one a different label` } };
    return { ok: true, spec: parsed.data };
  }
  return { ok: false, errors: describeIssues(parsed.error.issues, withLabels) };
}
