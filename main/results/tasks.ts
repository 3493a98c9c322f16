// The task catalogue: every built-in task's id, benchmark, capability, title and metric, in the order of the study's
// Table 1, with the group names a task list may use. Pure data, shared by the benchmark runner, the service's task
// listing and the New-experiment form (main/bench adds how each task is built).
import { z } from 'zod';
import { CAPABILITY_ORDER, type Capability } from './capabilities.js';

export type BenchmarkName = 'teval' | 'worfbench' | 'longbench' | 'longgenbench' | 'niah' | 'agentboard';
export const BENCHMARKS: readonly BenchmarkName[] = ['teval', 'worfbench', 'longbench', 'longgenbench', 'niah', 'agentboard'];

export interface CatalogTask {
  id: string;
  benchmark: BenchmarkName;
  capability: Capability;
  title: string;
  metric: string;
  /** false for tasks we can only import logged episodes of (Jericho, ScienceWorld) */
  runnable: boolean;
  note?: string;
}

const longbench = (id: string, title: string): CatalogTask => ({
  id: `longbench-${id}`,
  benchmark: 'longbench',
  capability: 'long-context',
  title: `LongBench ${title}`,
  metric: 'score',
  runnable: true,
});
const agentboard = (id: string, title: string, runnable = true, note?: string): CatalogTask => ({
  id: `agentboard-${id}`,
  benchmark: 'agentboard',
  capability: 'real-world',
  title: `AgentBoard ${title}`,
  metric: 'progress rate',
  runnable,
  ...(note ? { note: `needs the ${note}: import logged episodes with \`acbench score --benchmark agentboard\`` } : {}),
});

/** Built-in tasks, in the order of the study's Table 1. */
export const TASKS: readonly CatalogTask[] = [
  { id: 't-eval', benchmark: 'teval', capability: 'action', title: 'T-Eval: instruct, plan, reason, retrieve, understand, review', metric: 'overall', runnable: true },
  { id: 'worfbench', benchmark: 'worfbench', capability: 'workflow', title: 'WorfBench: function-call, embodied, problem-solving, open-grounded', metric: 'node F1', runnable: true },
  longbench('single-doc', 'single-doc QA'),
  longbench('multi-doc', 'multi-doc QA'),
  longbench('summarization', 'summarization'),
  longbench('few-shot', 'few-shot'),
  longbench('synthetic', 'synthetic'),
  longbench('code', 'code'),
  { id: 'longgenbench-gsm8k', benchmark: 'longgenbench', capability: 'long-context', title: 'LongGenBench GSM8K-style', metric: 'accuracy', runnable: true },
  { id: 'longgenbench-mmlu', benchmark: 'longgenbench', capability: 'long-context', title: 'LongGenBench MMLU-style', metric: 'accuracy', runnable: true },
  { id: 'niah', benchmark: 'niah', capability: 'long-context', title: 'Needle in a Haystack (lengths × depths)', metric: 'ROUGE-1 F', runnable: true },
  agentboard('pddl', 'PDDL: gripper, blockworld, barman, tyreworld'),
  agentboard('tool-query', 'Tool-query (offline tools)'),
  agentboard('tool-operation', 'Tool-operation (offline tools)'),
  agentboard('jericho', 'Jericho', false, 'Z-machine engine'),
  agentboard('scienceworld', 'ScienceWorld', false, 'Java simulator'),
];

const runnableIds = (keep: (t: CatalogTask) => boolean): string[] => TASKS.filter((t) => t.runnable && keep(t)).map((t) => t.id);

/** Group names a task list may use, each expanding to runnable task ids: benchmarks, capabilities, "all". */
export const TASK_ALIASES: Readonly<Record<string, readonly string[]>> = {
  teval: runnableIds((t) => t.benchmark === 'teval'),
  longbench: runnableIds((t) => t.benchmark === 'longbench'),
  longgenbench: runnableIds((t) => t.benchmark === 'longgenbench'),
  agentboard: runnableIds((t) => t.benchmark === 'agentboard'),
  'agentboard-tool': runnableIds((t) => t.id.startsWith('agentboard-tool-')),
  'needle-in-a-haystack': runnableIds((t) => t.benchmark === 'niah'),
  all: runnableIds(() => true),
  ...Object.fromEntries(CAPABILITY_ORDER.map((c) => [c, runnableIds((t) => t.capability === c)])),
};

/** The runnable tasks of the given benchmarks, benchmark by benchmark in the order given (catalogue order within one). */
export const tasksOfBenchmarks = (benchmarks: readonly BenchmarkName[]): string[] => benchmarks.flatMap((b) => runnableIds((t) => t.benchmark === b));

/** The capability of a task named in a record: a catalogue id or group name, optionally with "/<subtask>". */
export function capabilityOfTask(task: string): Capability | undefined {
  const base = task.split('/')[0];
  const id = TASKS.find((t) => t.id === base)?.id ?? TASK_ALIASES[base]?.[0];
  return TASKS.find((t) => t.id === id)?.capability;
}

/** A runnable task as the service lists it for pickers (the contract's TaskInfo). */
export const TaskListing = z.object({
  id: z.string(),
  /** short name for pickers */
  name: z.string(),
  /** one line of help: what is measured and how many items */
  help: z.string(),
  title: z.string(),
  capability: z.enum(CAPABILITY_ORDER),
  benchmark: z.string(),
  metric: z.string(),
  items: z.number().int(),
  /** the group names a spec's task list may use for this task ("longbench", "agentboard-tool", "real-world", …) */
  aliases: z.array(z.string()).default([]),
});
export type TaskListing = z.infer<typeof TaskListing>;

/** The runnable tasks as pickers list them; `counts` gives the built-in items per task where the suite is on disk. */
export function taskListing(counts: ReadonlyMap<string, number> = new Map()): TaskListing[] {
  return TASKS.filter((t) => t.runnable).map((t) => {
    const items = counts.get(t.id);
    return {
      id: t.id,
      name: t.title.split(':')[0],
      help: `${t.title}; ${t.metric}${items ? `, ${items} built-in items` : ''}`,
      title: t.title,
      capability: t.capability,
      benchmark: t.benchmark,
      metric: t.metric,
      items: items ?? 0,
      aliases: Object.keys(TASK_ALIASES).filter((alias) => alias !== 'all' && TASK_ALIASES[alias].includes(t.id)),
    };
  });
}
