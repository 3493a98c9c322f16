// The compress stage: each configuration from the base folder into the run's models/<id>/, with its report.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadModel } from '../../model/index.js';
import { compressToFolder, loadCalibration, needsCalibration, shouldStream } from '../../compress/index.js';
import type { Stage } from '../pipeline.js';
import { compressionViews } from '../views.js';
import type { RunState } from './run.js';

export function compressStage(run: RunState): Stage {
  return {
    name: 'compress',
    total: run.compressions.length,
    async run(ctx) {
      for (const m of run.models.slice(1)) {
        const key = `compress:${m.label}`;
        if (ctx.isDone(key) && existsSync(join(m.dir, 'config.json'))) {
          ctx.skip(key);
          continue;
        }
        // compression edits the weights in place: start from the folder each time; layer at a time when float32 would not fit
        const base = run.baseCheckpoint();
        const streamed = shouldStream(base.config);
        const model = await loadModel(base, { residency: streamed ? 'streamed' : 'resident' });
        run.calibration ??= needsCalibration(m.config!.method) ? loadCalibration(run.baseTokenizer(), run.spec.calibration) : undefined;
        const outcome = await compressToFolder(model, m.config!, run.calibration, m.dir, 'fake', {
          streamed,
          signal: ctx.signal,
          onProgress: (p) => ctx.message(`${m.label}: ${p.message}`),
        });
        model.dispose();
        const [own, baseView] = compressionViews(m.label, outcome.report, !ctx.isDone('view:compression:base'));
        if (baseView) ctx.record(baseView.key, baseView.kind, baseView.data);
        ctx.finish(key, 'compression', { ...own.data, label: m.label, spec: m.config, dir: m.dir, report: outcome.report as unknown as Record<string, unknown> });
      }
    },
  };
}
