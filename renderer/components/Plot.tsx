// Thin React wrapper around Plotly (loaded on first use), with figure export: PNG at a chosen DPI
// (89 mm / 183 mm presets), SVG, and PDF through the print stylesheet.
import { useEffect, useMemo, useRef, useState } from 'react';
import type { PlotlyStatic } from 'plotly.js-cartesian-dist-min';
import type { Figure } from '../results/figures.js';
import { figurePreview } from '../results/preview.js';
import { PlotPreview } from './PlotPreview.js';
import { dataUrlToBytes, IMAGE_PRESETS, imageSize, setPngDpi } from '../export/image.js';
import { downloadBlob, slug } from '../export/download.js';
import { api } from '../api/client.js';
import { ErrorBoundary } from './ErrorBoundary.js';

let plotlyPromise: Promise<PlotlyStatic> | null = null;
export function loadPlotly(): Promise<PlotlyStatic> {
  plotlyPromise ??= import('plotly.js-cartesian-dist-min').then((m) => (m as { default?: PlotlyStatic }).default ?? (m as unknown as PlotlyStatic));
  return plotlyPromise;
}

/** Resolves after the browser has painted the current frame (rAF, then a task). */
const afterPaint = () => new Promise<void>((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));

const PLOT_CONFIG = { displaylogo: false, responsive: true, modeBarButtonsToRemove: ['toImage', 'sendDataToCloud', 'lasso2d', 'select2d'] };

export function Plot({ figure, height = 360, testId, label }: { figure: Figure; height?: number; testId?: string; label: string }) {
  const ref = useRef<HTMLDivElement>(null);
  const [error, setError] = useState<string | null>(null);
  const [ready, setReady] = useState(false);
  useEffect(() => {
    let alive = true;
    const el = ref.current;
    if (!el) return;
    loadPlotly()
      .then(async (Plotly) => {
        await afterPaint(); // let the static preview reach the screen before Plotly holds the thread
        return alive ? Plotly.react(el, figure.data, { ...figure.layout, autosize: true }, PLOT_CONFIG) : null;
      })
      .then(() => alive && setReady(true))
      .catch((e: unknown) => alive && setError(`The chart could not be drawn: ${e instanceof Error ? e.message : String(e)}`));
    return () => {
      alive = false;
    };
  }, [figure]);
  useEffect(() => {
    const el = ref.current;
    return () => {
      // purge only a chart that really left the page (StrictMode re-runs effects on a mounted one)
      if (el) void loadPlotly().then((P) => !el.isConnected && P.purge(el));
    };
  }, []);
  const h = typeof figure.layout.height === 'number' ? figure.layout.height : height;
  // bar charts and the radar get a static first paint while Plotly loads (its first draw on a page costs ≈1 s)
  const preview = useMemo(() => (ready ? null : figurePreview(figure, 1000, h)), [figure, h, ready]);
  return (
    <div className="plot-box" style={{ minHeight: h }}>
      {error ? <p role="alert">{error}</p> : null}
      {!ready && !error && preview ? <PlotPreview shape={preview} testId={testId ? `${testId}-preview` : undefined} /> : null}
      {!ready && !error && !preview ? <div className="plot-loading">Drawing chart…</div> : null}
      <div ref={ref} className="plot" data-testid={testId} role="img" aria-label={label} style={{ height: h }} data-ready={ready ? 'true' : 'false'} />
    </div>
  );
}

export async function exportFigure(figure: Figure, name: string, kind: 'png' | 'svg', widthMm: number, dpi: number): Promise<void> {
  const Plotly = await loadPlotly();
  // a figure that sets its own height (the per-task heatmap: a row per task) keeps it, so no row label is thinned out
  const width = imageSize(widthMm, dpi).width;
  const size = imageSize(widthMm, dpi, Math.max(0.68, typeof figure.layout.height === 'number' ? figure.layout.height / width : 0));
  const layout = {
    ...figure.layout,
    width: size.width,
    height: size.height,
    autosize: false,
    font: { ...(figure.layout.font as object), size: 9 },
    legend: { ...(figure.layout.legend as object), font: { size: 8 } },
  };
  if (kind === 'svg') {
    const url = await Plotly.toImage({ data: figure.data, layout }, { format: 'svg', width: size.width, height: size.height, scale: 1 });
    const comma = url.indexOf(',');
    const header = url.slice(0, comma);
    const body = header.includes(';base64') ? atob(url.slice(comma + 1)) : decodeURIComponent(url.slice(comma + 1));
    downloadBlob(new Blob([body], { type: 'image/svg+xml' }), `${slug(name)}.svg`);
    return;
  }
  const url = await Plotly.toImage({ data: figure.data, layout }, { format: 'png', width: size.width, height: size.height, scale: size.scale });
  const png = setPngDpi(dataUrlToBytes(url), dpi);
  downloadBlob(new Blob([png as BlobPart], { type: 'image/png' }), `${slug(name)}-${widthMm}mm-${dpi}dpi.png`);
}

