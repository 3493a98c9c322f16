// Builds the service host: data folder, tensor engine, history and the run executor.
import { mkdirSync } from 'node:fs';
import { AcbenchService } from '../api/index.js';
import type { AppInfo } from '../api/index.js';
import { dataHome } from '../store/index.js';
import { prepareEngine } from '../tensor/index.js';
import { defaultExecutor } from '../jobs/index.js';
import type { RunSpawner } from '../jobs/index.js';
import { listBuiltinTasks, TASK_ALIASES } from '../bench/index.js';
import type { TaskInfo } from '../api/index.js';

/** Built-in runnable tasks with their item counts (from datasets/manifest.json). */
export function builtinTasks(): TaskInfo[] {
  return listBuiltinTasks()
    .filter((t) => t.runnable)
    .map((t) => ({
      id: t.id,
      name: t.title.split(':')[0],
      help: `${t.title}; ${t.metric}${t.items ? `, ${t.items} built-in items` : ''}`,
      title: t.title,
      capability: t.capability,
      benchmark: t.benchmark,
      metric: t.metric,
      items: t.items ?? 0,
      aliases: Object.keys(TASK_ALIASES).filter((alias) => alias !== 'all' && TASK_ALIASES[alias].includes(t.id)),
    }));
}

export async function createService(
  shell: AppInfo['shell'],
  opts: { home?: string; electronVersion?: string | null; spawn?: RunSpawner; keychain?: (id: string) => Promise<string> } = {},
): Promise<AcbenchService> {
  const home = opts.home ?? dataHome();
  mkdirSync(home, { recursive: true });
  await prepareEngine();
  return AcbenchService.open({ home, shell, executor: defaultExecutor(opts.spawn), electronVersion: opts.electronVersion ?? null, tasks: async () => builtinTasks(), keychain: opts.keychain });
}
