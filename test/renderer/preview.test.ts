import { describe, expect, it } from 'vitest';
import { barPreview, figurePreview, previewTicks } from '../../renderer/results/preview.js';
import { energyFigure, erankFigure, radarFigure } from '../../renderer/results/figures.js';
import type { Figure } from '../../renderer/results/figures.js';

describe('static bar preview', () => {
  it('chooses 1-2-5 ticks covering the range', () => {
    expect(previewTicks(-12, 3)).toEqual([-15, -10, -5, 0, 5]);
    expect(previewTicks(0, 1)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
  });

  it('places grouped bars and whiskers on the value scale, zero line included', () => {
    const fig: Figure = {
      data: [
        { type: 'bar', name: 'A', x: ['c1', 'c2'], y: [-10, 5], marker: { color: '#E69F00' }, error_y: { array: [2, null], arrayminus: [3, null] } },
        { type: 'bar', name: 'B', x: ['c1', 'c2'], y: [null, -5], marker: { color: '#56B4E9' } },
      ],
      layout: {},
    };
    const p = barPreview(fig, 1000, 360)!;
    expect(p.bars).toHaveLength(3);
    // scale: ticks −15…5 → plot top 24 (5) to bottom 312 (−15): 14.4 px per point
    expect(p.zeroY).toBeCloseTo(24 + 5 * 14.4, 6);
    const a1 = p.bars[0];
    expect(a1.y).toBeCloseTo(p.zeroY, 6); // a negative bar hangs from zero
    expect(a1.h).toBeCloseTo(10 * 14.4, 6);
    expect(a1.fill).toBe('#E69F00');
    expect(a1.title).toBe('A · c1: -10');
    expect(p.whiskers).toEqual([{ x: expect.any(Number), y1: expect.closeTo(24 + 13 * 14.4, 6), y2: expect.closeTo(24 + 18 * 14.4, 6) }]);
    expect(p.categories.map((c) => c.text)).toEqual(['c1', 'c2']);
  });

  it('paints the radar at equal scale on its fixed axis ranges, labels included', () => {
    const fig = radarFigure([
      { config: 'base', capability: 'action', score: 0.8 },
      { config: 'base', capability: 'workflow', score: 0.5 },
    ]);
    const p = figurePreview(fig, 1000, 380)!;
    expect(p.lines).toHaveLength(fig.data.length);
    // x range 280, y range 250 in a 980 × 360 box: scale = min(980/280, 360/250) = 1.44 px per point
    const base = p
      .lines!.at(-1)!
      .points.split(' ')
      .map((xy) => xy.split(',').map(Number));
    expect(base[0][0]).toBeCloseTo(500, 1); // action: straight up from the centre
    expect(base[0][1]).toBeCloseTo(190 - 80 * 1.44, 1);
    expect(base[1][1]).toBeCloseTo(190 + 50 * 1.44, 1); // workflow: straight down
    expect(p.labels!.map((l) => l.text)).toContain('Action execution');
  });

  it('declines figures it cannot paint (those wait for Plotly)', () => {
    expect(figurePreview({ data: [{ type: 'heatmap', z: [[1]] }], layout: {} })).toBeNull();
    expect(figurePreview({ data: [{ type: 'scatter', x: [1], y: [1] }], layout: {} })).toBeNull(); // no fixed ranges
    expect(barPreview({ data: [], layout: {} })).toBeNull();
  });

  it('declines a histogram (bars on a numeric x): the Statistics tab once threw "replace is not a function" here', () => {
    const hist = energyFigure([
      { config: 'base', edges: [0, 1, 2], counts: [3, 1] },
      { config: 'GPTQ-W4', edges: [0, 1, 2], counts: [2, 2] },
    ]);
    expect(hist.data.every((t) => t.type === 'bar')).toBe(true);
    expect(() => figurePreview(hist)).not.toThrow();
    expect(figurePreview(hist)).toBeNull();
    expect(
      barPreview(
        erankFigure([
          { config: 'base', erank: 10 },
          { config: 'GPTQ-W4', erank: 9 },
        ]),
      ),
    ).not.toBeNull(); // bars over configurations still get one
  });
});
