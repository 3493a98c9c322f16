// Memory-budget tab: each configuration's score on one capability against the memory its weights take, with the
// overlay or every model of the paper.
import { useMemo } from 'react';
import { ChartCard } from '../../components/Plot.js';
import { Empty } from '../../components/States.js';
import { capabilityName } from '../../experiment/spec.js';
import { BASE, budgetFigure, capabilityDrops, type BudgetPoint, type CapabilityRow, type PaperExperiment, type RunView } from '../../results/index.js';
import { paperSource, type Choose, type Source, type TabChoices } from './source.js';

/** One point per (configuration, capability) with a memory footprint, the base's once per capability. */
function budgetPoints(rows: CapabilityRow[], view: RunView, source: string): BudgetPoint[] {
  const info = new Map(view.configs.map((c) => [c.label, c]));
  const out: BudgetPoint[] = [];
  const baseInfo = info.get(BASE);
  const seenBase = new Set<string>();
  for (const r of rows) {
    const c = info.get(r.config);
    if (c?.memoryBytes) out.push({ config: r.config, capability: r.capability, score: r.score, memoryBytes: c.memoryBytes, estimated: !!c.memoryEstimated, source });
    if (baseInfo?.memoryBytes && !seenBase.has(r.capability)) {
      seenBase.add(r.capability);
      out.push({ config: BASE, capability: r.capability, score: r.baseScore, memoryBytes: baseInfo.memoryBytes, estimated: !!baseInfo.memoryEstimated, source });
    }
  }
  return out;
}

interface BudgetTabProps {
  source: Source;
  rows: CapabilityRow[];
  overlay: Source | null;
  overlayRows: CapabilityRow[];
  papers: PaperExperiment[];
  choices: TabChoices;
  choose: Choose;
}

export function BudgetTab({ source, rows, overlay, overlayRows, papers, choices, choose }: BudgetTabProps) {
  const v = source.view;
  const { allPaperModels } = choices;
  const budgetAll = useMemo(() => {
    const own = budgetPoints(rows, v, source.kind === 'paper' ? source.title : 'This run');
    if (allPaperModels) return [...own, ...papers.filter((p) => `paper/${p.id}` !== source.key).flatMap((p) => budgetPoints(capabilityDrops(p.scores), paperSource(p).view, `Paper · ${p.model}`))];
    return [...own, ...(overlay ? budgetPoints(overlayRows, overlay.view, overlay.title) : [])];
  }, [rows, v, overlay, overlayRows, source, allPaperModels, papers]);
  const budgetCaps = [...new Set(budgetAll.map((p) => p.capability))];
  const chosenCap = budgetCaps.includes(choices.budgetCap) ? choices.budgetCap : (budgetCaps[0] ?? '');
  const budget = budgetAll.filter((p) => p.capability === chosenCap);
  if (!budget.length)
    return (
      <Empty title="No memory footprints" minHeight={360}>
        The service records each configuration's memory in its compression records; none are here yet.
      </Empty>
    );
  return (
    <>
      <div className="inline no-print">
        <label>
          Capability{' '}
          <select value={chosenCap} onChange={(e) => choose({ budgetCap: e.target.value })} data-testid="budget-capability">
            {budgetCaps.map((c) => (
              <option key={c} value={c}>
                {capabilityName(c)}
              </option>
            ))}
          </select>
        </label>
        <label>
          <input type="checkbox" checked={allPaperModels} onChange={(e) => choose({ allPaperModels: e.target.checked })} data-testid="budget-all-paper" /> every model in the paper (sizes and methods,
          as in the study’s Figure 7)
        </label>
      </div>
      <ChartCard
        title="Score vs weight memory"
        build={() => budgetFigure(budget)}
        deps={[budgetAll, chosenCap]}
        testId="budget-chart"
        note="Each point: a configuration's mean score on the capability against the memory its weights take (colour: configuration; shape: source; names in the legend and on hover). Paper points use estimated footprints (nominal parameters × bits per weight)."
      />
    </>
  );
}
