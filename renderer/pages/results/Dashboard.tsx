// The dashboard of one source: the tab bar, notes on the records (shape warnings, scorer deviations, engines), and the
// open tab inside its own error boundary. Each tab is its own file; the choices made in them live here, so they survive
// switching tabs (and reset with the source, which remounts the dashboard).
import { useMemo, useState, type KeyboardEvent } from 'react';
import { ErrorBoundary } from '../../components/ErrorBoundary.js';
import { capabilityDrops, type PaperData, type PaperExperiment } from '../../results/index.js';
import { BudgetTab } from './BudgetTab.js';
import { ItemsTab, type ItemRecords } from './ItemsTab.js';
import { NiahTab } from './NiahTab.js';
import { OverviewTab } from './OverviewTab.js';
import { StatsTab } from './StatsTab.js';
import { TasksTab } from './TasksTab.js';
import { FIRST_CHOICES, type Source, type TabChoices } from './source.js';

const TABS = [
  ['overview', 'Overview'],
  ['tasks', 'Per task'],
  ['niah', 'Needle in a haystack'],
  ['stats', 'Statistics'],
  ['budget', 'Memory budget'],
  ['items', 'Items'],
] as const;
type TabId = (typeof TABS)[number][0];

function Tabs({ tab, setTab }: { tab: TabId; setTab(t: TabId): void }) {
  const onKey = (e: KeyboardEvent<HTMLButtonElement>, i: number) => {
    const next = e.key === 'ArrowRight' ? (i + 1) % TABS.length : e.key === 'ArrowLeft' ? (i - 1 + TABS.length) % TABS.length : -1;
    if (next >= 0) {
      setTab(TABS[next][0]);
      document.getElementById(`tab-${TABS[next][0]}`)?.focus();
    }
  };
  return (
    <div role="tablist" aria-label="Result views" className="tabs no-print">
      {TABS.map(([id, label], i) => (
        <button
          key={id}
          id={`tab-${id}`}
          role="tab"
          type="button"
          aria-selected={tab === id}
          aria-controls={`panel-${id}`}
          tabIndex={tab === id ? 0 : -1}
          onClick={() => setTab(id)}
          onKeyDown={(e) => onKey(e, i)}
          data-testid={`tab-${id}`}
        >
          {label}
        </button>
      ))}
    </div>
  );
}

/** Where the records fall short of the documented shape or of the reference scorers, and which engine generated. */
function RecordNotes({ source }: { source: Source }) {
  const v = source.view;
  return (
    <>
      {v.warnings.length ? (
        <div className="notice" role="note">
          Some records were not in the documented shape: {v.warnings.join('; ')}.
        </div>
      ) : null}
      {v.deviations.length ? (
        <div className="notice" role="note" data-testid="deviations">
          Where these numbers depart from the reference scorers:
          <ul className="small">
            {v.deviations.map((d) => (
              <li key={d.label}>
                <code>{d.label}</code> ({d.tasks.join(', ')}): {d.note}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {v.engines.length ? (
        <details className="notice" data-testid="engines">
          <summary>Generated on {[...new Set(v.engines.map((e) => `${e.engine}, ${e.device}`))].join('; ')}</summary>
          <ul className="small">
            {v.engines.map((e) => (
              <li key={e.config}>
                <strong>{e.config}</strong>: {e.engine} on {e.device}
                {e.layers ? ` (${e.layers})` : ''}
                {e.weights ? `, ${e.weights}` : ''}
                {e.reason ? ` — ${e.reason}` : ''}
              </li>
            ))}
          </ul>
        </details>
      ) : null}
    </>
  );
}

export function Dashboard({ source, overlay, paper, papers, items }: { source: Source; overlay: Source | null; paper: PaperData | null; papers: PaperExperiment[]; items?: ItemRecords }) {
  const [tab, setTab] = useState<TabId>('overview');
  const [choices, setChoices] = useState<TabChoices>(FIRST_CHOICES);
  const choose = (change: Partial<TabChoices>) => setChoices((c) => ({ ...c, ...change }));
  const v = source.view;
  // the overview and the memory budget both read the per-capability drops
  const rows = useMemo(() => capabilityDrops(v.scores, undefined, v.pairedDrops), [v]);
  const overlayRows = useMemo(() => (overlay ? capabilityDrops(overlay.view.scores) : []), [overlay]);
  return (
    <>
      <Tabs tab={tab} setTab={setTab} />
      <RecordNotes source={source} />
      <div role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`} className="tabpanel">
        <ErrorBoundary key={`${source.key}/${tab}`} what={`The ${TABS.find((t) => t[0] === tab)?.[1] ?? tab} view`}>
          {tab === 'overview' ? <OverviewTab source={source} rows={rows} overlay={overlay} overlayRows={overlayRows} /> : null}
          {tab === 'tasks' ? <TasksTab source={source} choices={choices} choose={choose} /> : null}
          {tab === 'niah' ? <NiahTab source={source} choices={choices} choose={choose} /> : null}
          {tab === 'stats' ? <StatsTab source={source} paper={paper} /> : null}
          {tab === 'budget' ? <BudgetTab source={source} rows={rows} overlay={overlay} overlayRows={overlayRows} papers={papers} choices={choices} choose={choose} /> : null}
          {tab === 'items' ? <ItemsTab source={source} items={items} choices={choices} choose={choose} /> : null}
        </ErrorBoundary>
      </div>
    </>
  );
}
