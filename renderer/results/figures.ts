// Plotly figures (SVG traces only: bar, scatter, heatmap — Plotly's cartesian bundle) and exportable tables,
// built from the view model by pure functions.
import { CAPABILITY_ORDER, capabilityName, colourFor, colourRound, seriesIndex } from '../../main/results/index.js';
import type { Table } from '../export/tables.js';
import type { CapabilityRow } from './drops.js';
import { configOrder } from './drops.js';
import type { Recommendation } from './recommend.js';
import { byteUnit, formatBytes } from './memory.js';
import { previewTicks } from './preview.js';
import { BASE, type EnergyHistogram, type ErankValue, type NiahCell, type TaskScore, type TopkPoint } from './types.js';

// the one palette (main/results): the CLI's figures colour each configuration the same
export { OKABE_ITO, BASE_COLOUR, colourFor, seriesIndex } from '../../main/results/index.js';
export const FONT_FAMILY = 'Helvetica, Arial, "Liberation Sans", sans-serif';

/** After the seven colours are used up, bars get a fill pattern and lines a dash style, so no two series look alike. */
const BAR_PATTERNS = ['', '.', 'x', '+', '-'];
const LINE_DASHES = ['solid', 'dot', 'dash', 'dashdot', 'longdash'];
export const patternFor = (index: number): string => BAR_PATTERNS[colourRound(index) % BAR_PATTERNS.length];
export const dashFor = (config: string, index: number): string => (config === BASE ? 'solid' : LINE_DASHES[colourRound(index) % LINE_DASHES.length]);

export type Trace = Record<string, unknown> & { type: 'bar' | 'scatter' | 'heatmap' };
export interface Figure {
  data: Trace[];
  layout: Record<string, unknown>;
}

export { CAPABILITY_ORDER } from './drops.js';

export function baseLayout(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    font: { family: FONT_FAMILY, size: 12, color: '#000' },
    paper_bgcolor: '#fff',
    plot_bgcolor: '#fff',
    margin: { l: 60, r: 16, t: 48, b: 56 },
    // legend above the plot, so long tick labels below never collide with it
    legend: { orientation: 'h', x: 0, y: 1.02, yanchor: 'bottom', font: { size: 11 } },
    ...extra,
  };
}

const axis = (title: string, extra: Record<string, unknown> = {}) => ({
  title: { text: title },
  showline: true,
  linecolor: '#000',
  ticks: 'outside',
  zeroline: true,
  zerolinecolor: '#888',
  gridcolor: '#e5e5e5',
  ...extra,
});
const points = (x: number) => Math.round(x * 10000) / 100;
/** "Long-context understanding" → "Long-context<br>understanding": two short lines fit a single-column figure */
export const capabilityTick = (c: string): string => capabilityName(c).replace(' ', '<br>');

