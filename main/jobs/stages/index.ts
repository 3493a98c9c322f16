// Door of main/jobs/stages: the real stages of an experiment run, load → calibrate → compress → evaluate → analyse.
// Each unit of work is one keyed record in the run's results.jsonl, so a resumed run skips it.
import type { Stage } from '../pipeline.js';
import type { StagePlanner } from '../queue.js';
import { runState } from './run.js';
import { loadStage } from './load.js';
import { calibrateStage } from './calibrate.js';
import { compressStage } from './compress.js';
import { evaluateStage } from './evaluate.js';
import { analyseStage } from './analyse.js';

export { PipelineSpecError } from './run.js';

export const planStages: StagePlanner = (req, emitHeadline) => {
  const run = runState(req, emitHeadline);
  const stages: Stage[] = [];
  if (run.baseDir) stages.push(loadStage(run));
  if (run.needCalibration) stages.push(calibrateStage(run));
  if (run.compressions.length) stages.push(compressStage(run));
  if (run.spec.benchmarks.tasks.length) stages.push(evaluateStage(run));
  if (run.spec.analysis.enabled && run.compressions.length) stages.push(analyseStage(run));
  return stages;
};
