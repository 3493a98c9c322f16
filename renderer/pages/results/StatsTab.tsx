// Statistics tab: top-k ranking consistency, energy, effective rank; the paper's own OPT statistics (Table 2).
import { ChartCard } from '../../components/Plot.js';
import { Empty } from '../../components/States.js';
import { TableView } from '../../components/TableView.js';
import { energyFigure, erankFigure, lineFigure, paperOptStats, type PaperData } from '../../results/index.js';
import type { Source } from './source.js';

export function StatsTab({ source, paper }: { source: Source; paper: PaperData | null }) {
  const v = source.view;
  const optStats = paper ? paperOptStats(paper) : [];
  const models = [...new Set(optStats.map((s) => s.model))];
  return (
    <>
      {v.topkByK.length ? <ChartCard title="Top-k ranking consistency vs k" build={() => lineFigure(v.topkByK, 'k', 'consistency with base')} deps={[v.topkByK]} testId="topk-k" /> : null}
      {v.topkByPosition.length ? (
        <ChartCard
          title="Top-k ranking consistency vs position"
          build={() => lineFigure(v.topkByPosition, 'token position', 'consistency with base')}
          deps={[v.topkByPosition]}
          testId="topk-position"
        />
      ) : null}
      {v.energy.length ? <ChartCard title="Energy distribution" build={() => energyFigure(v.energy)} deps={[v.energy]} testId="energy-hist" /> : null}
      {v.erank.length ? <ChartCard title="Effective rank" build={() => erankFigure(v.erank)} deps={[v.erank]} testId="erank-bars" /> : null}
      {!v.topkByK.length && !v.topkByPosition.length && !v.energy.length && !v.erank.length ? (
        <Empty title="No statistics for this source" minHeight={120}>
          {source.kind === 'paper' ? 'The paper publishes its statistics for OPT models only (Table 2, below).' : 'Turn analysis on in the experiment to compute ERank, top-k consistency and energy.'}
        </Empty>
      ) : null}
      {optStats.length ? (
        <TableView
          name="Paper Table 2: OPT statistics"
          table={{
            caption: 'As printed in the paper (read-only)',
            columns: [{ label: 'Metric' }, ...models.map((m) => ({ label: m, align: 'right' as const }))],
            rows: [...new Set(optStats.map((s) => s.metric))].map((metric) => [metric, ...models.map((m) => optStats.find((s) => s.metric === metric && s.model === m)?.value ?? null)]),
          }}
          digits={3}
        />
      ) : null}
    </>
  );
}
