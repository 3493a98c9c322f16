// Records in the shapes the dashboards read (renderer/results/README.md), derived from the rooms'
// own result objects. The full objects are stored too; these are views of them.
import type { PairAnalysis } from '../analysis/index.js';
import type { CompressionReport } from '../compress/index.js';

export interface ViewRecord {
  key: string;
  kind: 'analysis' | 'compression';
  data: Record<string, unknown>;
}

/** Top-k consistency vs k, vs position (k = 10), energy histograms, eRank and perplexity of one pair. */
export function analysisViews(label: string, a: PairAnalysis, includeBase: boolean): ViewRecord[] {
  const out: ViewRecord[] = [];
  const v = (key: string, data: Record<string, unknown>) => out.push({ key: `view:${key}`, kind: 'analysis', data });
  for (const t of a.topK)
    v(`topk:${label}:${t.k}`, {
      metric: 'topk',
      config: label,
      k: t.k,
      consistency: t.jaccard.mean,
      jaccard: t.jaccard.mean,
      kendallTau: t.kendallTau.mean,
      spearmanRho: t.spearmanRho.mean,
      measure: 'Jaccard of the top-k sets',
    });
  const byPosition = a.topK.find((t) => t.k === 10) ?? a.topK.at(-1);
  byPosition?.jaccard.perPosition.forEach((c, position) => v(`topk-position:${label}:${position}`, { metric: 'topk-position', config: label, k: byPosition.k, position, consistency: c }));
  v(`energy:${label}`, { metric: 'energy', config: label, edges: a.energy.edges, counts: a.energy.overall.compressed, mean: a.energy.compressed.mean, deltaMean: a.energy.delta.mean });
  const hidden = a.erank.hidden;
  if (hidden.compressed.mean !== null)
    v(`erank:${label}`, {
      metric: 'erank',
      config: label,
      erank: hidden.compressed.mean,
      ...(hidden.diff.mean !== null ? { diffErank: hidden.diff.mean } : {}),
      logitsErank: a.erank.logits.compressed.mean,
      logitsDiffErank: a.erank.logits.diff.mean,
    });
  v(`perplexity:${label}`, { metric: 'perplexity', config: label, perplexity: a.perplexity.compressed, kl: a.kl.mean });
  if (includeBase) {
    v('energy:base', { metric: 'energy', config: 'base', edges: a.energy.edges, counts: a.energy.overall.base, mean: a.energy.base.mean });
    if (hidden.base.mean !== null) v('erank:base', { metric: 'erank', config: 'base', erank: hidden.base.mean, logitsErank: a.erank.logits.base.mean });
    v('perplexity:base', { metric: 'perplexity', config: 'base', perplexity: a.perplexity.base });
  }
  return out;
}

/** Memory and settings of a compressed model (and of the base, from the same report's "before"). */
export function compressionViews(label: string, report: CompressionReport, includeBase: boolean): ViewRecord[] {
  const c = report.config as unknown as Record<string, unknown>;
  const out: ViewRecord[] = [
    {
      key: `view:compression:${label}`,
      kind: 'compression',
      data: {
        config: label,
        method: report.method,
        bits: c.bits,
        groupSize: c.groupSize,
        sparsity: report.sparsity.global,
        pattern: c.pattern,
        memoryBytes: report.sizeBytes.after,
        bitsPerWeight: report.effectiveBitsPerWeight,
        seconds: report.seconds.total,
      },
    },
  ];
  if (includeBase) out.push({ key: 'view:compression:base', kind: 'compression', data: { config: 'base', method: 'none', memoryBytes: report.sizeBytes.before, bitsPerWeight: 16 } });
  return out;
}
