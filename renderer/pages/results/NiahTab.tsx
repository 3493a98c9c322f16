// Needle-in-a-haystack tab: retrieval by context length and depth, the base beside one compressed configuration.
import { ChartCard } from '../../components/Plot.js';
import { Empty } from '../../components/States.js';
import { BASE, niahFigure } from '../../results/index.js';
import type { Choose, Source, TabChoices } from './source.js';

export function NiahTab({ source, choices, choose }: { source: Source; choices: TabChoices; choose: Choose }) {
  const v = source.view;
  const niahConfigs = [...new Set(v.niah.map((c) => c.config))].filter((c) => c !== BASE);
  const chosen = choices.niahConfig || niahConfigs[0] || '';
  if (!v.niah.length)
    return (
      <Empty title="No needle-in-a-haystack results" minHeight={360}>
        {source.kind === 'paper' ? 'The paper reports NIAH only as figures, not tables.' : 'Select the NIAH task in the experiment to see retrieval by context length and depth.'}
      </Empty>
    );
  return (
    <>
      {niahConfigs.length > 1 ? (
        <label className="no-print">
          Compressed configuration{' '}
          <select value={chosen} onChange={(e) => choose({ niahConfig: e.target.value })}>
            {niahConfigs.map((c) => (
              <option key={c}>{c}</option>
            ))}
          </select>
        </label>
      ) : null}
      <div className="two-col">
        <ChartCard title="NIAH · base" build={() => niahFigure(v.niah, BASE)} deps={[v.niah]} testId="niah-base" />
        {chosen ? <ChartCard title={`NIAH · ${chosen}`} build={() => niahFigure(v.niah, chosen)} deps={[v.niah, chosen]} testId="niah-compressed" /> : null}
      </div>
    </>
  );
}
