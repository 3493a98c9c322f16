// Settings: what the service reports about itself (version, tensor backend and why, hardware, data folder).
import { useCallback, useEffect, useState } from 'react';
import type { AppInfo } from '../../main/api/contract.js';
import { api, describeError } from '../api/client.js';
import { ErrorBox, Loading } from '../components/States.js';
import { formatBytes } from '../results/memory.js';

export function SettingsPage() {
  const [info, setInfo] = useState<AppInfo | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(() => {
    setError(null);
    api()
      .info({})
      .then(setInfo, (e: unknown) => setError(describeError(e)));
  }, []);
  useEffect(load, [load]);
  return (
    <div className="page">
      <h1>Settings</h1>
      {error ? <ErrorBox title="The service did not answer" message={error} onRetry={load} /> : null}
      {!info && !error ? <Loading what="application information" minHeight={300} /> : null}
      {info ? (
        <>
          {info.historyNotice ? (
            <div className="notice" role="alert" data-testid="history-notice">
              {info.historyNotice}
            </div>
          ) : null}
          <section className="card">
            <h2>Application</h2>
            <dl className="info" data-testid="app-info">
              <dt>Version</dt>
              <dd data-testid="info-version">
                {info.app} {info.version}
              </dd>
              <dt>Running as</dt>
              <dd>{info.shell === 'web' ? 'web shell (browser)' : info.shell === 'electron' ? 'desktop app (Electron)' : 'command line'}</dd>
              <dt>Node</dt>
              <dd>{info.node}</dd>
              <dt>Electron</dt>
              <dd>{info.electron ?? 'not in use'}</dd>
              <dt>Data folder</dt>
              <dd>
                <code data-testid="info-data-dir">{info.dataDir}</code>
              </dd>
            </dl>
          </section>
          <section className="card">
            <h2>Tensor backend</h2>
            <dl className="info">
              <dt>In use</dt>
              <dd data-testid="info-backend">
                <strong>{info.backend.name}</strong> ({info.backend.threads} thread{info.backend.threads === 1 ? '' : 's'})
              </dd>
              <dt>Why</dt>
              <dd>{info.backend.reason}</dd>
              <dt>Skipped</dt>
              <dd>
                {info.backend.skipped.length ? (
                  <ul>
                    {info.backend.skipped.map((s) => (
                      <li key={s.name}>
                        <strong>{s.name}</strong>: {s.why}
                      </li>
                    ))}
                  </ul>
                ) : (
                  'none'
                )}
              </dd>
            </dl>
          </section>
          <section className="card">
            <h2>Hardware</h2>
            <dl className="info">
              <dt>CPU</dt>
              <dd>
                {info.cpu.model} ({info.cpu.cores} cores)
              </dd>
              <dt>GPU</dt>
              <dd>{info.gpu ?? 'none detected'}</dd>
              <dt>Memory</dt>
              <dd>{formatBytes(info.memoryBytes)}</dd>
            </dl>
          </section>
        </>
      ) : null}
    </div>
  );
}
