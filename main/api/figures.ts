// Publication figures written without a browser (CLI reports): grouped bar charts with 95% CI
// error bars as SVG, rasterised to PNG at a chosen DPI. Okabe–Ito palette, journal-sized text.
import { Resvg } from '@resvg/resvg-js';
import { colourFor, colourRound, seriesIndex } from '../results/index.js';

/** Hatches that tell series apart once the colours repeat: compressed series i gets hatch ⌊i / 7⌋ (0 = plain; the base is black). */
const HATCHES = ['', '<line x1="0" y1="4" x2="4" y2="0"/>', '<line x1="0" y1="0" x2="4" y2="4"/>', '<line x1="0" y1="4" x2="4" y2="0"/><line x1="0" y1="0" x2="4" y2="4"/>'];
const hatchDefs = () =>
  `<defs>${HATCHES.slice(1)
    .map((lines, k) => `<pattern id="hatch${k + 1}" patternUnits="userSpaceOnUse" width="4" height="4"><g stroke="#ffffff" stroke-width="0.9">${lines}</g></pattern>`)
    .join('')}</defs>`;
/** A filled box in the colour of a configuration (series `si` among the compressed ones), with its hatch over it when the colours have cycled. */
function seriesBox(name: string, si: number, x: number, y: number, w: number, h: number, extra = '', title = ''): string {
  const hatch = name === 'base' ? 0 : colourRound(si) % HATCHES.length;
  const at = `x="${x.toFixed(2)}" y="${y.toFixed(2)}" width="${w.toFixed(2)}" height="${h.toFixed(2)}"`;
  const box = `<rect ${extra}${at} fill="${colourFor(name, si)}">${title}</rect>`;
  return hatch ? `${box}<rect class="hatch" ${at} fill="url(#hatch${hatch})"/>` : box;
}

export interface BarSeries {
  name: string;
  values: (number | null)[];
  /** 95% CI per category, [low, high] in the values' units */
  ci?: ([number, number] | null)[];
}

export interface GroupedBarSpec {
  title: string;
  yLabel: string;
  categories: string[];
  series: BarSeries[];
  /** width in millimetres (89 single column, 183 double column) */
  widthMm?: number;
  heightMm?: number;
}

const MM_TO_PT = 72 / 25.4;

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** "Nice" axis ticks: steps of 1, 2 or 5 × 10^k covering [lo, hi]. */
export function niceTicks(lo: number, hi: number, target = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / target;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const ticks: number[] = [];
  const first = Math.floor(lo / step + 1e-9);
  const last = Math.ceil(hi / step - 1e-9);
  for (let i = first; i <= last; i++) ticks.push(+(i * step).toPrecision(12));
  return ticks;
}

