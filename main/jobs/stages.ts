// The real stages of an experiment run: load → calibrate → compress → evaluate → analyse.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inProcessExecutor, type Executor, type StagePlanner } from './queue.js';
import { workerExecutor } from './worker-executor.js';

export const planStages: StagePlanner = () => {
  throw new Error('the experiment pipeline is being wired to the model, compression, benchmark and analysis rooms');
};

/** The run worker when the built file is there (dist/main/run-worker.js), else in this process. */
export function defaultExecutor(): Executor {
  const here = dirname(fileURLToPath(import.meta.url));
  const built = join(here, 'run-worker.js');
  return existsSync(built) ? workerExecutor(built) : inProcessExecutor(planStages);
}
