import { describe, expect, it } from 'vitest';
import { barPreview, previewTicks } from '../../renderer/results/preview.js';
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

  it('declines figures that are not all bars (those wait for Plotly)', () => {
    expect(barPreview({ data: [{ type: 'heatmap', z: [[1]] }], layout: {} })).toBeNull();
    expect(barPreview({ data: [], layout: {} })).toBeNull();
  });
});
