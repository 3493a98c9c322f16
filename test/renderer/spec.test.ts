import { describe, expect, it } from 'vitest';
import { ExperimentSpec, PRESETS } from '../../main/spec/index.js';
import { capabilityOfTask, configLabel, defaultConfig, demoStudyCompressions, demoStudyForm, selectedTasks, TASKS, validateForm } from '../../renderer/experiment/spec.js';
import { listBuiltinTasks } from '../../main/bench/index.js';
import { expectedPhrase } from '../../renderer/experiment/issues.js';

describe('configLabel', () => {
  it('names configurations the way the study does', () => {
    expect(configLabel({ method: 'gptq', bits: 3 })).toBe('GPTQ-W3');
    expect(configLabel({ method: 'smoothquant', bits: 8, alpha: 0.5 })).toBe('SmoothQuant-W8A8');
    expect(configLabel({ method: 'fp8' })).toBe('FP8');
    expect(configLabel({ method: 'fp8', fp8Granularity: 'tensor' })).toBe('FP8-tensor');
    expect(configLabel({ method: 'wanda', sparsity: 0.5, pattern: '2:4' })).toBe('Wanda-2:4');
    expect(configLabel({ method: 'magnitude', sparsity: 0.6, pattern: 'unstructured' })).toBe('Magnitude-60%');
    expect(configLabel({ method: 'rtn', bits: 4, kvBits: 8 })).toBe('RTN-W4-KV8');
    expect(configLabel({ method: 'awq', bits: 4, label: '  mine ' })).toBe('mine');
  });
});

describe('Demo study preset', () => {
  it('has the study grid: 4 quantizers, SmoothQuant, FP8 and 3 pruners × 2 patterns, labelled as the form labels them', () => {
    expect(demoStudyCompressions().map((c) => c.label)).toEqual([
      'RTN-W4',
      'GPTQ-W4',
      'GPTQ-W3',
      'AWQ-W4',
      'SmoothQuant-W8A8',
      'FP8-tensor',
      'Magnitude-50%',
      'Magnitude-2:4',
      'Wanda-50%',
      'Wanda-2:4',
      'SparseGPT-50%',
      'SparseGPT-2:4',
    ]);
    for (const c of demoStudyCompressions()) expect(configLabel(c)).toBe(c.label);
  });
  it('is the study `acbench run builtin:demo` runs, and validates against the contract', () => {
    const r = validateForm(demoStudyForm());
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.spec).toEqual(ExperimentSpec.parse(PRESETS['builtin:demo']));
    expect(r.spec.model).toEqual({ kind: 'builtin', id: 'acb-tiny' });
    expect(r.spec.benchmarks.limit).toBe(6);
    expect(r.spec.analysis.enabled).toBe(true);
    // editing the form never changes the shared preset
    demoStudyForm().compressions!.pop();
    expect(demoStudyForm().compressions).toHaveLength(12);
  });
});

describe('the task picker', () => {
  it('shows every task the demo selects by group name ("longbench", "agentboard-tool") as selected, from the service’s own list', () => {
    const tasks = listBuiltinTasks();
    const picked = selectedTasks(demoStudyForm().benchmarks!.tasks!, tasks);
    expect([...picked].sort()).toEqual(tasks.map((t) => t.id).sort()); // the demo runs every capability: every listed task
    expect([...selectedTasks(['longbench'], tasks)].every((id) => id.startsWith('longbench-'))).toBe(true);
    expect(selectedTasks(['agentboard-tool'], tasks)).toEqual(new Set(['agentboard-tool-query', 'agentboard-tool-operation']));
    expect(selectedTasks(['t-eval'], TASKS)).toEqual(new Set(['t-eval'])); // the built-in fallback list
  });
});

describe('validateForm', () => {
  it('reports each bad field by path, saying what was expected and found', () => {
    const form = demoStudyForm();
    const r = validateForm({
      ...form,
      name: '  ',
      compressions: [{ ...defaultConfig('gptq'), bits: 9 }],
      calibration: { ...form.calibration, samples: Number.NaN },
      model: { kind: 'endpoint', baseUrl: 'not a url', model: '' },
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.name).toBe('expected a name; found "  "');
    expect(r.errors['compressions.0.bits']).toBe('expected a number <= 8; found 9');
    expect(r.errors['calibration.samples']).toBe('expected a number; found nothing');
    expect(r.errors['model.baseUrl']).toMatch(/^expected an http\(s\) URL/);
    expect(r.errors['model.model']).toBe('expected the served model name; found nothing');
  });
  it('refuses two configurations with the same label', () => {
    const r = validateForm({ ...demoStudyForm(), compressions: [defaultConfig('gptq'), defaultConfig('gptq')] });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors['compressions.1.label']).toMatch(/configuration 1 is labelled "GPTQ-W4" too/);
  });
  it('fills each configuration label so the service can echo it in records', () => {
    const r = validateForm({ ...demoStudyForm(), compressions: [{ method: 'awq', bits: 4 }] });
    expect(r.ok && r.spec.compressions[0].label).toBe('AWQ-W4');
  });
});

describe('tasks and messages', () => {
  it('maps tasks (and sub-task ids) to capabilities', () => {
    expect(capabilityOfTask('t-eval')).toBe('action');
    expect(capabilityOfTask('longbench/Qasper')).toBe('long-context');
    expect(capabilityOfTask('agentboard-tool')).toBe('real-world');
    expect(capabilityOfTask('unknown')).toBeUndefined();
  });
  it('rephrases zod messages', () => {
    expect(expectedPhrase('Too small: expected number to be >=2')).toBe('a number >= 2');
    expect(expectedPhrase('Invalid input: expected int, received number')).toBe('a whole number');
    expect(expectedPhrase('a name')).toBe('a name');
  });
});

describe('the form output crosses the process boundary', () => {
  it('parses as createExperiment input, labels included', async () => {
    const { calls } = await import('../../main/api/contract.js');
    const r = validateForm(demoStudyForm());
    if (!r.ok) throw new Error('demo invalid');
    const input = calls.createExperiment.input.parse(JSON.parse(JSON.stringify({ spec: r.spec })));
    expect(input.spec.compressions.every((c) => typeof c.label === 'string' && c.label.length > 0)).toBe(true);
  });
});
