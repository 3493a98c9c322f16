// History: every experiment and run; search, filter, tags, notes, rename, delete; baseline and comparison.
import { useEffect, useMemo, useRef, useState } from 'react';
import type { Experiment, RunSummary } from '../../main/api/contract.js';
import { allRunRecords, api, describeError } from '../api/client.js';
import { Empty, ErrorBox, Loading } from '../components/States.js';
import { TableView } from '../components/TableView.js';
import { downloadText } from '../export/download.js';
import type { Table } from '../export/tables.js';
import { capabilityName, configLabel } from '../experiment/spec.js';
import { adaptRecords, capabilityScores, CAPABILITY_ORDER, loadPaperData, paperExperiments, type PaperExperiment } from '../results/index.js';
import { href } from '../router.js';
import { useStudio } from '../state.js';

export function modelText(e: Experiment): string {
  const m = e.spec.model;
  return m.kind === 'builtin' ? m.id : m.kind === 'local' ? (m.path.split(/[\\/]/).filter(Boolean).pop() ?? m.path) : `${m.model} @ ${m.baseUrl}`;
}
export const methodsText = (e: Experiment): string => (e.spec.compressions.length ? e.spec.compressions.map(configLabel).join(', ') : 'base only');
export const latestRun = (e: Experiment): RunSummary | undefined => [...e.runs].sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1))[0];

/** The run's headline: capability → change vs base as a fraction, shown in points. */
export function headlineText(h: Record<string, number>): string {
  return Object.entries(h)
    .slice(0, 4)
    .map(([k, v]) => `${k} ${v > 0 ? '+' : ''}${(v * 100).toFixed(1)}`)
    .join(' · ');
}

/** Experiments matching a search text (name, model, methods, tags, notes) and a status filter. */
export function filterExperiments(list: readonly Experiment[], query: string, status: string, tag: string): Experiment[] {
  const q = query.trim().toLowerCase();
  return list.filter((e) => {
    if (status && latestRun(e)?.status !== status && !(status === 'never' && !e.runs.length)) return false;
    if (tag && !e.spec.tags.includes(tag)) return false;
    if (!q) return true;
    return [e.name, modelText(e), methodsText(e), e.spec.tags.join(' '), e.spec.notes].join(' ').toLowerCase().includes(q);
  });
}

