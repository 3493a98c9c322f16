import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { workerExecutor, type ExecEvent, type RunRequest } from '../../main/jobs/index.js';
import { readResultsFile } from '../../main/store/index.js';
import { ExperimentSpec } from '../../main/spec/index.js';
import { bundleForChild } from '../helpers/bundle.js';
import { tempDir } from '../helpers/tmp.js';

const workerFile = bundleForChild('test/fixtures/fake-run-worker.ts');

/** The fake worker's items, delays and crash point travel in the spec's notes (its planner reads them there). */
function req(dir: string, fake: { items: number; delayMs: number; spinMs: number; crashAfter?: number }): RunRequest {
  const spec = ExperimentSpec.parse({ name: 'w', model: { kind: 'builtin', id: 'acb-tiny' }, notes: JSON.stringify(fake) });
  return { runId: 'run-w', experimentId: 'exp-w', spec, specHash: 'h', home: dir, resultsFile: join(dir, 'results.jsonl') };
}

describe('worker executor (a child process per run)', () => {
  it('runs the pipeline off the main thread and reports progress and completion', async () => {
    const dir = tempDir();
    const events: ExecEvent[] = [];
    const exec = workerExecutor(workerFile)(req(dir, { items: 5, delayMs: 2, spinMs: 0 }), (e) => events.push(e));
    expect(await exec.result).toEqual({ status: 'done', error: undefined });
    expect(readResultsFile(join(dir, 'results.jsonl')).records.filter((r) => r.kind === 'item')).toHaveLength(5);
    expect(events.some((e) => e.type === 'progress' && e.progress.done === 5)).toBe(true);
  });

  it('cancels a worker that never yields by terminating it after the grace period, keeping finished items', async () => {
    const dir = tempDir();
    const events: ExecEvent[] = [];
    const exec = workerExecutor(workerFile, 200)(req(dir, { items: 1000, delayMs: 0, spinMs: 50 }), (e) => events.push(e));
    // wait for finished items rather than a fixed time: worker start-up is slow on a loaded machine
    const deadline = Date.now() + 20_000;
    while (!events.some((e) => e.type === 'progress' && e.progress.done >= 2) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
    const t0 = Date.now();
    exec.cancel();
    expect((await exec.result).status).toBe('cancelled');
    expect(Date.now() - t0).toBeLessThan(2000);
    const records = readResultsFile(join(dir, 'results.jsonl')).records;
    expect(records.length).toBeGreaterThan(0);
    expect(records.length).toBeLessThan(1000);
    records.forEach((r, i) => expect(r.key).toBe(`item:${i}`));
  }, 30_000);

  it('a run whose process crashes (native abort) is marked failed with the signal, keeps its items, and this process goes on', async () => {
    const dir = tempDir();
    const exec = workerExecutor(workerFile)(req(dir, { items: 10, delayMs: 1, spinMs: 0, crashAfter: 3 }), () => undefined);
    const res = await exec.result;
    expect(res.status).toBe('failed');
    expect(res.error).toMatch(/stopped unexpectedly \(signal SIGABRT\).*can be resumed/);
    expect(readResultsFile(join(dir, 'results.jsonl')).records.map((r) => r.key)).toEqual(['item:0', 'item:1', 'item:2']);
  }, 30_000);
});
