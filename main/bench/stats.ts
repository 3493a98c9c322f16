// Aggregation across tasks and paired comparison of a base and a compressed run.
import type { Capability, ItemScores, TaskItem, TaskScore } from './types.js';
import { CAPABILITIES } from './types.js';
import { Rng } from './util.js';
import { capabilityScores as scoresByCapability } from '../results/index.js';

export interface CapabilityScore {
  capability: Capability;
  /** mean of its tasks' headline scores (×100), each task weighted equally */
  score: number;
  tasks: string[];
}

/** Capability score = unweighted mean of the headline scores of the capability's tasks that ran. */
export function capabilityScores(tasks: readonly TaskScore[]): CapabilityScore[] {
  const byCapability = scoresByCapability(tasks.map((t) => ({ ...t, config: '' })));
  return CAPABILITIES.flatMap((c) => byCapability.filter((g) => g.capability === c).map((g) => ({ capability: c, score: g.score, tasks: g.tasks.map((t) => t.task) })));
}

export interface PairedTask {
  task: string;
  capability: Capability;
  /** headline (×100) of a set of items and their scores: the task's own aggregate */
  headline: (scores: ItemScores[], items: TaskItem[]) => number;
  items: TaskItem[];
  base: ItemScores[];
  compressed: ItemScores[];
}

export interface Drop {
  base: number;
  compressed: number;
  /** base − compressed, points */
  absolute: number;
  /** (base − compressed) / base × 100, percent (undefined when base is 0) */
  relative?: number;
  absoluteCi95: [number, number];
  relativeCi95?: [number, number];
  n: number;
}

export interface Comparison {
  tasks: (Drop & { task: string; capability: Capability })[];
  capabilities: (Drop & { capability: Capability })[];
  iterations: number;
  seed: number;
}

function percentile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

function ci(xs: number[]): [number, number] {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  return [percentile(s, 0.025), percentile(s, 0.975)];
}

const rel = (b: number, c: number): number | undefined => (b !== 0 ? ((b - c) / b) * 100 : undefined);

/**
 * Paired bootstrap: resample items with replacement (the same indices for base and compressed),
 * recompute each task's headline, and take the 2.5/97.5 percentiles of the drop. Capabilities
 * resample every task in the iteration and average their headlines. Seeded, so reproducible.
 */
export function compareRuns(tasks: readonly PairedTask[], opts: { iterations?: number; seed?: number } = {}): Comparison {
  const iterations = opts.iterations ?? 1000;
  const seed = opts.seed ?? 0;
  const rng = new Rng(seed);
  const point = tasks.map((t) => ({ b: t.headline(t.base, t.items), c: t.headline(t.compressed, t.items) }));
  const bootAbs = tasks.map(() => [] as number[]);
  const bootRel = tasks.map(() => [] as number[]);
  const capBoot = new Map<Capability, { abs: number[]; rel: number[] }>();
  for (let it = 0; it < iterations; it++) {
    const capSums = new Map<Capability, { b: number; c: number; n: number }>();
    tasks.forEach((t, k) => {
      const n = t.items.length;
      const idx = Array.from({ length: n }, () => rng.int(0, n - 1));
      const items = idx.map((i) => t.items[i]);
      const b = t.headline(
        idx.map((i) => t.base[i]),
        items,
      );
      const c = t.headline(
        idx.map((i) => t.compressed[i]),
        items,
      );
      bootAbs[k].push(b - c);
      const r = rel(b, c);
      if (r !== undefined) bootRel[k].push(r);
      const s = capSums.get(t.capability) ?? { b: 0, c: 0, n: 0 };
      s.b += b;
      s.c += c;
      s.n++;
      capSums.set(t.capability, s);
    });
    for (const [cap, s] of capSums) {
      const e = capBoot.get(cap) ?? { abs: [], rel: [] };
      const b = s.b / s.n;
      const c = s.c / s.n;
      e.abs.push(b - c);
      const r = rel(b, c);
      if (r !== undefined) e.rel.push(r);
      capBoot.set(cap, e);
    }
  }
  const taskDrops = tasks.map((t, k) => ({
    task: t.task,
    capability: t.capability,
    base: point[k].b,
    compressed: point[k].c,
    absolute: point[k].b - point[k].c,
    relative: rel(point[k].b, point[k].c),
    absoluteCi95: ci(bootAbs[k]),
    relativeCi95: bootRel[k].length ? ci(bootRel[k]) : undefined,
    n: t.items.length,
  }));
  const capabilities = CAPABILITIES.filter((c) => capBoot.has(c)).map((cap) => {
    const ks = tasks.map((t, k) => (t.capability === cap ? k : -1)).filter((k) => k >= 0);
    const b = ks.reduce((a, k) => a + point[k].b, 0) / ks.length;
    const c = ks.reduce((a, k) => a + point[k].c, 0) / ks.length;
    const e = capBoot.get(cap)!;
    return {
      capability: cap,
      base: b,
      compressed: c,
      absolute: b - c,
      relative: rel(b, c),
      absoluteCi95: ci(e.abs),
      relativeCi95: e.rel.length ? ci(e.rel) : undefined,
      n: ks.reduce((a, k) => a + tasks[k].items.length, 0),
    };
  });
  return { tasks: taskDrops, capabilities, iterations, seed };
}

/** Seeded 2.5/97.5 percentile bootstrap of one task's headline over its items (×100 → fraction), as compareRuns resamples. */
export function bootstrapHeadline(headline: PairedTask['headline'], items: readonly TaskItem[], scores: readonly ItemScores[], seed: number, iterations = 1000): [number, number] {
  const rng = new Rng(seed);
  const n = items.length;
  const values: number[] = [];
  for (let it = 0; it < iterations; it++) {
    const idx = Array.from({ length: n }, () => rng.int(0, n - 1));
    values.push(
      headline(
        idx.map((i) => scores[i]),
        idx.map((i) => items[i]),
      ) / 100,
    );
  }
  return ci(values);
}
