// Per-task tab: a heatmap of scores (or change vs base) per task and configuration, and its table.
import { ChartCard } from '../../components/Plot.js';
import { Empty } from '../../components/States.js';
import { TableView } from '../../components/TableView.js';
import { taskHeatmapFigure, taskTable } from '../../results/index.js';
import type { Choose, Source, TabChoices } from './source.js';

export function TasksTab({ source, choices, choose }: { source: Source; choices: TabChoices; choose: Choose }) {
  const v = source.view;
  const { taskMode } = choices;
  if (!v.scores.length) return <Empty title="No task scores yet" minHeight={360} />;
  return (
    <>
      <div className="inline no-print" role="radiogroup" aria-label="Heatmap values">
        <label>
          <input type="radio" name="task-mode" checked={taskMode === 'score'} onChange={() => choose({ taskMode: 'score' })} /> scores
        </label>
        <label>
          <input type="radio" name="task-mode" checked={taskMode === 'drop'} onChange={() => choose({ taskMode: 'drop' })} /> change vs base
        </label>
      </div>
      <ChartCard title={taskMode === 'score' ? 'Per-task scores' : 'Per-task change vs base'} build={() => taskHeatmapFigure(v.scores, taskMode)} deps={[v.scores, taskMode]} testId="task-heatmap" />
      <TableView table={taskTable(v.scores)} name="Per-task scores" testId="task-table" />
    </>
  );
}
