import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { inProcessExecutor, ProgressMeter, RunQueue, type ExecEvent, type FinalStatus, type RunRequest, type Stage, type StageContext } from '../../main/jobs/index.js';
import { readResultsFile } from '../../main/store/index.js';
import { ExperimentSpec } from '../../main/spec/index.js';
import { tempDir } from '../helpers/tmp.js';

/** A stage of n items; each item waits `delayMs` (a real await, so cancel can land between items). */
function countingStage(name: Stage['name'], n: number, delayMs: number, ran: string[]): Stage {
  return {
    name,
    total: n,
    async run(ctx: StageContext) {
      for (let i = 0; i < n; i++) {
        const key = `${name}:${i}`;
        if (ctx.isDone(key)) {
          ctx.skip(key);
          continue;
        }
        await new Promise((r) => setTimeout(r, delayMs));
        ran.push(key);
        ctx.finish(key, 'item', { i });
      }
    },
  };
}

function request(dir: string, runId = 'run-1'): RunRequest {
  return {
    runId,
    experimentId: 'exp-1',
    spec: ExperimentSpec.parse({ name: 'q', model: { kind: 'builtin', id: 'acb-tiny' } }),
    specHash: 'h',
    home: dir,
    resultsFile: join(dir, 'runs', runId, 'results.jsonl'),
  };
}

function harness(plan: (ran: string[]) => Stage[]) {
  const ran: string[] = [];
  const events: ExecEvent[] = [];
  const finished: { runId: string; status: FinalStatus; error?: string }[] = [];
  const queue = new RunQueue(
    inProcessExecutor(() => plan(ran)),
    { onStart: () => {}, onEvent: (_id, e) => events.push(e), onFinish: (runId, status, error) => finished.push({ runId, status, error }) },
  );
  return { queue, ran, events, finished };
}

describe('progress meter', () => {
  it('computes items/s and ETA from timed items only', () => {
    let t = 0;
    const m = new ProgressMeter(10, () => t);
    m.skip(4); // resumed: done before, not timed
    m.begin();
    t = 2000;
    m.tick(2);
    const s = m.snapshot();
    expect(s.done).toBe(6);
    expect(s.itemsPerS).toBeCloseTo(1); // 2 items in 2 s
    expect(s.etaS).toBeCloseTo(4); // 4 left at 1 item/s
  });
  it('has no ETA before the first timed item', () => {
    const m = new ProgressMeter(3, () => 0);
    expect(m.snapshot().etaS).toBeNull();
  });
});

describe('run queue', () => {
  it('runs stages in order, appends every item, reports progress to 100%', async () => {
    const dir = tempDir();
    const h = harness((ran) => [countingStage('load', 1, 1, ran), countingStage('evaluate', 5, 1, ran)]);
    h.queue.enqueue(request(dir));
    await h.queue.idle();
    expect(h.finished).toEqual([{ runId: 'run-1', status: 'done', error: undefined }]);
    expect(h.ran).toEqual(['load:0', 'evaluate:0', 'evaluate:1', 'evaluate:2', 'evaluate:3', 'evaluate:4']);
    const last = h.events.filter((e) => e.type === 'progress').at(-1)!;
    expect(last.type === 'progress' && last.progress.done === last.progress.total && last.progress.total === 6).toBe(true);
    const keys = readResultsFile(request(dir).resultsFile).records.map((r) => r.key);
    expect(keys).toEqual(['load:0', 'stage:load', 'evaluate:0', 'evaluate:1', 'evaluate:2', 'evaluate:3', 'evaluate:4', 'stage:evaluate']);
  });

  it('times the whole run by the last stage only: a fast first stage does not predict a slow later one', async () => {
    const h = harness((ran) => [countingStage('load', 3, 60, ran), countingStage('evaluate', 3, 150, ran)]); // progress events go out at most every 100 ms
    h.queue.enqueue(request(tempDir()));
    await h.queue.idle();
    const progress = h.events.flatMap((e) => (e.type === 'progress' ? [e.progress] : []));
    const during = (stage: string) => progress.filter((p) => p.stage === stage && p.stageDone > 0 && p.stageDone < p.stageTotal);
    expect(during('load').length).toBeGreaterThan(0);
    for (const p of during('load')) {
      expect(p.etaS).toBeNull(); // loads of 60 ms say nothing about evaluations of 150 ms
      expect(p.stageEtaS).not.toBeNull();
    }
    expect(during('evaluate').length).toBeGreaterThan(0);
    for (const p of during('evaluate')) expect(p.etaS).toBe(p.stageEtaS);
    expect(during('evaluate').at(-1)!.etaS!).toBeGreaterThan(0.1); // one evaluation of ≈150 ms left
  });

  it('cancels a running run between items and keeps what finished', async () => {
    const dir = tempDir();
    const h = harness((ran) => [countingStage('evaluate', 50, 10, ran)]);
    h.queue.enqueue(request(dir));
    await new Promise((r) => setTimeout(r, 80));
    expect(h.queue.cancel('run-1')).toBe(true);
    await h.queue.idle();
    expect(h.finished[0].status).toBe('cancelled');
    const keys = readResultsFile(request(dir).resultsFile).records.map((r) => r.key);
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.length).toBeLessThan(50);
    expect(keys).toEqual(h.ran); // every finished item is on disk, nothing more
  });

  it('cancels a queued run without starting it', async () => {
    const dir = tempDir();
    const h = harness((ran) => [countingStage('evaluate', 5, 5, ran)]);
    h.queue.enqueue(request(dir, 'run-a'));
    h.queue.enqueue(request(dir, 'run-b'));
    expect(h.queue.cancel('run-b')).toBe(true);
    await h.queue.idle();
    expect(h.finished.map((f) => [f.runId, f.status])).toEqual([
      ['run-b', 'cancelled'],
      ['run-a', 'done'],
    ]);
    expect(h.queue.cancel('run-zzz')).toBe(false);
  });

  it('resumes after an interruption without redoing finished items', async () => {
    const dir = tempDir();
    const first = harness((ran) => [countingStage('load', 1, 1, ran), countingStage('evaluate', 20, 5, ran)]);
    first.queue.enqueue(request(dir));
    await new Promise((r) => setTimeout(r, 60));
    first.queue.cancel('run-1');
    await first.queue.idle();
    const doneBefore = readResultsFile(request(dir).resultsFile)
      .records.filter((r) => r.kind === 'item')
      .map((r) => r.key);
    const second = harness((ran) => [countingStage('load', 1, 1, ran), countingStage('evaluate', 20, 1, ran)]);
    second.queue.enqueue(request(dir));
    await second.queue.idle();
    expect(second.finished[0].status).toBe('done');
    for (const key of doneBefore) expect(second.ran).not.toContain(key);
    const items = readResultsFile(request(dir).resultsFile)
      .records.filter((r) => r.kind === 'item')
      .map((r) => r.key);
    expect(new Set(items).size).toBe(21);
    expect(items).toHaveLength(21);
  });

  it('reports a failing stage with its message', async () => {
    const dir = tempDir();
    const h = harness(() => [
      {
        name: 'load',
        total: 1,
        run: async () => {
          throw new Error('no config.json in /x');
        },
      },
    ]);
    h.queue.enqueue(request(dir));
    await h.queue.idle();
    expect(h.finished[0]).toMatchObject({ status: 'failed', error: 'no config.json in /x' });
  });
});
