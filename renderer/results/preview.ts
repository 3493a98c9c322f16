// A static first paint of a grouped-bar figure, drawn while Plotly loads (its first draw on a page costs
// ≈1 s of script): the same bars, colours and CI whiskers, no interaction. Pure geometry, rendered by
// components/PlotPreview.tsx as SVG elements (no HTML strings, so names need no escaping).
import type { Figure } from './figures.js';

export interface PreviewShape {
  width: number;
  height: number;
  bars: { x: number; y: number; w: number; h: number; fill: string; title: string }[];
  whiskers: { x: number; y1: number; y2: number }[];
  ticks: { y: number; label: string }[];
  zeroY: number;
  categories: { x: number; text: string }[];
  plot: { left: number; right: number; top: number; bottom: number };
  /** line charts (the radar): polylines and text labels already in pixels */
  lines?: { points: string; stroke: string; width: number }[];
  labels?: { x: number; y: number; text: string; anchor: 'start' | 'middle' | 'end' }[];
}

interface BarTrace {
  name?: string;
  x: string[];
  y: (number | null)[];
  marker?: { color?: string };
  error_y?: { array?: (number | null)[]; arrayminus?: (number | null)[] };
}

/** Steps of 1, 2 or 5 × 10^k giving about five ticks over [lo, hi]. */
export function previewTicks(lo: number, hi: number): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / 5;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((f) => f * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  const first = Math.floor(lo / step + 1e-9),
    last = Math.ceil(hi / step - 1e-9);
  for (let i = first; i <= last; i++) out.push(+(i * step).toPrecision(12));
  return out;
}

interface LineTrace {
  x: (number | null)[];
  y: (number | null)[];
  line?: { color?: string; width?: number };
}

/** Any figure we can paint before Plotly: grouped bars, or lines on fixed axis ranges (the radar); else null. */
export function figurePreview(figure: Figure, width = 1000, height = 360): PreviewShape | null {
  return barPreview(figure, width, height) ?? linePreview(figure, width, height);
}

/** Lines on axes with fixed ranges, equal scale on both (the radar is drawn so); text annotations kept. */
export function linePreview(figure: Figure, width = 1000, height = 360): PreviewShape | null {
  const xr = (figure.layout.xaxis as { range?: number[] } | undefined)?.range,
    yr = (figure.layout.yaxis as { range?: number[] } | undefined)?.range;
  if (!figure.data.length || !xr || !yr || figure.data.some((t) => t.type !== 'scatter' || !Array.isArray(t.x) || !Array.isArray(t.y))) return null;
  const plot = { left: 10, right: width - 10, top: 10, bottom: height - 10 };
  const scale = Math.min((plot.right - plot.left) / (xr[1] - xr[0]), (plot.bottom - plot.top) / (yr[1] - yr[0]));
  const cx = (plot.left + plot.right) / 2,
    cy = (plot.top + plot.bottom) / 2;
  const px = (x: number) => cx + (x - (xr[0] + xr[1]) / 2) * scale;
  const py = (y: number) => cy - (y - (yr[0] + yr[1]) / 2) * scale;
  const lines = (figure.data as unknown as LineTrace[]).map((t) => ({
    points: t.x.flatMap((x, i) => (x === null || t.y[i] === null ? [] : [`${px(x).toFixed(1)},${py(t.y[i]!).toFixed(1)}`])).join(' '),
    stroke: t.line?.color ?? '#888888',
    width: t.line?.width ?? 1,
  }));
  const annotations = (figure.layout.annotations as { x: number; y: number; text: string; xanchor?: string }[] | undefined) ?? [];
  const labels = annotations.map((a) => ({
    x: px(a.x),
    y: py(a.y),
    text: a.text.replace(/<br>/g, ' '),
    anchor: (a.xanchor === 'left' ? 'start' : a.xanchor === 'right' ? 'end' : 'middle') as 'start' | 'middle' | 'end',
  }));
  return { width, height, bars: [], whiskers: [], ticks: [], zeroY: NaN, categories: [], plot, lines, labels };
}

/** The preview of a figure made only of bar traces over shared categories (text on x); null for any other figure, a histogram's numeric x included. */
export function barPreview(figure: Figure, width = 1000, height = 360): PreviewShape | null {
  const categorical = (x: unknown) => Array.isArray(x) && x.every((c) => typeof c === 'string');
  if (!figure.data.length || figure.data.some((t) => t.type !== 'bar' || !categorical(t.x) || !Array.isArray(t.y))) return null;
  const traces = figure.data as unknown as BarTrace[];
  const categories = [...new Set(traces.flatMap((t) => t.x))];
  const values: number[] = [0];
  for (const t of traces)
    t.y.forEach((v, i) => {
      if (v === null || v === undefined) return;
      values.push(v, v + (t.error_y?.array?.[i] ?? 0), v - (t.error_y?.arrayminus?.[i] ?? 0));
    });
  const ticks = previewTicks(Math.min(...values), Math.max(...values));
  const lo = Math.min(ticks[0], ...values),
    hi = Math.max(ticks[ticks.length - 1], ...values);
  const plot = { left: 60, right: width - 16, top: 24, bottom: height - 48 };
  const y = (v: number) => plot.top + ((hi - v) / (hi - lo || 1)) * (plot.bottom - plot.top);
  const groupW = (plot.right - plot.left) / Math.max(1, categories.length);
  const barW = (groupW * 0.8) / traces.length;
  const bars: PreviewShape['bars'] = [];
  const whiskers: PreviewShape['whiskers'] = [];
  traces.forEach((t, si) => {
    t.x.forEach((cat, i) => {
      const v = t.y[i];
      if (v === null || v === undefined) return;
      const x = plot.left + categories.indexOf(cat) * groupW + groupW * 0.1 + si * barW;
      const top = Math.min(y(v), y(0));
      bars.push({ x, y: top, w: barW * 0.92, h: Math.abs(y(v) - y(0)), fill: t.marker?.color ?? '#888888', title: `${t.name ?? ''} · ${cat.replace(/<br>/g, ' ')}: ${v}` });
      const up = t.error_y?.array?.[i],
        down = t.error_y?.arrayminus?.[i];
      if (up !== null && up !== undefined && down !== null && down !== undefined) whiskers.push({ x: x + barW * 0.46, y1: y(v + up), y2: y(v - down) });
    });
  });
  return {
    width,
    height,
    bars,
    whiskers,
    ticks: ticks.map((t) => ({ y: y(t), label: String(+t.toPrecision(6)) })),
    zeroY: y(0),
    categories: categories.map((c, i) => ({ x: plot.left + (i + 0.5) * groupW, text: c.replace(/<br>/g, ' ') })),
    plot,
  };
}