/** Grouped bars of Δ (points) per capability and configuration, with 95% CI whiskers where known. */
export function dropBarsFigure(rows: readonly CapabilityRow[], overlay: readonly CapabilityRow[] = [], overlayName = 'Paper'): Figure {
  const capabilities: string[] = CAPABILITY_ORDER.filter((c) => rows.some((r) => r.capability === c) || overlay.some((r) => r.capability === c));
  const extra = [...new Set([...rows, ...overlay].map((r) => r.capability))].filter((c) => !capabilities.includes(c));
  const caps = [...capabilities, ...extra];
  const x = caps.map(capabilityTick);
  const traceFor = (configs: string[], source: readonly CapabilityRow[], prefix: string, pattern: string, offset: number): Trace[] =>
    configs.map((config, i) => {
      const byCap = new Map(source.filter((r) => r.config === config).map((r) => [r.capability, r]));
      const y = caps.map((c) => (byCap.has(c) ? points(byCap.get(c)!.drop) : null));
      const ci = caps.map((c) => {
        const r = byCap.get(c);
        return r?.dropCi95 ? points(r.dropCi95[1] - r.drop) : null;
      });
      const ciMinus = caps.map((c) => {
        const r = byCap.get(c);
        return r?.dropCi95 ? points(r.drop - r.dropCi95[0]) : null;
      });
      const trace: Trace = {
        type: 'bar',
        name: prefix + config,
        x,
        y,
        marker: {
          color: colourFor(config, i + offset),
          line: { color: '#000', width: 0.5 },
          ...(pattern || patternFor(i + offset) ? { pattern: { shape: pattern || patternFor(i + offset), fgcolor: '#000', size: 5, solidity: pattern ? 0.3 : 0.2 } } : {}),
        },
        hovertemplate: `${prefix}${config}<br>%{x}: %{y:.2f} points<extra></extra>`,
      };
      if (ci.some((v) => v !== null)) trace.error_y = { type: 'data', symmetric: false, array: ci, arrayminus: ciMinus, color: '#000', thickness: 1, width: 3 };
      return trace;
    });
  const own = configOrder(rows).filter((c) => c !== BASE);
  const paper = configOrder(overlay).filter((c) => c !== BASE);
  return {
    data: [...traceFor(own, rows, '', '', 0), ...traceFor(paper, overlay, `${overlayName} · `, '/', 0)],
    // the legend names the series even when there is one (Plotly hides a lone trace's legend)
    layout: baseLayout({ showlegend: true, barmode: 'group', xaxis: axis('', { tickangle: 0, automargin: true }), yaxis: axis('Δ vs base (points)', { automargin: true }) }),
  };
}

/** At most this many series on the radar (base + 11); more would be unreadable. */
export const RADAR_MAX_SERIES = 12;

/** Radar grid rings (points) and the radius of the capability labels. */
const RADAR_RINGS = [20, 40, 60, 80, 100];
const RADAR_LABEL_R = 118;

/** Angle of spoke k of n, clockwise from the top (radians). */
const spokeAngle = (k: number, n: number) => (2 * Math.PI * k) / n;
/** Polar (r, spoke k of n) → cartesian: x = r·sin θ, y = r·cos θ, so spoke 0 points up. */
export const radarXY = (r: number, k: number, n: number): [number, number] => [r * Math.sin(spokeAngle(k, n)), r * Math.cos(spokeAngle(k, n))];
const round3 = (v: number) => Math.round(v * 1000) / 1000;

/**
 * Radar of the four capabilities (score in points) for base and each configuration (the first RADAR_MAX_SERIES).
 * Drawn on cartesian axes (x = r·sin θ, y = r·cos θ) so the app needs only Plotly's cartesian bundle.
 */
