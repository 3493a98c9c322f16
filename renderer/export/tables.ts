// The dashboard's tables to CSV, LaTeX and Markdown: the results core's writers (main/results), numbers with fixed decimals.
import { latexEscape, toCsv as csvOf, toLatex as latexOf, toMarkdown as markdownOf, type Cell, type Column, type Table } from '../../main/results/index.js';

export { latexEscape, type Cell, type Column, type Table };

/** Numbers with a fixed number of decimals; empty cells stay empty. */
export function formatCell(value: Cell, digits = 2): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? value.toFixed(digits) : '';
  return String(value);
}

/** Numbers with `digits` decimals, empty when not finite. */
const fixed = (digits: number) => ({ number: (n: number) => formatCell(n, digits) });

export const toCsv = (table: Table, digits = 2): string => csvOf(table, fixed(digits));
export const toLatex = (table: Table, digits = 2): string => latexOf(table, fixed(digits));
export const toMarkdown = (table: Table, digits = 2): string => markdownOf(table, fixed(digits));
