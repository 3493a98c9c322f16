// New experiment: model source, compression configurations, calibration, benchmarks, analysis.
// Every rule runs as the form changes: the contract's ExperimentSpec schema, then the service's preflight problems, each at its field.
import { useEffect, useMemo, useState, type ReactNode } from 'react';
import { CompressionMethod, type CompressionConfig, type ExperimentSpec } from '../../main/spec/index.js';
import { api, describeError, NotAvailableYetError } from '../api/client.js';
import {
  CAPABILITIES,
  configLabel,
  defaultConfig,
  demoStudyForm,
  methodName,
  PRUNE_METHODS,
  QUANT_METHODS,
  selectedTasks,
  TASKS,
  validateForm,
  type FieldErrors,
  type FormState,
  type TaskInfo,
} from '../experiment/spec.js';
import { navigate } from '../router.js';
import { useStudio } from '../state.js';

const DRAFT_KEY = 'acbench.newExperimentDraft';

function loadDraft(): FormState {
  try {
    const text = localStorage.getItem(DRAFT_KEY);
    if (text) return JSON.parse(text) as FormState;
  } catch {
    /* a broken draft falls back to the preset */
  }
  return demoStudyForm();
}

const METHOD_HELP: Record<string, string> = {
  none: 'no compression (the base model is always evaluated as the reference)',
  rtn: 'round-to-nearest weight quantization: the simplest baseline',
  gptq: 'GPTQ: quantizes column by column, correcting the error with the inverse Hessian from calibration data',
  awq: 'AWQ: scales salient weight channels (found from activations) before quantizing',
  smoothquant: 'SmoothQuant: moves activation outliers into the weights (α), then W8A8',
  fp8: 'FP8 (E4M3) weights, per tensor or per output channel',
  magnitude: 'magnitude pruning: removes the smallest weights',
  wanda: 'Wanda: prunes by |weight| × input activation norm',
  sparsegpt: 'SparseGPT: prunes and reconstructs the remaining weights with second-order information',
};

/** The service's preflight of a spec, its problems keyed by field path; a service without the call leaves the form's own rules. */
async function checkHere(spec: ExperimentSpec): Promise<{ spec: ExperimentSpec; text: string; fits: boolean; problems: FieldErrors }> {
  try {
    const p = await api().preflight({ spec });
    const problems: FieldErrors = {};
    for (const x of p.problems ?? []) problems[x.path] ??= x.message;
    return {
      spec,
      fits: p.fits,
      problems,
      text: `${p.fits ? 'Fits' : 'Does not fit'}: about ${(p.memoryBytes / 2 ** 30).toFixed(2)} GiB and ${Math.round(p.seconds / 60)} min on ${p.backend}. ${p.reason}`,
    };
  } catch (e) {
    return { spec, fits: true, problems: {}, text: e instanceof NotAvailableYetError ? 'Estimated memory and time arrive with the service’s preflight call (not available yet).' : describeError(e) };
  }
}

function Field({ id, label, help, error, children }: { id: string; label: string; help?: string; error?: string; children: ReactNode }) {
  return (
    <div className={`field${error ? ' has-error' : ''}`}>
      <label htmlFor={id}>{label}</label>
      {children}
      {help ? (
        <small id={`${id}-help`} className="help">
          {help}
        </small>
      ) : null}
      <small id={`${id}-error`} className="field-error" role={error ? 'alert' : undefined}>
        {error ?? ''}
      </small>
    </div>
  );
}

function NumberInput({
  id,
  value,
  onChange,
  min,
  max,
  step,
  error,
  described,
}: {
  id: string;
  value: number | undefined;
  onChange(v: number): void;
  min?: number;
  max?: number;
  step?: number;
  error?: string;
  described?: boolean;
}) {
  return (
    <input
      id={id}
      name={id}
      data-testid={id}
      type="number"
      value={value === undefined || Number.isNaN(value) ? '' : value}
      min={min}
      max={max}
      step={step ?? 1}
      aria-invalid={error ? true : undefined}
      aria-describedby={[described ? `${id}-help` : '', `${id}-error`].filter(Boolean).join(' ')}
      onChange={(e) => onChange(e.target.value === '' ? Number.NaN : Number(e.target.value))}
    />
  );
}

