import { describe, expect, it } from 'vitest';
import type { ResultRecord } from '../../main/api/contract.js';
import { adaptRecords, histogram } from '../../renderer/results/records.js';
import { pairItems, countRegressions } from '../../renderer/results/items.js';

const rec = (kind: ResultRecord['kind'], data: Record<string, unknown>, key = Math.random().toString(36)): ResultRecord => ({ key, kind, at: '2026-01-01T00:00:00.000Z', data });

describe('adaptRecords', () => {
  const records: ResultRecord[] = [
    rec('compression', { config: 'GPTQ-W4', method: 'gptq', bits: 4, groupSize: 128, memoryBytes: 1000, seconds: 2 }),
    rec('compression', { config: 'base', method: 'none', memoryBytes: 4000 }),
    rec('score', { task: 't-eval', config: 'base', score: 0.8, ci95: [0.7, 0.9], n: 50 }),
    rec('score', { task: 't-eval', config: 'GPTQ-W4', score: 75, ci95: [70, 80], scale: 'percent' }),
    rec('score', { task: 't-eval', subtask: 'plan', format: 'json', config: 'GPTQ-W4', score: 0.5 }),
    rec('score', { task: 'niah', config: 'base', contextLength: 1024, depth: 0.5, score: 1 }),
    rec('score', { task: 'worfbench', config: { label: 'AWQ-W4' }, capability: 'workflow', score: 0.4 }),
    rec('score', { task: 'longbench', config: 'base', score: 42 }),
    rec('score', { config: 'base', score: 0.3 }),
    rec('analysis', { metric: 'topk', config: 'GPTQ-W4', k: 5, consistency: 0.9 }),
    rec('analysis', { metric: 'topk-position', config: 'GPTQ-W4', position: 12, consistency: 0.8 }),
    rec('analysis', { metric: 'energy', config: 'base', values: [0, 1, 2, 3] }),
    rec('analysis', { metric: 'erank', config: 'base', erank: 17.5, diffErank: 0.2 }),
    rec('analysis', { metric: 'mystery' }),
    rec('item', { task: 't-eval', config: 'base', id: 'q1', score: 1, prompt: 'p', output: 'o' }),
    rec('item', { task: 't-eval', config: 'GPTQ-W4', id: 'q1', score: 0 }),
    rec('stage', { stage: 'load', wallS: 1.5, items: 1 }),
    rec('log', { level: 'warn', message: 'slow' }),
  ];
  const v = adaptRecords(records);

  it("collects the score records' named deviations per label, with the tasks they touch", () => {
    const w = adaptRecords([
      rec('score', { task: 't-eval', config: 'base', score: 0.5, deviations: [{ label: 'lexical-sim', note: 'No sentence-embedding model is loaded.' }] }),
      rec('score', {
        task: 'worfbench',
        config: 'base',
        score: 0.5,
        deviations: [
          { label: 'lexical-sim', note: 'No sentence-embedding model is loaded.' },
          { label: 'worfbench-examples-from-data', note: 'n' },
        ],
      }),
      rec('score', { task: 'worfbench', config: 'GPTQ-W4', score: 0.4, deviations: [{ label: 'lexical-sim' }] }),
    ]);
    expect(w.deviations).toEqual([
      { label: 'lexical-sim', note: 'No sentence-embedding model is loaded.', tasks: ['t-eval', 'worfbench'] },
      { label: 'worfbench-examples-from-data', note: 'n', tasks: ['worfbench'] },
    ]);
    expect(v.deviations).toEqual([]);
  });
  it("names each configuration's engine and device from its score records, with the reason when not llama.cpp", () => {
    const w = adaptRecords([
      rec('score', {
        task: 't-eval',
        config: 'base',
        score: 0.5,
        engine: { name: 'llama.cpp', version: 'node-llama-cpp 3.21.1', device: 'cpu', gpu: null, offloadedLayers: 0, totalLayers: 25, weights: 'GGUF BF16' },
      }),
      rec('score', { task: 'niah', config: 'base', score: 0.5, engine: { name: 'llama.cpp', version: 'node-llama-cpp 3.21.1', device: 'cpu' } }),
      rec('score', { task: 't-eval', config: 'SQ-W8A8', score: 0.4, engine: { name: 'tfjs', version: 'tfjs-wasm', device: 'cpu', reason: '8-bit activations' } }),
      rec('score', { task: 't-eval', config: 'RTN-W4', score: 0.4 }),
    ]);
    expect(w.engines).toEqual([
      { config: 'base', engine: 'llama.cpp (node-llama-cpp 3.21.1)', device: 'cpu', layers: '0/25 layers offloaded', weights: 'GGUF BF16' },
      { config: 'SQ-W8A8', engine: 'reference decoder (tfjs-wasm)', device: 'cpu', reason: '8-bit activations' },
    ]);
    expect(v.engines).toEqual([]);
  });
  it('reads score records as fractions, with task-level and detail rows', () => {
    expect(v.scores.map((s) => [s.config, s.task, s.score, s.level, s.capability])).toEqual([
      ['base', 't-eval', 0.8, 'task', 'action'],
      ['GPTQ-W4', 't-eval', 0.75, 'task', 'action'],
      ['GPTQ-W4', 't-eval', 0.5, 'detail', 'action'],
      ['AWQ-W4', 'worfbench', 0.4, 'task', 'workflow'],
    ]);
    expect(v.scores[1].ci95).toEqual([0.7, 0.8]);
    expect(v.scores[0].n).toBe(50);
    expect(v.scores[2].subtask).toBe('plan');
  });
  it('routes NIAH cells (contextLength + depth) to the heatmap', () => {
    expect(v.niah).toEqual([{ config: 'base', contextLength: 1024, depth: 0.5, score: 1 }]);
  });
  it('reads analysis, compression, item, stage and log records', () => {
    expect(v.topkByK).toEqual([{ config: 'GPTQ-W4', x: 5, consistency: 0.9 }]);
    expect(v.topkByPosition).toEqual([{ config: 'GPTQ-W4', x: 12, consistency: 0.8 }]);
    expect(v.energy[0].counts.reduce((a, b) => a + b, 0)).toBe(4);
    expect(v.erank).toEqual([{ config: 'base', erank: 17.5, diffErank: 0.2 }]);
    expect(v.configs[0]).toEqual({ label: 'base', method: 'none', memoryBytes: 4000 });
    expect(v.configs.find((c) => c.label === 'GPTQ-W4')).toEqual({ label: 'GPTQ-W4', method: 'gptq', bits: 4, groupSize: 128, memoryBytes: 1000, seconds: 2 });
    expect(v.configs.map((c) => c.label)).toContain('AWQ-W4');
    expect(v.items.map((i) => [i.config, i.correct])).toEqual([
      ['base', true],
      ['GPTQ-W4', false],
    ]);
    expect(v.stages).toEqual([{ stage: 'load', wallS: 1.5, items: 1 }]);
    expect(v.logs).toEqual([{ at: '2026-01-01T00:00:00.000Z', level: 'warn', message: 'slow' }]);
  });
  it('counts records it could not read, in words', () => {
    expect(v.warnings).toEqual([
      '1 score records whose score is outside 0–1 (send scale: "percent" for 0–100) were skipped',
      '1 score records without a task name and a numeric score were skipped',
      '1 analysis records with metric "mystery" and unexpected fields were skipped',
    ]);
  });
});

