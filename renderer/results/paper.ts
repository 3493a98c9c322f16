// The paper's published tables (resources/paper/acbench-paper.json) as read-only "Paper" experiments.
import { bitsPerWeight, weightBytes } from './memory.js';
import type { ConfigInfo, TaskScore } from './types.js';

export interface PaperCell {
  table: string;
  model: string;
  printedModel: string;
  config: string;
  printedConfig: string;
  benchmark: string;
  capability: string;
  task: string;
  printedTask: string;
  metric: string;
  value: number;
  printed: string;
  scale: 'percent' | 'fraction' | 'raw';
  aligned: boolean;
  note?: string;
}

export interface PaperData {
  schemaVersion: number;
  source: string;
  notes: string[];
  models: { name: string; printed: string[]; params: number | null; tables: string[] }[];
  configs: Record<string, { method: string; bits?: number; groupSize?: number; sparsity?: number; pattern?: string }>;
  cells: PaperCell[];
}

export interface PaperExperiment {
  id: string;
  model: string;
  tables: string[];
  configs: ConfigInfo[];
  scores: TaskScore[];
  cells: PaperCell[];
  unaligned: number;
}

export const paperExperimentId = (model: string) => `paper-${model.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;

/**
 * One cell as a task score (a fraction), or null when it is not a score (Table 2, UNALIGNED).
 * Task-level: T-Eval Overall, WorfBench Average F1, each LongBench/LongGenBench task, each AgentBoard
 * progress rate (P). Everything else is detail for the per-task table.
 */
export function paperCellScore(c: PaperCell): TaskScore | null {
  if (!c.aligned || c.scale === 'raw') return null;
  const score = c.scale === 'percent' ? c.value / 100 : c.value;
  const base = { config: c.config, capability: c.capability, score };
  switch (c.benchmark) {
    case 't-eval':
      return c.task === 'Overall' ? { ...base, task: 't-eval', level: 'task' } : { ...base, task: 't-eval', subtask: c.task, format: c.metric, level: 'detail' };
    case 'worfbench':
      return c.task === 'Average' && c.metric === 'F1' ? { ...base, task: 'worfbench', level: 'task' } : { ...base, task: 'worfbench', subtask: c.task, format: c.metric, level: 'detail' };
    case 'agentboard':
      return c.metric === 'P' ? { ...base, task: `agentboard/${c.task}`, level: 'task' } : { ...base, task: `agentboard/${c.task}`, format: c.metric, level: 'detail' };
    default:
      return { ...base, task: `${c.benchmark}/${c.task}`, level: 'task' };
  }
}

export function paperExperiments(data: PaperData): PaperExperiment[] {
  return data.models
    .filter((m) => m.tables.some((t) => t !== 'Table 2'))
    .map((m) => {
      const cells = data.cells.filter((c) => c.model === m.name);
      const scores = cells.map(paperCellScore).filter((s): s is TaskScore => s !== null);
      const labels = [...new Set(scores.map((s) => s.config))];
      const configs = labels.map((label): ConfigInfo => {
        const settings = data.configs[label.replace(/ \(printed .*\)$/, '')] ?? { method: 'none' };
        const info: ConfigInfo = { label, ...settings };
        if (m.params) {
          info.params = m.params;
          info.memoryBytes = weightBytes(m.params, bitsPerWeight(settings));
          info.memoryEstimated = true;
        }
        return info;
      });
      return { id: paperExperimentId(m.name), model: m.name, tables: m.tables, configs, scores, cells, unaligned: cells.filter((c) => !c.aligned).length };
    });
}

/** Table 2 (OPT statistics) as rows: model, metric, value. */
export function paperOptStats(data: PaperData): { model: string; metric: string; value: number }[] {
  return data.cells.filter((c) => c.benchmark === 'opt-stats').map((c) => ({ model: c.model, metric: c.metric, value: c.value }));
}

let cached: Promise<PaperData> | null = null;
/** Loaded on demand (a separate chunk), so the shell starts fast. */
export function loadPaperData(): Promise<PaperData> {
  cached ??= import('../../resources/paper/acbench-paper.json').then((m) => (m.default ?? m) as unknown as PaperData);
  return cached;
}
