// Issue 20, item 6: a bundle import stays responsive, what it accepts reads back, one bad record never takes the list down.
import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Experiment } from '../../main/api/contract.js';
import { readResultsFile } from '../../main/store/index.js';
import { minimalSpec, openTestService } from '../helpers/service.js';
import { tempDir } from '../helpers/tmp.js';

function bundle(name: string, records: number): string {
  const rows = Array.from({ length: records }, (_, i) => ({
    key: `item:cfg:t:${i}`,
    kind: 'item',
    at: '2026-01-01T00:00:00.000Z',
    data: { config: 'cfg', task: 't', id: String(i), score: (i % 7) / 7 },
  }));
  return JSON.stringify({
    format: 'acbench-run-bundle',
    formatVersion: 1,
    experiment: { name, spec: { ...minimalSpec, name: 'x' } },
    run: { id: 'run-src', status: 'done', headline: { 'cfg/action': -0.1 } },
    reproducibility: {},
    records: rows,
  });
}

describe('bundle import', () => {
  it('writes 100,000 records in batches and answers other calls meanwhile', async () => {
    const home = tempDir();
    const service = await openTestService(home);
    const content = bundle('big', 100_000);
    let ticks = 0;
    let worstGapMs = 0;
    let last = Date.now();
    const timer = setInterval(() => {
      const now = Date.now();
      worstGapMs = Math.max(worstGapMs, now - last);
      last = now;
      ticks++;
    }, 5);
    const importing = service.dispatch('importBundle', { fileName: 'big.acbench.json', content }) as Promise<Experiment>;
    // calls made while the import runs are answered before it ends
    const order: string[] = [];
    const infoDone = (async () => {
      await new Promise((r) => setTimeout(r, 0));
      await service.dispatch('info', {});
      order.push('info');
    })();
    const exp = await importing.then((e) => (order.push('import'), e));
    await infoDone;
    clearInterval(timer);
    expect(order).toEqual(['info', 'import']);
    expect(ticks).toBeGreaterThan(2);
    console.log(`bundle import: 100,000 records, longest event-loop gap ${worstGapMs} ms`);
    const run = exp.runs[0];
    const records = readResultsFile(join(home, 'runs', run.id, 'results.jsonl')).records;
    expect(records).toHaveLength(100_000);
    expect(records[99_999].key).toBe('item:cfg:t:99999');
  }, 60_000);

  it('keeps an imported name that is too long readable: the list answers, also after a restart', async () => {
    const home = tempDir();
    const service = await openTestService(home);
    const exp = (await service.dispatch('importBundle', { fileName: 'long.acbench.json', content: bundle('n'.repeat(250), 3) })) as Experiment;
    expect(exp.name.length).toBeLessThanOrEqual(200);
    expect(exp.name).toMatch(/n \(imported\)$/);
    expect(((await service.dispatch('listExperiments', {})) as Experiment[]).map((e) => e.id)).toEqual([exp.id]);
    const again = await openTestService(home);
    expect(((await again.dispatch('listExperiments', {})) as Experiment[]).map((e) => e.id)).toEqual([exp.id]);
  });

  it('one unreadable experiment in history.json leaves the others listed and is named in the notice', async () => {
    const home = tempDir();
    const service = await openTestService(home);
    const good = (await service.dispatch('createExperiment', { spec: minimalSpec })) as Experiment;
    const history = JSON.parse(readFileSync(join(home, 'history.json'), 'utf8')) as { experiments: Record<string, unknown>[] };
    history.experiments.push({ ...history.experiments[0], id: 'exp-bad', name: 'x'.repeat(300) });
    writeFileSync(join(home, 'history.json'), JSON.stringify(history));
    const reopened = await openTestService(home);
    expect(((await reopened.dispatch('listExperiments', {})) as Experiment[]).map((e) => e.id)).toEqual([good.id]);
    expect(reopened.info().historyNotice).toMatch(/1 experiment in history\.json could not be read .*exp-bad \(spec\.name: .*found "xxxx/);
    await expect(reopened.dispatch('getExperiment', { id: 'exp-bad' })).rejects.toThrow(/experiment exp-bad in history\.json cannot be read/);
  });
});
