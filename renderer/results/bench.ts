// Dashboard view-model timing at the size the issue names (100 runs × 12 tasks, 50 items each).
// Run: npx esbuild renderer/results/bench.ts --bundle --platform=node --format=esm --log-level=warning | node --input-type=module
import type { ResultRecord } from '../../main/api/contract.js';
import { TASKS } from '../../main/results/index.js';
import { adaptRecords } from './records.js';
import { capabilityDrops, capabilityScores } from './drops.js';
import { recommend } from './recommend.js';
import { dropBarsFigure, radarFigure, taskHeatmapFigure, taskTable } from './figures.js';
import { pairItems } from './items.js';

const TASK_IDS = TASKS.filter((t) => t.runnable)
  .slice(0, 12)
  .map((t) => t.id);
function records(configs: number, itemsPerTask: number): ResultRecord[] {
  const out: ResultRecord[] = [];
  const at = new Date(0).toISOString();
  for (let c = 0; c <= configs; c++) {
    const config = c === 0 ? 'base' : `C${c}`;
    out.push({ key: `m${c}`, kind: 'compression', at, data: { config, memoryBytes: 1e9 / (1 + (c % 4)) } });
    for (const task of TASK_IDS) {
      out.push({ key: `s${c}${task}`, kind: 'score', at, data: { task, config, score: 0.5 + ((c * 7) % 10) / 40, ci95: [0.4, 0.7] } });
      for (let i = 0; i < itemsPerTask; i++) out.push({ key: `i${c}${task}${i}`, kind: 'item', at, data: { task, config, id: i, score: (i + c) % 3 ? 1 : 0, prompt: 'p', output: 'o' } });
    }
  }
  return out;
}
const time = (label: string, f: () => unknown) => {
  const t0 = performance.now();
  f();
  return [label, (performance.now() - t0).toFixed(1)];
};
const recs = records(100, 50);
let view = adaptRecords([]);
const rows: string[][] = [];
rows.push(time(`adaptRecords (${recs.length} records)`, () => (view = adaptRecords(recs))) as string[]);
let drops = capabilityDrops([]);
rows.push(time('capabilityDrops', () => (drops = capabilityDrops(view.scores))) as string[]);
rows.push(time('capabilityScores + radar', () => radarFigure(capabilityScores(view.scores))) as string[]);
rows.push(time('recommend', () => recommend(drops, view.configs)) as string[]);
rows.push(time('dropBarsFigure', () => dropBarsFigure(drops)) as string[]);
rows.push(time('taskHeatmapFigure + taskTable', () => [taskHeatmapFigure(view.scores), taskTable(view.scores)]) as string[]);
rows.push(time('pairItems (one config)', () => pairItems(view.items, 'C1')) as string[]);
console.log('| step | ms |\n| --- | ---: |');
for (const [label, ms] of rows) console.log(`| ${label} | ${ms} |`);
