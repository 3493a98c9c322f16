// How each task of the catalogue (main/results) is built, and a task list expanded to its ids.
import { createAgentBoardTask } from './agentboard/agentboard.js';
import { BenchInputError } from './errors.js';
import { createLongBenchTask, type LongBenchCategory } from './tasks/longbench.js';
import { createLongGenTask } from './tasks/longgenbench.js';
import { createNiahTask } from './tasks/niah.js';
import { createTEvalTask } from './tasks/teval.js';
import { createWorfBenchTask } from './tasks/worfbench.js';
import { TASK_ALIASES, TASKS } from '../results/index.js';
import type { BenchTask, TaskContext } from './types.js';

/** Expand a task list (ids, benchmark names, capability names, "all"); empty → all runnable. */
export function resolveTaskIds(list: readonly string[]): string[] {
  if (list.length === 0) return [...TASK_ALIASES.all];
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

/** How each runnable task is built (the tasks' item and parse types differ: one cast at the door). */
const BUILDERS: Record<string, (ctx: TaskContext) => unknown> = {
  't-eval': createTEvalTask,
  worfbench: createWorfBenchTask,
  ...Object.fromEntries(TASK_ALIASES.longbench.map((id) => [id, () => createLongBenchTask(id.slice('longbench-'.length) as LongBenchCategory)])),
  'longgenbench-gsm8k': () => createLongGenTask('gsm8k'),
  'longgenbench-mmlu': () => createLongGenTask('mmlu'),
  niah: createNiahTask,
  'agentboard-pddl': () => createAgentBoardTask('pddl'),
  'agentboard-tool-query': () => createAgentBoardTask('tool-query'),
  'agentboard-tool-operation': () => createAgentBoardTask('tool-operation'),
};

export function createTask(id: string, ctx: TaskContext): BenchTask {
  const build = BUILDERS[id];
  if (!build) throw new BenchInputError('task', 'a known task id', JSON.stringify(id));
  return build(ctx) as BenchTask;
}
