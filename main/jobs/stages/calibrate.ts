// The calibrate stage: the calibration token set every calibrated method of the run shares (its hash pins it on resume).
import { loadCalibration } from '../../compress/index.js';
import type { Stage } from '../pipeline.js';
import { PipelineSpecError, type RunState } from './run.js';

export function calibrateStage(run: RunState): Stage {
  const { spec } = run;
  return {
    name: 'calibrate',
    total: 1,
    async run(ctx) {
      ctx.message(`sampling ${spec.calibration.samples} × ${spec.calibration.seqlen} calibration tokens`);
      const calibration = (run.calibration = loadCalibration(run.baseTokenizer(), spec.calibration));
      const key = 'calibrate';
      const previous = ctx.recorded(key);
      if (previous && previous.data.hash !== calibration.hash)
        throw new PipelineSpecError(`the calibration set changed since this run started (hash ${String(previous.data.hash).slice(0, 12)} → ${calibration.hash.slice(0, 12)}); start a new run`);
      if (previous) ctx.skip(key);
      else
        ctx.finish(key, 'log', {
          message: `calibration: ${calibration.samples.length} × ${calibration.seqlen} tokens from ${calibration.source}`,
          source: calibration.source,
          samples: calibration.samples.length,
          seqlen: calibration.seqlen,
          seed: spec.calibration.seed,
          hash: calibration.hash,
        });
    },
  };
}
