// The analyse stage: each compressed model against the base on the statistics (eRank, top-k consistency, energy,
// perplexity); the base loads once, and only when a pair is left to analyse.
import { loadModel, residencyFor, type CausalLM } from '../../model/index.js';
import { analyzePair, analysisHeadline, type PairAnalysis } from '../../analysis/index.js';
import type { Stage, StageContext } from '../pipeline.js';
import { analysisViews } from '../views.js';
import type { RunState } from './run.js';

/** A pair's headline statistics under "<label>/<statistic>". */
const headlineOf = (label: string, a: PairAnalysis): Record<string, number> => Object.fromEntries(Object.entries(analysisHeadline(a)).map(([k, v]) => [`${label}/${k}`, v]));

export function analyseStage(run: RunState): Stage {
  const { spec } = run;
  let base: CausalLM | undefined;
  return {
    name: 'analyse',
    total: run.compressions.length,
    async run(ctx: StageContext) {
      const residency = residencyFor(run.baseCheckpoint().config);
      for (const m of run.models.slice(1)) {
        const key = `analysis:${m.label}`;
        const recorded = ctx.recorded(key);
        if (recorded) {
          ctx.skip(key);
          run.emitHeadline(headlineOf(m.label, recorded.data as unknown as PairAnalysis)); // in case the session that finished it died before the index was written
          continue;
        }
        base ??= await loadModel(run.baseCheckpoint(), { residency });
        const compressed = await loadModel(m.dir, { residency });
        const result = await analyzePair(base, compressed, {
          sequences: spec.analysis.sequences,
          seqlen: spec.analysis.seqlen,
          signal: ctx.signal,
          onProgress: (p) => ctx.message(`statistics ${m.label}: ${p.message}`),
        });
        compressed.dispose();
        for (const view of analysisViews(m.label, result, !ctx.isDone('view:perplexity:base'))) if (!ctx.isDone(view.key)) ctx.record(view.key, view.kind, view.data);
        ctx.finish(key, 'analysis', { label: m.label, metric: 'pair', ...(result as unknown as Record<string, unknown>) });
        run.emitHeadline(headlineOf(m.label, result));
      }
    },
  };
}