export function radarFigure(capScores: readonly { config: string; capability: string; score: number }[]): Figure {
  const caps = CAPABILITY_ORDER.filter((c) => capScores.some((s) => s.capability === c));
  const n = Math.max(caps.length, 1);
  const order = configOrder(capScores).slice(0, RADAR_MAX_SERIES);
  const idx = seriesIndex(order);
  const grey = { color: '#c8c8c8', width: 0.8 };
  const grid: Trace[] = [
    ...RADAR_RINGS.map((ring): Trace => {
      // polygon rings between spokes; circles when there are fewer than three spokes
      const pts = n >= 3 ? Array.from({ length: n + 1 }, (_, k) => radarXY(ring, k % n, n)) : Array.from({ length: 73 }, (_, k) => radarXY(ring, k % 72, 72));
      return { type: 'scatter', mode: 'lines', x: pts.map((p) => round3(p[0])), y: pts.map((p) => round3(p[1])), line: grey, hoverinfo: 'skip', showlegend: false };
    }),
    ...caps.map((_, k): Trace => {
      const [x, y] = radarXY(100, k, n);
      return { type: 'scatter', mode: 'lines', x: [0, round3(x)], y: [0, round3(y)], line: grey, hoverinfo: 'skip', showlegend: false };
    }),
  ];
  const data: Trace[] = order.map((config) => {
    const i = idx.get(config) ?? 0;
    const byCap = new Map(capScores.filter((s) => s.config === config).map((s) => [s.capability, s.score]));
    const r = [...caps, caps[0]].map((c) => (byCap.has(c ?? '') ? points(byCap.get(c ?? '')!) : null));
    const xy = r.map((v, k) => (v === null ? null : radarXY(v, k % n, n)));
    const theta = [...caps, caps[0]].map((c) => capabilityName(c ?? ''));
    return {
      type: 'scatter',
      name: config,
      mode: 'lines+markers',
      r,
      x: xy.map((p) => (p ? round3(p[0]) : null)),
      y: xy.map((p) => (p ? round3(p[1]) : null)),
      customdata: theta.map((t, k) => [t, r[k]]),
      hovertemplate: `${config}<br>%{customdata[0]}: %{customdata[1]:.1f} points<extra></extra>`,
      line: { color: colourFor(config, i), width: config === BASE ? 2.5 : 1.5, dash: dashFor(config, i) },
      connectgaps: true,
    };
  });
  const annotations = [
    ...caps.map((c, k) => {
      const [x, y] = radarXY(RADAR_LABEL_R, k, n);
      return { x: round3(x), y: round3(y), text: capabilityTick(c), showarrow: false, font: { size: 11 }, xanchor: Math.abs(x) < 1 ? 'center' : x > 0 ? 'left' : 'right' };
    }),
    // ring values half-way between the first two spokes, clear of the capability labels at the spokes' ends
    ...RADAR_RINGS.map((ring) => {
      const [x, y] = radarXY(ring, 0.5, n >= 3 ? n : 4);
      return { x: round3(x), y: round3(y), text: String(ring), showarrow: false, font: { size: 9, color: '#555' }, xanchor: 'left', yanchor: 'bottom' };
    }),
  ];
  const hidden = { visible: false, range: [-140, 140], fixedrange: true };
  return {
    data: [...grid, ...data],
    layout: baseLayout({
      xaxis: hidden,
      yaxis: { ...hidden, scaleanchor: 'x', scaleratio: 1, range: [-125, 125] },
      annotations,
      legend: { orientation: 'h', x: 0, y: -0.06, yanchor: 'top', font: { size: 11 } },
      margin: { l: 20, r: 20, t: 30, b: 40 },
    }),
  };
}

export const taskRowLabel = (s: Pick<TaskScore, 'task' | 'subtask' | 'format'>): string => [s.task, s.subtask].filter(Boolean).join(' / ') + (s.format ? ` (${s.format})` : '');

/** Per-task scores: rows = tasks (T-Eval split by string/JSON), columns = configurations. */
export function taskMatrix(scores: readonly TaskScore[]): { rows: string[]; configs: string[]; values: (number | null)[][] } {
  const configs = configOrder(scores);
  const rows = [...new Set(scores.map(taskRowLabel))];
  const at = new Map(scores.map((s) => [`${taskRowLabel(s)}\u0000${s.config}`, s.score]));
  return { rows, configs, values: rows.map((r) => configs.map((c) => at.get(`${r}\u0000${c}`) ?? null)) };
}

