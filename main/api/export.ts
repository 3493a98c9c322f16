// Run exports: raw JSONL, tables of the run's scores (CSV / Markdown / LaTeX), and a bundle with the
// spec and a reproducibility card that `importBundle` (later) and other tools can read back.
import type { AppInfo, Experiment, ResultRecord, RunSummary } from './contract.js';
import { csvText, latexEscape } from './tables.js';

export { latexEscape };

export type Cell = string | number | boolean | null;
export interface Table {
  columns: string[];
  rows: Cell[][];
}

/** CSV through the one writer (tables.ts): RFC 4180 quoting, formula-looking text cells prefixed with '. */
export function toCsv(t: Table): string {
  return csvText([t.columns, ...t.rows]);
}

export function toMarkdown(t: Table): string {
  const cell = (c: Cell) => (c === null ? '' : String(c)).replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
  const lines = [`| ${t.columns.map(cell).join(' | ')} |`, `| ${t.columns.map(() => '---').join(' | ')} |`];
  for (const r of t.rows) lines.push(`| ${r.map(cell).join(' | ')} |`);
  return lines.join('\n') + '\n';
}

/** booktabs table; numbers right-aligned, text left-aligned. */
export function toLatex(t: Table, caption?: string): string {
  const numeric = t.columns.map((_, j) => t.rows.length > 0 && t.rows.every((r) => typeof r[j] === 'number' || r[j] === null));
  const cell = (c: Cell) => (c === null ? '--' : typeof c === 'number' ? String(c) : latexEscape(String(c)));
  const lines = [
    '\\begin{table}[t]',
    '\\centering',
    ...(caption ? [`\\caption{${latexEscape(caption)}}`] : []),
    `\\begin{tabular}{${numeric.map((n) => (n ? 'r' : 'l')).join('')}}`,
    '\\toprule',
    `${t.columns.map((c) => latexEscape(c)).join(' & ')} \\\\`,
    '\\midrule',
    ...t.rows.map((r) => `${r.map(cell).join(' & ')} \\\\`),
    '\\bottomrule',
    '\\end{tabular}',
    '\\end{table}',
  ];
  return lines.join('\n') + '\n';
}

/** Score records as a table: one row per record, one column per scalar field seen. */
export function scoreTable(records: ResultRecord[]): Table {
  const scores = records.filter((r) => r.kind === 'score');
  const columns: string[] = [];
  for (const r of scores)
    for (const [k, v] of Object.entries(r.data)) if (isScalar(v) && !columns.includes(k)) columns.push(k);
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
