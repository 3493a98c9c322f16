// Overview tab: per-capability change vs base (with the overlay), the capabilities radar, the recommendation, tables.
import { useMemo } from 'react';
import { ChartCard } from '../../components/Plot.js';
import { Empty } from '../../components/States.js';
import { TableHead, TableView } from '../../components/TableView.js';
import { capabilityName } from '../../experiment/spec.js';
import { capabilityScores, dropBarsFigure, dropTable, formatBytes, radarFigure, recommend, recommendationTable, type CapabilityRow, type Recommendation } from '../../results/index.js';
import type { Source } from './source.js';

const CANDIDATE_COLUMNS = [{ label: 'Configuration' }, ...['Score', 'Base', 'Kept', 'Memory', 'Kept/GiB'].map((label) => ({ label, align: 'right' as const }))];

export function OverviewTab({ source, rows, overlay, overlayRows }: { source: Source; rows: CapabilityRow[]; overlay: Source | null; overlayRows: CapabilityRow[] }) {
  const v = source.view;
  const capScores = useMemo(() => capabilityScores(v.scores), [v]);
  const recs = useMemo(() => recommend(rows, v.configs), [rows, v]);
  const overlayRecs = useMemo(() => (overlay ? recommend(overlayRows, overlay.view.configs) : null), [overlay, overlayRows]);
  if (!rows.length)
    return (
      <Empty title="No per-capability scores yet" minHeight={360}>
        The drop chart appears once the base model and at least one compressed configuration have score records for the same tasks.
        <div data-testid="drop-chart" data-empty="true" />
      </Empty>
    );
  return (
    <>
      <ChartCard
        title="Per-capability change vs base"
        build={() => dropBarsFigure(rows, overlayRows, overlay?.title ?? 'Paper')}
        deps={[rows, overlayRows, overlay]}
        testId="drop-chart"
        note="Bars: score of each configuration minus the base's, in points, over the tasks both were scored on; whiskers: 95% confidence interval where the service reported one. Hatched bars: overlay."
      />
      <div className="two-col">
        <ChartCard title="Capabilities radar" build={() => radarFigure(capScores)} deps={[capScores]} testId="radar-chart" height={380} />
        <RecommendationPanel recs={recs} paperRecs={overlayRecs} paperTitle={overlay?.title ?? 'Paper'} />
      </div>
      <TableView table={dropTable(rows)} name="Per-capability drops" testId="drop-table" />
      <TableView table={recommendationTable(recs)} name="Recommendation" />
    </>
  );
}

function RecommendationPanel({ recs, paperRecs, paperTitle }: { recs: Recommendation[]; paperRecs: Recommendation[] | null; paperTitle: string }) {
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  if (!recs.length) return <Empty title="No recommendation yet">It needs the base and at least one compressed configuration scored on the same tasks, with memory footprints.</Empty>;
  return (
    <section className="card" aria-label="Recommendation" data-testid="recommendation">
      <header className="card-head">
        <h3>Recommendation: most base score kept per GiB of weights</h3>
      </header>
      <div className="rec-grid">
        {recs.map((r) => {
          const p = paperRecs?.find((x) => x.capability === r.capability);
          return (
            <div key={r.capability} className="rec">
              <h4>{capabilityName(r.capability)}</h4>
              {r.best ? (
                <p>
                  <strong>{r.best.config}</strong> keeps {pct(r.best.kept)} of the base score in {formatBytes(r.best.memoryBytes)}
                  {r.best.memoryEstimated ? ' (estimated)' : ''} → {r.best.keptPerGiB.toFixed(3)} per GiB.
                </p>
              ) : (
                <p className="muted">No configuration qualifies.</p>
              )}
              {p?.best ? (
                <p className="small muted">
                  {paperTitle}: {p.best.config} ({pct(p.best.kept)} kept, {formatBytes(p.best.memoryBytes)} estimated).
                </p>
              ) : null}
              <details>
                <summary>Numbers behind this</summary>
                <table className="small">
                  <TableHead columns={CANDIDATE_COLUMNS} />
                  <tbody>
                    {r.candidates.map((c) => (
                      <tr key={c.config}>
                        <td>{c.config}</td>
                        <td className="num">{(c.score * 100).toFixed(2)}</td>
                        <td className="num">{(c.baseScore * 100).toFixed(2)}</td>
                        <td className="num">{pct(c.kept)}</td>
                        <td className="num">
                          {formatBytes(c.memoryBytes)}
                          {c.memoryEstimated ? '*' : ''}
                        </td>
                        <td className="num">{c.keptPerGiB.toFixed(3)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
                {r.excluded.length ? (
                  <ul className="small muted">
                    {r.excluded.map((x) => (
                      <li key={x.config}>
                        {x.config}: {x.why}
                      </li>
                    ))}
                  </ul>
                ) : null}
              </details>
            </div>
          );
        })}
      </div>
    </section>
  );
}
