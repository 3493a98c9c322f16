import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createTask } from '../../main/bench/catalog.js';
import { listBuiltinTasks } from '../../main/bench/suite.js';
import { TASKS, tasksOfBenchmarks } from '../../main/results/index.js';
import { builtinDatasetFiles, listFiles, type Manifest } from '../../main/bench/generate-datasets.js';
import { generateSuiteFiles } from '../../main/bench/generators/index.js';
import { LexicalSimilarity } from '../../main/bench/similarity.js';
import type { LongBenchItem } from '../../main/bench/tasks/longbench.js';
import type { LongGenItem } from '../../main/bench/tasks/longgenbench.js';
import type { TEvalItem } from '../../main/bench/tasks/teval.js';
import { toJs } from '../../main/bench/python.js';
import type { WorfItem } from '../../main/bench/tasks/worfbench.js';
import type { SingleTurnTask, TaskItem } from '../../main/bench/types.js';
import { repoRoot } from './helpers.js';

const datasets = join(repoRoot, 'datasets');
const ctx = { similarity: new LexicalSimilarity() };

describe('built-in datasets', () => {
  it('the committed files equal the generator output (run `npm run datasets` after changing a generator)', () => {
    const want = builtinDatasetFiles();
    const onDisk = listFiles(datasets);
    expect(onDisk).toEqual(Object.keys(want).sort());
    for (const [rel, text] of Object.entries(want)) expect(readFileSync(join(datasets, rel), 'utf8'), rel).toBe(text);
  });
  it('generators are deterministic per seed and differ across seeds', () => {
    const a = generateSuiteFiles(1).files;
    const b = generateSuiteFiles(1).files;
    const c = generateSuiteFiles(2).files;
    expect(a).toEqual(b);
    expect(a['t-eval/instruct_v2.json']).not.toBe(c['t-eval/instruct_v2.json']);
    expect(a['longbench/data/hotpotqa.jsonl']).not.toBe(c['longbench/data/hotpotqa.jsonl']);
  });
  it('the manifest lists every runnable task with capability, metric, item count and seed; counts match the loaders', async () => {
    const m = JSON.parse(readFileSync(join(datasets, 'manifest.json'), 'utf8')) as Manifest;
    expect(m.tasks).toHaveLength(14);
    for (const t of m.tasks) {
      const items = await createTask(t.id, ctx).load(datasets);
      expect(items.length, t.id).toBe(t.items);
      expect(new Set(items.map((i) => i.id)).size, `${t.id} ids unique`).toBe(items.length);
      if (!t.id.startsWith('agentboard') && !t.id.startsWith('longgenbench')) expect(t.items, t.id).toBeGreaterThanOrEqual(50);
      expect(t.seed).toBe(m.seed);
    }
    const listed = listBuiltinTasks();
    expect(listed.map((t) => [t.id, t.items])).toEqual(m.tasks.map((t) => [t.id, t.items]));
    expect(TASKS.filter((t) => !t.runnable).map((t) => t.id)).toEqual(['agentboard-jericho', 'agentboard-scienceworld']);
  });
});

/** Gold answers written as a model would write them: every scorer must give (near) full marks. */
function oracle(task: string, item: TaskItem): string {
  if (task === 't-eval') {
    const it = item as TEvalItem;
    const gt = toJs(it.groundTruth) as Record<string, unknown>;
    switch (it.ability) {
      case 'instruct':
        if (it.format === 'json') return JSON.stringify({ thought: 'ok', name: gt.action, args: gt.args });
        return `${it.template!.thought_start}ok${it.template!.thought_end}${it.template!.action_start}${String(gt.action)}${it.template!.action_end}${it.template!.args_start}${JSON.stringify(gt.args)}${it.template!.args_end}`;
      case 'plan':
        return it.format === 'json' ? JSON.stringify(gt) : (gt as unknown as { name: string; args: unknown }[]).map((s) => `${s.name} ${JSON.stringify(s.args)}`).join('\n');
      case 'reason':
        return String(gt.thought);
      case 'retrieve':
        return String(gt.name);
      case 'understand':
        return String(gt.args);
      case 'review':
        return `Answer: ${String(gt.answer)}`;
      case 'rru':
        return JSON.stringify(gt);
    }
  }
  if (task === 'worfbench') return (item as WorfItem).gold;
  if (task.startsWith('longbench')) return (item as LongBenchItem).answers[0];
  if (task.startsWith('longgenbench')) {
    const it = item as LongGenItem;
    return it.answers.map((a, i) => `Answer_${i + 4}: The answer is ${it.style === 'gsm8k' ? a.split('####')[1].trim() : `(${a})`}.`).join('\n');
  }
  return '';
}

describe('gold answers score full marks on the built-in suites (generators, importers and scorers agree)', () => {
  for (const id of tasksOfBenchmarks(['teval', 'worfbench', 'longbench', 'longgenbench'])) {
    it(id, async () => {
      const task = createTask(id, ctx) as SingleTurnTask;
      const items = await task.load(datasets);
      const scores = items.map((it) => task.score(it, task.parse(oracle(id, it), it)));
      const agg = task.aggregate(scores, items);
      expect(agg.score, JSON.stringify(agg.fields)).toBeGreaterThan(99.5);
    });
  }
});
