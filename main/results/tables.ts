// Tables as CSV (RFC 4180), LaTeX (booktabs) and Markdown (GFM): the one set of writers the service's exports and
// reports and the renderer's downloads share. Pure string functions.

export type CsvCell = string | number | boolean | null | undefined;

/**
 * One CSV field, RFC 4180: quoted when it holds a comma, quote or line break, inner quotes doubled. A text cell that
 * starts with = + - @ (or a tab or carriage return) would run as a formula in a spreadsheet (=HYPERLINK(…) in a label):
 * it gets a leading ' so the spreadsheet shows it as text. Numbers are written by `formatNumber` and never prefixed.
 */
export function csvField(value: CsvCell, formatNumber: (n: number) => string = String): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return formatNumber(value);
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Rows (the header first) as CSV text with CRLF line ends. */
export function csvText(rows: readonly (readonly CsvCell[])[], formatNumber?: (n: number) => string): string {
  return rows.map((r) => r.map((c) => csvField(c, formatNumber)).join(',')).join('\r\n') + '\r\n';
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

export function latexEscape(s: string): string {
  return s.replace(/[\\&%$#_{}~^]/g, (ch) => LATEX_SPECIALS[ch]);
}

export type Cell = string | number | boolean | null | undefined;
export interface Column {
  label: string;
  align?: 'left' | 'right' | 'center';
}
export interface Table {
  columns: Column[];
  rows: Cell[][];
  caption?: string;
}

/** How cells become text: numbers (as written, or with fixed decimals), and what an empty cell shows in LaTeX. */
export interface CellText {
  number?: (n: number) => string;
  emptyLatex?: string;
}

const cellText = (v: Cell, number: (n: number) => string): string => (v === null || v === undefined ? '' : typeof v === 'number' ? number(v) : String(v));

export function toCsv(table: Table, f: CellText = {}): string {
  return csvText([table.columns.map((c) => c.label), ...table.rows], f.number);
}

/** booktabs; a number's leading minus set as math ($-$), text escaped. */
export function toLatex(table: Table, f: CellText = {}): string {
  const number = f.number ?? String;
  const spec = table.columns.map((c) => (c.align === 'right' ? 'r' : c.align === 'center' ? 'c' : 'l')).join('');
  const cell = (v: Cell) => (v === null || v === undefined ? (f.emptyLatex ?? '') : typeof v === 'number' ? number(v).replace(/^-/, '$-$') : latexEscape(String(v)));
  const row = (cells: Cell[]) => cells.map(cell).join(' & ') + ' \\\\';
  const lines = ['\\begin{table}[t]', '\\centering'];
  if (table.caption) lines.push(`\\caption{${latexEscape(table.caption)}}`);
  lines.push(`\\begin{tabular}{${spec}}`, '\\toprule', row(table.columns.map((c) => c.label)), '\\midrule', ...table.rows.map(row), '\\bottomrule', '\\end{tabular}', '\\end{table}');
  return lines.join('\n') + '\n';
}

const mdEscape = (text: string) => text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

export function toMarkdown(table: Table, f: CellText = {}): string {
  const number = f.number ?? String;
  const head = `| ${table.columns.map((c) => mdEscape(c.label)).join(' | ')} |`;
  const rule = `|${table.columns.map((c) => (c.align === 'right' ? ' ---: ' : c.align === 'center' ? ' :---: ' : ' --- ')).join('|')}|`;
  const body = table.rows.map((r) => `| ${r.map((v) => mdEscape(cellText(v, number))).join(' | ')} |`);
  return [...(table.caption ? [`**${mdEscape(table.caption)}**`, ''] : []), head, rule, ...body].join('\n') + '\n';
}