describe('histogram', () => {
  it('bins values into equal-width bins over [min, max], the maximum in the last bin', () => {
    expect(histogram([0, 1, 2, 3], 2)).toEqual({ edges: [0, 1.5, 3], counts: [2, 2] });
    expect(histogram([5, 5], 2)).toEqual({ edges: [5, 5.5, 6], counts: [2, 0] });
    expect(histogram([])).toEqual({ edges: [], counts: [] });
  });
});

describe('pairItems', () => {
  const item = (config: string, id: string, correct: boolean) => ({ config, task: 't', id, score: correct ? 1 : 0, correct });
  const pairs = pairItems(
    [item('base', '1', true), item('base', '2', false), item('base', '3', true), item('X', '1', false), item('X', '2', true), item('X', '3', true), item('base', '4', true)],
    'X',
  );
  it('marks base-right/compressed-wrong items as regressions and the reverse as improvements', () => {
    expect(pairs.filter((p) => p.regression).map((p) => p.id)).toEqual(['1']);
    expect(pairs.filter((p) => p.improvement).map((p) => p.id)).toEqual(['2']);
    expect(countRegressions(pairs)).toEqual({ regressions: 1, improvements: 1, compared: 3 });
    expect(pairs.find((p) => p.id === '4')?.compressed).toBeUndefined();
  });
});

describe('labels from records reach Plotly as plain text (issue 20, item 7)', () => {
  it('strips markup and hover-template fields from configuration, task and capability names', async () => {
    const { adaptRecords, plainLabel } = await import('../../renderer/results/records.js');
    const planted = '<a href="https://evil.example">RTN</a>-W4 %{x}';
    const view = adaptRecords([{ key: 'score:x:t', kind: 'score', at: 't', data: { config: planted, task: '<b onmouseover=1>t-eval</b>', capability: 'action', score: 0.5 } }]);
    expect(view.scores[0].config).toBe('RTN-W4 %\u200b{x}');
    expect(view.scores[0].task).toBe('t-eval');
    expect(plainLabel('a <b')).toBe('a ');
    expect(JSON.stringify(view)).not.toMatch(/<a |href|<b/);
  });
});
