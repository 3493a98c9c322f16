import { describe, expect, it } from 'vitest';
import { formatCell, latexEscape, toCsv, toLatex, toMarkdown, type Table } from '../../renderer/export/tables.js';

const table: Table = {
  caption: 'Drops & gains',
  columns: [{ label: 'Config' }, { label: 'Δ', align: 'right' }, { label: 'Note', align: 'center' }],
  rows: [
    ['GPTQ-W4', -1.234, 'a, "quoted"\nline'],
    ['=SUM(A1)', 2, null],
    ['50%_x|y', Number.NaN, '-minus text'],
  ],
};

describe('toCsv', () => {
  it('quotes fields with commas, quotes or newlines, neutralises formulas, keeps negative numbers', () => {
    expect(toCsv(table)).toBe('Config,Δ,Note\r\nGPTQ-W4,-1.23,"a, ""quoted""\nline"\r\n\'=SUM(A1),2.00,\r\n50%_x|y,,\'-minus text\r\n');
  });
});

describe('toLatex', () => {
  it('escapes specials, marks negatives as math and uses booktabs rules', () => {
    const tex = toLatex(table);
    expect(tex).toContain('\\caption{Drops \\& gains}');
    expect(tex).toContain('\\begin{tabular}{lrc}');
    expect(tex).toContain('GPTQ-W4 & $-$1.23 & a, "quoted"\nline \\\\');
    expect(tex).toContain('50\\%\\_x|y &  & -minus text \\\\');
    expect(tex.split('\n').filter((l) => /rule$/.test(l))).toEqual(['\\toprule', '\\midrule', '\\bottomrule']);
  });
  it('escapes every LaTeX special character', () => {
    expect(latexEscape('\\&%$#_{}~^')).toBe('\\textbackslash{}\\&\\%\\$\\#\\_\\{\\}\\textasciitilde{}\\textasciicircum{}');
  });
});

describe('toMarkdown', () => {
  it('writes a GFM table with alignment and escaped pipes', () => {
    expect(toMarkdown(table)).toBe(
      ['**Drops & gains**', '', '| Config | Δ | Note |', '| --- | ---: | :---: |', '| GPTQ-W4 | -1.23 | a, "quoted" line |', '| =SUM(A1) | 2.00 |  |', '| 50%_x\\|y |  | -minus text |', ''].join('\n'),
    );
  });
});

describe('formatCell', () => {
  it('fixes decimals and empties missing values', () => {
    expect(formatCell(1 / 3, 3)).toBe('0.333');
    expect(formatCell(null)).toBe('');
    expect(formatCell(undefined)).toBe('');
    expect(formatCell(Infinity)).toBe('');
  });
});

describe('file names', () => {
  it('slugs titles for downloads', async () => {
    const { slug } = await import('../../renderer/export/download.js');
    expect(slug('Per-capability change vs base')).toBe('per-capability-change-vs-base');
    expect(slug('NIAH · GPTQ-W4')).toBe('niah-gptq-w4');
    expect(slug('···')).toBe('figure');
  });
});
