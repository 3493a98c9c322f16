// The evaluate stage on its own: the runner's records and aggregate become the run's score records, and what an
// earlier session left unreadable in a model's eval file is logged, whether the model is evaluated now or was done before.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planStages, type StageContext } from '../../main/jobs/index.js';
import { createRandomModel } from '../../main/model/index.js';
import { ExperimentSpec } from '../../main/spec/index.js';
import { tempDir } from '../helpers/tmp.js';

function fakeContext(done: Map<string, Record<string, unknown>> = new Map()) {
  const written = new Map<string, { kind: string; data: Record<string, unknown> }>();
  const ctx: StageContext = {
    signal: new AbortController().signal,
    isDone: (key) => done.has(key) || written.has(key),
    recorded: () => undefined,
    finish: (key, kind, data) => void written.set(key, { kind, data }),
    record: (key, kind, data) => void written.set(key, { kind, data }),
    skip: () => {},
    advance: () => {},
    setTotal: () => {},
    message: () => {},
  };
  return { ctx, written };
}

describe('evaluate stage', () => {
  it('scores from the runner and logs a torn line an earlier session left in the eval file', async () => {
    const home = tempDir();
    const modelDir = join(home, 'model');
    await createRandomModel({ architecture: 'LlamaForCausalLM', hiddenSize: 32, numLayers: 1, numHeads: 4, numKvHeads: 2, maxPositionEmbeddings: 4096 }, 5).save(modelDir);
    const spec = ExperimentSpec.parse({
      name: 'evaluate',
      model: { kind: 'local', path: modelDir },
      compressions: [],
      benchmarks: { suite: 'builtin', tasks: ['worfbench'], limit: 2 },
      analysis: { enabled: false },
    });
    const runId = 'run-eval';
    const evalDir = join(home, 'runs', runId, 'eval');
    mkdirSync(evalDir, { recursive: true });
    writeFileSync(join(evalDir, 'base.jsonl'), '{"key":"worfbench:\n'); // a line cut short by a killed session, with a later append after it
    const req = { runId, experimentId: 'e', spec, specHash: 'h', home, resultsFile: join(home, 'runs', runId, 'results.jsonl'), engine: { engine: 'tfjs' as const, gpu: 'off' as const } };
    const stage = (await planStages(req, () => {})).find((s) => s.name === 'evaluate')!;
    const { ctx, written } = fakeContext();
    await stage.run(ctx);
    expect(written.get('unreadable:eval:base:1')?.data.message).toMatch(/^base: line 1 of eval\/base\.jsonl could not be read and was skipped \(expected a JSON result record/);
    const score = written.get('score:base:worfbench')!.data;
    const items = [...written.entries()].filter(([k]) => k.startsWith('item:base:worfbench:')).map(([, r]) => r.data.score as number);
    expect(items).toHaveLength(2);
    expect(score.n).toBe(2);
    expect(score.score).toBeGreaterThanOrEqual(0);
    // the same model finished before: its scores come from the file, and the torn line is logged again in a new log
    const again = fakeContext(new Map([['score:base:worfbench', {}]]));
    await (await planStages(req, () => {})).find((s) => s.name === 'evaluate')!.run(again.ctx);
    expect(again.written.has('unreadable:eval:base:1')).toBe(true);
    expect(again.written.has('score:base:worfbench')).toBe(false);
  }, 120_000);
});
