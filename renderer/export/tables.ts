// Tables to CSV (RFC 4180), LaTeX (booktabs) and Markdown (GFM). Pure string functions.
import { csvText, latexEscape } from '../../main/api/tables.js';

export { latexEscape };

export type Cell = string | number | null | undefined;
export interface Column {
  label: string;
  align?: 'left' | 'right' | 'center';
}
export interface Table {
  columns: Column[];
  rows: Cell[][];
  caption?: string;
}

/** Numbers with a fixed number of decimals; empty cells stay empty. */
export function formatCell(value: Cell, digits = 2): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? value.toFixed(digits) : '';
  return value;
}

export function toCsv(table: Table, digits = 2): string {
  // the one CSV writer (main/api/tables.ts, pure): numbers with fixed decimals here, empty when not finite
  return csvText([table.columns.map((c) => c.label), ...table.rows], (n) => formatCell(n, digits));
}

export function toLatex(table: Table, digits = 2): string {
  const spec = table.columns.map((c) => (c.align === 'right' ? 'r' : c.align === 'center' ? 'c' : 'l')).join('');
  const row = (cells: Cell[]) => cells.map((v) => (typeof v === 'number' ? formatCell(v, digits).replace(/^-/, '$-$') : latexEscape(formatCell(v, digits)))).join(' & ') + ' \\\\';
  const lines = ['\\begin{table}[t]', '\\centering'];
  if (table.caption) lines.push(`\\caption{${latexEscape(table.caption)}}`);
  lines.push(`\\begin{tabular}{${spec}}`, '\\toprule', row(table.columns.map((c) => c.label)), '\\midrule', ...table.rows.map(row), '\\bottomrule', '\\end{tabular}', '\\end{table}');
  return lines.join('\n') + '\n';
}

const mdEscape = (text: string) => text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

export function toMarkdown(table: Table, digits = 2): string {
  const head = `| ${table.columns.map((c) => mdEscape(c.label)).join(' | ')} |`;
  const rule = `|${table.columns.map((c) => (c.align === 'right' ? ' ---: ' : c.align === 'center' ? ' :---: ' : ' --- ')).join('|')}|`;
  const body = table.rows.map((r) => `| ${r.map((v) => mdEscape(formatCell(v, digits))).join(' | ')} |`);
  return [...(table.caption ? [`**${mdEscape(table.caption)}**`, ''] : []), head, rule, ...body].join('\n') + '\n';
}
