// Run exports: raw JSONL, tables of the run's scores (CSV / Markdown / LaTeX), and a bundle with the
// spec and a reproducibility card that `importBundle` (later) and other tools can read back.
import type { AppInfo, Experiment, ResultRecord, RunSummary } from './contract.js';
import { latexEscape, toCsv as csvOf, toLatex as latexOf, toMarkdown as markdownOf, type Column } from '../results/index.js';

export { latexEscape };

export type Cell = string | number | boolean | null;
/** A table of the service's exports and reports: numbers as they are, headers as plain labels. */
export interface Table {
  columns: string[];
  rows: Cell[][];
}

/** Its columns for the one set of writers (main/results): in LaTeX, a column of numbers (and blanks) is right-aligned. */
function columnsOf(t: Table, alignNumbers: boolean): Column[] {
  return t.columns.map((label, j) => (alignNumbers && t.rows.length > 0 && t.rows.every((r) => typeof r[j] === 'number' || r[j] === null) ? { label, align: 'right' } : { label }));
}

/** RFC 4180 quoting, formula-looking text cells prefixed with '. */
export const toCsv = (t: Table): string => csvOf({ columns: columnsOf(t, false), rows: t.rows });
export const toMarkdown = (t: Table): string => markdownOf({ columns: columnsOf(t, false), rows: t.rows });
/** booktabs; an empty cell shows "--". */
export const toLatex = (t: Table, caption?: string): string => latexOf({ columns: columnsOf(t, true), rows: t.rows, caption }, { emptyLatex: '--' });

/** Score records as a table: one row per record, one column per scalar field seen. */
export function scoreTable(records: ResultRecord[]): Table {
  const scores = records.filter((r) => r.kind === 'score');
  const columns: string[] = [];
  for (const r of scores) for (const [k, v] of Object.entries(r.data)) if (isScalar(v) && !columns.includes(k)) columns.push(k);
  return { columns, rows: scores.map((r) => columns.map((c) => (isScalar(r.data[c]) ? (r.data[c] as Cell) : null))) };
}

function isScalar(v: unknown): boolean {
  return v === null || ['string', 'number', 'boolean'].includes(typeof v);
}

export interface ExportInput {
  experiment: Experiment;
  run: RunSummary;
  records: ResultRecord[];
  info: AppInfo;
}

export function exportRecords(format: 'jsonl' | 'csv' | 'markdown' | 'latex' | 'bundle', input: ExportInput): { fileName: string; mimeType: string; content: string } {
  const base = `${input.experiment.name.replace(/[^A-Za-z0-9_-]+/g, '_').slice(0, 60) || 'run'}-${input.run.id}`;
  switch (format) {
    case 'jsonl':
      return { fileName: `${base}.jsonl`, mimeType: 'application/x-ndjson', content: input.records.map((r) => JSON.stringify(r)).join('\n') + (input.records.length ? '\n' : '') };
    case 'csv':
      return { fileName: `${base}.csv`, mimeType: 'text/csv', content: toCsv(scoreTable(input.records)) };
    case 'markdown':
      return { fileName: `${base}.md`, mimeType: 'text/markdown', content: toMarkdown(scoreTable(input.records)) };
    case 'latex':
      return { fileName: `${base}.tex`, mimeType: 'application/x-tex', content: toLatex(scoreTable(input.records), input.experiment.name) };
    case 'bundle': {
      const card = {
        app: input.info.app,
        version: input.info.version,
        node: input.info.node,
        electron: input.info.electron,
        backend: input.info.backend,
        cpu: input.info.cpu,
        gpu: input.info.gpu,
        seed: input.experiment.spec.seed,
        specHash: input.experiment.specHash,
        exportedAt: new Date().toISOString(),
      };
      const bundle = { format: 'acbench-run-bundle', formatVersion: 1, experiment: input.experiment, run: input.run, reproducibility: card, records: input.records };
      return { fileName: `${base}.acbench.json`, mimeType: 'application/json', content: JSON.stringify(bundle, null, 2) };
    }
  }
}
