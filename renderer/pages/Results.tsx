// Results dashboards for one run (or one of the paper's reference experiments), with the paper overlay: this page picks
// the source and loads its records; the dashboard and each of its tabs are in pages/results/.
import { useCallback, useEffect, useMemo, useState } from 'react';
import { allRunRecords, describeError } from '../api/client.js';
import { DASHBOARD_KINDS } from '../../main/api/contract.js';
import { Empty, ErrorBox, Loading } from '../components/States.js';
import { adaptRecords, loadPaperData, paperExperiments, type PaperData, type RunView } from '../results/index.js';
import { href, navigate } from '../router.js';
import { useStudio } from '../state.js';
import { Dashboard } from './results/Dashboard.js';
import { paperSource, type Source } from './results/source.js';

function usePaper(): { paper: PaperData | null; paperError: string | null } {
  const [paper, setPaper] = useState<PaperData | null>(null);
  const [paperError, setError] = useState<string | null>(null);
  useEffect(() => {
    loadPaperData().then(setPaper, (e: unknown) => setError(describeError(e)));
  }, []);
  return { paper, paperError };
}

export function ResultsPage({ args }: { args: string[] }) {
  const { experiments, experimentsError, reload } = useStudio();
  const { paper, paperError } = usePaper();
  const [runView, setRunView] = useState<{ runId: string; view: RunView } | null>(null);
  const [itemsState, setItemsState] = useState<{ runId: string | null; state: 'idle' | 'loading' | 'done' }>({ runId: null, state: 'idle' });
  // an error belongs to the (run, status) it was read under: choosing another run, or the run finishing, clears it
  const [loadError, setLoadError] = useState<{ epoch: string; message: string } | null>(null);
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
  const epoch = `${selectedRun}\u0000${selectedStatus}`;
  const shownLoadError = loadError?.epoch === epoch ? loadError.message : null;

  useEffect(() => {
    if (!selectedRun || isPaper) return;
    let alive = true;
    // the dashboards read scores, statistics and memory; per-item records load when the drill-down opens
    const load = () =>
      allRunRecords(selectedRun, { kinds: [...DASHBOARD_KINDS] })
        .then(({ records, unreadable }) => {
          if (!alive) return;
          const view = adaptRecords(records);
          // a damaged line is skipped by the service, the records after it kept: say so
          if (unreadable.length)
            view.warnings = [
              ...view.warnings,
              `${unreadable.length} unreadable line${unreadable.length === 1 ? '' : 's'} of results.jsonl skipped (line ${unreadable
                .slice(0, 5)
                .map((u) => u.line)
                .join(', ')}${unreadable.length > 5 ? ', …' : ''})`,
            ];
          setRunView({ runId: selectedRun, view });
          setItemsState((prev) => (prev.runId === selectedRun && prev.state === 'done' ? { runId: selectedRun, state: 'idle' } : prev));
        })
        .catch((e: unknown) => alive && setLoadError({ epoch, message: describeError(e) }));
    void load();
    // a running run's dashboard fills in as items finish
    const timer = selectedStatus === 'running' ? setInterval(() => void load(), 10_000) : null;
    return () => {
      alive = false;
      if (timer) clearInterval(timer);
    };
  }, [selectedRun, isPaper, selectedStatus, epoch]);

  const requestItems = useCallback(() => {
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
        setLoadError({ epoch, message: describeError(e) });
      });
  }, [selectedRun, isPaper, epoch]);
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
          <select
            value={isPaper ? `paper/${args[1] ?? ''}` : firstLook ? `paper/${firstLook.id}` : (selectedRun ?? '')}
            onChange={(e) => choose(e.target.value)}
            data-testid="results-source"
            aria-label="Results to show"
          >
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
          {source.note ? (
            <p className="muted small" data-testid="results-note">
              {source.note}
            </p>
          ) : null}
          <Dashboard key={source.key} source={source} overlay={overlay} paper={paper} papers={papers} items={source.kind === 'run' ? items : undefined} />
        </>
      ) : experimentsError ? (
        <ErrorBox message={experimentsError} onRetry={() => void reload()} />
      ) : shownLoadError ? (
        <ErrorBox title="The results could not be read" message={shownLoadError} />
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