export function taskHeatmapFigure(scores: readonly TaskScore[], mode: 'score' | 'drop' = 'score'): Figure {
  const m = taskMatrix(scores);
  const baseCol = m.configs.indexOf(BASE);
  const z = m.values.map((row) =>
    row.map((v) => {
      if (v === null) return null;
      if (mode === 'score') return points(v);
      const b = baseCol >= 0 ? row[baseCol] : null;
      return b === null ? null : points(v - b);
    }),
  );
  return {
    data: [
      {
        type: 'heatmap',
        x: m.configs,
        y: m.rows,
        z,
        colorscale:
          mode === 'score'
            ? 'Viridis'
            : [
                [0, '#D55E00'],
                [0.5, '#ffffff'],
                [1, '#0072B2'],
              ],
        ...(mode === 'drop' ? { zmid: 0 } : { zmin: 0, zmax: 100 }),
        colorbar: { title: { text: mode === 'score' ? 'points' : 'Δ points' } },
        hovertemplate: '%{y}<br>%{x}: %{z:.2f}<extra></extra>',
        // numbers in the cells while they stay legible
        // whole points in the cells while they stay legible (they fit a column at 89 mm; the table and the hover keep two decimals)
        ...(m.rows.length * m.configs.length <= 300 ? { texttemplate: '%{z:.0f}', textfont: { size: 10 } } : {}),
        xgap: 1,
        ygap: 1,
      },
    ],
    layout: baseLayout({
      margin: { l: 220, r: 16, t: 16, b: 100 },
      yaxis: { automargin: true, autorange: 'reversed' },
      xaxis: { tickangle: -35, automargin: true },
      height: Math.max(320, 22 * m.rows.length + 140),
    }),
  };
}

/** NIAH: context length × needle depth, for one configuration. */
export function niahFigure(cells: readonly NiahCell[], config: string): Figure {
  const mine = cells.filter((c) => c.config === config);
  const lengths = [...new Set(mine.map((c) => c.contextLength))].sort((a, b) => a - b);
  const depths = [...new Set(mine.map((c) => c.depth))].sort((a, b) => a - b);
  const at = new Map(mine.map((c) => [`${c.contextLength}|${c.depth}`, c.score]));
  return {
    data: [
      {
        type: 'heatmap',
        x: lengths.map(String),
        y: depths.map((d) => `${Math.round(d * 100)}%`),
        z: depths.map((d) => lengths.map((l) => (at.has(`${l}|${d}`) ? points(at.get(`${l}|${d}`)!) : null))),
        zmin: 0,
        zmax: 100,
        colorscale: [
          [0, '#D55E00'],
          [0.5, '#F0E442'],
          [1, '#009E73'],
        ],
        colorbar: { title: { text: 'points' } },
        xgap: 1,
        ygap: 1,
      },
    ],
    layout: baseLayout({ title: { text: config, font: { size: 12 } }, xaxis: axis('context length (tokens)', { type: 'category' }), yaxis: axis('needle depth', { type: 'category' }) }),
  };
}

export function lineFigure(pointsIn: readonly TopkPoint[], xTitle: string, yTitle: string): Figure {
  const order = configOrder(pointsIn);
  const idx = seriesIndex(order);
  const data: Trace[] = order.map((config) => {
    const i = idx.get(config) ?? 0;
    const mine = pointsIn.filter((p) => p.config === config).sort((a, b) => a.x - b.x);
    return {
      type: 'scatter',
      mode: 'lines+markers',
      name: config,
      x: mine.map((p) => p.x),
      y: mine.map((p) => p.consistency),
      line: { color: colourFor(config, i), width: 1.5, dash: dashFor(config, i) },
    };
  });
  return { data, layout: baseLayout({ showlegend: true, xaxis: axis(xTitle), yaxis: axis(yTitle, { range: [0, 1.02] }) }) };
}

export function energyFigure(hists: readonly EnergyHistogram[]): Figure {
  const order = configOrder(hists);
  const idx = seriesIndex(order);
  const data: Trace[] = order.map((config) => {
    const i = idx.get(config) ?? 0;
    const h = hists.find((x) => x.config === config)!;
    const centres = h.counts.map((_, j) => (h.edges[j] + h.edges[j + 1]) / 2);
    const total = h.counts.reduce((a, b) => a + b, 0) || 1;
    return { type: 'bar', name: config, x: centres, y: h.counts.map((c) => c / total), opacity: 0.55, marker: { color: colourFor(config, i) } };
  });
  return { data, layout: baseLayout({ showlegend: true, barmode: 'overlay', bargap: 0, xaxis: axis('energy'), yaxis: axis('fraction of tokens') }) };
}

