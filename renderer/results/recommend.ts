// Recommendation: per capability, the configuration that keeps the most of the base score per byte.
import type { CapabilityRow } from './drops.js';
import { BASE, type ConfigInfo } from './types.js';

export interface Candidate {
  config: string;
  score: number;
  baseScore: number;
  /** kept = score / baseScore */
  kept: number;
  memoryBytes: number;
  memoryEstimated: boolean;
  /** keptPerGiB = kept / (memoryBytes / 2^30) */
  keptPerGiB: number;
}

export interface Recommendation {
  capability: string;
  best: Candidate | null;
  candidates: Candidate[];
  /** configurations left out, with the reason in words */
  excluded: { config: string; why: string }[];
}

const GIB = 2 ** 30;

export function recommend(rows: readonly CapabilityRow[], configs: readonly ConfigInfo[], base: string = BASE): Recommendation[] {
  const info = new Map(configs.map((c) => [c.label, c]));
  const capabilities = [...new Set(rows.map((r) => r.capability))];
  return capabilities.map((capability) => {
    const capRows = rows.filter((r) => r.capability === capability);
    const candidates: Candidate[] = [];
    const excluded: Recommendation['excluded'] = [];
    const baseInfo = info.get(base);
    if (baseInfo?.memoryBytes && capRows.length) {
      const b = capRows[0].baseScore;
      if (b > 0)
        candidates.push({
          config: base,
          score: b,
          baseScore: b,
          kept: 1,
          memoryBytes: baseInfo.memoryBytes,
          memoryEstimated: !!baseInfo.memoryEstimated,
          keptPerGiB: 1 / (baseInfo.memoryBytes / GIB),
        });
    }
    for (const r of capRows) {
      const mem = info.get(r.config)?.memoryBytes;
      if (!(r.baseScore > 0)) excluded.push({ config: r.config, why: 'the base scored 0 on these tasks, so "kept" is undefined' });
      else if (!mem || mem <= 0) excluded.push({ config: r.config, why: 'no memory footprint was recorded for it' });
      else {
        const kept = r.score / r.baseScore;
        candidates.push({ config: r.config, score: r.score, baseScore: r.baseScore, kept, memoryBytes: mem, memoryEstimated: !!info.get(r.config)?.memoryEstimated, keptPerGiB: kept / (mem / GIB) });
      }
    }
    candidates.sort((a, b) => b.keptPerGiB - a.keptPerGiB || b.kept - a.kept);
    return { capability, best: candidates[0] ?? null, candidates, excluded };
  });
}
