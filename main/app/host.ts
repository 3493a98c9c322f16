// Builds the service host: data folder, tensor engine, history and the run executor.
import { mkdirSync } from 'node:fs';
import { AcbenchService } from '../api/index.js';
import type { AppInfo } from '../api/index.js';
import { dataHome } from '../store/index.js';
import { prepareEngine } from '../tensor/index.js';
import { defaultExecutor } from '../jobs/index.js';
import type { RunSpawner } from '../jobs/index.js';
import { listBuiltinTasks } from '../bench/index.js';

export async function createService(
  shell: AppInfo['shell'],
  opts: { home?: string; electronVersion?: string | null; spawn?: RunSpawner; keychain?: (id: string) => Promise<string> } = {},
): Promise<AcbenchService> {
  const home = opts.home ?? dataHome();
  mkdirSync(home, { recursive: true });
  await prepareEngine();
  return AcbenchService.open({ home, shell, executor: defaultExecutor(opts.spawn), electronVersion: opts.electronVersion ?? null, tasks: async () => listBuiltinTasks(), keychain: opts.keychain });
}
