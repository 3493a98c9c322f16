import { describe, expect, it } from 'vitest';
import { bootstrapHeadline, capabilityScores, compareRuns, type PairedTask } from '../../main/bench/stats.js';
import type { ItemScores, TaskItem, TaskScore } from '../../main/bench/types.js';

const mean = (s: ItemScores[]) => (100 * s.reduce((a, x) => a + x.score, 0)) / s.length;
const items = (n: number): TaskItem[] => Array.from({ length: n }, (_, i) => ({ id: String(i) }));

describe('aggregation and paired bootstrap', () => {
  it("capability score = mean of its tasks' headline scores", () => {
    const t = (task: string, capability: TaskScore['capability'], score: number): TaskScore => ({ task, benchmark: 'longbench', capability, metric: 'm', score, fields: {}, n: 1 });
    const c = capabilityScores([t('a', 'long-context', 30), t('b', 'long-context', 50), t('c', 'action', 80)]);
    expect(c).toEqual([
      { capability: 'action', score: 80, tasks: ['c'] },
      { capability: 'long-context', score: 40, tasks: ['a', 'b'] },
    ]);
  });
  it('a constant per-item drop gives that drop with a zero-width interval', () => {
    const base = [0.9, 0.8, 0.7, 0.6, 0.5].map((score) => ({ score }));
    const comp = base.map((s) => ({ score: s.score - 0.1 }));
    const r = compareRuns([{ task: 't', capability: 'action', headline: mean, items: items(5), base, compressed: comp }], { iterations: 200, seed: 3 });
    expect(r.tasks[0].absolute).toBeCloseTo(10, 9);
    expect(r.tasks[0].relative).toBeCloseTo((10 / 70) * 100, 9);
    expect(r.tasks[0].absoluteCi95[0]).toBeCloseTo(10, 9);
    expect(r.tasks[0].absoluteCi95[1]).toBeCloseTo(10, 9);
  });
  it('the interval covers the point estimate, widens with noise, and is reproducible per seed', () => {
    const n = 60;
    const base = Array.from({ length: n }, (_, i) => ({ score: i % 2 }));
    const comp = Array.from({ length: n }, (_, i) => ({ score: i % 3 === 0 ? 0 : i % 2 }));
    const pt: PairedTask = { task: 't', capability: 'real-world', headline: mean, items: items(n), base, compressed: comp };
    const a = compareRuns([pt, { ...pt, task: 'u' }], { iterations: 500, seed: 11 });
    const b = compareRuns([pt, { ...pt, task: 'u' }], { iterations: 500, seed: 11 });
    expect(a).toEqual(b);
    const d = a.tasks[0];
    expect(d.absoluteCi95[0]).toBeLessThanOrEqual(d.absolute);
    expect(d.absoluteCi95[1]).toBeGreaterThanOrEqual(d.absolute);
    expect(d.absoluteCi95[1] - d.absoluteCi95[0]).toBeGreaterThan(1);
    expect(a.capabilities).toHaveLength(1);
    expect(a.capabilities[0].absolute).toBeCloseTo(d.absolute, 9);
    expect(a.capabilities[0].n).toBe(2 * n);
  });
  it("a task's interval: a constant score has zero width; two items 0 and 1 span [0, 1] (resampled means 0, ½, 1 with odds ¼, ½, ¼)", () => {
    const flat = [0.7, 0.7, 0.7].map((score) => ({ score }));
    const [lo, hi] = bootstrapHeadline(mean, items(3), flat, 5);
    expect(lo).toBeCloseTo(0.7, 12);
    expect(hi).toBeCloseTo(0.7, 12);
    expect(bootstrapHeadline(mean, items(2), [{ score: 0 }, { score: 1 }], 5, 2000)).toEqual([0, 1]);
    // seeded: the same seed gives the same interval, another seed (over 5 mixed items) may not
    const mixed = [1, 0, 1, 1, 0].map((score) => ({ score }));
    expect(bootstrapHeadline(mean, items(5), mixed, 9)).toEqual(bootstrapHeadline(mean, items(5), mixed, 9));
  });
});