/**
 * PDF through the print dialog ("Save as PDF"; Electron can print to PDF the same way): only this card
 * is printed, laid out at the chosen column width so fonts keep their size on paper.
 */
async function printCard(card: HTMLElement, widthMm: number): Promise<void> {
  const Plotly = await loadPlotly();
  const el = card.querySelector<HTMLElement>('.plot');
  const size = imageSize(widthMm, 96, 0.68);
  card.setAttribute('data-print-target', 'true');
  document.body.classList.add('print-one');
  if (el)
    await Plotly.react(
      el,
      (el as unknown as { data: unknown[] }).data,
      { ...(el as unknown as { layout: Record<string, unknown> }).layout, width: size.width, height: size.height, autosize: false },
      PLOT_CONFIG,
    );
  try {
    await api().printPage();
  } finally {
    card.removeAttribute('data-print-target');
    document.body.classList.remove('print-one');
    if (el)
      void Plotly.react(
        el,
        (el as unknown as { data: unknown[] }).data,
        { ...(el as unknown as { layout: Record<string, unknown> }).layout, width: undefined, height: undefined, autosize: true },
        PLOT_CONFIG,
      );
  }
}

/**
 * A titled chart with its export controls, behind its own error boundary: the figure is built inside it (from `build`,
 * again when `deps` change), so a chart that cannot be built or drawn says so and its neighbours stay.
 */
export function ChartCard(props: { title: string; build: () => Figure; deps: readonly unknown[]; testId?: string; height?: number; note?: string }) {
  return (
    <ErrorBoundary what={`The chart “${props.title}”`}>
      <ChartBody {...props} />
    </ErrorBoundary>
  );
}

function ChartBody({ title, build, deps, testId, height, note }: { title: string; build: () => Figure; deps: readonly unknown[]; testId?: string; height?: number; note?: string }) {
  // the caller names what its figure depends on (deps is the chart's own list, passed through)
  // eslint-disable-next-line react-hooks/exhaustive-deps, react-hooks/use-memo
  const figure = useMemo(build, deps);
  const [preset, setPreset] = useState<string>('single');
  const [dpi, setDpi] = useState(300);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const widthMm = IMAGE_PRESETS.find((p) => p.id === preset)?.widthMm ?? 89;
  const run = async (kind: 'png' | 'svg') => {
    setBusy(true);
    setError(null);
    try {
      await exportFigure(figure, title, kind, widthMm, dpi);
    } catch (e) {
      setError(`Export failed: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      setBusy(false);
    }
  };
  const idBase = slug(title);
  const cardRef = useRef<HTMLElement>(null);
  return (
    <section className="card chart-card" aria-label={title} ref={cardRef}>
      <header className="card-head">
        <h3>{title}</h3>
        <div className="export-controls no-print">
          <label>
            Width{' '}
            <select value={preset} onChange={(e) => setPreset(e.target.value)} data-testid={`export-width-${idBase}`} aria-label={`Figure width for ${title}`}>
              <option value="single">89 mm (single column)</option>
              <option value="double">183 mm (double column)</option>
            </select>
          </label>
          <label>
            DPI{' '}
            <input
              type="number"
              min={72}
              max={1200}
              step={1}
              value={dpi}
              onChange={(e) => setDpi(Math.max(72, Math.min(1200, Number(e.target.value) || 300)))}
              aria-label={`Resolution in DPI for ${title}`}
              data-testid={`export-dpi-${idBase}`}
              className="narrow"
            />
          </label>
          <button type="button" onClick={() => void run('png')} disabled={busy} data-testid="export-png">
            PNG
          </button>
          <button type="button" onClick={() => void run('svg')} disabled={busy} data-testid="export-svg">
            SVG
          </button>
          <button
            type="button"
            onClick={() => cardRef.current && void printCard(cardRef.current, widthMm).catch((e: unknown) => setError(`Printing failed: ${e instanceof Error ? e.message : String(e)}`))}
            data-testid="export-pdf"
            title="Opens the print dialog with this figure only; choose “Save as PDF”."
          >
            PDF
          </button>
        </div>
      </header>
      {note ? <p className="muted small">{note}</p> : null}
      {error ? (
        <p role="alert" className="error-text">
          {error}
        </p>
      ) : null}
      <Plot figure={figure} height={height} testId={testId} label={title} />
    </section>
  );
}
