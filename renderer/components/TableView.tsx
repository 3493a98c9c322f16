import type { Column, Table } from '../export/tables.js';
import { formatCell, toCsv, toLatex, toMarkdown } from '../export/tables.js';
import { downloadText, slug } from '../export/download.js';

export function TableExport({ table, name }: { table: Table; name: string }) {
  const s = slug(name);
  return (
    <div className="export-controls no-print" role="group" aria-label={`Export ${name}`}>
      <button type="button" onClick={() => downloadText(toCsv(table), `${s}.csv`, 'text/csv')} data-testid="export-csv">
        CSV
      </button>
      <button type="button" onClick={() => downloadText(toLatex(table), `${s}.tex`, 'application/x-tex')} data-testid="export-latex">
        LaTeX
      </button>
      <button type="button" onClick={() => downloadText(toMarkdown(table), `${s}.md`, 'text/markdown')} data-testid="export-markdown">
        Markdown
      </button>
    </div>
  );
}

/** A table's header row: one header a column, numbers right-aligned. */
export function TableHead({ columns }: { columns: readonly Column[] }) {
  return (
    <thead>
      <tr>
        {columns.map((c) => (
          <th key={c.label} scope="col" className={c.align === 'right' ? 'num' : undefined}>
            {c.label}
          </th>
        ))}
      </tr>
    </thead>
  );
}

export function TableView({ table, name, testId, digits = 2 }: { table: Table; name: string; testId?: string; digits?: number }) {
  return (
    <section className="card" aria-label={name}>
      <header className="card-head">
        <h3>{name}</h3>
        <TableExport table={table} name={name} />
      </header>
      <div className="table-scroll">
        <table data-testid={testId}>
          {table.caption ? <caption className="muted small">{table.caption}</caption> : null}
          <TableHead columns={table.columns} />
          <tbody>
            {table.rows.map((r, i) => (
              <tr key={i}>
                {r.map((v, j) => (
                  <td key={j} className={table.columns[j]?.align === 'right' ? 'num' : undefined}>
                    {formatCell(v, digits)}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
