// One set of rules, refused in the same words by the form (the spec's schema), the service and the compress stage.
import { describe, expect, it } from 'vitest';
import { CompressionConfig, ExperimentSpec } from '../../main/spec/index.js';
import { compressionConfigProblems, resolveConfig } from '../../main/compress/index.js';
import { CompressionConfigError } from '../../main/compress/errors.js';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateForm, demoStudyForm } from '../../renderer/experiment/spec.js';
import { AcbenchService, ServiceError } from '../../main/api/service.js';
import { openTestService, minimalSpec } from '../helpers/service.js';
import { tempDir } from '../helpers/tmp.js';

/** Configurations the compress stage refuses, each with the field at fault. */
const REFUSED: [string, Record<string, unknown>, string][] = [
  ['AWQ with symmetric quantization', { method: 'awq', bits: 4, sym: true }, 'sym'],
  ['SmoothQuant at 4 bits', { method: 'smoothquant', bits: 4 }, 'bits'],
  ['FP8 at 4 bits', { method: 'fp8', bits: 4 }, 'bits'],
  ['AWQ at 5 bits', { method: 'awq', bits: 5 }, 'bits'],
  ['Wanda with bits', { method: 'wanda', bits: 4, sparsity: 0.5 }, 'bits'],
  ['a group size of 4', { method: 'gptq', bits: 4, groupSize: 4 }, 'groupSize'],
  ['2:4 on a quantizer', { method: 'gptq', bits: 4, pattern: '2:4' }, 'pattern'],
  ['sparsity on a quantizer', { method: 'rtn', bits: 4, sparsity: 0.5 }, 'sparsity'],
  ['2:4 at 60% sparsity', { method: 'magnitude', pattern: '2:4', sparsity: 0.6 }, 'sparsity'],
  ['α on a pruner', { method: 'wanda', alpha: 0.5 }, 'alpha'],
  ['act-order on RTN', { method: 'rtn', bits: 4, actOrder: true }, 'actOrder'],
  ['FP8 granularity on GPTQ', { method: 'gptq', bits: 4, fp8Granularity: 'tensor' }, 'fp8Granularity'],
];

describe('compression rules', () => {
  it.each(REFUSED)('%s: the compress stage, the contract and the form refuse it at the same field, in the same words', (_what, config, field) => {
    const stage = (() => {
      try {
        resolveConfig(config as never);
        return null;
      } catch (e) {
        return e;
      }
    })();
    expect(stage).toBeInstanceOf(CompressionConfigError);
    const { expected, found } = stage as CompressionConfigError;
    expect((stage as CompressionConfigError).field).toBe(field);

    const parsed = CompressionConfig.safeParse(config);
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues.map((i) => [i.path.join('.'), i.message])).toContainEqual([field, expected]);

    const form = validateForm({ ...demoStudyForm(), compressions: [config as never] });
    expect(form.ok).toBe(false);
    if (!form.ok) expect(form.errors[`compressions.0.${field}`]).toBe(`expected ${expected}; found ${found}`);
  });

  it('passes every configuration of the demo study, and lists all problems of one that breaks several rules', () => {
    for (const c of demoStudyForm().compressions!) expect(compressionConfigProblems(c as never)).toEqual([]);
    expect(compressionConfigProblems({ method: 'awq', sym: true, alpha: 0.3, actOrder: true }).map((p) => p.field)).toEqual(['alpha', 'actOrder', 'sym']);
  });

  it('refuses compression and statistics for a model behind an endpoint, and two configurations with one label', () => {
    const spec = {
      name: 'e',
      model: { kind: 'endpoint', baseUrl: 'http://127.0.0.1:8000/v1', model: 'm' },
      compressions: [
        { method: 'rtn', bits: 4 },
        { method: 'rtn', bits: 4, groupSize: 64 },
      ],
    };
    const r = ExperimentSpec.safeParse(spec);
    expect(r.success).toBe(false);
    expect(r.error!.issues.map((i) => i.path.join('.'))).toEqual(['compressions', 'analysis.enabled', 'compressions.1.label']);
    const ok = ExperimentSpec.safeParse({ ...spec, compressions: [], analysis: { enabled: false } });
    expect(ok.success).toBe(true);
  });

  it('a stored spec from before a rule is refused when its run starts, in the same words, before any stage runs', async () => {
    const home = tempDir();
    const exp = (await (await openTestService(home)).dispatch('createExperiment', { spec: minimalSpec })) as { id: string };
    // the history as an older version wrote it: a configuration a later rule refuses
    const file = join(home, 'history.json');
    const history = JSON.parse(readFileSync(file, 'utf8'));
    history.experiments[0].spec.compressions = [{ method: 'awq', bits: 4, sym: true }];
    writeFileSync(file, JSON.stringify(history));
    const refused = await (await openTestService(home)).dispatch('startRun', { experimentId: exp.id }).then(
      () => null,
      (e: unknown) => e,
    );
    expect((refused as ServiceError).message).toMatch(/cannot run: compressions\.0\.sym: false for awq \(zero-point quantization\) \(found true\)/);
  });

  it('the service refuses to create such an experiment, and preflight finds what only this machine knows', async () => {
    const service: AcbenchService = await openTestService(tempDir());
    const refused = await service.dispatch('createExperiment', { spec: { ...minimalSpec, compressions: [{ method: 'awq', bits: 4, sym: true }] } }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(refused).toBeInstanceOf(ServiceError);
    expect((refused as ServiceError).message).toMatch(/compressions\.0\.sym: false for awq/);
    // the fake model has hidden_size 8: groups of 32 cannot cut it; a calibration file and a suite that do not exist
    const spec = ExperimentSpec.parse({
      ...minimalSpec,
      compressions: [{ method: 'gptq', bits: 4, groupSize: 32 }],
      calibration: { source: '/nowhere/calib.txt' },
      benchmarks: { suite: '/nowhere/suite', tasks: ['t-eval'] },
    });
    const check = (await service.dispatch('preflight', { spec })) as { problems: { path: string; message: string }[] };
    expect(check.problems.map((p) => p.path)).toEqual(['compressions.0.groupSize', 'calibration.source', 'benchmarks.suite']);
    expect(check.problems[0].message).toMatch(/^group size 32: expected hidden_size .* divisible by 32; found 8/);
  });
});