function ConfigRow({
  index,
  config,
  model,
  errors,
  onChange,
  onRemove,
}: {
  index: number;
  config: CompressionConfig;
  model: FormState['model'];
  errors: FieldErrors;
  onChange(c: CompressionConfig): void;
  onRemove(): void;
}) {
  const e = (k: string) => errors[`compressions.${index}.${k}`];
  const p = `config-${index}`;
  const set = (patch: Partial<CompressionConfig>) => onChange({ ...config, ...patch, label: undefined });
  const quant = QUANT_METHODS.has(config.method);
  const prune = PRUNE_METHODS.has(config.method);
  // the fields this row shows for its method; a rule broken by any other (a setting kept from a draft) is listed under the row
  const shown = new Set([
    'method',
    'kvBits',
    'label',
    ...(quant || config.method === 'smoothquant' ? ['bits'] : []),
    ...(quant ? ['groupSize', 'sym', 'actOrder'] : []),
    ...(config.method === 'smoothquant' ? ['alpha'] : []),
    ...(config.method === 'fp8' ? ['fp8Granularity'] : []),
    ...(prune ? ['pattern', 'sparsity'] : []),
  ]);
  const hidden = Object.entries(errors).filter(([k]) => k.startsWith(`compressions.${index}.`) && !shown.has(k.slice(`compressions.${index}.`.length)));
  return (
    <fieldset className="config-row" data-testid="config-row">
      <legend>
        Configuration {index + 1}: <strong>{configLabel(config)}</strong>
      </legend>
      <div className="grid">
        <Field id={`${p}-method`} label="Method" help={METHOD_HELP[config.method]} error={e('method')}>
          <select id={`${p}-method`} data-testid={`${p}-method`} value={config.method} onChange={(ev) => onChange(defaultConfig(ev.target.value as CompressionConfig['method'], model))}>
            {CompressionMethod.options.map((m) => (
              <option key={m} value={m}>
                {methodName(m)}
              </option>
            ))}
          </select>
        </Field>
        {quant || config.method === 'smoothquant' ? (
          <Field id={`${p}-bits`} label="Weight bits" help="2–8; the study uses 4 (W4) and 8 (W8)" error={e('bits')}>
            <NumberInput id={`${p}-bits`} value={config.bits} min={2} max={8} onChange={(v) => set({ bits: v })} error={e('bits')} described />
          </Field>
        ) : null}
        {quant ? (
          <>
            <Field id={`${p}-group`} label="Group size" help="weights sharing one scale; -1 = per output channel" error={e('groupSize')}>
              <NumberInput id={`${p}-group`} value={config.groupSize} min={-1} max={8192} onChange={(v) => set({ groupSize: v })} error={e('groupSize')} described />
            </Field>
            <div className={`field checks${e('sym') || e('actOrder') ? ' has-error' : ''}`}>
              <label title={config.method === 'awq' ? 'AWQ quantizes with a zero point (asymmetric)' : undefined}>
                {/* AWQ is zero-point only: the box is offered only to clear a symmetric setting kept from elsewhere (a draft) */}
                <input
                  type="checkbox"
                  id={`${p}-sym`}
                  data-testid={`${p}-sym`}
                  checked={config.sym ?? false}
                  disabled={config.method === 'awq' && !config.sym}
                  aria-invalid={e('sym') ? true : undefined}
                  aria-describedby={`${p}-sym-error`}
                  onChange={(ev) => set({ sym: ev.target.checked })}
                />{' '}
                symmetric
                {config.method === 'awq' ? <small className="help"> (AWQ: zero-point only)</small> : null}
              </label>
              {config.method === 'gptq' ? (
                <label>
                  <input type="checkbox" data-testid={`${p}-actorder`} checked={config.actOrder ?? false} onChange={(ev) => set({ actOrder: ev.target.checked })} /> act-order (largest Hessian diagonal
                  first)
                </label>
              ) : null}
              <small id={`${p}-sym-error`} className="field-error" role={e('sym') || e('actOrder') ? 'alert' : undefined}>
                {e('sym') ?? e('actOrder') ?? ''}
              </small>
            </div>
          </>
        ) : null}
        {config.method === 'smoothquant' ? (
          <Field id={`${p}-alpha`} label="Migration strength α" help="0–1: how much activation range moves into the weights (0.5 is the paper's default)" error={e('alpha')}>
            <NumberInput id={`${p}-alpha`} value={config.alpha} min={0} max={1} step={0.05} onChange={(v) => set({ alpha: v })} error={e('alpha')} described />
          </Field>
        ) : null}
        {config.method === 'fp8' ? (
          <Field id={`${p}-fp8`} label="FP8 scale granularity" help="one scale per tensor, or per output channel" error={e('fp8Granularity')}>
            <select id={`${p}-fp8`} data-testid={`${p}-fp8`} value={config.fp8Granularity ?? 'channel'} onChange={(ev) => set({ fp8Granularity: ev.target.value as 'tensor' | 'channel' })}>
              <option value="channel">per channel</option>
              <option value="tensor">per tensor</option>
            </select>
          </Field>
        ) : null}
        {prune ? (
          <>
            <Field id={`${p}-pattern`} label="Sparsity pattern" help="unstructured, or N:M semi-structured (2:4 keeps 2 of every 4 weights: 50%)" error={e('pattern')}>
              <select
                id={`${p}-pattern`}
                data-testid={`${p}-pattern`}
                value={config.pattern ?? 'unstructured'}
                onChange={(ev) => set({ pattern: ev.target.value as CompressionConfig['pattern'], ...(ev.target.value !== 'unstructured' ? { sparsity: 0.5 } : {}) })}
              >
                <option value="unstructured">unstructured</option>
                <option value="2:4">2:4</option>
                <option value="4:8">4:8</option>
              </select>
            </Field>
            <Field id={`${p}-sparsity`} label="Sparsity" help="fraction of weights removed, 0–0.99" error={e('sparsity')}>
              <NumberInput id={`${p}-sparsity`} value={config.sparsity} min={0} max={0.99} step={0.05} onChange={(v) => set({ sparsity: v })} error={e('sparsity')} described />
            </Field>
          </>
        ) : null}
        <Field id={`${p}-kv`} label="KV-cache bits" help="16 keeps the cache in full precision" error={e('kvBits')}>
          <select id={`${p}-kv`} data-testid={`${p}-kv`} value={config.kvBits ?? 16} onChange={(ev) => set({ kvBits: Number(ev.target.value) as 4 | 8 | 16 })}>
            <option value={16}>16</option>
            <option value={8}>8</option>
            <option value={4}>4</option>
          </select>
        </Field>
        <Field id={`${p}-label`} label="Label" help="the name shown in charts; leave empty for the automatic one" error={e('label')}>
          <input
            id={`${p}-label`}
            data-testid={`${p}-label`}
            type="text"
            maxLength={80}
            placeholder={configLabel({ ...config, label: undefined })}
            value={config.label && config.label !== configLabel({ ...config, label: undefined }) ? config.label : ''}
            onChange={(ev) => onChange({ ...config, label: ev.target.value || undefined })}
          />
        </Field>
      </div>
      {hidden.map(([k, message]) => (
        <p key={k} className="field-error" role="alert" data-testid={`${p}-other-error`}>
          {k.slice(`compressions.${index}.`.length)} ({methodName(config.method)} does not use it): {message}
        </p>
      ))}
      <button type="button" className="link-button" onClick={onRemove} aria-label={`Remove configuration ${index + 1} (${configLabel(config)})`}>
        Remove
      </button>
    </fieldset>
  );
}

