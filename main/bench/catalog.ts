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
