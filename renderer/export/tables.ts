// Tables to CSV (RFC 4180), LaTeX (booktabs) and Markdown (GFM). Pure string functions.

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

function csvField(value: Cell, digits: number): string {
  if (typeof value === 'number') return formatCell(value, digits);
  let text = formatCell(value, digits);
  // A text cell starting with = + - @ would run as a formula in a spreadsheet: prefix a quote.
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(table: Table, digits = 2): string {
  const lines = [table.columns.map((c) => csvField(c.label, digits)), ...table.rows.map((r) => r.map((v) => csvField(v, digits)))];
  return lines.map((l) => l.join(',')).join('\r\n') + '\r\n';
}

const LATEX_SPECIALS: Record<string, string> = {
  '\\': '\\textbackslash{}',
  '&': '\\&',
  '%': '\\%',
  $: '\\$',
  '#': '\\#',
  _: '\\_',
  '{': '\\{',
  '}': '\\}',
  '~': '\\textasciitilde{}',
  '^': '\\textasciicircum{}',
};
export const latexEscape = (text: string): string => text.replace(/[\\&%$#_{}~^]/g, (ch) => LATEX_SPECIALS[ch]);

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
