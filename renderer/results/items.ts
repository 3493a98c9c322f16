// Drill-down: per-item results of a configuration next to the base's answer for the same item.
import { BASE, type ItemResult } from './types.js';

export interface ItemPair {
  task: string;
  id: string;
  base?: ItemResult;
  compressed?: ItemResult;
  /** base right, compressed wrong */
  regression: boolean;
  /** base wrong, compressed right */
  improvement: boolean;
}

export function pairItems(items: readonly ItemResult[], config: string, base: string = BASE): ItemPair[] {
  const key = (i: ItemResult) => `${i.task}\u0000${i.id}`;
  const baseByKey = new Map(items.filter((i) => i.config === base).map((i) => [key(i), i]));
  const pairs: ItemPair[] = [];
  const seen = new Set<string>();
  for (const c of items) {
    if (c.config !== config) continue;
    const b = baseByKey.get(key(c));
    seen.add(key(c));
    pairs.push({ task: c.task, id: c.id, base: b, compressed: c, regression: !!b && b.correct && !c.correct, improvement: !!b && !b.correct && c.correct });
  }
  for (const [k, b] of baseByKey) if (!seen.has(k)) pairs.push({ task: b.task, id: b.id, base: b, regression: false, improvement: false });
  return pairs;
}

export function countRegressions(pairs: readonly ItemPair[]): { regressions: number; improvements: number; compared: number } {
  const compared = pairs.filter((p) => p.base && p.compressed).length;
  return { regressions: pairs.filter((p) => p.regression).length, improvements: pairs.filter((p) => p.improvement).length, compared };
}
