// Table text shared by the service's exports and the renderer's (pure, no Node imports: the renderer bundles this
// file): the one CSV writer, and LaTeX escaping.

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
