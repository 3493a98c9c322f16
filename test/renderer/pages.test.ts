import { describe, expect, it } from 'vitest';
import type { Experiment } from '../../main/api/contract.js';
import { filterExperiments, headlineText, latestRun, methodsText, modelText } from '../../renderer/pages/History.js';
import { findRun, formatEta } from '../../renderer/pages/Runs.js';
import { href, parseRoute } from '../../renderer/router.js';
import { demoStudyForm, validateForm } from '../../renderer/experiment/spec.js';

const spec = (() => {
  const r = validateForm(demoStudyForm());
  if (!r.ok) throw new Error('demo spec invalid');
  return r.spec;
})();
const run = (id: string, status: Experiment['runs'][number]['status'], createdAt: string) => ({ id, experimentId: 'e', status, specHash: 'h', createdAt, itemsDone: 0, itemsTotal: 0, headline: {} });
const exps: Experiment[] = [
  {
    id: 'e1',
    name: 'Qwen sweep',
    createdAt: '2026-01-02T00:00:00Z',
    spec: { ...spec, model: { kind: 'local', path: '/models/Qwen2.5-0.5B/' }, tags: ['qwen'], notes: 'first try' },
    specHash: 'h',
    runs: [run('r1', 'failed', '2026-01-02T00:00:00Z'), run('r2', 'done', '2026-01-03T00:00:00Z')],
    readOnly: false,
  },
  { id: 'e2', name: 'Tiny', createdAt: '2026-01-01T00:00:00Z', spec: { ...spec, compressions: [] }, specHash: 'h', runs: [], readOnly: false },
  {
    id: 'e3',
    name: 'Remote',
    createdAt: '2026-01-01T00:00:00Z',
    spec: { ...spec, model: { kind: 'endpoint', baseUrl: 'http://127.0.0.1:8000/v1', model: 'llama' } },
    specHash: 'h',
    runs: [run('r3', 'running', '2026-01-01T00:00:00Z')],
    readOnly: false,
  },
];

describe('history helpers', () => {
  it('describes model, methods and the latest run', () => {
    expect(modelText(exps[0])).toBe('Qwen2.5-0.5B');
    expect(modelText(exps[1])).toBe('acb-tiny');
    expect(modelText(exps[2])).toBe('llama @ http://127.0.0.1:8000/v1');
    expect(methodsText(exps[1])).toBe('base only');
    expect(methodsText(exps[0]).startsWith('RTN-W4, GPTQ-W4, GPTQ-W3')).toBe(true);
    expect(latestRun(exps[0])?.id).toBe('r2');
  });
  it('searches name, model, methods, tags and notes; filters by latest status and tag', () => {
    expect(filterExperiments(exps, 'qwen', '', '').map((e) => e.id)).toEqual(['e1']);
    expect(filterExperiments(exps, 'FIRST TRY', '', '').map((e) => e.id)).toEqual(['e1']);
    expect(filterExperiments(exps, 'wanda-2:4', '', '').map((e) => e.id)).toEqual(['e1', 'e3']);
    expect(filterExperiments(exps, '', 'done', '').map((e) => e.id)).toEqual(['e1']);
    expect(filterExperiments(exps, '', 'failed', '').map((e) => e.id)).toEqual([]);
    expect(filterExperiments(exps, '', 'never', '').map((e) => e.id)).toEqual(['e2']);
    expect(filterExperiments(exps, '', '', 'demo').map((e) => e.id)).toEqual(['e2', 'e3']);
  });
  it('shows the headline changes in points', () => {
    expect(headlineText({ action: -0.031, workflow: 0.012 })).toBe('action -3.1 · workflow +1.2');
    expect(headlineText({})).toBe('');
  });
});

describe('run monitor helpers', () => {
  it('formats the time left', () => {
    expect(formatEta(null)).toBe('—');
    expect(formatEta(42.4)).toBe('42 s');
    expect(formatEta(125)).toBe('2 min 5 s');
    expect(formatEta(7260)).toBe('2 h 1 min');
  });
  it('finds a run and its experiment', () => {
    expect(findRun(exps, 'r3')?.experiment.id).toBe('e3');
    expect(findRun(exps, 'nope')).toBeNull();
  });
});

describe('routes', () => {
  it('parses and builds hash routes', () => {
    expect(parseRoute('#/results/paper/paper-qwen2-5-7b')).toEqual({ page: 'results', args: ['paper', 'paper-qwen2-5-7b'] });
    expect(parseRoute('')).toEqual({ page: 'new', args: [] });
    expect(parseRoute('#/nonsense/x')).toEqual({ page: 'new', args: [] });
    expect(href('runs', 'run-1')).toBe('#/runs/run-1');
    expect(parseRoute(href('results', 'a b'))).toEqual({ page: 'results', args: ['a b'] });
  });
});
