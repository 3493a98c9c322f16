// Settings: what the service reports about itself (version, tensor backend and why, hardware, data folder).
import { useCallback, useEffect, useState } from 'react';
import type { AppInfo, EngineSettings, EngineStatus } from '../../main/api/contract.js';
import { api, describeError } from '../api/client.js';
import { ErrorBox, Loading } from '../components/States.js';
import { formatBytes } from '../results/memory.js';

const ENGINE_LABELS: Record<EngineSettings['engine'], string> = {
  auto: 'Automatic: llama.cpp where it computes the model exactly, else the reference decoder',
  llamacpp: 'llama.cpp always (a model it cannot represent is refused)',
  tfjs: 'The reference decoder (TensorFlow.js) always',
};
const GPU_LABELS: Record<EngineSettings['gpu'], string> = {
  auto: 'Automatic (CUDA, Vulkan or Metal when a build loads and finds a device)',
  cuda: 'CUDA',
  vulkan: 'Vulkan',
  metal: 'Metal',
  off: 'Off: CPU only',
};

/** Which engine generates for local models and on what device; the environment may override (ACBENCH_GENERATION, ACBENCH_GPU). */
function EngineCard() {
  const [status, setStatus] = useState<EngineStatus | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  useEffect(() => {
    api()
      .engineStatus({})
      .then(setStatus, (e: unknown) => setError(describeError(e)));
  }, []);
  const save = (next: EngineSettings) => {
    setSaving(true);
    api()
      .updateEngineSettings(next)
      .then(setStatus, (e: unknown) => setError(describeError(e)))
      .finally(() => setSaving(false));
  };
  return (
    <section className="card" data-testid="engine-settings">
      <h2>Generation engine</h2>
      {error ? <ErrorBox title="Could not read the engine settings" message={error} /> : null}
      {!status && !error ? <Loading what="the generation engines" minHeight={120} /> : null}
      {status ? (
        <>
          <dl className="info">
            <dt>
              <label htmlFor="engine-choice">Engine</label>
            </dt>
            <dd>
              <select id="engine-choice" value={status.settings.engine} disabled={saving} onChange={(e) => save({ ...status.settings, engine: e.target.value as EngineSettings['engine'] })}>
                {(Object.keys(ENGINE_LABELS) as EngineSettings['engine'][]).map((k) => (
                  <option key={k} value={k}>
                    {ENGINE_LABELS[k]}
                  </option>
                ))}
              </select>
            </dd>
            <dt>
              <label htmlFor="gpu-choice">GPU</label>
            </dt>
            <dd>
              <select id="gpu-choice" value={status.settings.gpu} disabled={saving} onChange={(e) => save({ ...status.settings, gpu: e.target.value as EngineSettings['gpu'] })}>
                {(Object.keys(GPU_LABELS) as EngineSettings['gpu'][]).map((k) => (
                  <option key={k} value={k}>
                    {GPU_LABELS[k]}
                  </option>
                ))}
              </select>
            </dd>
            <dt>
              <label htmlFor="similarity-default">Sentence-similarity model</label>
            </dt>
            <dd>
              <input
                id="similarity-default"
                type="text"
                size={60}
                placeholder="none: lexical similarity (labelled in results)"
                defaultValue={status.settings.similarityModel ?? ''}
                disabled={saving}
                onBlur={(e) => {
                  const v = e.target.value.trim();
                  if (v !== (status.settings.similarityModel ?? '')) save({ ...status.settings, similarityModel: v || undefined });
                }}
              />
              <br />
              <small>A sentence-transformers folder (all-mpnet-base-v2, as T-Eval and WorfBench use) that new experiments start with.</small>
            </dd>
          </dl>
          {status.overriddenBy.length ? (
            <p className="notice" data-testid="engine-override">
              Overridden by the environment: {status.overriddenBy.join(', ')} — runs use engine <strong>{status.effective.engine}</strong>, GPU <strong>{status.effective.gpu}</strong>.
            </p>
          ) : null}
          <dl className="info">
            <dt>llama.cpp</dt>
            <dd data-testid="llamacpp-status">
              {status.llamaCpp.available ? (
                <>
                  <strong>{status.llamaCpp.version}</strong>: {status.llamaCpp.detail}
                  {status.llamaCpp.devices.length ? ` (${status.llamaCpp.devices.join(', ')})` : ''}
                </>
              ) : (
                <>not available: {status.llamaCpp.detail}</>
              )}
            </dd>
            <dt>Stays on the reference decoder</dt>
            <dd>
              SmoothQuant W8A8 (8-bit activations), simulated KV-cache quantization and dynamic NTK rope: llama.cpp has no exact equivalent, so these models generate on our engine, and every result
              says which engine and device produced it.
            </dd>
          </dl>
        </>
      ) : null}
    </section>
  );
}

export function SettingsPage() {
  const [info, setInfo] = useState<AppInfo | null>(null);
  const [error, setError] = useState<string | null>(null);
  const fetchInfo = useCallback(
    () =>
      api()
        .info({})
        .then(setInfo, (e: unknown) => setError(describeError(e))),
    [],
  );
  useEffect(() => void fetchInfo(), [fetchInfo]);
  const load = () => {
    setError(null);
    void fetchInfo();
  };
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
          <EngineCard />
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
