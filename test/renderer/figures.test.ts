import { describe, expect, it } from 'vitest';
import { capabilityDrops, capabilityScores } from '../../renderer/results/drops.js';
import * as figures from '../../renderer/results/figures.js';
import { budgetFigure, dropBarsFigure, dropTable, niahFigure, OKABE_ITO, radarFigure, radarXY, taskHeatmapFigure, taskMatrix, taskTable } from '../../renderer/results/figures.js';
import type { TaskScore } from '../../renderer/results/types.js';

const s = (config: string, capability: string, task: string, score: number, extra: Partial<TaskScore> = {}): TaskScore => ({ config, capability, task, score, level: 'task', ...extra });
const scores = [
  s('base', 'action', 't-eval', 0.8, { ci95: [0.75, 0.85] }),
  s('GPTQ-W4', 'action', 't-eval', 0.7, { ci95: [0.65, 0.75] }),
  s('base', 'workflow', 'worfbench', 0.5),
  s('GPTQ-W4', 'workflow', 'worfbench', 0.45),
  s('Wanda-2:4', 'workflow', 'worfbench', 0.2),
  s('base', 'action', 't-eval', 0.9, { subtask: 'plan', format: 'json', level: 'detail' }),
];

describe('dropBarsFigure', () => {
  const rows = capabilityDrops(scores);
  const fig = dropBarsFigure(rows, capabilityDrops([s('base', 'action', 't-eval', 0.7), s('AWQ-W4', 'action', 't-eval', 0.68)]), 'Paper · X');
  it('draws one bar trace per configuration in points, with asymmetric CI whiskers where known', () => {
    expect(fig.data.map((t) => t.name)).toEqual(['GPTQ-W4', 'Wanda-2:4', 'Paper · X · AWQ-W4']);
    expect(fig.data.every((t) => t.type === 'bar')).toBe(true);
    const gptq = fig.data[0];
    expect(gptq.x).toEqual(['Action<br>execution', 'Workflow<br>generation']);
    expect(gptq.y).toEqual([-10, -5]);
    const ey = gptq.error_y as { array: (number | null)[]; arrayminus: (number | null)[] };
    // half-width √(0.05² + 0.05²) = 0.070711 → 7.07 points; no CI for workflow
    expect(ey.array[0]).toBeCloseTo(7.07, 2);
    expect(ey.arrayminus[0]).toBeCloseTo(7.07, 2);
    expect(ey.array[1]).toBeNull();
    expect(fig.data[1].error_y).toBeUndefined();
    expect(fig.data[1].y).toEqual([null, -30]);
  });
  it('uses the Okabe–Ito palette and hatches the overlay', () => {
    expect((fig.data[0].marker as { color: string }).color).toBe(OKABE_ITO[0]);
    expect((fig.data[2].marker as { pattern?: { shape: string } }).pattern?.shape).toBe('/');
    expect(fig.layout.barmode).toBe('group');
  });
});

describe('other figures', () => {
  it('closes the radar polygon and puts base first', () => {
    const fig = radarFigure(capabilityScores(scores));
    const series = fig.data.filter((t) => t.showlegend !== false);
    expect(series[0].name).toBe('base');
    expect(series[0].type).toBe('scatter');
    expect(series[0].r).toEqual([80, 50, 80]);
    // two spokes: action up (θ = 0), workflow down (θ = π); x = r·sin θ, y = r·cos θ
    expect(series[0].x).toEqual([0, 0, 0]);
    expect(series[0].y).toEqual([80, -50, 80]);
    expect((fig.layout.annotations as { text: string }[]).slice(0, 2).map((a) => a.text)).toEqual(['Action<br>execution', 'Workflow<br>generation']);
  });
  it('places a four-spoke radar point at r·(sin θ, cos θ), clockwise from the top', () => {
    const [x, y] = radarXY(50, 1, 4);
    expect(x).toBeCloseTo(50, 10);
    expect(y).toBeCloseTo(0, 10);
    expect(radarXY(30, 2, 4)[1]).toBeCloseTo(-30, 10);
  });
  it('builds the per-task matrix with detail rows (T-Eval split by format)', () => {
    const m = taskMatrix(scores);
    expect(m.configs).toEqual(['base', 'GPTQ-W4', 'Wanda-2:4']);
    expect(m.rows).toEqual(['t-eval', 'worfbench', 't-eval / plan (json)']);
    expect(m.values[1]).toEqual([0.5, 0.45, 0.2]);
    expect(m.values[2]).toEqual([0.9, null, null]);
    const drop = taskHeatmapFigure(scores, 'drop').data[0].z as (number | null)[][];
    expect(drop[0]).toEqual([0, -10, null]);
    expect(taskTable(scores).rows[1]).toEqual(['worfbench', 50, 45, 20]);
  });
  it('lays NIAH out as depth × context length', () => {
    const fig = niahFigure(
      [
        { config: 'base', contextLength: 2048, depth: 0.5, score: 0.5 },
        { config: 'base', contextLength: 1024, depth: 0, score: 1 },
        { config: 'X', contextLength: 1024, depth: 0, score: 0 },
      ],
      'base',
    );
    expect(fig.data[0].x).toEqual(['1024', '2048']);
    expect(fig.data[0].y).toEqual(['0%', '50%']);
    expect(fig.data[0].z).toEqual([
      [100, null],
      [null, 50],
    ]);
  });
  it('plots memory in GiB', () => {
    const fig = budgetFigure([{ config: 'A', capability: 'action', score: 0.5, memoryBytes: 2 ** 31, estimated: false, source: 'This run' }]);
    expect(fig.data[0].x).toEqual([2]);
    expect(fig.data[0].y).toEqual([50]);
  });
  it('exports the drop table in points', () => {
    const t = dropTable(capabilityDrops(scores));
    expect(t.rows[0]).toEqual(['GPTQ-W4', 'Action execution', 80, 70, -10, '[-17.07, -2.93]', '1']);
  });
});

describe('telling many series apart', () => {
  it('orders capability rows as the study does and patterns bars once the seven colours repeat', () => {
    const many: TaskScore[] = [s('base', 'real-world', 'a', 0.5), s('base', 'action', 't', 0.5)];
    for (let i = 0; i < 9; i++) many.push(s(`C${i}`, 'real-world', 'a', 0.4), s(`C${i}`, 'action', 't', 0.4));
    const rows = capabilityDrops(many);
    expect(rows.slice(0, 9).every((r) => r.capability === 'action')).toBe(true);
    const fig = dropBarsFigure(rows);
    const marker = (i: number) => fig.data[i].marker as { color: string; pattern?: { shape: string } };
    expect(marker(0).pattern).toBeUndefined();
    expect(marker(7).color).toBe(marker(0).color);
    expect(marker(7).pattern?.shape).toBe('.');
  });
});

describe('series colours', () => {
  it('gives the first compressed configuration the first colour whether or not base is present', () => {
    const line = (cfgs: string[]) => cfgs.flatMap((config) => [{ config, x: 1, consistency: 1 }]);
    const { lineFigure } = figures;
    expect((lineFigure(line(['GPTQ-W4']), 'k', 'c').data[0].line as { color: string }).color).toBe(OKABE_ITO[0]);
    expect((lineFigure(line(['base', 'GPTQ-W4']), 'k', 'c').data[1].line as { color: string }).color).toBe(OKABE_ITO[0]);
    expect((lineFigure(line(['base', 'GPTQ-W4']), 'k', 'c').data[0].line as { color: string }).color).toBe('#000000');
  });
});
