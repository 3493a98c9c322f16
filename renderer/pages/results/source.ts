// What the Results page shows: one run of yours or one of the paper's experiments, as a RunView.
import { emptyRunView, type PaperExperiment, type RunView } from '../../results/index.js';

export interface Source {
  key: string;
  title: string;
  kind: 'run' | 'paper';
  view: RunView;
  note?: string;
}

export function paperSource(p: PaperExperiment): Source {
  return {
    key: `paper/${p.id}`,
    title: `Paper · ${p.model}`,
    kind: 'paper',
    view: { ...emptyRunView(), configs: p.configs, scores: p.scores },
    note: `Published results (${p.tables.join(', ')}), read-only. Memory footprints are estimates from nominal parameter counts.${p.unaligned ? ` ${p.unaligned} printed values whose column is uncertain are left out.` : ''}`,
  };
}

/** What the reader chose inside the tabs: kept while the dashboard shows one source, so switching tabs loses nothing. */
export interface TabChoices {
  taskMode: 'score' | 'drop';
  niahConfig: string;
  itemConfig: string;
  regressionsOnly: boolean;
  budgetCap: string;
  allPaperModels: boolean;
}
export const FIRST_CHOICES: TabChoices = { taskMode: 'score', niahConfig: '', itemConfig: '', regressionsOnly: true, budgetCap: '', allPaperModels: false };
export type Choose = (change: Partial<TabChoices>) => void;
