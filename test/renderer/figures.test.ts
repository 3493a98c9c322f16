import { describe, expect, it } from 'vitest';
import { capabilityDrops, capabilityScores } from '../../renderer/results/drops.js';
import * as figures from '../../renderer/results/figures.js';
import { budgetFigure, dropBarsFigure, dropTable, niahFigure, OKABE_ITO, radarFigure, radarXY, taskHeatmapFigure, taskMatrix, taskTable } from '../../renderer/results/figures.js';
import type { TaskScore } from '../../renderer/results/types.js';
import type { BudgetPoint } from '../../renderer/results/figures.js';

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
  it('names a lone configuration in the legend (Plotly hides the legend of a single trace by default)', () => {
    const one = dropBarsFigure(capabilityDrops([s('base', 'action', 't-eval', 0.8), s('RTN-W4', 'action', 't-eval', 0.8)]));
    expect(one.data.map((t) => t.name)).toEqual(['RTN-W4']);
    expect(one.layout.showlegend).toBe(true);
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
    // ring values sit between spokes, never on the top spoke where the first capability's label is
    const rings = (fig.layout.annotations as { text: string; x: number; y: number }[]).filter((a) => /^\d+$/.test(a.text));
    expect(rings.map((r) => r.text)).toEqual(['20', '40', '60', '80', '100']);
    for (const r of rings) expect(r.x).toBeGreaterThan(r.text === '20' ? 5 : 20);
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
  const point = (config: string, memoryBytes: number, source = 'This run'): BudgetPoint => ({ config, capability: 'action', score: 0.6, memoryBytes, estimated: false, source });
  const ticksIn = (fig: figures.Figure) => {
    const x = fig.layout.xaxis as { type?: string; tickvals: number[]; ticktext: string[]; range: number[]; title: { text: string } };
    const [lo, hi] = x.type === 'log' ? x.range.map((r) => 10 ** r) : x.range;
    return { x, inside: x.tickvals.filter((t) => t >= lo && t <= hi) };
  };
  it('labels the memory axis at acb-tiny’s size: MiB, linear from 0, several ticks inside the range', () => {
    // acb-tiny: 0.74 M parameters, f32 base ≈ 2.8 MiB, 4-bit ≈ 0.45 MiB (the issue: no tick label at all on a GiB log axis)
    const fig = budgetFigure([point('base', 2.96e6), point('RTN-W4', 0.47e6), point('GPTQ-W4', 0.47e6)]);
    const { x, inside } = ticksIn(fig);
    expect(x.title.text).toBe('weight memory (MiB)');
    expect(x.type).toBeUndefined();
    expect(inside.length).toBeGreaterThanOrEqual(3);
    expect(x.ticktext.every((t) => /^\d+(\.\d+)?$/.test(t))).toBe(true);
  });
  it('uses a log axis with 1-2-5 ticks when the points span model sizes, in GiB', () => {
    const fig = budgetFigure([
      point('base', 15e9, 'Paper · Qwen2.5-7B'),
      point('AWQ-W4', 4e9, 'Paper · Qwen2.5-7B'),
      point('base', 3e9, 'Paper · Qwen2.5-1.5B'),
      point('AWQ-W4', 0.8e9, 'Paper · Qwen2.5-1.5B'),
    ]);
    const { x, inside } = ticksIn(fig);
    expect(x.type).toBe('log');
    expect(x.title.text).toBe('weight memory (GiB, log scale)');
    expect(inside).toEqual([1, 2, 5, 10]);
  });
  it('names points in the legend and the hover, never as text on the points (which collide at equal memory)', () => {
    const fig = budgetFigure([point('base', 2.96e6), point('RTN-W4', 0.47e6), point('GPTQ-W4', 0.47e6), point('GPTQ-W4', 0.5e6, 'Paper · X')]);
    expect(fig.data.every((t) => !String(t.mode).includes('text'))).toBe(true);
    const legend = fig.data.filter((t) => t.showlegend !== false).map((t) => t.name);
    expect(legend).toEqual(['base', 'RTN-W4', 'GPTQ-W4', 'This run', 'Paper · X']);
    const gptq = fig.data.filter((t) => t.legendgroup === 'GPTQ-W4' && t.showlegend === false);
    expect(gptq.map((t) => (t.marker as { symbol: string }).symbol)).toEqual(['circle', 'diamond']); // shape = source
    expect(new Set(gptq.map((t) => (t.marker as { color: string }).color)).size).toBe(1); // colour = configuration
    expect(String(gptq[0].hovertemplate)).toContain('GPTQ-W4');
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
