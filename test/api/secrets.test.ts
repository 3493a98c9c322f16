// Issue 20, item 5: an endpoint's API key is never in history.json, listExperiments or a run bundle.
import { describe, expect, it } from 'vitest';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AcbenchService, ServiceError } from '../../main/api/service.js';
import type { Experiment } from '../../main/api/contract.js';
import type { Executor, RunRequest } from '../../main/jobs/index.js';
import { tempDir } from '../helpers/tmp.js';

const KEY = 'sk-live-0123456789abcdef';
const endpoint = (extra: Record<string, unknown>) => ({ name: 'remote', model: { kind: 'endpoint', baseUrl: 'http://127.0.0.1:9/v1', model: 'served', ...extra }, analysis: { enabled: false } });

/** An executor that keeps the request it was given and finishes at once. */
function capturing(requests: RunRequest[]): Executor {
  return (req) => {
    requests.push(req);
    return { cancel() {}, result: Promise.resolve({ status: 'done' as const }) };
  };
}

describe('API keys', () => {
  it('a key in clear is refused in a new spec, saying where to put it instead', async () => {
    const service = await AcbenchService.open({ home: tempDir(), shell: 'web', executor: capturing([]) });
    const error = (await service.dispatch('createExperiment', { spec: endpoint({ apiKey: KEY }) }).catch((e: unknown) => e)) as ServiceError;
    expect(error).toBeInstanceOf(ServiceError);
    expect(error.message).toMatch(/model\.apiKey: no API key in the spec .* give apiKeyRef as env:NAME or file:PATH/);
  });

  it('an env: or file: reference is resolved when the run starts and handed to the run only: history, list and bundle never hold the key', async () => {
    const home = tempDir();
    const requests: RunRequest[] = [];
    const service = await AcbenchService.open({ home, shell: 'web', executor: capturing(requests) });
    process.env.ACBENCH_TEST_KEY = KEY;
    const keyFile = join(tempDir(), 'key.txt');
    writeFileSync(keyFile, `${KEY}\n`);
    try {
      for (const ref of ['env:ACBENCH_TEST_KEY', `file:${keyFile}`]) {
        const exp = (await service.dispatch('createExperiment', { spec: endpoint({ apiKeyRef: ref }) })) as Experiment;
        const run = (await service.dispatch('startRun', { experimentId: exp.id })) as { id: string };
        await service.idle();
        expect(requests.at(-1)!.apiKey).toBe(KEY);
        const bundle = (await service.dispatch('exportRun', { runId: run.id, format: 'bundle' })) as { content: string };
        expect(bundle.content).not.toContain(KEY);
        expect(JSON.parse(bundle.content).experiment.spec.model.apiKeyRef).toBe(ref);
      }
      expect(JSON.stringify(await service.dispatch('listExperiments', {}))).not.toContain(KEY);
      expect(readFileSync(join(home, 'history.json'), 'utf8')).not.toContain(KEY);
      delete process.env.ACBENCH_TEST_KEY;
      const exp = (await service.dispatch('createExperiment', { spec: endpoint({ apiKeyRef: 'env:ACBENCH_TEST_KEY' }) })) as Experiment;
      await expect(service.dispatch('startRun', { experimentId: exp.id })).rejects.toThrow(/model\.apiKeyRef: expected the environment variable ACBENCH_TEST_KEY to hold the API key, found it unset/);
      const keychain = (await service.dispatch('createExperiment', { spec: endpoint({ apiKeyRef: 'keychain:abc' }) })) as Experiment;
      await expect(service.dispatch('startRun', { experimentId: keychain.id })).rejects.toThrow(/keychain: references are read by the desktop app/);
    } finally {
      delete process.env.ACBENCH_TEST_KEY;
    }
  });

  it('a key an older version stored in history.json is moved to a file only its owner reads, and the spec refers to it', async () => {
    const home = tempDir();
    const spec = {
      ...endpoint({ apiKey: KEY }),
      compressions: [],
      calibration: { source: 'builtin', samples: 1, seqlen: 8, seed: 0 },
      benchmarks: { suite: 'builtin', tasks: [] },
      seed: 0,
      tags: [],
      notes: '',
    };
    writeFileSync(
      join(home, 'history.json'),
      JSON.stringify({ schemaVersion: 2, experiments: [{ id: 'exp-old', name: 'remote', createdAt: '2026-01-01T00:00:00Z', spec, specHash: 'h', tags: [], notes: '' }], runs: [], settings: {} }),
    );
    const requests: RunRequest[] = [];
    const service = await AcbenchService.open({ home, shell: 'web', executor: capturing(requests) });
    expect(readFileSync(join(home, 'history.json'), 'utf8')).not.toContain(KEY);
    const file = join(home, 'secrets', 'exp-old.key');
    expect(readFileSync(file, 'utf8')).toBe(KEY);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(service.info().historyNotice).toMatch(/API keys kept in clear .* were moved to/);
    const exp = (await service.dispatch('getExperiment', { id: 'exp-old' })) as Experiment;
    expect(exp.spec.model).toMatchObject({ kind: 'endpoint', apiKeyRef: `file:${file}` });
    await service.dispatch('startRun', { experimentId: 'exp-old' });
    await service.idle();
    expect(requests[0].apiKey).toBe(KEY);
  });
});