export function NewExperimentPage() {
  const { reload } = useStudio();
  const [form, setForm] = useState<FormState>(loadDraft);
  const [submitting, setSubmitting] = useState(false);
  const [submitError, setSubmitError] = useState<string | null>(null);
  const [pickNote, setPickNote] = useState<string | null>(null);
  /** a key typed here goes straight to the OS keychain (desktop app); the spec keeps only its keychain: reference */
  const [keyDraft, setKeyDraft] = useState('');
  // the service's look at this exact spec: estimate, and what would refuse it here (model widths, files, suites)
  const [preflight, setPreflight] = useState<{ spec: ExperimentSpec; text: string; fits: boolean; problems: FieldErrors } | null>(null);
  const [allowOverMemory, setAllowOverMemory] = useState(false);
  const [tasks, setTasks] = useState<readonly TaskInfo[]>(TASKS);
  useEffect(() => {
    // The service's own task list once it offers one; the built-in list until then.
    api()
      .listTasks({})
      .then((list) => list.length && setTasks(list))
      .catch(() => {});
    // a sentence-similarity model chosen in Settings fills an empty field (the spec then carries it, so results say which)
    api()
      .engineStatus({})
      .then((s) => s.settings.similarityModel && setForm((f) => (f.benchmarks?.similarityModel ? f : { ...f, benchmarks: { ...f.benchmarks, similarityModel: s.settings.similarityModel } })))
      .catch(() => {});
  }, []);
  const validation = useMemo(() => validateForm(form), [form]);
  // every rule runs as the form changes: the contract's (the service's and the compress stage's), then the service's look
  const current = validation.ok && preflight?.spec === validation.spec ? preflight : null;
  const errors: FieldErrors = !validation.ok ? validation.errors : (current?.problems ?? {});

  useEffect(() => {
    try {
      localStorage.setItem(DRAFT_KEY, JSON.stringify(form));
    } catch {
      /* storage full or disabled: the draft is just not kept */
    }
  }, [form]);

  useEffect(() => {
    if (!validation.ok) return;
    let alive = true;
    const timer = setTimeout(() => {
      void checkHere(validation.spec).then((p) => alive && setPreflight(p));
    }, 300);
    return () => {
      alive = false;
      clearTimeout(timer);
    };
  }, [validation]);

  const set = (patch: Partial<FormState>) => setForm((f) => ({ ...f, ...patch }));
  const model = form.model;
  const compressions = form.compressions ?? [];
  const calibration = { source: 'builtin', samples: 128, seqlen: 512, seed: 0, ...form.calibration };
  const benchmarks = { suite: 'builtin', tasks: [] as string[], ...form.benchmarks };
  const analysis = { enabled: true, sequences: 16, seqlen: 128, ...form.analysis };
  const selected = selectedTasks(benchmarks.tasks ?? [], tasks);

  const submit = async (start: boolean) => {
    setSubmitError(null);
    if (!validation.ok) return;
    setSubmitting(true);
    try {
      // nothing is created while the service would refuse this spec (asked again if the form changed since its last answer)
      const here = current ?? (await checkHere(validation.spec));
      setPreflight(here);
      if (Object.keys(here.problems).length) return;
      if (start && !here.fits && !allowOverMemory) {
        setSubmitError('The estimate says this run does not fit in free memory: tick “run anyway” to start it regardless.');
        return;
      }
      const exp = await api().createExperiment({ spec: validation.spec });
      await reload();
      if (start) {
        const run = await api().startRun({ experimentId: exp.id, ...(allowOverMemory ? { allowOverMemory: true } : {}) });
        await reload();
        navigate('runs', run.id);
      } else navigate('history');
    } catch (e) {
      setSubmitError(describeError(e));
    } finally {
      setSubmitting(false);
    }
  };

  const pickFolder = async () => {
    setPickNote(null);
    try {
      const r = await api().pickModelFolder({});
      if (r.path) set({ model: { kind: 'local', path: r.path } });
    } catch (e) {
      setPickNote(e instanceof NotAvailableYetError ? 'The folder dialog is not available here; type the folder path instead.' : describeError(e));
    }
  };

  const errorCount = Object.keys(errors).length;
  return (
    <div className="page">
      <h1>New experiment</h1>
      <p className="muted">Compress a model with one or more configurations, evaluate the base and each compressed model on the agentic tasks, and see what each capability lost.</p>
      <div className="preset-bar" role="group" aria-label="Presets">
        <button type="button" onClick={() => setForm(demoStudyForm())} data-testid="preset-demo">
          Demo study preset
        </button>
        <button type="button" onClick={() => setForm({ ...demoStudyForm(), name: 'Base only', compressions: [], tags: [] })} data-testid="preset-blank">
          Base model only
        </button>
      </div>
      <form
        noValidate
        aria-label="New experiment"
        onSubmit={(e) => {
          e.preventDefault();
          void submit(true);
        }}
      >
        <section className="card">
          <h2>Experiment</h2>
          <div className="grid">
            <Field id="field-name" label="Name" error={errors.name}>
              <input
                id="field-name"
                data-testid="field-name"
                type="text"
                value={form.name}
                maxLength={200}
                aria-invalid={errors.name ? true : undefined}
                aria-describedby="field-name-error"
                onChange={(e) => set({ name: e.target.value })}
              />
            </Field>
            <Field id="field-tags" label="Tags" help="comma-separated, e.g. demo, qwen" error={errors.tags}>
              <input
                id="field-tags"
                data-testid="field-tags"
                type="text"
                value={(form.tags ?? []).join(', ')}
                onChange={(e) =>
                  set({
                    tags: e.target.value
                      .split(',')
                      .map((t) => t.trim())
                      .filter(Boolean),
                  })
                }
              />
            </Field>
            <Field id="field-seed" label="Seed" help="for calibration sampling and any tie-breaking; generation is greedy (temperature 0)" error={errors.seed}>
              <NumberInput id="field-seed" value={form.seed} min={0} onChange={(v) => set({ seed: v })} error={errors.seed} described />
            </Field>
          </div>
          <Field id="field-notes" label="Notes" error={errors.notes}>
            <textarea id="field-notes" data-testid="field-notes" rows={2} value={form.notes ?? ''} onChange={(e) => set({ notes: e.target.value })} />
          </Field>
        </section>

        <section className="card">
          <h2>Model</h2>
          <div className="radio-row" role="radiogroup" aria-label="Model source">
            {(
              [
                ['builtin', 'Built-in acb-tiny', 'a small model bundled with the app; runs on any machine'],
                ['local', 'Local folder', 'a Hugging Face folder with config.json, tokenizer.json and *.safetensors (Llama, Qwen2, Mistral)'],
                ['endpoint', 'OpenAI-compatible endpoint', 'a vLLM or llama.cpp server for models too big to run here (evaluation only)'],
              ] as const
            ).map(([kind, label, help]) => (
              <label key={kind} className="radio">
                <input
                  type="radio"
                  name="model-kind"
                  value={kind}
                  data-testid={`field-model-${kind}`}
                  checked={model.kind === kind}
                  onChange={() => set({ model: kind === 'builtin' ? { kind, id: 'acb-tiny' } : kind === 'local' ? { kind, path: '' } : { kind, baseUrl: 'http://127.0.0.1:8000/v1', model: '' } })}
                />
                <span>
                  {label}
                  <small className="help"> — {help}</small>
                </span>
              </label>
            ))}
          </div>
          {errors.model ? (
            <p className="field-error" role="alert" data-testid="model-error">
              {errors.model}
            </p>
          ) : null}
          {model.kind === 'local' ? (
            <Field id="field-model-path" label="Model folder" error={errors['model.path']}>
              <div className="inline">
                <input
                  id="field-model-path"
                  data-testid="field-model-path"
                  type="text"
                  value={model.path}
                  placeholder="/path/to/Qwen2.5-0.5B-Instruct"
                  aria-invalid={errors['model.path'] ? true : undefined}
                  onChange={(e) => set({ model: { kind: 'local', path: e.target.value } })}
                />
                <button type="button" onClick={() => void pickFolder()}>
                  Browse…
                </button>
              </div>
              {pickNote ? <small className="help">{pickNote}</small> : null}
            </Field>
          ) : null}
          {model.kind === 'endpoint' ? (
            <div className="grid">
              <Field id="field-endpoint-url" label="Base URL" help="ending in /v1" error={errors['model.baseUrl']}>
                <input
                  id="field-endpoint-url"
                  data-testid="field-endpoint-url"
                  type="url"
                  value={model.baseUrl}
                  aria-invalid={errors['model.baseUrl'] ? true : undefined}
                  onChange={(e) => set({ model: { ...model, baseUrl: e.target.value } })}
                />
              </Field>
              <Field id="field-endpoint-model" label="Served model name" error={errors['model.model']}>
                <input
                  id="field-endpoint-model"
                  data-testid="field-endpoint-model"
                  type="text"
                  value={model.model}
                  aria-invalid={errors['model.model'] ? true : undefined}
                  onChange={(e) => set({ model: { ...model, model: e.target.value } })}
                />
              </Field>
              <Field
                id="field-endpoint-key"
                label="API key (optional)"
                help="never stored in the experiment: env:NAME reads an environment variable of the service, file:PATH a file holding the key"
                error={errors['model.apiKeyRef']}
              >
                <input
                  id="field-endpoint-key"
                  data-testid="field-endpoint-key"
                  type="text"
                  autoComplete="off"
                  placeholder="env:OPENAI_API_KEY"
                  value={model.apiKeyRef ?? ''}
                  aria-invalid={errors['model.apiKeyRef'] ? true : undefined}
                  onChange={(e) => set({ model: { ...model, apiKeyRef: e.target.value || undefined } })}
                />
                {api().saveSecret ? (
                  <div className="inline">
                    <input
                      type="password"
                      autoComplete="off"
                      aria-label="API key to save in the system keychain"
                      data-testid="field-endpoint-secret"
                      value={keyDraft}
                      onChange={(e) => setKeyDraft(e.target.value)}
                    />
                    <button
                      type="button"
                      disabled={!keyDraft}
                      onClick={() =>
                        void api().saveSecret!(keyDraft)
                          .then((ref) => {
                            setKeyDraft('');
                            set({ model: { ...model, apiKeyRef: ref } });
                          })
                          .catch((e: unknown) => setSubmitError(describeError(e)))
                      }
                    >
                      Save in keychain
                    </button>
                  </div>
                ) : null}
              </Field>
            </div>
          ) : null}
        </section>

        <section className="card">
          <h2>Compression</h2>
          <p className="muted small">The base model is always evaluated as the reference. Each configuration below is compressed and evaluated separately.</p>
          {compressions.length === 0 ? <p className="muted">No compression: the experiment evaluates the base model only.</p> : null}
          {errors.compressions ? (
            <p className="field-error" role="alert" data-testid="compressions-error">
              {errors.compressions}
            </p>
          ) : null}
          {compressions.map((c, i) => (
            <ConfigRow
              key={i}
              index={i}
              config={c}
              model={model}
              errors={errors}
              onChange={(next) => set({ compressions: compressions.map((x, j) => (j === i ? next : x)) })}
              onRemove={() => set({ compressions: compressions.filter((_, j) => j !== i) })}
            />
          ))}
          <button type="button" onClick={() => set({ compressions: [...compressions, defaultConfig('gptq', model)] })} data-testid="add-config" disabled={compressions.length >= 32}>
            Add configuration
          </button>
          <h3>Calibration</h3>
          <div className="grid">
            <Field id="field-cal-source" label="Calibration text" help="“builtin” = the bundled corpus; or a path to a .txt/.jsonl file" error={errors['calibration.source']}>
              <input id="field-cal-source" data-testid="field-cal-source" type="text" value={calibration.source} onChange={(e) => set({ calibration: { ...calibration, source: e.target.value } })} />
            </Field>
            <Field id="field-cal-samples" label="Samples" help="sequences used to calibrate (the study: 128)" error={errors['calibration.samples']}>
              <NumberInput
                id="field-cal-samples"
                value={calibration.samples}
                min={1}
                max={4096}
                onChange={(v) => set({ calibration: { ...calibration, samples: v } })}
                error={errors['calibration.samples']}
                described
              />
            </Field>
            <Field id="field-cal-seqlen" label="Sequence length" help="tokens per sample (the study: 512)" error={errors['calibration.seqlen']}>
              <NumberInput
                id="field-cal-seqlen"
                value={calibration.seqlen}
                min={8}
                max={32768}
                onChange={(v) => set({ calibration: { ...calibration, seqlen: v } })}
                error={errors['calibration.seqlen']}
                described
              />
            </Field>
            <Field id="field-cal-seed" label="Calibration seed" error={errors['calibration.seed']}>
              <NumberInput id="field-cal-seed" value={calibration.seed} min={0} onChange={(v) => set({ calibration: { ...calibration, seed: v } })} error={errors['calibration.seed']} />
            </Field>
          </div>
        </section>

        <section className="card">
          <h2>Benchmarks</h2>
          {CAPABILITIES.map((cap) => {
            const capTasks = tasks.filter((t) => t.capability === cap.id);
            const all = capTasks.length > 0 && capTasks.every((t) => selected.has(t.id));
            return (
              <fieldset key={cap.id} className="capability">
                <legend>
                  <label>
                    <input
                      type="checkbox"
                      data-testid={`capability-${cap.id}`}
                      checked={all}
                      onChange={(e) => {
                        const next = new Set(selected);
                        for (const t of capTasks)
                          if (e.target.checked) next.add(t.id);
                          else next.delete(t.id);
                        set({ benchmarks: { ...benchmarks, tasks: tasks.map((t) => t.id).filter((id) => next.has(id)) } });
                      }}
                    />{' '}
                    {cap.name}
                  </label>{' '}
                  <small className="help">{cap.help}</small>
                </legend>
                {capTasks.map((t) => (
                  <label key={t.id} className="check">
                    <input
                      type="checkbox"
                      data-testid={`task-${t.id}`}
                      checked={selected.has(t.id)}
                      onChange={(e) => {
                        const next = new Set(selected);
                        if (e.target.checked) next.add(t.id);
                        else next.delete(t.id);
                        set({ benchmarks: { ...benchmarks, tasks: tasks.map((x) => x.id).filter((id) => next.has(id)) } });
                      }}
                    />{' '}
                    {t.name} <small className="help">— {t.help}</small>
                  </label>
                ))}
              </fieldset>
            );
          })}
          {selected.size === 0 ? <p className="muted small">No task selected: the service runs its default selection.</p> : null}
          {errors['benchmarks.tasks'] ? (
            <p className="field-error" role="alert">
              {errors['benchmarks.tasks']}
            </p>
          ) : null}
          <Field id="field-suite" label="Benchmark data" help="“builtin” = the suites shipped with the app; or the path of an imported folder with the same layout" error={errors['benchmarks.suite']}>
            <input id="field-suite" data-testid="field-suite" type="text" value={benchmarks.suite} onChange={(e) => set({ benchmarks: { ...benchmarks, suite: e.target.value } })} />
          </Field>
          <Field
            id="field-similarity"
            label="Sentence-similarity model (optional)"
            help="a sentence-transformers folder on disk (the references use all-mpnet-base-v2) for T-Eval plan/reason and WorfBench node matching; empty: a lexical similarity stands in, and the results say so"
            error={errors['benchmarks.similarityModel']}
          >
            <input
              id="field-similarity"
              data-testid="field-similarity"
              type="text"
              placeholder="none: lexical similarity"
              value={benchmarks.similarityModel ?? ''}
              onChange={(e) => set({ benchmarks: { ...benchmarks, similarityModel: e.target.value.trim() ? e.target.value : undefined } })}
            />
          </Field>
          <Field id="field-limit" label="Sample limit per task (optional)" help="evaluate only the first N items of each task — for quick checks" error={errors['benchmarks.limit']}>
            <NumberInput
              id="field-limit"
              value={benchmarks.limit}
              min={1}
              onChange={(v) => set({ benchmarks: { ...benchmarks, limit: Number.isNaN(v) ? undefined : v } })}
              error={errors['benchmarks.limit']}
              described
            />
          </Field>
        </section>

        <section className="card">
          <h2>Analysis</h2>
          <label className="check">
            <input
              type="checkbox"
              data-testid="field-analysis"
              checked={analysis.enabled}
              aria-invalid={errors['analysis.enabled'] ? true : undefined}
              aria-describedby="field-analysis-error"
              onChange={(e) => set({ analysis: { ...analysis, enabled: e.target.checked } })}
            />{' '}
            Compute statistics (ERank, top-k ranking consistency, energy, perplexity) for base and compressed models
          </label>
          <small id="field-analysis-error" className="field-error" role={errors['analysis.enabled'] ? 'alert' : undefined}>
            {errors['analysis.enabled'] ?? ''}
          </small>
          {analysis.enabled ? (
            <div className="grid">
              <Field id="field-analysis-sequences" label="Sequences" error={errors['analysis.sequences']}>
                <NumberInput
                  id="field-analysis-sequences"
                  value={analysis.sequences}
                  min={1}
                  max={1024}
                  onChange={(v) => set({ analysis: { ...analysis, sequences: v } })}
                  error={errors['analysis.sequences']}
                />
              </Field>
              <Field id="field-analysis-seqlen" label="Tokens per sequence" error={errors['analysis.seqlen']}>
                <NumberInput id="field-analysis-seqlen" value={analysis.seqlen} min={8} max={8192} onChange={(v) => set({ analysis: { ...analysis, seqlen: v } })} error={errors['analysis.seqlen']} />
              </Field>
            </div>
          ) : null}
        </section>

        <section className="card" aria-live="polite">
          <h2>Pre-flight</h2>
          <p className="muted" data-testid="preflight">
            {validation.ok ? (current?.text ?? 'Estimating…') : 'Fix the marked fields to see the estimate.'}
          </p>
          {current && !current.fits ? (
            <label className="check">
              <input type="checkbox" checked={allowOverMemory} onChange={(e) => setAllowOverMemory(e.target.checked)} data-testid="field-allow-over-memory" /> run anyway (it may run out of memory)
            </label>
          ) : null}
        </section>

        <div className="submit-bar">
          {errorCount > 0 ? (
            <p role="alert" className="error-text" data-testid="form-errors">
              {errorCount === 1 ? 'One field needs attention' : `${errorCount} fields need attention`} ({Object.keys(errors)[0]}): {Object.values(errors)[0]}
            </p>
          ) : null}
          {submitError ? (
            <p role="alert" className="error-text" data-testid="submit-error">
              {submitError}
            </p>
          ) : null}
          <button type="submit" className="primary" disabled={submitting || errorCount > 0} data-testid="submit-experiment">
            {submitting ? 'Starting…' : 'Create and run'}
          </button>
          <button type="button" disabled={submitting || errorCount > 0} onClick={() => void submit(false)} data-testid="create-only">
            Create without running
          </button>
        </div>
      </form>
    </div>
  );
}
