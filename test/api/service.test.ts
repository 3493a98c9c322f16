import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { readResultsFile } from '../../main/store/index.js';
import { join } from 'node:path';
import { AcbenchService, ServiceError, specHash, canonicalJson } from '../../main/api/service.js';
import { inProcessExecutor } from '../../main/jobs/index.js';
import type { Experiment, RunProgress } from '../../main/api/contract.js';
import { ExperimentSpec } from '../../main/spec/index.js';
import { openTestService, minimalSpec, fakeStages } from '../helpers/service.js';
import { tempDir } from '../helpers/tmp.js';

async function expectError(p: Promise<unknown>, code: string, message: RegExp) {
  const error = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ServiceError);
  expect((error as ServiceError).code).toBe(code);
  expect((error as ServiceError).message).toMatch(message);
}

describe('service', () => {
  it('hashes specs canonically, ignoring name, tags and notes', () => {
    const a = ExperimentSpec.parse({ ...minimalSpec, seed: 1 });
    const b = ExperimentSpec.parse({ seed: 1, model: { path: minimalSpec.model.path, kind: 'local' }, name: 'other', tags: ['t'] });
    expect(specHash(a)).toBe(specHash(b));
    expect(specHash(a)).not.toBe(specHash({ ...a, seed: 2 }));
    expect(canonicalJson({ b: 1, a: [2, { d: 1, c: 2 }] })).toBe('{"a":[2,{"c":2,"d":1}],"b":1}');
  });

  it('creates, lists, gets, updates and deletes experiments, persisting to history.json', async () => {
    const home = tempDir();
    const service = await openTestService(home);
    const created = (await service.dispatch('createExperiment', { spec: minimalSpec })) as Experiment;
    expect(created.id).toMatch(/^exp-/);
    const listed = (await service.dispatch('listExperiments', {})) as Experiment[];
    expect(listed.map((e) => e.id)).toEqual([created.id]);
    const renamed = (await service.dispatch('updateExperiment', { id: created.id, name: 'renamed', tags: ['w4'] })) as Experiment;
    expect(renamed.name).toBe('renamed');
    expect(renamed.specHash).toBe(created.specHash);
    const onDisk = JSON.parse(readFileSync(join(home, 'history.json'), 'utf8'));
    expect(onDisk.experiments[0]).toMatchObject({ name: 'renamed', tags: ['w4'] });
    expect(await service.dispatch('deleteExperiment', { id: created.id })).toEqual({ deleted: true });
    await expectError(service.dispatch('getExperiment', { id: created.id }), 'not_found', /no experiment with id/);
  });

  it('refuses to start a run whose model folder is missing, saying where it looked', async () => {
    // an app folder without resources/models: a build that does not bundle acb-tiny
    const service = await AcbenchService.open({ home: tempDir(), shell: 'cli', executor: inProcessExecutor(() => fakeStages()), builtinModelDir: (id) => join(tempDir(), 'resources', 'models', id) });
    const builtin = (await service.dispatch('createExperiment', { spec: { name: 'b', model: { kind: 'builtin', id: 'acb-tiny' } } })) as Experiment;
    await expectError(service.dispatch('startRun', { experimentId: builtin.id }), 'invalid_input', /built-in model acb-tiny bundled with this build .*found none: choose a local model folder/);
    const local = (await service.dispatch('createExperiment', { spec: { name: 'l', model: { kind: 'local', path: '/nowhere/model' } } })) as Experiment;
    await expectError(
      service.dispatch('startRun', { experimentId: local.id }),
      'invalid_input',
      /model\.path: expected a Hugging Face model folder with config\.json at \/nowhere\/model; found no such folder/,
    );
  });

  it("refuses a grouped quantizer whose group size does not divide the model's widths, before any work", async () => {
    const service = await openTestService(tempDir());
    const spec = { ...minimalSpec, compressions: [{ method: 'rtn', bits: 4, groupSize: 32, label: 'RTN-W4' }] };
    const exp = (await service.dispatch('createExperiment', { spec })) as Experiment;
    // the fake model: hidden_size 8, intermediate_size 16
    await expectError(service.dispatch('startRun', { experimentId: exp.id }), 'invalid_input', /compressions\.0\.groupSize: group size 32: expected hidden_size .* divisible by 32; found 8/);
    expect(((await service.dispatch('getExperiment', { id: exp.id })) as Experiment & { runs?: unknown[] }).runs ?? []).toEqual([]);
  });

  it('rejects invalid input with what was expected and found', async () => {
    const service = await openTestService(tempDir());
    await expectError(service.dispatch('createExperiment', { spec: { name: '', model: { kind: 'builtin', id: 'acb-tiny' } } }), 'invalid_input', /spec\.name: a name \(found ""\)/);
    await expectError(service.dispatch('nope', {}), 'not_found', /unknown call "nope"/);
    await expectError(service.dispatch('getRunResults', { runId: 'run-missing' }), 'not_found', /no run with id run-missing/);
  });

  it('runs an experiment to completion with progress events and stored results', async () => {
    const service = await openTestService(tempDir());
    const exp = (await service.dispatch('createExperiment', { spec: minimalSpec })) as Experiment;
    const events: RunProgress[] = [];
    service.events.on('runProgress', (e: RunProgress) => events.push(e));
    const run = (await service.dispatch('startRun', { experimentId: exp.id })) as { id: string; status: string };
    expect(run.status).toBe('queued');
    await service.idle();
    const results = (await service.dispatch('getRunResults', { runId: run.id })) as { run: { status: string; itemsDone: number }; records: { kind: string }[]; total: number };
    expect(results.run.status).toBe('done');
    expect(results.records.filter((r) => r.kind === 'score')).toHaveLength(6);
    const last = events.at(-1)!;
    expect(last.status).toBe('done');
    expect(last.done).toBe(last.total);
    expect(events.some((e) => e.status === 'running' && e.etaS !== null)).toBe(true);
    const onlyScores = (await service.dispatch('getRunResults', { runId: run.id, kinds: ['score'] })) as { records: { kind: string }[]; total: number };
    expect(onlyScores.total).toBe(6);
    expect(new Set(onlyScores.records.map((r) => r.kind))).toEqual(new Set(['score']));
    await expectError(service.dispatch('getRunResults', { runId: run.id, kinds: ['secret'] }), 'invalid_input', /kinds\.0/);
    const csv = (await service.dispatch('exportRun', { runId: run.id, format: 'csv' })) as { content: string };
    expect(csv.content.split('\r\n')[0]).toBe('task,score');
  });

  it('marks runs of a dead process interrupted, resumes them, and refuses resume after the spec changed', async () => {
    const home = tempDir();
    const first = await openTestService(home, () => fakeStages(40, 10));
    const exp = (await first.dispatch('createExperiment', { spec: minimalSpec })) as Experiment;
    const run = (await first.dispatch('startRun', { experimentId: exp.id })) as { id: string };
    await new Promise((r) => setTimeout(r, 100));
    await first.dispatch('cancelRun', { runId: run.id });
    await first.idle();
    // leave history.json as a process killed mid-run leaves it: the run still marked running
    const historyPath = join(home, 'history.json');
    const history = JSON.parse(readFileSync(historyPath, 'utf8'));
    history.runs[0].status = 'running';
    writeFileSync(historyPath, JSON.stringify(history));
    const partial = readResultsFile(join(home, 'runs', run.id, 'results.jsonl')).records.length;
    expect(partial).toBeGreaterThan(0);

    const second = await openTestService(home, () => fakeStages(40, 1));
    const seen = (await second.dispatch('getExperiment', { id: exp.id })) as Experiment;
    expect(seen.runs[0].status).toBe('interrupted');
    await second.dispatch('startRun', { experimentId: exp.id, resumeRunId: run.id });
    await second.idle();
    const results = (await second.dispatch('getRunResults', { runId: run.id })) as { run: { status: string }; records: { key: string }[] };
    expect(results.run.status).toBe('done');
    const keys = results.records.map((r) => r.key);
    expect(new Set(keys).size).toBe(keys.length); // nothing done twice
    expect(keys.filter((k) => k.startsWith('evaluate:'))).toHaveLength(40);

    const third = (await second.dispatch('startRun', { experimentId: exp.id })) as { id: string };
    await second.dispatch('cancelRun', { runId: third.id });
    await second.idle();
    await second.dispatch('updateExperiment', { id: exp.id, spec: { ...minimalSpec, seed: 7 } });
    await expectError(second.dispatch('startRun', { experimentId: exp.id, resumeRunId: third.id }), 'conflict', /spec is now/);
    await expectError(second.dispatch('startRun', { experimentId: exp.id, resumeRunId: run.id }), 'conflict', /already finished/);
  });
});

