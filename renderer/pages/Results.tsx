// Results dashboards for one run (or one of the paper's reference experiments), with the paper overlay.
import { useEffect, useMemo, useState, type KeyboardEvent } from 'react';
import { allRunRecords, describeError } from '../api/client.js';
import { DASHBOARD_KINDS } from '../../main/api/contract.js';
import { ChartCard } from '../components/Plot.js';
import { ErrorBoundary } from '../components/ErrorBoundary.js';
import { Empty, ErrorBox, Loading } from '../components/States.js';
import { TableView } from '../components/TableView.js';
import { capabilityName } from '../experiment/spec.js';
import {
  adaptRecords,
  BASE,
  budgetFigure,
  capabilityDrops,
  capabilityScores,
  countRegressions,
  dropBarsFigure,
  dropTable,
  emptyRunView,
  energyFigure,
  erankFigure,
  formatBytes,
  lineFigure,
  loadPaperData,
  niahFigure,
  pairItems,
  paperExperiments,
  paperOptStats,
  radarFigure,
  recommend,
  recommendationTable,
  taskHeatmapFigure,
  taskTable,
  type BudgetPoint,
  type CapabilityRow,
  type PaperData,
  type PaperExperiment,
  type Recommendation,
  type RunView,
} from '../results/index.js';
import { href, navigate } from '../router.js';
import { useStudio } from '../state.js';

interface Source {
  key: string;
  title: string;
  kind: 'run' | 'paper';
  view: RunView;
  note?: string;
}

export function paperSource(p: PaperExperiment): Source {
  return {
    key: `paper/${p.id}`,
    title: `Paper · ${p.model}`,
    kind: 'paper',
    view: { ...emptyRunView(), configs: p.configs, scores: p.scores },
    note: `Published results (${p.tables.join(', ')}), read-only. Memory footprints are estimates from nominal parameter counts.${p.unaligned ? ` ${p.unaligned} printed values whose column is uncertain are left out.` : ''}`,
  };
}

function usePaper(): { paper: PaperData | null; paperError: string | null } {
  const [paper, setPaper] = useState<PaperData | null>(null);
  const [paperError, setError] = useState<string | null>(null);
  useEffect(() => {
    loadPaperData().then(setPaper, (e: unknown) => setError(describeError(e)));
  }, []);
  return { paper, paperError };
}

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
        <button key={id} id={`tab-${id}`} role="tab" type="button" aria-selected={tab === id} aria-controls={`panel-${id}`} tabIndex={tab === id ? 0 : -1} onClick={() => setTab(id)} onKeyDown={(e) => onKey(e, i)} data-testid={`tab-${id}`}>
          {label}
        </button>
      ))}
    </div>
  );
}

