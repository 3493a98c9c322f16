// The whole experiment pipeline on a random small model: load → calibrate → compress → evaluate → analyse.
import { describe, expect, it } from 'vitest';
import { recordProblem } from '../../main/results/index.js';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { AcbenchService } from '../../main/api/service.js';
import { inProcessExecutor } from '../../main/jobs/index.js';
import { planStages } from '../../main/jobs/index.js';
import { createRandomModel } from '../../main/model/index.js';
import type { Experiment, ResultRecord } from '../../main/api/contract.js';
import { tempDir } from '../helpers/tmp.js';

describe('experiment pipeline', () => {
  it('runs every stage, records scores, compression reports and statistics, and refuses to resume a finished run', async () => {
    const home = tempDir();
    const modelDir = join(home, 'model');
    await createRandomModel({ architecture: 'LlamaForCausalLM', hiddenSize: 32, numLayers: 2, numHeads: 4, numKvHeads: 2, maxPositionEmbeddings: 4096 }, 3).save(modelDir);
    const service = await AcbenchService.open({ home, shell: 'cli', executor: inProcessExecutor(planStages) });
    const spec = {
      name: 'pipeline',
      model: { kind: 'local', path: modelDir },
      compressions: [
        { method: 'rtn', bits: 4, groupSize: 32, label: 'RTN-W4' },
        { method: 'magnitude', sparsity: 0.5, pattern: '2:4', label: 'Mag-2:4' },
      ],
      calibration: { source: 'builtin', samples: 2, seqlen: 32, seed: 0 },
      benchmarks: { suite: 'builtin', tasks: ['t-eval', 'worfbench', 'niah'], limit: 2 },
      analysis: { enabled: true, sequences: 2, seqlen: 16 },
    };
    const exp = (await service.dispatch('createExperiment', { spec })) as Experiment;
    const run = (await service.dispatch('startRun', { experimentId: exp.id })) as { id: string };
    await service.idle();
    const { run: summary, records } = (await service.dispatch('getRunResults', { runId: run.id, limit: 10000 })) as {
      run: { status: string; error?: string; headline: Record<string, number>; itemsDone: number; itemsTotal: number };
      records: ResultRecord[];
    };
    expect(summary.error).toBeUndefined();
    expect(summary.status).toBe('done');
    const kinds = (k: string) => records.filter((r) => r.kind === k);
    expect(kinds('compression').map((r) => r.data.config)).toEqual(['base', 'RTN-W4', 'Mag-2:4']);
    for (const c of kinds('compression')) expect(c.data.memoryBytes as number).toBeGreaterThan(0);
    expect(
      kinds('analysis')
        .filter((r) => r.data.metric === 'perplexity')
        .map((r) => r.data.config)
        .sort(),
    ).toEqual(['Mag-2:4', 'RTN-W4', 'base']);
    const scores = kinds('score').filter((r) => !r.data.subtask && r.data.contextLength === undefined);
    expect(scores.map((r) => `${r.data.config}/${r.data.task}`).sort()).toEqual(['niah', 't-eval', 'worfbench'].flatMap((t) => ['Mag-2:4', 'RTN-W4', 'base'].map((c) => `${c}/${t}`)).sort());
    // per-group scores are named from the suite's items (NIAH length and depth), never from fields a result record lacks
    const groups = (task: string) =>
      kinds('score')
        .filter((r) => r.data.task === task && r.data.config === 'base' && r.data.subtask && r.data.subtask !== 'cell')
        .map((r) => r.data.subtask as string);
    expect(groups('niah')).toEqual(expect.arrayContaining([expect.stringMatching(/^len\d+$/), expect.stringMatching(/^depth\d+$/)]));
    for (const r of kinds('score')) expect(JSON.stringify(r.data)).not.toMatch(/undefined|NaN/);
    // every record the stages write has its kind's shape (the results core's schemas, which the dashboards read)
    expect(records.map((r) => recordProblem(r.kind, r.data)).filter((p) => p !== null)).toEqual([]);
    for (const s of scores) expect(s.data.score as number).toBeGreaterThanOrEqual(0);
    // each task score names where it departs from the reference scorer, with the meaning shown in the UI
    // (NIAH compares no sentences, so its own deviation is greedy decoding where the study samples)
    for (const s of scores)
      expect((s.data.deviations as { label: string; note: string }[]).map((d) => d.label)).toEqual([s.data.task === 'niah' ? 'niah-greedy' : 'lexical-sim', 'builtin-synthetic-suite']);
    expect(kinds('analysis').filter((r) => r.key.startsWith('analysis:'))).toHaveLength(2);
    expect(Object.keys(summary.headline).some((k) => k.startsWith('RTN-W4/'))).toBe(true);
    expect(existsSync(join(home, 'runs', run.id, 'models', 'c0', 'config.json'))).toBe(true); // named by the run's id for the configuration, not its label
    expect(kinds('item').filter((r) => r.data.config === 'base')).toHaveLength(6);
    expect(summary.itemsDone).toBe(summary.itemsTotal);

    // a resumed finished run is refused; a second run of the same spec reuses nothing but finishes alike
    const again = (await service.dispatch('startRun', { experimentId: exp.id, resumeRunId: run.id }).catch((e: Error) => e)) as Error;
    expect(again.message).toMatch(/already finished/);
  }, 300_000);
});
