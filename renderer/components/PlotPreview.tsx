// The static first paint of a bar chart (results/preview.ts), shown until Plotly has drawn the real one.
import type { PreviewShape } from '../results/preview.js';

export function PlotPreview({ shape, testId }: { shape: PreviewShape; testId?: string }) {
  const { plot } = shape;
  return (
    <svg className="plot-preview" data-testid={testId} viewBox={`0 0 ${shape.width} ${shape.height}`} width="100%" height={shape.height} aria-hidden="true">
      {(shape.lines ?? []).map((l, i) => (
        <polyline key={`l${i}`} points={l.points} fill="none" stroke={l.stroke} strokeWidth={l.width} />
      ))}
      {(shape.labels ?? []).map((t, i) => (
        <text key={`t${i}`} x={t.x} y={t.y} textAnchor={t.anchor} fontSize={12}>
          {t.text}
        </text>
      ))}
      {shape.ticks.map((t) => (
        <g key={t.label}>
          <line x1={plot.left} x2={plot.right} y1={t.y} y2={t.y} stroke="#e5e5e5" />
          <text x={plot.left - 6} y={t.y + 4} textAnchor="end" fontSize={12}>
            {t.label}
          </text>
        </g>
      ))}
      {Number.isFinite(shape.zeroY) ? <line x1={plot.left} x2={plot.right} y1={shape.zeroY} y2={shape.zeroY} stroke="#888888" /> : null}
      {shape.bars.map((b, i) => (
        <rect key={i} x={b.x} y={b.y} width={b.w} height={b.h} fill={b.fill} stroke="#000" strokeWidth={0.5}>
          <title>{b.title}</title>
        </rect>
      ))}
      {shape.whiskers.map((w, i) => (
        <line key={i} x1={w.x} x2={w.x} y1={w.y1} y2={w.y2} stroke="#000" />
      ))}
      {shape.categories.map((c) => (
        <text key={c.text} x={c.x} y={plot.bottom + 20} textAnchor="middle" fontSize={12}>
          {c.text}
        </text>
      ))}
    </svg>
  );
}