export function erankFigure(values: readonly ErankValue[]): Figure {
  const configs = configOrder(values);
  const idx = seriesIndex(configs);
  return {
    data: [
      {
        type: 'bar',
        x: configs,
        y: configs.map((c) => values.find((v) => v.config === c)!.erank),
        marker: { color: configs.map((c) => colourFor(c, idx.get(c) ?? 0)), line: { color: '#000', width: 0.5 } },
      },
    ],
    // automargin: slanted configuration names get the room they need (they were cut at the bottom)
    layout: baseLayout({ xaxis: axis('', { tickangle: -35, automargin: true }), yaxis: axis('effective rank (ERank)') }),
  };
}

export interface BudgetPoint {
  config: string;
  capability: string;
  score: number;
  memoryBytes: number;
  estimated: boolean;
  source: string;
}

/** Marker shapes of the sources on the budget chart: this run first, then each paper model. */
const SOURCE_SYMBOLS = [
  'circle',
  'diamond',
  'square',
  'triangle-up',
  'triangle-down',
  'pentagon',
  'hexagon',
  'star',
  'cross',
  'x',
  'hourglass',
  'bowtie',
  'triangle-left',
  'triangle-right',
  'star-square',
  'star-diamond',
];
const compact = (v: number) => String(+v.toPrecision(3));

/** Tick values 1-2-5 × 10^k inside [lo, hi] (every digit when fewer than three fall inside), for a log axis of any scale. */
export function logTicks(lo: number, hi: number): number[] {
  const within = (digits: number[]) => {
    const out: number[] = [];
    for (let k = Math.floor(Math.log10(lo)); k <= Math.ceil(Math.log10(hi)); k++)
      for (const d of digits) if (d * 10 ** k >= lo * (1 - 1e-9) && d * 10 ** k <= hi * (1 + 1e-9)) out.push(+(d * 10 ** k).toPrecision(12));
    return out;
  };
  const coarse = within([1, 2, 5]);
  return coarse.length >= 3 ? coarse : within([1, 2, 3, 4, 5, 6, 7, 8, 9]);
}

/**
 * Score vs weight memory for one capability (the study's Figure 7). Memory in the binary unit of the largest point, on
 * a log axis when the points span a factor of 8 or more (model sizes), else a linear axis from 0, with explicit ticks so
 * labels show at any scale. Colour = configuration (as on every chart), marker = source; names in the legend and the
 * hover, not on the points (they collide where configurations take the same memory).
 */
