// The real stages of an experiment run: load → calibrate → compress → evaluate → analyse.
import { inProcessExecutor, type Executor } from './queue.js';

export function defaultExecutor(): Executor {
  return inProcessExecutor(() => {
    throw new Error('the experiment pipeline is being wired to the model, compression, benchmark and analysis rooms');
  });
}