function EditPanel({ experiment, onDone }: { experiment: Experiment; onDone(): void }) {
  const { reload } = useStudio();
  const [name, setName] = useState(experiment.name);
  const [tags, setTags] = useState(experiment.spec.tags.join(', '));
  const [notes, setNotes] = useState(experiment.spec.notes);
  const [message, setMessage] = useState<string | null>(null);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [busy, setBusy] = useState(false);
  const save = async () => {
    setBusy(true);
    setMessage(null);
    try {
      await api().updateExperiment({
        id: experiment.id,
        name,
        tags: tags
          .split(',')
          .map((t) => t.trim())
          .filter(Boolean),
        notes,
      });
      await reload();
      setMessage('Saved.');
    } catch (e) {
      setMessage(describeError(e));
    } finally {
      setBusy(false);
    }
  };
  const remove = async () => {
    setBusy(true);
    try {
      await api().deleteExperiment({ id: experiment.id });
      await reload();
      onDone();
    } catch (e) {
      setMessage(describeError(e));
      setBusy(false);
    }
  };
  const exportRun = async (runId: string, format: 'jsonl' | 'csv' | 'markdown' | 'latex' | 'bundle') => {
    try {
      const file = await api().exportRun({ runId, format });
      downloadText(file.content, file.fileName, file.mimeType);
    } catch (e) {
      setMessage(describeError(e));
    }
  };
  const run = latestRun(experiment);
  return (
    <div className="edit-panel" data-testid="history-details">
      <div className="grid">
        <div className="field">
          <label htmlFor={`rename-${experiment.id}`}>Name</label>
          <input id={`rename-${experiment.id}`} data-testid="history-rename" value={name} onChange={(e) => setName(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor={`tags-${experiment.id}`}>Tags</label>
          <input id={`tags-${experiment.id}`} data-testid="history-tags" value={tags} onChange={(e) => setTags(e.target.value)} />
        </div>
      </div>
      <div className="field">
        <label htmlFor={`notes-${experiment.id}`}>Notes</label>
        <textarea id={`notes-${experiment.id}`} data-testid="history-notes" rows={3} value={notes} onChange={(e) => setNotes(e.target.value)} />
      </div>
      <div className="actions">
        <button type="button" onClick={() => void save()} disabled={busy} data-testid="history-save">
          Save name, tags and notes
        </button>
        {run ? (
          <span role="group" aria-label="Export the latest run">
            Export run:{' '}
            {(['jsonl', 'csv', 'markdown', 'latex', 'bundle'] as const).map((f) => (
              <button key={f} type="button" onClick={() => void exportRun(run.id, f)} data-testid={`export-run-${f}`}>
                {f}
              </button>
            ))}
          </span>
        ) : null}
        {!confirmDelete ? (
          <button type="button" className="danger" onClick={() => setConfirmDelete(true)} data-testid="history-delete">
            Delete…
          </button>
        ) : (
          <span role="alertdialog" aria-label="Confirm deletion" className="confirm">
            Delete “{experiment.name}” and its {experiment.runs.length} run{experiment.runs.length === 1 ? '' : 's'} with all results? This cannot be undone.{' '}
            <button type="button" className="danger" onClick={() => void remove()} disabled={busy} data-testid="history-delete-confirm" autoFocus>
              Delete
            </button>{' '}
            <button type="button" onClick={() => setConfirmDelete(false)} data-testid="history-delete-cancel">
              Keep
            </button>
          </span>
        )}
      </div>
      {message ? (
        <p role="status" className="small" data-testid="history-message">
          {message}
        </p>
      ) : null}
    </div>
  );
}

interface CompareItem {
  key: string;
  title: string;
  load(): Promise<{ config: string; capability: string; score: number }[]>;
}

type CapabilityScores = { config: string; capability: string; score: number }[];

function Compare({ items, baseline, setBaseline }: { items: CompareItem[]; baseline: string; setBaseline(k: string): void }) {
  // scores per ticked row, fetched once and kept while rows are ticked and unticked; the table shows when every ticked row is in
  const [loaded, setLoaded] = useState<ReadonlyMap<string, CapabilityScores | { error: string }>>(new Map());
  const asked = useRef(new Set<string>());
  useEffect(() => {
    for (const item of items) {
      if (asked.current.has(item.key)) continue;
      asked.current.add(item.key);
      item.load().then(
        (scores) => setLoaded((m) => new Map(m).set(item.key, scores)),
        (e: unknown) => {
          asked.current.delete(item.key); // ticking the row again asks again
          setLoaded((m) => new Map(m).set(item.key, { error: describeError(e) }));
        },
      );
    }
  }, [items]);
  const failed = items.flatMap((i) => {
    const d = loaded.get(i.key);
    return d && 'error' in d ? [`${i.title}: ${d.error}`] : [];
  });
  const pending = items.filter((i) => !loaded.has(i.key)).length;
  const data = new Map(
    items.flatMap((i) => {
      const d = loaded.get(i.key);
      return d && !('error' in d) ? [[i.key, d] as const] : [];
    }),
  );
  if (pending) return <Loading what={`${pending} of the ticked rows`} />;
  if (failed.length && !data.size) return <ErrorBox message={failed.join('; ')} />;
  // rows: (source · configuration); columns: capabilities; values in points, with Δ vs the baseline row.
  const rows = items.flatMap((i) =>
    [...new Set((data.get(i.key) ?? []).map((s) => s.config))].map((config) => ({
      key: `${i.key}\u0000${config}`,
      label: `${i.title} · ${config}`,
      scores: new Map((data.get(i.key) ?? []).filter((s) => s.config === config).map((s) => [s.capability, s.score])),
    })),
  );
  const base = rows.find((r) => r.key === baseline) ?? rows[0];
  const caps = CAPABILITY_ORDER.filter((c) => rows.some((r) => r.scores.has(c)));
  const table: Table = {
    caption: `Capability scores (points); Δ against ${base?.label ?? '—'}`,
    columns: [
      { label: 'Run · configuration' },
      ...caps.flatMap((c) => [
        { label: capabilityName(c), align: 'right' as const },
        { label: 'Δ', align: 'right' as const },
      ]),
    ],
    rows: rows.map((r) => [
      r.label,
      ...caps.flatMap((c) => {
        const v = r.scores.get(c);
        const b = base?.scores.get(c);
        return [v === undefined ? null : v * 100, v === undefined || b === undefined ? null : (v - b) * 100];
      }),
    ]),
  };
  if (!rows.length) return <Empty title="The selected runs have no scores yet" />;
  return (
    <>
      {failed.length ? <ErrorBox title="Some rows could not be read" message={failed.join('; ')} /> : null}
      <label className="no-print">
        Baseline{' '}
        <select value={base?.key ?? ''} onChange={(e) => setBaseline(e.target.value)} data-testid="compare-baseline">
          {rows.map((r) => (
            <option key={r.key} value={r.key}>
              {r.label}
            </option>
          ))}
        </select>
      </label>
      <TableView table={table} name="Side-by-side comparison" testId="compare-table" />
    </>
  );
}

function ImportBundle() {
  const { reload } = useStudio();
  const [message, setMessage] = useState<string | null>(null);
  return (
    <div className="inline no-print">
      <label>
        Import a run bundle{' '}
        <input
          type="file"
          accept=".json,.zip,application/json"
          data-testid="history-import"
          onChange={async (e) => {
            const file = e.target.files?.[0];
            e.target.value = '';
            if (!file) return;
            setMessage(null);
            try {
              const exp = await api().importBundle({ fileName: file.name, content: await file.text() });
              await reload();
              setMessage(`Imported “${exp.name}”.`);
            } catch (err) {
              setMessage(describeError(err));
            }
          }}
        />
      </label>
      {message ? (
        <span role="status" className="small">
          {message}
        </span>
      ) : null}
    </div>
  );
}

export function HistoryPage() {
  const { experiments, experimentsError, reload } = useStudio();
  const [papers, setPapers] = useState<PaperExperiment[]>([]);
  const [query, setQuery] = useState('');
  const [status, setStatus] = useState('');
  const [tag, setTag] = useState('');
  const [showPaper, setShowPaper] = useState(true);
  const [open, setOpen] = useState<string | null>(null);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [baseline, setBaseline] = useState('');
  useEffect(() => {
    loadPaperData().then(
      (d) => setPapers(paperExperiments(d)),
      () => setPapers([]),
    );
  }, []);
  const list = useMemo(() => filterExperiments(experiments ?? [], query, status, tag), [experiments, query, status, tag]);
  const allTags = [...new Set((experiments ?? []).flatMap((e) => e.spec.tags))].sort();
  const paperShown = showPaper && !status ? papers.filter((p) => !query || p.model.toLowerCase().includes(query.toLowerCase()) || 'paper'.includes(query.toLowerCase())) : [];
  const toggle = (key: string) =>
    setSelected((s) => {
      const n = new Set(s);
      if (n.has(key)) n.delete(key);
      else n.add(key);
      return n;
    });
  // one item per ticked row; a re-read experiment list (a run finishing elsewhere, an import) keeps the same items
  const compareSpecs = [...selected].flatMap((key): { key: string; title: string; paper?: PaperExperiment }[] => {
    if (key.startsWith('paper/')) {
      const p = papers.find((x) => `paper/${x.id}` === key);
      return p ? [{ key, title: `Paper · ${p.model}`, paper: p }] : [];
    }
    const e = experiments?.find((x) => x.runs.some((r) => r.id === key));
    return e ? [{ key, title: e.name }] : [];
  });
  const compareKey = compareSpecs.map((c) => `${c.key}\u0000${c.title}`).join('\n');
  const compareItems = useMemo<CompareItem[]>(
    () =>
      compareSpecs.map(({ key, title, paper }) => ({
        key,
        title,
        load: paper ? async () => capabilityScores(paper.scores) : async () => capabilityScores(adaptRecords((await allRunRecords(key, { kinds: ['score'] })).records).scores),
      })),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [compareKey],
  );

  return (
    <div className="page">
      <h1>History</h1>
      <div className="filter-bar no-print" role="search">
        <label>
          Search <input type="search" value={query} onChange={(e) => setQuery(e.target.value)} data-testid="history-search" placeholder="name, model, method, tag, note" />
        </label>
        <label>
          Status{' '}
          <select value={status} onChange={(e) => setStatus(e.target.value)} data-testid="history-status">
            <option value="">any</option>
            {['done', 'running', 'queued', 'failed', 'cancelled', 'interrupted', 'never'].map((s) => (
              <option key={s} value={s}>
                {s === 'never' ? 'never run' : s}
              </option>
            ))}
          </select>
        </label>
        <label>
          Tag{' '}
          <select value={tag} onChange={(e) => setTag(e.target.value)} data-testid="history-tag">
            <option value="">any</option>
            {allTags.map((t) => (
              <option key={t}>{t}</option>
            ))}
          </select>
        </label>
        <label>
          <input type="checkbox" checked={showPaper} onChange={(e) => setShowPaper(e.target.checked)} /> show the paper’s experiments
        </label>
      </div>
      <ImportBundle />
      {experimentsError ? <ErrorBox message={experimentsError} onRetry={() => void reload()} /> : null}
      {!experiments && !experimentsError ? <Loading what="history" minHeight={300} /> : null}
      {experiments && !list.length && !paperShown.length ? (
        <Empty title={experiments.length ? 'Nothing matches the filters' : 'No experiments yet'} minHeight={200}>
          {experiments.length ? 'Clear the search or filters.' : <a href={href('new')}>Create the first one.</a>}
        </Empty>
      ) : null}
      {experiments && (list.length || paperShown.length) ? (
        <table className="history-table">
          <thead>
            <tr>
              <th scope="col">
                <span className="sr-only">Compare</span>
              </th>
              <th scope="col">Name</th>
              <th scope="col">Status</th>
              <th scope="col">Date</th>
              <th scope="col">Model</th>
              <th scope="col">Methods</th>
              <th scope="col">Headline</th>
              <th scope="col">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {list.map((e) => {
              const run = latestRun(e);
              return [
                <tr key={e.id} data-testid="history-row" data-experiment-id={e.id}>
                  <td>{run ? <input type="checkbox" aria-label={`Compare ${e.name}`} checked={selected.has(run.id)} onChange={() => toggle(run.id)} data-testid="history-compare" /> : null}</td>
                  <td>
                    <strong>{e.name}</strong>
                    {e.spec.tags.map((t) => (
                      <span key={t} className="tag">
                        {t}
                      </span>
                    ))}
                  </td>
                  <td>
                    <span className={`badge status-${run?.status ?? 'never'}`}>{run?.status ?? 'not run'}</span>
                  </td>
                  <td>{new Date(e.createdAt).toLocaleString()}</td>
                  <td>{modelText(e)}</td>
                  <td className="methods">{methodsText(e)}</td>
                  <td className="small">{run ? headlineText(run.headline) || '—' : '—'}</td>
                  <td className="row-actions">
                    {run ? <a href={href('results', run.id)}>Results</a> : null} {run ? <a href={href('runs', run.id)}>Monitor</a> : null}{' '}
                    <button type="button" className="link-button" aria-expanded={open === e.id} onClick={() => setOpen(open === e.id ? null : e.id)} data-testid="history-edit">
                      {open === e.id ? 'Close' : 'Edit…'}
                    </button>
                  </td>
                </tr>,
                open === e.id ? (
                  <tr key={`${e.id}-edit`}>
                    <td colSpan={8}>
                      <EditPanel experiment={e} onDone={() => setOpen(null)} />
                    </td>
                  </tr>
                ) : null,
              ];
            })}
            {paperShown.map((p) => (
              <tr key={p.id} data-testid="history-row" data-paper="true" className="paper-row">
                <td>
                  <input
                    type="checkbox"
                    aria-label={`Compare paper results for ${p.model}`}
                    checked={selected.has(`paper/${p.id}`)}
                    onChange={() => toggle(`paper/${p.id}`)}
                    data-testid="history-compare"
                  />
                </td>
                <td>
                  <strong>Paper · {p.model}</strong> <span className="badge">read-only</span>
                </td>
                <td>published</td>
                <td>ICML 2025</td>
                <td>{p.model}</td>
                <td className="methods">{[...new Set(p.scores.map((s) => s.config))].join(', ')}</td>
                <td className="small">{p.tables.join(', ')}</td>
                <td className="row-actions">
                  <a href={href('results', 'paper', p.id)}>Results</a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <section className="card" aria-label="Compare">
        <h2>Compare side by side</h2>
        {compareItems.length ? (
          <Compare items={compareItems} baseline={baseline} setBaseline={setBaseline} />
        ) : (
          <p className="muted">Tick two or more rows above to compare their per-capability scores; pick any row as the baseline.</p>
        )}
      </section>
    </div>
  );
}
