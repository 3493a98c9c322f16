// Items tab: per-item drill-down of one configuration against the base (prompt, both outputs, expected, both scores);
// a run's item records load when the tab first opens.
import { useEffect, useMemo } from 'react';
import { Empty, Loading } from '../../components/States.js';
import { TableHead } from '../../components/TableView.js';
import { BASE, countRegressions, pairItems } from '../../results/index.js';
import type { Choose, Source, TabChoices } from './source.js';

const ITEM_COLUMNS = [
  ...['Task', 'Item', 'Prompt', 'Base output', 'Compressed output', 'Expected'].map((label) => ({ label })),
  ...['Base', 'Compressed'].map((label) => ({ label, align: 'right' as const })),
];

/** A run's per-item records, fetched on request (they are most of a run); absent for the paper. */
export interface ItemRecords {
  state: 'idle' | 'loading' | 'done';
  request(): void;
}

export function ItemsTab({ source, items, choices, choose }: { source: Source; items?: ItemRecords; choices: TabChoices; choose: Choose }) {
  useEffect(() => {
    if (items?.state === 'idle') items.request();
  }, [items]);
  const v = source.view;
  const configs = v.configs.map((c) => c.label).filter((c) => c !== BASE);
  const chosen = choices.itemConfig || configs[0] || '';
  const { regressionsOnly } = choices;
  const pairs = useMemo(() => pairItems(v.items, chosen), [v.items, chosen]);
  const counts = countRegressions(pairs);
  const shownPairs = regressionsOnly ? pairs.filter((p) => p.regression) : pairs;
  if (!v.items.length)
    return items?.state === 'loading' ? (
      <Loading what="per-item results" minHeight={360} />
    ) : (
      <Empty title="No per-item results" minHeight={360}>
        {source.kind === 'paper' ? 'The paper publishes aggregate scores only.' : 'Per-item prompts and outputs appear here as the evaluation stage finishes items.'}
      </Empty>
    );
  return (
    <section className="card" aria-label="Per-item drill-down">
      <div className="inline no-print">
        <label>
          Configuration{' '}
          <select value={chosen} onChange={(e) => choose({ itemConfig: e.target.value })} data-testid="items-config">
            {configs.map((c) => (
              <option key={c}>{c}</option>
            ))}
          </select>
        </label>
        <label>
          <input type="checkbox" checked={regressionsOnly} onChange={(e) => choose({ regressionsOnly: e.target.checked })} data-testid="regressions-only" /> Regressions only (base right, compressed
          wrong)
        </label>
        <span className="muted small">
          {counts.regressions} regression{counts.regressions === 1 ? '' : 's'}, {counts.improvements} improvement{counts.improvements === 1 ? '' : 's'} of {counts.compared} item
          {counts.compared === 1 ? '' : 's'} compared
        </span>
      </div>
      <div className="table-scroll tall">
        <table data-testid="items-table">
          <TableHead columns={ITEM_COLUMNS} />
          <tbody>
            {shownPairs.slice(0, 500).map((p) => (
              <tr key={`${p.task}/${p.id}`} className={p.regression ? 'regression' : p.improvement ? 'improvement' : undefined}>
                <td>{p.task}</td>
                <td>{p.id}</td>
                <td className="text-cell">{p.compressed?.prompt ?? p.base?.prompt ?? ''}</td>
                <td className="text-cell">{p.base?.output ?? '—'}</td>
                <td className="text-cell">{p.compressed?.output ?? '—'}</td>
                <td className="text-cell">{p.compressed?.expected ?? p.base?.expected ?? ''}</td>
                <td className="num">{p.base ? p.base.score.toFixed(2) : '—'}</td>
                <td className="num">{p.compressed ? p.compressed.score.toFixed(2) : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {shownPairs.length > 500 ? <p className="muted small">Showing the first 500 of {shownPairs.length} items.</p> : null}
        {!shownPairs.length ? <Empty title={regressionsOnly ? 'No regressions for this configuration' : 'No items'} minHeight={60} /> : null}
      </div>
    </section>
  );
}
