import { describe, expect, it } from 'vitest';
import { groupedBarSvg, niceTicks, svgToPng } from '../../main/api/figures.js';
import { BASE_COLOUR, OKABE_ITO } from '../../main/results/index.js';
import { toCsv, toLatex, toMarkdown, latexEscape } from '../../main/api/export.js';

describe('figures', () => {
  it('chooses 1-2-5 ticks that cover the range', () => {
    expect(niceTicks(0, 1)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(-12, 3)).toEqual([-15, -10, -5, 0, 5]);
  });

  it('draws one bar per (category, series) value and an error bar per CI', () => {
    const svg = groupedBarSvg({
      title: 'Drop vs base',
      yLabel: 'Δ score',
      categories: ['action', 'workflow', 'long-context', 'real-world'],
      series: [
        { name: 'GPTQ-W4', values: [-1, -2, -3, null], ci: [[-2, 0], null, [-4, -2], null] },
        { name: 'Mag 2:4', values: [-10, -20, -30, -40] },
      ],
    });
    expect(svg.match(/class="bar"/g)).toHaveLength(7);
    expect(svg.match(/<path d="M/g)).toHaveLength(2);
    expect(svg).toContain('GPTQ-W4 · action: -1');
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg" width="518.7pt"')).toBe(true); // 183 mm
  });

  it("hatches the series whose colour repeats (the eighth onwards: seven colours, black is the base's), bars and legend alike", () => {
    const series = Array.from({ length: 10 }, (_, i) => ({ name: `C${i}`, values: [i + 1] }));
    const svg = groupedBarSvg({ title: 't', yLabel: 'y', categories: ['a'], series });
    // bars and legend boxes of series 7, 8 and 9 carry hatch 1; the first seven are plain, each in its own colour
    expect(svg.match(/class="hatch"[^>]*fill="url\(#hatch1\)"/g)).toHaveLength(6);
    expect(svg).toContain(`fill="${OKABE_ITO[0]}"`);
    expect(svg).not.toContain(`fill="${BASE_COLOUR}"`);
    expect(svg).toContain('<pattern id="hatch1"');
    const { png } = svgToPng(svg, 72);
    expect(png.subarray(1, 4).toString()).toBe('PNG');
  });

  it('rasterises at the requested DPI: 89 mm at 300 DPI is 1051 px wide', () => {
    const svg = groupedBarSvg({ title: 't', yLabel: 'y', categories: ['a'], series: [{ name: 's', values: [1] }], widthMm: 89, heightMm: 60 });
    const { png, width, height } = svgToPng(svg, 300);
    expect(width).toBe(Math.round((89 / 25.4) * 300));
    expect(height).toBe(Math.round((60 / 25.4) * 300));
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect(png.readUInt32BE(16)).toBe(width); // IHDR width
  });
});

describe('tables', () => {
  const table = {
    columns: ['method', 'score'],
    rows: [
      ['GPTQ, w4 "g128"', 71.8],
      ['a|b_c%', null],
    ],
  };
  it('writes RFC 4180 CSV', () => {
    expect(toCsv(table)).toBe('method,score\r\n"GPTQ, w4 ""g128""",71.8\r\na|b_c%,\r\n');
  });
  it('writes Markdown with escaped pipes', () => {
    expect(toMarkdown(table)).toBe('| method | score |\n| --- | --- |\n| GPTQ, w4 "g128" | 71.8 |\n| a\\|b_c% |  |\n');
  });
  it('writes booktabs LaTeX with escaped specials and right-aligned numbers', () => {
    const tex = toLatex(table, 'T-Eval');
    expect(tex).toContain('\\begin{tabular}{lr}');
    expect(tex).toContain('a|b\\_c\\% & -- \\\\');
    expect(latexEscape('\\&%$#_{}~^')).toBe('\\textbackslash{}\\&\\%\\$\\#\\_\\{\\}\\textasciitilde{}\\textasciicircum{}');
  });
});
