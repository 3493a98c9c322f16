// Capability scores: the one aggregation the service's reports, the benchmark runner and the dashboards share.

/** Arithmetic mean (NaN for no values). */
export const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

export interface CapabilityScore<T> {
  config: string;
  capability: string;
  /** unweighted mean of its tasks' headline scores */
  score: number;
  tasks: T[];
}

/** Capability score = unweighted mean of the headline scores of the capability's tasks that ran, per configuration (first-seen order). */
export function capabilityScores<T extends { config: string; capability: string; score: number }>(tasks: readonly T[]): CapabilityScore<T>[] {
  const groups = new Map<string, { config: string; capability: string; tasks: T[] }>();
  for (const t of tasks) {
    const key = `${t.config}\u0000${t.capability}`;
    const g = groups.get(key) ?? { config: t.config, capability: t.capability, tasks: [] };
    g.tasks.push(t);
    groups.set(key, g);
  }
  return [...groups.values()].map((g) => ({ ...g, score: mean(g.tasks.map((t) => t.score)) }));
}