function RecommendationPanel({ recs, paperRecs, paperTitle }: { recs: Recommendation[]; paperRecs: Recommendation[] | null; paperTitle: string }) {
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  if (!recs.length) return <Empty title="No recommendation yet">It needs the base and at least one compressed configuration scored on the same tasks, with memory footprints.</Empty>;
  return (
    <section className="card" aria-label="Recommendation" data-testid="recommendation">
      <header className="card-head">
        <h3>Recommendation: most base score kept per GiB of weights</h3>
      </header>
      <div className="rec-grid">
        {recs.map((r) => {
          const p = paperRecs?.find((x) => x.capability === r.capability);
          return (
            <div key={r.capability} className="rec">
              <h4>{capabilityName(r.capability)}</h4>
              {r.best ? (
                <p>
                  <strong>{r.best.config}</strong> keeps {pct(r.best.kept)} of the base score in {formatBytes(r.best.memoryBytes)}
                  {r.best.memoryEstimated ? ' (estimated)' : ''} → {r.best.keptPerGiB.toFixed(3)} per GiB.
                </p>
              ) : (
                <p className="muted">No configuration qualifies.</p>
              )}
              {p?.best ? (
                <p className="small muted">
                  {paperTitle}: {p.best.config} ({pct(p.best.kept)} kept, {formatBytes(p.best.memoryBytes)} estimated).
                </p>
              ) : null}
              <details>
                <summary>Numbers behind this</summary>
                <table className="small">
                  <thead>
                    <tr>
                      <th scope="col">Configuration</th>
                      <th scope="col" className="num">Score</th>
                      <th scope="col" className="num">Base</th>
                      <th scope="col" className="num">Kept</th>
                      <th scope="col" className="num">Memory</th>
                      <th scope="col" className="num">Kept/GiB</th>
                    </tr>
                  </thead>
                  <tbody>
                    {r.candidates.map((c) => (
                      <tr key={c.config}>
                        <td>{c.config}</td>
                        <td className="num">{(c.score * 100).toFixed(2)}</td>
                        <td className="num">{(c.baseScore * 100).toFixed(2)}</td>
                        <td className="num">{pct(c.kept)}</td>
                        <td className="num">
                          {formatBytes(c.memoryBytes)}
                          {c.memoryEstimated ? '*' : ''}
                        </td>
                        <td className="num">{c.keptPerGiB.toFixed(3)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
                {r.excluded.length ? (
                  <ul className="small muted">
                    {r.excluded.map((x) => (
                      <li key={x.config}>
                        {x.config}: {x.why}
                      </li>
                    ))}
                  </ul>
                ) : null}
              </details>
            </div>
          );
        })}
      </div>
    </section>
  );
}

function budgetPoints(rows: CapabilityRow[], view: RunView, source: string): BudgetPoint[] {
  const info = new Map(view.configs.map((c) => [c.label, c]));
  const out: BudgetPoint[] = [];
  const baseInfo = info.get(BASE);
  const seenBase = new Set<string>();
  for (const r of rows) {
    const c = info.get(r.config);
    if (c?.memoryBytes) out.push({ config: r.config, capability: r.capability, score: r.score, memoryBytes: c.memoryBytes, estimated: !!c.memoryEstimated, source });
    if (baseInfo?.memoryBytes && !seenBase.has(r.capability)) {
      seenBase.add(r.capability);
      out.push({ config: BASE, capability: r.capability, score: r.baseScore, memoryBytes: baseInfo.memoryBytes, estimated: !!baseInfo.memoryEstimated, source });
    }
  }
  return out;
}

function Dashboard({ source, overlay, paper, papers, items }: { source: Source; overlay: Source | null; paper: PaperData | null; papers: PaperExperiment[]; items?: { state: 'idle' | 'loading' | 'done'; request(): void } }) {
  const [tab, setTab] = useState<TabId>('overview');
  // per-item records are most of a run: fetched only when the drill-down is opened
  useEffect(() => {
    if (tab === 'items' && items?.state === 'idle') items.request();
  }, [tab, items]);
  const [taskMode, setTaskMode] = useState<'score' | 'drop'>('score');
  const [itemConfig, setItemConfig] = useState<string>('');
  const [regressionsOnly, setRegressionsOnly] = useState(true);
  const [niahConfig, setNiahConfig] = useState<string>('');
  const v = source.view;
  const rows = useMemo(() => capabilityDrops(v.scores, undefined, v.pairedDrops), [v]);
  const overlayRows = useMemo(() => (overlay ? capabilityDrops(overlay.view.scores) : []), [overlay]);
  const capScores = useMemo(() => capabilityScores(v.scores), [v]);
  const recs = useMemo(() => recommend(rows, v.configs), [rows, v]);
  const overlayRecs = useMemo(() => (overlay ? recommend(overlayRows, overlay.view.configs) : null), [overlay, overlayRows]);
  const configs = v.configs.map((c) => c.label).filter((c) => c !== BASE);
  const niahConfigs = [...new Set(v.niah.map((c) => c.config))].filter((c) => c !== BASE);
  const chosenNiah = niahConfig || niahConfigs[0] || '';
  const chosenItems = itemConfig || configs[0] || '';
  const pairs = useMemo(() => pairItems(v.items, chosenItems), [v, chosenItems]);
  const counts = countRegressions(pairs);
  const shownPairs = regressionsOnly ? pairs.filter((p) => p.regression) : pairs;
  const [budgetCap, setBudgetCap] = useState<string>('');
  const [allPaperModels, setAllPaperModels] = useState(false);
  const budgetAll = useMemo(() => {
    const own = budgetPoints(rows, v, source.kind === 'paper' ? source.title : 'This run');
    if (allPaperModels) return [...own, ...papers.filter((p) => `paper/${p.id}` !== source.key).flatMap((p) => budgetPoints(capabilityDrops(p.scores), paperSource(p).view, `Paper · ${p.model}`))];
    return [...own, ...(overlay ? budgetPoints(overlayRows, overlay.view, overlay.title) : [])];
  }, [rows, v, overlay, overlayRows, source, allPaperModels, papers]);
  const budgetCaps = [...new Set(budgetAll.map((p) => p.capability))];
  const chosenBudgetCap = budgetCaps.includes(budgetCap) ? budgetCap : (budgetCaps[0] ?? '');
  const budget = budgetAll.filter((p) => p.capability === chosenBudgetCap);
  const optStats = paper ? paperOptStats(paper) : [];

  return (
    <>
      <Tabs tab={tab} setTab={setTab} />
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
          <summary>
            Generated on{' '}
            {[...new Set(v.engines.map((e) => `${e.engine}, ${e.device}`))].join('; ')}
          </summary>
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
      <div role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`} className="tabpanel">
        <ErrorBoundary key={`${source.key}/${tab}`} what={`The ${TABS.find((t) => t[0] === tab)?.[1] ?? tab} view`}>
        {tab === 'overview' ? (
          rows.length ? (
            <>
              <ChartCard title="Per-capability change vs base" build={() => dropBarsFigure(rows, overlayRows, overlay?.title ?? 'Paper')} deps={[rows, overlayRows, overlay]} testId="drop-chart" note="Bars: score of each configuration minus the base's, in points, over the tasks both were scored on; whiskers: 95% confidence interval where the service reported one. Hatched bars: overlay." />
              <div className="two-col">
                <ChartCard title="Capabilities radar" build={() => radarFigure(capScores)} deps={[capScores]} testId="radar-chart" height={380} />
                <RecommendationPanel recs={recs} paperRecs={overlayRecs} paperTitle={overlay?.title ?? 'Paper'} />
              </div>
              <TableView table={dropTable(rows)} name="Per-capability drops" testId="drop-table" />
              <TableView table={recommendationTable(recs)} name="Recommendation" />
            </>
          ) : (
            <Empty title="No per-capability scores yet" minHeight={360}>
              The drop chart appears once the base model and at least one compressed configuration have score records for the same tasks.
              <div data-testid="drop-chart" data-empty="true" />
            </Empty>
          )
        ) : null}
        {tab === 'tasks' ? (
          v.scores.length ? (
            <>
              <div className="inline no-print" role="radiogroup" aria-label="Heatmap values">
                <label>
                  <input type="radio" name="task-mode" checked={taskMode === 'score'} onChange={() => setTaskMode('score')} /> scores
                </label>
                <label>
                  <input type="radio" name="task-mode" checked={taskMode === 'drop'} onChange={() => setTaskMode('drop')} /> change vs base
                </label>
              </div>
              <ChartCard title={taskMode === 'score' ? 'Per-task scores' : 'Per-task change vs base'} build={() => taskHeatmapFigure(v.scores, taskMode)} deps={[v.scores, taskMode]} testId="task-heatmap" />
              <TableView table={taskTable(v.scores)} name="Per-task scores" testId="task-table" />
            </>
          ) : (
            <Empty title="No task scores yet" minHeight={360} />
          )
        ) : null}
        {tab === 'niah' ? (
          v.niah.length ? (
            <>
              {niahConfigs.length > 1 ? (
                <label className="no-print">
                  Compressed configuration{' '}
                  <select value={chosenNiah} onChange={(e) => setNiahConfig(e.target.value)}>
                    {niahConfigs.map((c) => (
                      <option key={c}>{c}</option>
                    ))}
                  </select>
                </label>
              ) : null}
              <div className="two-col">
                <ChartCard title="NIAH · base" build={() => niahFigure(v.niah, BASE)} deps={[v.niah]} testId="niah-base" />
                {chosenNiah ? <ChartCard title={`NIAH · ${chosenNiah}`} build={() => niahFigure(v.niah, chosenNiah)} deps={[v.niah, chosenNiah]} testId="niah-compressed" /> : null}
              </div>
            </>
          ) : (
            <Empty title="No needle-in-a-haystack results" minHeight={360}>
              {source.kind === 'paper' ? 'The paper reports NIAH only as figures, not tables.' : 'Select the NIAH task in the experiment to see retrieval by context length and depth.'}
            </Empty>
          )
        ) : null}
        {tab === 'stats' ? (
          <>
            {v.topkByK.length ? <ChartCard title="Top-k ranking consistency vs k" build={() => lineFigure(v.topkByK, 'k', 'consistency with base')} deps={[v.topkByK]} testId="topk-k" /> : null}
            {v.topkByPosition.length ? <ChartCard title="Top-k ranking consistency vs position" build={() => lineFigure(v.topkByPosition, 'token position', 'consistency with base')} deps={[v.topkByPosition]} testId="topk-position" /> : null}
            {v.energy.length ? <ChartCard title="Energy distribution" build={() => energyFigure(v.energy)} deps={[v.energy]} testId="energy-hist" /> : null}
            {v.erank.length ? <ChartCard title="Effective rank" build={() => erankFigure(v.erank)} deps={[v.erank]} testId="erank-bars" /> : null}
            {!v.topkByK.length && !v.topkByPosition.length && !v.energy.length && !v.erank.length ? (
              <Empty title="No statistics for this source" minHeight={120}>
                {source.kind === 'paper' ? 'The paper publishes its statistics for OPT models only (Table 2, below).' : 'Turn analysis on in the experiment to compute ERank, top-k consistency and energy.'}
              </Empty>
            ) : null}
            {optStats.length ? (
              <TableView
                name="Paper Table 2: OPT statistics"
                table={{
                  caption: 'As printed in the paper (read-only)',
                  columns: [{ label: 'Metric' }, ...[...new Set(optStats.map((s) => s.model))].map((m) => ({ label: m, align: 'right' as const }))],
                  rows: [...new Set(optStats.map((s) => s.metric))].map((metric) => [metric, ...[...new Set(optStats.map((s) => s.model))].map((m) => optStats.find((s) => s.metric === metric && s.model === m)?.value ?? null)]),
                }}
                digits={3}
              />
            ) : null}
          </>
        ) : null}
        {tab === 'budget' ? (
          budget.length ? (
            <>
            <div className="inline no-print">
              <label>
                Capability{' '}
                <select value={chosenBudgetCap} onChange={(e) => setBudgetCap(e.target.value)} data-testid="budget-capability">
                  {budgetCaps.map((c) => (
                    <option key={c} value={c}>
                      {capabilityName(c)}
                    </option>
                  ))}
                </select>
              </label>
              <label>
                <input type="checkbox" checked={allPaperModels} onChange={(e) => setAllPaperModels(e.target.checked)} data-testid="budget-all-paper" /> every model in the paper (sizes and methods, as in the study’s Figure 7)
              </label>
            </div>
            <ChartCard title="Score vs weight memory" build={() => budgetFigure(budget)} deps={[budgetAll, chosenBudgetCap]} testId="budget-chart" note="Each point: a configuration's mean score on the capability against the memory its weights take (colour: configuration; shape: source; names in the legend and on hover). Paper points use estimated footprints (nominal parameters × bits per weight)." />
            </>
          ) : (
            <Empty title="No memory footprints" minHeight={360}>
              The service records each configuration's memory in its compression records; none are here yet.
            </Empty>
          )
        ) : null}
        {tab === 'items' ? (
          v.items.length ? (
            <section className="card" aria-label="Per-item drill-down">
              <div className="inline no-print">
                <label>
                  Configuration{' '}
                  <select value={chosenItems} onChange={(e) => setItemConfig(e.target.value)} data-testid="items-config">
                    {configs.map((c) => (
                      <option key={c}>{c}</option>
                    ))}
                  </select>
                </label>
                <label>
                  <input type="checkbox" checked={regressionsOnly} onChange={(e) => setRegressionsOnly(e.target.checked)} data-testid="regressions-only" /> Regressions only (base right, compressed wrong)
                </label>
                <span className="muted small">
                  {counts.regressions} regression{counts.regressions === 1 ? '' : 's'}, {counts.improvements} improvement{counts.improvements === 1 ? '' : 's'} of {counts.compared} item{counts.compared === 1 ? '' : 's'} compared
                </span>
              </div>
              <div className="table-scroll tall">
                <table data-testid="items-table">
                  <thead>
                    <tr>
                      <th scope="col">Task</th>
                      <th scope="col">Item</th>
                      <th scope="col">Prompt</th>
                      <th scope="col">Base output</th>
                      <th scope="col">Compressed output</th>
                      <th scope="col">Expected</th>
                      <th scope="col" className="num">Base</th>
                      <th scope="col" className="num">Compressed</th>
                    </tr>
                  </thead>
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
          ) : items?.state === 'loading' ? (
            <Loading what="per-item results" minHeight={360} />
          ) : (
            <Empty title="No per-item results" minHeight={360}>
              {source.kind === 'paper' ? 'The paper publishes aggregate scores only.' : 'Per-item prompts and outputs appear here as the evaluation stage finishes items.'}
            </Empty>
          )
        ) : null}
        </ErrorBoundary>
      </div>
    </>
  );
}

export function ResultsPage({ args }: { args: string[] }) {
  const { experiments, experimentsError, reload } = useStudio();
  const { paper, paperError } = usePaper();
  const [runView, setRunView] = useState<{ runId: string; view: RunView } | null>(null);
  const [itemsState, setItemsState] = useState<{ runId: string | null; state: 'idle' | 'loading' | 'done' }>({ runId: null, state: 'idle' });
  const [loadError, setLoadError] = useState<string | null>(null);
  const [overlayId, setOverlayId] = useState<string>('');
  const papers = useMemo(() => (paper ? paperExperiments(paper) : []), [paper]);
  const isPaper = args[0] === 'paper';
  const runId = !isPaper ? args[0] : undefined;
  const runs = (experiments ?? []).flatMap((e) => e.runs.map((r) => ({ e, r }))).sort((a, b) => (a.r.createdAt < b.r.createdAt ? 1 : -1));
  const selectedRun = runId ?? runs.find((x) => x.r.status === 'done')?.r.id ?? runs[0]?.r.id;
  // before the first run, the paper's experiments (built in) are what there is to look at
  const firstLook = !isPaper && !selectedRun && experiments !== null ? papers[0] : undefined;
  // re-read when the run's status changes (e.g. a running run finishes)
  const selectedStatus = runs.find((x) => x.r.id === selectedRun)?.r.status;

  useEffect(() => {
    if (!selectedRun || isPaper) return;
    let alive = true;
    setLoadError(null);
    // the dashboards read scores, statistics and memory; per-item records load when the drill-down opens
    const load = () =>
      allRunRecords(selectedRun, { kinds: [...DASHBOARD_KINDS] })
        .then(({ records, unreadable }) => {
          if (!alive) return;
          const view = adaptRecords(records);
          // a damaged line is skipped by the service, the records after it kept: say so
          if (unreadable.length) view.warnings = [...view.warnings, `${unreadable.length} unreadable line${unreadable.length === 1 ? '' : 's'} of results.jsonl skipped (line ${unreadable.slice(0, 5).map((u) => u.line).join(', ')}${unreadable.length > 5 ? ', …' : ''})`];
          setRunView({ runId: selectedRun, view });
          setItemsState((prev) => (prev.runId === selectedRun && prev.state === 'done' ? { runId: selectedRun, state: 'idle' } : prev));
        })
        .catch((e: unknown) => alive && setLoadError(describeError(e)));
    void load();
    // a running run's dashboard fills in as items finish
    const timer = selectedStatus === 'running' ? setInterval(() => void load(), 10_000) : null;
    return () => {
      alive = false;
      if (timer) clearInterval(timer);
    };
  }, [selectedRun, isPaper, selectedStatus]);

  const requestItems = useMemo(
    () => () => {
      if (!selectedRun || isPaper) return;
      setItemsState({ runId: selectedRun, state: 'loading' });
      allRunRecords(selectedRun, { kinds: ['item'] })
        .then(({ records }) => {
          const items = adaptRecords(records).items;
          setRunView((prev) => (prev && prev.runId === selectedRun ? { runId: selectedRun, view: { ...prev.view, items } } : prev));
          setItemsState({ runId: selectedRun, state: 'done' });
        })
        .catch((e: unknown) => {
          setItemsState({ runId: selectedRun, state: 'done' });
          setLoadError(describeError(e));
        });
    },
    [selectedRun, isPaper],
  );
  const items = useMemo(() => ({ state: itemsState.runId === selectedRun ? itemsState.state : ('idle' as const), request: requestItems }), [itemsState, selectedRun, requestItems]);

  let source: Source | null = null;
  if (isPaper) {
    const p = papers.find((x) => x.id === args[1]);
    if (p) source = paperSource(p);
  } else if (firstLook) {
    const p = paperSource(firstLook);
    source = { ...p, note: `You have no runs yet, so here are the paper’s published results: choose another model under “Show”, or start a run from New experiment. ${p.note ?? ''}` };
  } else if (runView && runView.runId === selectedRun) {
    const found = runs.find((x) => x.r.id === selectedRun);
    source = { key: selectedRun!, title: found ? `${found.e.name} · ${new Date(found.r.createdAt).toLocaleString()}` : selectedRun!, kind: 'run', view: runView.view };
  }
  const overlayPaper = papers.find((p) => p.id === overlayId);
  const overlay = overlayPaper && source?.key !== `paper/${overlayPaper.id}` ? paperSource(overlayPaper) : null;
  const choose = (value: string) => (value.startsWith('paper/') ? navigate('results', 'paper', value.slice(6)) : navigate('results', value));

  return (
    <div className="page">
      <h1>Results</h1>
      <div className="source-bar no-print">
        <label>
          Show{' '}
          <select value={isPaper ? `paper/${args[1] ?? ''}` : firstLook ? `paper/${firstLook.id}` : (selectedRun ?? '')} onChange={(e) => choose(e.target.value)} data-testid="results-source" aria-label="Results to show">
            {!selectedRun && !isPaper && !firstLook ? <option value="">(no runs yet)</option> : null}
            {runs.length ? (
              <optgroup label="Your runs">
                {runs.map(({ e, r }) => (
                  <option key={r.id} value={r.id}>
                    {e.name} · {r.status} · {new Date(r.createdAt).toLocaleString()}
                  </option>
                ))}
              </optgroup>
            ) : null}
            {papers.length ? (
              <optgroup label="Paper (read-only)">
                {papers.map((p) => (
                  <option key={p.id} value={`paper/${p.id}`}>
                    Paper · {p.model}
                  </option>
                ))}
              </optgroup>
            ) : null}
          </select>
        </label>
        <label>
          Overlay{' '}
          <select value={overlayId} onChange={(e) => setOverlayId(e.target.value)} data-testid="results-overlay" aria-label="Overlay the paper's results">
            <option value="">none</option>
            {papers.map((p) => (
              <option key={p.id} value={p.id}>
                Paper · {p.model}
              </option>
            ))}
          </select>
        </label>
        {paperError ? <span className="error-text small">The paper’s tables could not be loaded: {paperError}</span> : null}
        {selectedRun && !isPaper ? (
          <a href={href('runs', selectedRun)} className="small">
            Run monitor
          </a>
        ) : null}
      </div>
      {source ? (
        <>
          <h2 className="source-title" data-testid="results-title">
            {source.title} {source.kind === 'paper' ? <span className="badge">read-only</span> : null}
          </h2>
          {source.note ? <p className="muted small" data-testid="results-note">{source.note}</p> : null}
          <Dashboard key={source.key} source={source} overlay={overlay} paper={paper} papers={papers} items={source.kind === 'run' ? items : undefined} />
        </>
      ) : experimentsError ? (
        <ErrorBox message={experimentsError} onRetry={() => void reload()} />
      ) : loadError ? (
        <ErrorBox title="The results could not be read" message={loadError} />
      ) : isPaper && paper ? (
        <ErrorBox title="Not found" message={`The paper has no experiment “${args[1]}”.`} />
      ) : !experiments || (isPaper && !paper) || (selectedRun && !runView) ? (
        <Loading what="results" minHeight={400} />
      ) : (
        <Empty title="No runs yet" minHeight={400}>
          Start one from <a href={href('new')}>New experiment</a>, or look at the paper’s published results: choose “Paper · …” above.
        </Empty>
      )}
    </div>
  );
}
