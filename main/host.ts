// Builds the service host: data folder, tensor engine, history and the run executor.
import { mkdirSync } from 'node:fs';
import { AcbenchService } from './api/service.js';
import type { AppInfo } from './api/contract.js';
import { dataHome } from './store/index.js';
import { defaultExecutor } from './jobs/stages.js';

export async function createService(shell: AppInfo['shell'], opts: { home?: string; electronVersion?: string | null } = {}): Promise<AcbenchService> {
  const home = opts.home ?? dataHome();
  mkdirSync(home, { recursive: true });
  return AcbenchService.open({ home, shell, executor: defaultExecutor(), electronVersion: opts.electronVersion ?? null });
}
