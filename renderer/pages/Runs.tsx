// Run monitor: stages with progress, items/s, ETA, log tail, cancel and resume.
import { useEffect, useLayoutEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { StageName, type Experiment, type RunProgress, type RunSummary } from '../../main/api/contract.js';
import { allRunRecords, api, describeError } from '../api/client.js';
import { ProgressBar } from '../components/ProgressBar.js';
import { Empty, ErrorBox, Loading } from '../components/States.js';
import { href, navigate } from '../router.js';
import { useStudio } from '../state.js';

const STAGE_LABEL: Record<string, string> = { load: 'Load model', calibrate: 'Calibrate', compress: 'Compress', evaluate: 'Evaluate', analyse: 'Analyse' };

export function formatEta(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '—';
  if (seconds < 60) return `${Math.round(seconds)} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
  return `${Math.floor(seconds / 3600)} h ${Math.round((seconds % 3600) / 60)} min`;
}

export function findRun(experiments: readonly Experiment[], runId: string): { experiment: Experiment; run: RunSummary } | null {
  for (const experiment of experiments) for (const run of experiment.runs) if (run.id === runId) return { experiment, run };
  return null;
}

const ACTIVE = new Set(['queued', 'running']);
const RESUMABLE = new Set(['interrupted', 'cancelled', 'failed']);

/** The run's time left when its last stage is running; before that, the current stage's own (items of different stages take different times). */
function timeLeft(event: RunProgress | undefined): ReactNode {
  if (!event) return '—';
  if (event.etaS !== null) return formatEta(event.etaS);
  if (event.stageEtaS === null || !event.stage) return 'measuring…';
  return (
    <>
      {formatEta(event.stageEtaS)} in {STAGE_LABEL[event.stage].toLowerCase()}
      <small className="muted"> (the whole run once its last stage starts)</small>
    </>
  );
}

/** A log box that follows its newest line, unless the reader has scrolled up to read an older one. */
function LogTail({ lines }: { lines: string[] }) {
  const ref = useRef<HTMLPreElement>(null);
  const follow = useRef(true);
  useLayoutEffect(() => {
    const el = ref.current;
    if (el && follow.current) el.scrollTop = el.scrollHeight;
  }, [lines]);
  return (
    <pre
      ref={ref}
      className="log"
      data-testid="log-tail"
      aria-live="polite"
      tabIndex={0}
      onScroll={(e) => {
        const el = e.currentTarget;
        follow.current = el.scrollTop + el.clientHeight >= el.scrollHeight - 8; // at the bottom (within a line): keep following
      }}
    >
      {lines.join('\n')}
    </pre>
  );
}

function RunMonitor({ runId }: { runId: string }) {
  const { experiments, experimentsError, progress, logTail, reload } = useStudio();
  const [stagesDone, setStagesDone] = useState<Map<string, { wallS: number; items: number }>>(new Map());
  const [recordLog, setRecordLog] = useState<string[]>([]);
  const [actionError, setActionError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const found = experiments ? findRun(experiments, runId) : null;
  const event: RunProgress | undefined = progress.get(runId);
  const status = event?.status ?? found?.run.status;

  useEffect(() => {
    let alive = true;
    allRunRecords(runId, { kinds: ['stage', 'log'] })
      .then(({ records }) => {
        if (!alive) return;
        const done = new Map<string, { wallS: number; items: number }>();
        const logs: string[] = [];
        for (const r of records) {
          if (r.kind === 'stage' && typeof r.data.stage === 'string') done.set(r.data.stage, { wallS: Number(r.data.wallS) || 0, items: Number(r.data.items) || 0 });
          if (r.kind === 'log') logs.push(`${r.at.slice(11, 19)} ${typeof r.data.message === 'string' ? r.data.message : JSON.stringify(r.data)}`);
        }
        setStagesDone(done);
        setRecordLog(logs.slice(-100));
      })
      .catch(() => {
        /* the monitor works from events alone when results are not readable yet */
      });
    return () => {
      alive = false;
    };
  }, [runId, status]);

  const tail = useMemo(() => [...recordLog, ...(logTail.get(runId) ?? [])].slice(-100), [recordLog, logTail, runId]);

  if (!experiments && !experimentsError) return <Loading what="the run" />;
  if (experimentsError) return <ErrorBox message={experimentsError} onRetry={() => void reload()} />;
  if (!found) return <ErrorBox title="Run not found" message={`No run with id ${runId} is in the history. It may have been deleted.`} />;

  const { experiment, run } = found;
  const current = event?.stage ?? null;
  const currentIndex = current ? StageName.options.indexOf(current) : -1;
  const done = event?.done ?? run.itemsDone;
  const total = event?.total ?? run.itemsTotal;

  const act = async (what: 'cancel' | 'resume') => {
    setBusy(true);
    setActionError(null);
    try {
      if (what === 'cancel') await api().cancelRun({ runId });
      else await api().startRun({ experimentId: experiment.id, resumeRunId: runId });
      await reload();
    } catch (e) {
      setActionError(describeError(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="page">
      <h1>
        Run of “{experiment.name}”{' '}
        <span className={`badge status-${status}`} data-testid="run-status">
          {status}
        </span>
      </h1>
      <p className="muted small">
        {run.id} · created {new Date(run.createdAt).toLocaleString()} · spec {run.specHash.slice(0, 12)}
      </p>
      <section className="card">
        <h2>Overall</h2>
        <ProgressBar label="Overall progress" done={status === 'done' ? Math.max(done, total) : done} total={total} testId="run-progress" />
        <dl className="stats">
          <div>
            <dt>Items/s</dt>
            <dd data-testid="items-per-s">{event && status === 'running' ? event.itemsPerS.toFixed(2) : '—'}</dd>
          </div>
          <div>
            <dt>Time left</dt>
            <dd data-testid="eta">{status === 'running' ? timeLeft(event) : status === 'done' ? 'finished' : '—'}</dd>
          </div>
          <div>
            <dt>Now</dt>
            <dd data-testid="run-message">{event?.message ?? (run.error ? `failed: ${run.error}` : status)}</dd>
          </div>
        </dl>
        <div className="actions">
          {status && ACTIVE.has(status) ? (
            <button type="button" onClick={() => void act('cancel')} disabled={busy} data-testid="cancel-run">
              Cancel run
            </button>
          ) : null}
          {status && RESUMABLE.has(status) ? (
            <button type="button" className="primary" onClick={() => void act('resume')} disabled={busy} data-testid="resume-run">
              Resume run
            </button>
          ) : null}
          {status === 'done' ? (
            <a className="button primary" href={href('results', runId)} data-testid="open-results">
              Open results
            </a>
          ) : null}
        </div>
        {run.error && status === 'failed' ? <ErrorBox title="The run failed" message={run.error} /> : null}
        {actionError ? <ErrorBox message={actionError} /> : null}
      </section>
      <section className="card">
        <h2>Stages</h2>
        <ol className="stage-list">
          {StageName.options.map((stage, i) => {
            const finished = stagesDone.get(stage);
            const state = finished || status === 'done' || (currentIndex >= 0 && i < currentIndex) ? 'done' : i === currentIndex ? 'running' : 'pending';
            return (
              <li key={stage} className={`stage stage-${state}`} data-testid={`stage-${stage}`} data-state={state}>
                <span className="stage-name">{STAGE_LABEL[stage]}</span>
                {state === 'running' && event ? (
                  <ProgressBar label={`${STAGE_LABEL[stage]} progress`} done={event.stageDone} total={event.stageTotal} />
                ) : (
                  <ProgressBar label={`${STAGE_LABEL[stage]} progress`} done={state === 'done' ? 1 : 0} total={1} text={state === 'done' ? '100% · done' : '0% · waiting'} />
                )}
                <span className="stage-note small muted">
                  {finished
                    ? `${finished.items} item${finished.items === 1 ? '' : 's'} in ${finished.wallS.toFixed(1)} s`
                    : state === 'running' && event
                      ? `${event.itemsPerS.toFixed(2)} items/s`
                      : state}
                </span>
              </li>
            );
          })}
        </ol>
      </section>
      <section className="card">
        <h2>Log</h2>
        {tail.length ? <LogTail lines={tail} /> : <Empty title="No messages yet" minHeight={60} />}
      </section>
    </div>
  );
}

export function RunsPage({ args }: { args: string[] }) {
  const { experiments, experimentsError, reload, progress, connection } = useStudio();
  if (args[0]) return <RunMonitor runId={args[0]} />;
  const runs = (experiments ?? []).flatMap((e) => e.runs.map((r) => ({ e, r }))).sort((a, b) => (a.r.createdAt < b.r.createdAt ? 1 : -1));
  return (
    <div className="page">
      <h1>Runs</h1>
      <p className="muted small">Live updates: {connection === 'open' ? 'connected' : connection === 'connecting' ? 'connecting…' : 'disconnected, retrying'}</p>
      {experimentsError ? <ErrorBox message={experimentsError} onRetry={() => void reload()} /> : null}
      {!experiments && !experimentsError ? <Loading what="runs" /> : null}
      {experiments && runs.length === 0 ? (
        <Empty title="No runs yet">
          <a href={href('new')}>Create an experiment</a> to start one.
        </Empty>
      ) : null}
      {runs.length ? (
        <table className="runs-table">
          <thead>
            <tr>
              <th scope="col">Experiment</th>
              <th scope="col">Status</th>
              <th scope="col">Progress</th>
              <th scope="col">Created</th>
            </tr>
          </thead>
          <tbody>
            {runs.map(({ e, r }) => {
              const p = progress.get(r.id);
              return (
                <tr key={r.id} data-testid="run-row">
                  <td>
                    <a href={href('runs', r.id)}>{e.name}</a>
                  </td>
                  <td>
                    <span className={`badge status-${p?.status ?? r.status}`}>{p?.status ?? r.status}</span>
                  </td>
                  <td>
                    <ProgressBar label={`Progress of ${e.name}`} done={p?.done ?? r.itemsDone} total={p?.total ?? r.itemsTotal} />
                  </td>
                  <td>{new Date(r.createdAt).toLocaleString()}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      ) : null}
      <p className="no-print">
        <button type="button" onClick={() => navigate('new')}>
          New experiment
        </button>
      </p>
    </div>
  );
}
