import { describe, expect, it } from 'vitest';
import { capabilityDrops, capabilityScores, headlineDrops } from '../../renderer/results/drops.js';
import type { TaskScore } from '../../renderer/results/types.js';

const s = (config: string, capability: string, task: string, score: number, extra: Partial<TaskScore> = {}): TaskScore => ({ config, capability, task, score, level: 'task', ...extra });

describe('capabilityDrops', () => {
  it('computes Δ and its 95% interval from one task (h = √(0.10² + 0.08²) = 0.128062)', () => {
    const rows = capabilityDrops([s('base', 'action', 't-eval', 0.8, { ci95: [0.7, 0.9] }), s('GPTQ-W4', 'action', 't-eval', 0.6, { ci95: [0.52, 0.68] })]);
    expect(rows).toHaveLength(1);
    const r = rows[0];
    expect(r.drop).toBeCloseTo(-0.2, 12);
    expect(r.relativeDrop).toBeCloseTo(-0.25, 12);
    expect(r.dropCi95![0]).toBeCloseTo(-0.328062, 6);
    expect(r.dropCi95![1]).toBeCloseTo(-0.071938, 6);
  });

  it('averages over the tasks both share and divides the combined half-width by their count', () => {
    const rows = capabilityDrops([
      s('base', 'long-context', 'longbench', 0.5, { ci95: [0.4, 0.6] }),
      s('base', 'long-context', 'niah', 0.9, { ci95: [0.8, 1.0] }),
      s('base', 'long-context', 'longgenbench', 0.3, { ci95: [0.2, 0.4] }),
      s('AWQ-W4', 'long-context', 'longbench', 0.4, { ci95: [0.3, 0.5] }),
      s('AWQ-W4', 'long-context', 'niah', 0.7, { ci95: [0.6, 0.8] }),
    ]);
    const r = rows[0];
    // shared: longbench, niah → score (0.4+0.7)/2 = 0.55, base (0.5+0.9)/2 = 0.7, Δ = −0.15
    expect(r.score).toBeCloseTo(0.55, 12);
    expect(r.baseScore).toBeCloseTo(0.7, 12);
    expect(r.drop).toBeCloseTo(-0.15, 12);
    expect(r.tasks).toEqual(['longbench', 'niah']);
    // four half-widths of 0.1: √(4 × 0.01) / 2 = 0.1
    expect(r.dropCi95![0]).toBeCloseTo(-0.25, 12);
    expect(r.dropCi95![1]).toBeCloseTo(-0.05, 12);
  });

  it('leaves the interval out when any shared task lacks one, ignores detail rows, and reports null relative drop for a zero base', () => {
    const rows = capabilityDrops([
      s('base', 'workflow', 'worfbench', 0, { ci95: [0, 0] }),
      s('base', 'workflow', 'worfbench', 0.9, { subtask: 'Alfworld', level: 'detail' }),
      s('Wanda-2:4', 'workflow', 'worfbench', 0.1),
    ]);
    expect(rows).toHaveLength(1);
    expect(rows[0].drop).toBeCloseTo(0.1, 12);
    expect(rows[0].relativeDrop).toBeNull();
    expect(rows[0].dropCi95).toBeUndefined();
  });

  it('gives no row to a capability without a base score or without shared tasks', () => {
    expect(capabilityDrops([s('GPTQ-W4', 'action', 't-eval', 0.5)])).toEqual([]);
    expect(capabilityDrops([s('base', 'action', 't-eval', 0.5), s('GPTQ-W4', 'action', 'other', 0.5)])).toEqual([]);
  });

  it('uses the named baseline when asked', () => {
    const rows = capabilityDrops([s('GPTQ-W8', 'action', 't', 0.7), s('GPTQ-W4', 'action', 't', 0.6)], 'GPTQ-W8');
    expect(rows.map((r) => [r.config, r.drop.toFixed(2)])).toEqual([['GPTQ-W4', '-0.10']]);
  });
});

describe('capabilityScores and headlineDrops', () => {
  it('means task-level scores per configuration and capability', () => {
    const out = capabilityScores([s('base', 'action', 'a', 0.2), s('base', 'action', 'b', 0.6), s('base', 'action', 'c', 1, { level: 'detail' })]);
    expect(out).toEqual([{ config: 'base', capability: 'action', score: 0.4, tasks: 2 }]);
  });
  it('averages drops over capabilities', () => {
    const rows = capabilityDrops([s('base', 'action', 't', 0.8), s('base', 'workflow', 'w', 0.6), s('X', 'action', 't', 0.7), s('X', 'workflow', 'w', 0.3)]);
    expect(headlineDrops(rows).get('X')).toBeCloseTo(-0.2, 12); // (−0.1 − 0.3) / 2
  });
});

describe('paired-bootstrap intervals from the service', () => {
  it('reads bench drop records (points, base − compressed) as config − base fractions and prefers them', async () => {
    const { adaptRecords } = await import('../../renderer/results/records.js');
    const view = adaptRecords([
      { key: 'score:base:t-eval', kind: 'score', at: 't', data: { task: 't-eval', config: 'base', capability: 'action', score: 0.8, ci95: [0.7, 0.9] } },
      { key: 'score:W4:t-eval', kind: 'score', at: 't', data: { task: 't-eval', config: 'W4', capability: 'action', score: 0.6, ci95: [0.5, 0.7] } },
      { key: 'drops:W4', kind: 'analysis', at: 't', data: { metric: 'drops', config: 'W4', capabilities: [{ capability: 'action', absolute: 20, absoluteCi95: [12, 27] }] } },
    ]);
    expect(view.warnings).toEqual([]);
    expect(view.pairedDrops).toEqual([{ config: 'W4', capability: 'action', drop: -0.2, ci95: [-0.27, -0.12] }]);
    const [row] = capabilityDrops(view.scores, 'base', view.pairedDrops);
    expect(row.drop).toBeCloseTo(-0.2, 12);
    expect(row.dropCi95).toEqual([-0.27, -0.12]);
    expect(row.ciMethod).toBe('paired bootstrap');
    expect(capabilityDrops(view.scores)[0].ciMethod).toBe('independent tasks');
  });
});
