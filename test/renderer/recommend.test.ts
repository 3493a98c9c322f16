import { describe, expect, it } from 'vitest';
import { capabilityDrops } from '../../renderer/results/drops.js';
import { recommend } from '../../renderer/results/recommend.js';
import type { ConfigInfo, TaskScore } from '../../renderer/results/types.js';

const GIB = 2 ** 30;
const s = (config: string, score: number, capability = 'action'): TaskScore => ({ config, capability, task: 't-eval', score, level: 'task' });

describe('recommend', () => {
  const scores = [s('base', 0.8), s('A', 0.6), s('B', 0.8), s('C', 0.79)];
  const configs: ConfigInfo[] = [{ label: 'base', memoryBytes: 8 * GIB }, { label: 'A', memoryBytes: 2 * GIB }, { label: 'B', memoryBytes: 4 * GIB, memoryEstimated: true }, { label: 'C' }];
  const [rec] = recommend(capabilityDrops(scores), configs);

  it('picks the configuration with the most kept score per GiB (A: 0.75 / 2 = 0.375)', () => {
    expect(rec.capability).toBe('action');
    expect(rec.best?.config).toBe('A');
    expect(rec.best?.kept).toBeCloseTo(0.75, 12);
    expect(rec.best?.keptPerGiB).toBeCloseTo(0.375, 12);
  });

  it('ranks every candidate, base included (B: 1/4 = 0.25, base: 1/8 = 0.125)', () => {
    expect(rec.candidates.map((c) => [c.config, Number(c.keptPerGiB.toFixed(3))])).toEqual([
      ['A', 0.375],
      ['B', 0.25],
      ['base', 0.125],
    ]);
    expect(rec.candidates.find((c) => c.config === 'B')?.memoryEstimated).toBe(true);
  });

  it('says why a configuration without memory is left out', () => {
    expect(rec.excluded).toEqual([{ config: 'C', why: 'no memory footprint was recorded for it' }]);
  });

  it('has no best when the base scored zero', () => {
    const [r] = recommend(capabilityDrops([s('base', 0), s('A', 0.1)]), configs);
    expect(r.best).toBeNull();
    expect(r.excluded[0].why).toMatch(/base scored 0/);
  });
});