describe('preflight and bundles', () => {
  it('estimates parameters, memory and fit from config.json', async () => {
    const { estimate } = await import('../../main/jobs/index.js');
    const { parameterCountOf, parseConfig } = await import('../../main/model/index.js');
    // hand count: embed 100×8, per layer q,o 2·8·8 + k,v 2·8·(2·4) + mlp 3·8·16 + norms 2·8, final norm 8
    const tiny = parseConfig({ architectures: ['LlamaForCausalLM'], hidden_size: 8, intermediate_size: 16, num_hidden_layers: 1, num_attention_heads: 2, vocab_size: 100, tie_word_embeddings: true });
    expect(parameterCountOf(tiny)).toBe(800 + 128 + 128 + 384 + 16 + 8);
    const dir = tempDir();
    writeFileSync(
      join(dir, 'config.json'),
      JSON.stringify({
        architectures: ['LlamaForCausalLM'],
        hidden_size: 4096,
        intermediate_size: 11008,
        num_hidden_layers: 32,
        num_attention_heads: 32,
        num_key_value_heads: 32,
        vocab_size: 32000,
        tie_word_embeddings: false,
      }),
    );
    const spec = ExperimentSpec.parse({ ...minimalSpec, compressions: [{ method: 'gptq', bits: 4 }] });
    expect(spec.model.kind).toBe('local');
    // Llama-2-7B shapes, 6,738.4 M parameters, float32 would take 26 GB: compression and statistics go layer at a time.
    // Compression: embedding 131.1 M × 2 B + two copies of one 202.4 M-parameter layer × 4 B + 128·512·4096 activations × 4 B × 2
    // + two Hessians 11008² × 8 B = 5.56 GiB. Statistics (16 probe sequences of 128 tokens): twice (that embedding and layer + the head
    // 131.1 M × 4 B + 16·128·4096 × 4 B of probe hidden states) + two sequences' logits 2·128·32000 × 4 B = 4.57 GiB.
    const p = estimate({ spec, modelDir: dir, backend: 'tfjs-wasm', threads: 2, availableBytes: 16 * 2 ** 30, evalItems: 10 });
    expect(p.fits).toBe(true);
    expect(p.memoryBytes / 2 ** 30).toBeCloseTo(5.56, 1);
    expect(p.reason).toMatch(/5\.56 GiB \(compression\).*compression and statistics go layer at a time/);
    const tight = estimate({ spec, modelDir: dir, backend: 'tfjs-wasm', threads: 2, availableBytes: 4 * 2 ** 30, evalItems: 10 });
    expect(tight.fits).toBe(false);
    expect(tight.reason).toMatch(/Needs about 5\.56 GiB in the compression stage but only 4\.00 GiB is free .*compression 5\.56 GiB, statistics 4\.57 GiB.*Lower the calibration samples/);
    const big = estimate({ spec, modelDir: dir, backend: 'tfjs-wasm', threads: 2, availableBytes: 2 ** 40, evalItems: 10 });
    expect(big.fits).toBe(true);
  });

  it('round-trips a run through an exported bundle, and rejects a malformed one', async () => {
    const service = await openTestService(tempDir());
    const exp = (await service.dispatch('createExperiment', { spec: minimalSpec })) as Experiment;
    const run = (await service.dispatch('startRun', { experimentId: exp.id })) as { id: string };
    await service.idle();
    const bundle = (await service.dispatch('exportRun', { runId: run.id, format: 'bundle' })) as { content: string; fileName: string };
    const imported = (await service.dispatch('importBundle', { fileName: bundle.fileName, content: bundle.content })) as Experiment;
    expect(imported.name).toBe('tiny (imported)');
    expect(imported.runs[0].status).toBe('done');
    const original = (await service.dispatch('getRunResults', { runId: run.id })) as { records: unknown[] };
    const copy = (await service.dispatch('getRunResults', { runId: imported.runs[0].id })) as { records: unknown[] };
    expect(copy.records).toEqual(original.records);
    await expectError(service.dispatch('importBundle', { fileName: 'x.json', content: '{"format":"other"}' }), 'invalid_input', /x\.json: not an ACBench run bundle: format/);
    await expectError(service.dispatch('importBundle', { fileName: 'y.json', content: 'nope' }), 'invalid_input', /y\.json: expected a JSON run bundle/);
  });
});