export function budgetFigure(pointsIn: readonly BudgetPoint[]): Figure {
  const bytes = pointsIn.map((p) => p.memoryBytes);
  const unit = byteUnit(Math.max(...bytes, 1));
  const values = bytes.map((b) => b / unit.bytes);
  const lo = Math.min(...values),
    hi = Math.max(...values);
  const log = lo > 0 && hi / lo >= 8;
  const tickvals = log ? logTicks(lo / 1.25, hi * 1.25) : previewTicks(0, hi * 1.05);
  const xaxis = log
    ? axis(`weight memory (${unit.name}, log scale)`, { type: 'log', tickvals, ticktext: tickvals.map(compact), range: [Math.log10(lo / 1.25), Math.log10(hi * 1.25)], zeroline: false })
    : axis(`weight memory (${unit.name})`, { tickvals, ticktext: tickvals.map(compact), range: [0, tickvals[tickvals.length - 1] * 1.02] });
  const configs = configOrder(pointsIn);
  const idx = seriesIndex(configs);
  const sources = [...new Set(pointsIn.map((p) => p.source))];
  const symbol = (source: string) => SOURCE_SYMBOLS[sources.indexOf(source) % SOURCE_SYMBOLS.length];
  // past the seven colours, open markers tell a configuration from the one sharing its colour
  const open = (config: string) => ((idx.get(config) ?? 0) >= 7 ? '-open' : '');
  const data: Trace[] = [];
  for (const source of sources)
    for (const config of configs) {
      const mine = pointsIn.filter((p) => p.source === source && p.config === config);
      if (!mine.length) continue;
      data.push({
        type: 'scatter',
        mode: 'markers',
        name: `${source} · ${config}`,
        legendgroup: config,
        showlegend: false,
        x: mine.map((p) => p.memoryBytes / unit.bytes),
        y: mine.map((p) => points(p.score)),
        marker: { color: colourFor(config, idx.get(config) ?? 0), size: 9, symbol: symbol(source) + open(config), line: { color: '#000', width: 0.5 } },
        hovertemplate: `${source}<br>${config}<br>%{x:.3g} ${unit.name}${mine.some((p) => p.estimated) ? ' (estimated)' : ''}<br>%{y:.1f} points<extra></extra>`,
      });
    }
  // legend-only entries (no points): one per configuration in its colour, one per source in its shape when there are several
  const legend: Trace[] = [
    ...configs.map((config): Trace => ({
      type: 'scatter',
      mode: 'markers',
      name: config,
      legendgroup: config,
      x: [null],
      y: [null],
      hoverinfo: 'skip',
      marker: { color: colourFor(config, idx.get(config) ?? 0), size: 9, symbol: 'circle' + open(config) },
    })),
    ...(sources.length > 1
      ? sources.map((source): Trace => ({ type: 'scatter', mode: 'markers', name: source, x: [null], y: [null], hoverinfo: 'skip', marker: { color: '#777', size: 9, symbol: symbol(source) } }))
      : []),
  ];
  return { data: [...data, ...legend], layout: baseLayout({ xaxis, yaxis: axis('score (points)', { range: [-3, 103] }), margin: { l: 60, r: 16, t: 48, b: 56 } }) };
}

// --- tables --------------------------------------------------------------------------------------

export function dropTable(rows: readonly CapabilityRow[]): Table {
  return {
    caption: 'Per-capability score and change versus the base model (points; 95% CI of the change where known)',
    columns: [
      { label: 'Configuration' },
      { label: 'Capability' },
      { label: 'Base', align: 'right' },
      { label: 'Score', align: 'right' },
      { label: 'Δ', align: 'right' },
      { label: '95% CI', align: 'right' },
      { label: 'Tasks', align: 'right' },
    ],
    rows: rows.map((r) => [
      r.config,
      capabilityName(r.capability),
      points(r.baseScore),
      points(r.score),
      points(r.drop),
      r.dropCi95 ? `[${points(r.dropCi95[0]).toFixed(2)}, ${points(r.dropCi95[1]).toFixed(2)}]` : '',
      String(r.tasks.length),
    ]),
  };
}

export function taskTable(scores: readonly TaskScore[]): Table {
  const m = taskMatrix(scores);
  return {
    caption: 'Per-task scores (points)',
    columns: [{ label: 'Task' }, ...m.configs.map((c) => ({ label: c, align: 'right' as const }))],
    rows: m.rows.map((r, i) => [r, ...m.values[i].map((v) => (v === null ? null : points(v)))]),
  };
}

export function recommendationTable(recs: readonly Recommendation[]): Table {
  return {
    caption: 'Configuration keeping the most base score per GiB of weights, per capability',
    columns: [{ label: 'Capability' }, { label: 'Configuration' }, { label: 'Kept (%)', align: 'right' }, { label: 'Memory', align: 'right' }, { label: 'Kept per GiB', align: 'right' }],
    rows: recs.map((r) => [
      capabilityName(r.capability),
      r.best?.config ?? '—',
      r.best ? r.best.kept * 100 : null,
      r.best ? formatBytes(r.best.memoryBytes) + (r.best.memoryEstimated ? ' (est.)' : '') : null,
      r.best ? r.best.keptPerGiB : null,
    ]),
  };
}