/** Grouped bars, one group per category, one bar per series; sizes in points so 1 pt = 1 SVG unit. */
export function groupedBarSvg(spec: GroupedBarSpec): string {
  const width = (spec.widthMm ?? 183) * MM_TO_PT;
  const height = (spec.heightMm ?? 80) * MM_TO_PT;
  const margin = { left: 42, right: 8, top: 22, bottom: 38 + 10 * Math.ceil(spec.series.length / 4) };
  const plotW = width - margin.left - margin.right;
  const plotH = height - margin.top - margin.bottom;
  const all: number[] = [0];
  for (const s of spec.series)
    s.values.forEach((v, i) => {
      if (v === null) return;
      all.push(v);
      const ci = s.ci?.[i];
      if (ci) all.push(ci[0], ci[1]);
    });
  const ticks = niceTicks(Math.min(...all), Math.max(...all));
  const yMin = Math.min(ticks[0], 0);
  const yMax = Math.max(ticks.at(-1)!, 0) === yMin ? yMin + 1 : Math.max(ticks.at(-1)!, 0);
  const y = (v: number) => margin.top + plotH * (1 - (v - yMin) / (yMax - yMin));
  const groupW = plotW / Math.max(1, spec.categories.length);
  const barW = (groupW * 0.8) / Math.max(1, spec.series.length);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width.toFixed(1)}pt" height="${height.toFixed(1)}pt" viewBox="0 0 ${width.toFixed(1)} ${height.toFixed(1)}" font-family="DejaVu Sans, Helvetica, Arial, sans-serif" font-size="7">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    hatchDefs(),
    `<text x="${(width / 2).toFixed(1)}" y="12" text-anchor="middle" font-size="8" font-weight="bold">${esc(spec.title)}</text>`,
  ];
  for (const t of ticks) {
    parts.push(`<line x1="${margin.left}" x2="${(margin.left + plotW).toFixed(1)}" y1="${y(t).toFixed(1)}" y2="${y(t).toFixed(1)}" stroke="#dddddd" stroke-width="0.5"/>`);
    parts.push(`<text x="${margin.left - 3}" y="${(y(t) + 2.5).toFixed(1)}" text-anchor="end">${esc(String(+t.toPrecision(6)))}</text>`);
  }
  parts.push(`<line x1="${margin.left}" x2="${(margin.left + plotW).toFixed(1)}" y1="${y(0).toFixed(1)}" y2="${y(0).toFixed(1)}" stroke="#000000" stroke-width="0.7"/>`);
  parts.push(`<text transform="translate(10 ${(margin.top + plotH / 2).toFixed(1)}) rotate(-90)" text-anchor="middle">${esc(spec.yLabel)}</text>`);
  const index = seriesIndex(spec.series.map((s) => s.name));
  spec.categories.forEach((cat, ci) => {
    const gx = margin.left + ci * groupW + groupW * 0.1;
    spec.series.forEach((s, si) => {
      const v = s.values[ci];
      if (v === null || v === undefined) return;
      const x = gx + si * barW;
      const top = Math.min(y(v), y(0));
      const h = Math.abs(y(v) - y(0));
      parts.push(seriesBox(s.name, index.get(s.name) ?? 0, x, top, barW * 0.92, h, 'class="bar" ', `<title>${esc(`${s.name} · ${cat}: ${v}`)}</title>`));
      const ci95 = s.ci?.[ci];
      if (ci95) {
        const cx = x + barW * 0.46;
        parts.push(
          `<path d="M${cx.toFixed(2)} ${y(ci95[0]).toFixed(2)}V${y(ci95[1]).toFixed(2)}M${(cx - 1.5).toFixed(2)} ${y(ci95[0]).toFixed(2)}h3M${(cx - 1.5).toFixed(2)} ${y(ci95[1]).toFixed(2)}h3" stroke="#000000" stroke-width="0.5" fill="none"/>`,
        );
      }
    });
    parts.push(`<text x="${(margin.left + (ci + 0.5) * groupW).toFixed(1)}" y="${(margin.top + plotH + 10).toFixed(1)}" text-anchor="middle">${esc(cat)}</text>`);
  });
  const legendY = margin.top + plotH + 22;
  const colW = plotW / 4;
  spec.series.forEach((s, si) => {
    const lx = margin.left + (si % 4) * colW;
    const ly = legendY + Math.floor(si / 4) * 10;
    parts.push(seriesBox(s.name, index.get(s.name) ?? 0, lx, ly - 6, 7, 7));
    parts.push(`<text x="${(lx + 10).toFixed(1)}" y="${ly.toFixed(1)}">${esc(s.name)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n');
}

/** PNG of an SVG at `dpi` (the SVG is sized in points; the rasteriser reads them at 96 px per inch). */
export function svgToPng(svg: string, dpi = 300): { png: Buffer; width: number; height: number } {
  const rendered = new Resvg(svg, { fitTo: { mode: 'zoom', value: dpi / 96 }, font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' }, background: '#ffffff' }).render();
  return { png: Buffer.from(rendered.asPng()), width: rendered.width, height: rendered.height };
}
