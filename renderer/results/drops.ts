// Per-capability scores and drops versus the base model, computed over the tasks both share.
import { capabilityRank, capabilityScores as scoresByCapability, mean } from '../../main/results/index.js';
import { BASE, type PairedDrop, type TaskScore } from './types.js';

export { CAPABILITY_ORDER } from '../../main/results/index.js';

export interface CapabilityRow {
  config: string;
  capability: string;
  /** mean task score of this configuration over the shared tasks */
  score: number;
  /** mean task score of the base over the same tasks */
  baseScore: number;
  /** score − baseScore (negative = worse than base) */
  drop: number;
  /** drop / baseScore, or null when the base scored 0 */
  relativeDrop: number | null;
  /** 95% interval of the drop: the service's paired bootstrap when it sent one, else combined from per-task intervals */
  dropCi95?: [number, number];
  /** how dropCi95 was obtained */
  ciMethod?: 'paired bootstrap' | 'independent tasks';
  tasks: string[];
}

/** half the width of a 95% interval */
const halfWidth = (ci: [number, number]) => (ci[1] - ci[0]) / 2;
const taskKey = (s: TaskScore) => [s.task, s.subtask ?? '', s.format ?? ''].join('\u0000');

/**
 * For each capability and each configuration other than the base: the mean over the tasks scored for
 * both. Δ = mean(c) − mean(b). Its 95% interval is the service's paired bootstrap when given; otherwise
 * half-width = √(Σ_t h_c,t² + h_b,t²) / n, treating task estimates as independent (imported results).
 */
export function capabilityDrops(scores: readonly TaskScore[], base: string = BASE, paired: readonly PairedDrop[] = []): CapabilityRow[] {
  const byCap = new Map<string, Map<string, Map<string, TaskScore>>>();
  for (const s of scores) {
    if (s.level !== 'task') continue;
    const byConfig = byCap.get(s.capability) ?? new Map<string, Map<string, TaskScore>>();
    byCap.set(s.capability, byConfig);
    const byTask = byConfig.get(s.config) ?? new Map<string, TaskScore>();
    byConfig.set(s.config, byTask);
    byTask.set(taskKey(s), s);
  }
  const rows: CapabilityRow[] = [];
  for (const [capability, byConfig] of byCap) {
    const baseTasks = byConfig.get(base);
    if (!baseTasks) continue;
    for (const [config, tasks] of byConfig) {
      if (config === base) continue;
      const shared = [...tasks.keys()].filter((k) => baseTasks.has(k));
      if (!shared.length) continue;
      const c = shared.map((k) => tasks.get(k)!);
      const b = shared.map((k) => baseTasks.get(k)!);
      const score = mean(c.map((s) => s.score));
      const baseScore = mean(b.map((s) => s.score));
      const drop = score - baseScore;
      const row: CapabilityRow = {
        config,
        capability,
        score,
        baseScore,
        drop,
        relativeDrop: baseScore > 0 ? drop / baseScore : null,
        tasks: c.map((s) => s.task + (s.subtask ? `/${s.subtask}` : '') + (s.format ? ` (${s.format})` : '')),
      };
      const fromService = paired.find((p) => p.config === config && p.capability === capability);
      if (fromService) {
        row.dropCi95 = fromService.ci95;
        row.ciMethod = 'paired bootstrap';
      } else if (c.every((s) => s.ci95) && b.every((s) => s.ci95)) {
        const h = Math.sqrt(c.reduce((a, s, i) => a + halfWidth(s.ci95!) ** 2 + halfWidth(b[i].ci95!) ** 2, 0)) / shared.length;
        row.dropCi95 = [drop - h, drop + h];
        row.ciMethod = 'independent tasks';
      }
      rows.push(row);
    }
  }
  // capabilities in the study's order; configurations keep their first-seen order (stable sort)
  return rows.sort((a, b) => capabilityRank(a.capability) - capabilityRank(b.capability));
}

/** Mean task-level score per capability and configuration (the radar's values), over all its tasks. */
export function capabilityScores(scores: readonly TaskScore[]): { config: string; capability: string; score: number; tasks: number }[] {
  return scoresByCapability(scores.filter((s) => s.level === 'task')).map((g) => ({ config: g.config, capability: g.capability, score: g.score, tasks: g.tasks.length }));
}

/** The configurations in first-seen order, base first. */
export function configOrder(scores: readonly { config: string }[], base: string = BASE): string[] {
  const seen = [...new Set(scores.map((s) => s.config))];
  return seen.includes(base) ? [base, ...seen.filter((c) => c !== base)] : seen;
}

/** Headline: mean drop over capabilities for each configuration (used in History). */
export function headlineDrops(rows: readonly CapabilityRow[]): Map<string, number> {
  const acc = new Map<string, number[]>();
  for (const r of rows) acc.set(r.config, [...(acc.get(r.config) ?? []), r.drop]);
  return new Map([...acc].map(([k, v]) => [k, mean(v)]));
}
