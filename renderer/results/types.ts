// View-model shapes the dashboards draw. Scores are fractions in [0, 1]; charts show them as points (×100).
export interface TaskScore {
  /** configuration label; "base" for the uncompressed model */
  config: string;
  capability: string;
  /** the benchmark task id ("t-eval", "longbench/Qasper", …) */
  task: string;
  /** a sub-task (T-Eval "plan") */
  subtask?: string;
  /** an output format (T-Eval "string" / "json") */
  format?: string;
  score: number;
  ci95?: [number, number];
  n?: number;
  /** "task": counts toward its capability's mean; "detail": shown in the per-task table only */
  level: 'task' | 'detail';
}

export interface ConfigInfo {
  label: string;
  method?: string;
  bits?: number;
  groupSize?: number;
  sparsity?: number;
  pattern?: string;
  /** bytes of the weights after compression (measured by the service, or estimated for the paper) */
  memoryBytes?: number;
  memoryEstimated?: boolean;
  params?: number;
  seconds?: number;
}

export interface NiahCell {
  config: string;
  contextLength: number;
  /** needle depth as a fraction of the context, 0 = start */
  depth: number;
  score: number;
}

export interface TopkPoint {
  config: string;
  /** k for "vs k" curves, or the token position for "vs position" curves */
  x: number;
  consistency: number;
}

export interface EnergyHistogram {
  config: string;
  edges: number[];
  counts: number[];
}

export interface ErankValue {
  config: string;
  erank: number;
  diffErank?: number;
}

export interface ItemResult {
  config: string;
  task: string;
  id: string;
  prompt?: string;
  output?: string;
  expected?: string;
  score: number;
  correct: boolean;
}

export interface StageRecord {
  stage: string;
  wallS: number;
  items: number;
}

export interface LogLine {
  at: string;
  level: string;
  message: string;
}

export interface PairedDrop {
  config: string;
  capability: string;
  /** change vs base (config − base), as a fraction */
  drop: number;
  ci95: [number, number];
}

export interface RunView {
  configs: ConfigInfo[];
  scores: TaskScore[];
  niah: NiahCell[];
  topkByK: TopkPoint[];
  topkByPosition: TopkPoint[];
  energy: EnergyHistogram[];
  erank: ErankValue[];
  perplexity: { config: string; perplexity: number }[];
  /** the service's paired-bootstrap 95% intervals of each capability's change vs base (fractions) */
  pairedDrops: PairedDrop[];
  items: ItemResult[];
  stages: StageRecord[];
  logs: LogLine[];
  /** records that did not have the documented shape, in words */
  warnings: string[];
  /** where the run's scores depart from the reference scorers: label, meaning, tasks it touches */
  deviations: { label: string; note: string; tasks: string[] }[];
  /** which engine generated each configuration's answers, on what device, and why when not llama.cpp */
  engines: { config: string; engine: string; device: string; layers?: string; weights?: string; reason?: string }[];
}

export const emptyRunView = (): RunView => ({
  configs: [],
  scores: [],
  niah: [],
  topkByK: [],
  topkByPosition: [],
  energy: [],
  erank: [],
  perplexity: [],
  pairedDrops: [],
  items: [],
  stages: [],
  logs: [],
  warnings: [],
  deviations: [],
  engines: [],
});

export const BASE = 'base';
