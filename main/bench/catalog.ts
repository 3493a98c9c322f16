// The task catalogue: ids, capability, metric, and how to build each task.
import { createAgentBoardTask } from './agentboard/agentboard.js';
import { BenchInputError } from './errors.js';
import { createLongBenchTask, type LongBenchCategory } from './tasks/longbench.js';
import { createLongGenTask } from './tasks/longgenbench.js';
import { createNiahTask } from './tasks/niah.js';
import { createTEvalTask } from './tasks/teval.js';
import { createWorfBenchTask } from './tasks/worfbench.js';
import type { BenchmarkName, BenchTask, Capability, TaskContext } from './types.js';

export interface TaskInfo {
  id: string;
  benchmark: BenchmarkName;
  capability: Capability;
  title: string;
  metric: string;
  /** false for tasks we can only import logged episodes of (Jericho, ScienceWorld) */
  runnable: boolean;
  note?: string;
}

/** Built-in tasks, in the order of the study's Table 1. */
export const TASKS: TaskInfo[] = [
  { id: 't-eval', benchmark: 'teval', capability: 'action', title: 'T-Eval: instruct, plan, reason, retrieve, understand, review', metric: 'overall', runnable: true },
  { id: 'worfbench', benchmark: 'worfbench', capability: 'workflow', title: 'WorfBench: function-call, embodied, problem-solving, open-grounded', metric: 'node F1', runnable: true },
  { id: 'longbench-single-doc', benchmark: 'longbench', capability: 'long-context', title: 'LongBench single-doc QA', metric: 'score', runnable: true },
  { id: 'longbench-multi-doc', benchmark: 'longbench', capability: 'long-context', title: 'LongBench multi-doc QA', metric: 'score', runnable: true },
  { id: 'longbench-summarization', benchmark: 'longbench', capability: 'long-context', title: 'LongBench summarization', metric: 'score', runnable: true },
  { id: 'longbench-few-shot', benchmark: 'longbench', capability: 'long-context', title: 'LongBench few-shot', metric: 'score', runnable: true },
  { id: 'longbench-synthetic', benchmark: 'longbench', capability: 'long-context', title: 'LongBench synthetic', metric: 'score', runnable: true },
  { id: 'longbench-code', benchmark: 'longbench', capability: 'long-context', title: 'LongBench code', metric: 'score', runnable: true },
  { id: 'longgenbench-gsm8k', benchmark: 'longgenbench', capability: 'long-context', title: 'LongGenBench GSM8K-style', metric: 'accuracy', runnable: true },
  { id: 'longgenbench-mmlu', benchmark: 'longgenbench', capability: 'long-context', title: 'LongGenBench MMLU-style', metric: 'accuracy', runnable: true },
  { id: 'niah', benchmark: 'niah', capability: 'long-context', title: 'Needle in a Haystack (lengths × depths)', metric: 'ROUGE-1 F', runnable: true },
  { id: 'agentboard-pddl', benchmark: 'agentboard', capability: 'real-world', title: 'AgentBoard PDDL: gripper, blockworld, barman, tyreworld', metric: 'progress rate', runnable: true },
  { id: 'agentboard-tool-query', benchmark: 'agentboard', capability: 'real-world', title: 'AgentBoard Tool-query (offline tools)', metric: 'progress rate', runnable: true },
  { id: 'agentboard-tool-operation', benchmark: 'agentboard', capability: 'real-world', title: 'AgentBoard Tool-operation (offline tools)', metric: 'progress rate', runnable: true },
  {
    id: 'agentboard-jericho',
    benchmark: 'agentboard',
    capability: 'real-world',
    title: 'AgentBoard Jericho',
    metric: 'progress rate',
    runnable: false,
    note: 'needs the Z-machine engine: import logged episodes with `acbench score --benchmark agentboard`',
  },
  {
    id: 'agentboard-scienceworld',
    benchmark: 'agentboard',
    capability: 'real-world',
    title: 'AgentBoard ScienceWorld',
    metric: 'progress rate',
    runnable: false,
    note: 'needs the Java simulator: import logged episodes with `acbench score --benchmark agentboard`',
  },
];

/** Group names accepted by --tasks, expanding to task ids. */
export const TASK_ALIASES: Record<string, string[]> = {
  teval: ['t-eval'],
  longbench: TASKS.filter((t) => t.benchmark === 'longbench').map((t) => t.id),
  longgenbench: ['longgenbench-gsm8k', 'longgenbench-mmlu'],
  agentboard: ['agentboard-pddl', 'agentboard-tool-query', 'agentboard-tool-operation'],
  'agentboard-tool': ['agentboard-tool-query', 'agentboard-tool-operation'],
  'needle-in-a-haystack': ['niah'],
  all: TASKS.filter((t) => t.runnable).map((t) => t.id),
  action: ['t-eval'],
  workflow: ['worfbench'],
  'long-context': TASKS.filter((t) => t.runnable && t.capability === 'long-context').map((t) => t.id),
  'real-world': ['agentboard-pddl', 'agentboard-tool-query', 'agentboard-tool-operation'],
};

/** Expand a task list (ids, benchmark names, capability names, "all"); empty → all runnable. */
export function resolveTaskIds(list: readonly string[]): string[] {
  if (list.length === 0) return TASK_ALIASES.all.slice();
  const out: string[] = [];
  for (const raw of list) {
    const name = raw.trim().toLowerCase();
    if (!name) continue;
    const ids = TASK_ALIASES[name] ?? (TASKS.some((t) => t.id === name) ? [name] : undefined);
    if (!ids) throw new BenchInputError('task', `one of ${[...TASKS.filter((t) => t.runnable).map((t) => t.id), ...Object.keys(TASK_ALIASES)].join(', ')}`, JSON.stringify(raw));
    for (const id of ids) {
      const info = TASKS.find((t) => t.id === id)!;
      if (!info.runnable) throw new BenchInputError(`task ${id}`, 'a task that runs here', `an import-only task (${info.note})`);
      if (!out.includes(id)) out.push(id);
    }
  }
  return out;
}

export function createTask(id: string, ctx: TaskContext): BenchTask {
  switch (id) {
    case 't-eval':
      return createTEvalTask(ctx) as unknown as BenchTask;
    case 'worfbench':
      return createWorfBenchTask(ctx) as unknown as BenchTask;
    case 'longgenbench-gsm8k':
      return createLongGenTask('gsm8k') as unknown as BenchTask;
    case 'longgenbench-mmlu':
      return createLongGenTask('mmlu') as unknown as BenchTask;
    case 'niah':
      return createNiahTask(ctx) as unknown as BenchTask;
    case 'agentboard-pddl':
      return createAgentBoardTask('pddl') as unknown as BenchTask;
    case 'agentboard-tool-query':
      return createAgentBoardTask('tool-query') as unknown as BenchTask;
    case 'agentboard-tool-operation':
      return createAgentBoardTask('tool-operation') as unknown as BenchTask;
    default:
      if (id.startsWith('longbench-')) return createLongBenchTask(id.slice('longbench-'.length) as LongBenchCategory) as unknown as BenchTask;
      throw new BenchInputError('task', 'a known task id', JSON.stringify(id));
  }
}
