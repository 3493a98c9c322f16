// Issue 20, item 1: files are keyed by ids the run assigns, labels are display text (unique after normalisation, "base" reserved).
import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AcbenchService, ServiceError } from '../../main/api/service.js';
import { ExperimentSpec, experimentSpecProblems, labelKey } from '../../main/spec/index.js';
import { runToEnd } from '../helpers/service.js';
import { inProcessExecutor } from '../../main/jobs/index.js';
import { planStages } from '../../main/jobs/index.js';
import { createRandomModel } from '../../main/model/index.js';
import { tempDir } from '../helpers/tmp.js';

const problemsOf = (labels: string[]) =>
  experimentSpecProblems({
    model: { kind: 'local', path: '/m' },
    analysis: { enabled: false, sequences: 1, seqlen: 8 },
    compressions: labels.map((label) => ({ method: 'rtn' as const, bits: 8, label })),
  });

describe('configuration labels', () => {
  it('are compared after normalisation: case, spacing and Unicode forms do not make two labels different', () => {
    expect(labelKey('  Cfg   A ')).toBe('cfg a');
    expect(labelKey('ｃｆｇ a')).toBe('cfg a'); // full-width letters (NFKC)
    expect(problemsOf(['cfg a', 'CFG  a']).map((p) => p.path.join('.'))).toEqual(['compressions.1.label']);
    expect(problemsOf(['cfg a', 'cfg/a'])).toEqual([]); // distinct labels, distinct files: no sanitiser maps them together any more
  });

  it('reserve "base" for the uncompressed model, in any case or spacing', () => {
    for (const label of ['base', 'Base', ' BASE ']) {
      const [p] = problemsOf([label]);
      expect(p.path).toEqual(['compressions', 0, 'label']);
      expect(p.expected).toMatch(/other than "base"/);
    }
    const parsed = ExperimentSpec.safeParse({ name: 'l', model: { kind: 'local', path: '/m' }, compressions: [{ method: 'rtn', bits: 8, label: 'base' }] });
    expect(parsed.success).toBe(false);
  });

  it('never name a file: labels that one sanitiser merged, and "." / "..", get their own folders inside the run', async () => {
    const home = tempDir();
    const modelDir = join(home, 'model');
    await createRandomModel({ architecture: 'LlamaForCausalLM', hiddenSize: 32, numLayers: 1, numHeads: 4, numKvHeads: 2, maxPositionEmbeddings: 2048 }, 5).save(modelDir);
    const service = await AcbenchService.open({ home, shell: 'cli', executor: inProcessExecutor(planStages) });
    await expect(
      service.dispatch('createExperiment', { spec: { name: 'b', model: { kind: 'local', path: modelDir }, compressions: [{ method: 'rtn', bits: 8, label: 'Base' }] } }),
    ).rejects.toBeInstanceOf(ServiceError);
    const spec = {
      name: 'collide',
      model: { kind: 'local', path: modelDir },
      compressions: [
        { method: 'rtn', bits: 8, groupSize: 32, label: 'cfg a' },
        { method: 'magnitude', sparsity: 0.9, label: 'cfg/a' },
        { method: 'magnitude', sparsity: 0.5, label: '..' },
      ],
      benchmarks: { suite: 'builtin', tasks: ['t-eval'], limit: 1 },
      analysis: { enabled: false },
    };
    const { runId, summary, records } = await runToEnd(service, spec);
    expect(summary.error).toBeUndefined();
    expect(summary.status).toBe('done');
    const runDir = join(home, 'runs', runId);
    expect(readdirSync(join(runDir, 'models')).sort()).toEqual(['c0', 'c1', 'c2']);
    expect(
      readdirSync(join(runDir, 'eval'))
        .filter((f) => !f.endsWith('.cache.jsonl'))
        .sort(),
    ).toEqual(['base.jsonl', 'c0.jsonl', 'c1.jsonl', 'c2.jsonl']);
    // each folder holds its own configuration's model
    const method = (id: string) => (JSON.parse(readFileSync(join(runDir, 'models', id, 'acbench_compression.json'), 'utf8')) as { method: string }).method;
    expect([method('c0'), method('c1'), method('c2')]).toEqual(['rtn', 'magnitude', 'magnitude']);
    const compression = records.filter((r) => r.key.startsWith('compress:'));
    expect(compression.map((r) => [r.data.label, r.data.dir])).toEqual([
      ['cfg a', join(runDir, 'models', 'c0')],
      ['cfg/a', join(runDir, 'models', 'c1')],
      ['..', join(runDir, 'models', 'c2')],
    ]);
    // ".." wrote nothing beside the run's folders
    expect(existsSync(join(runDir, 'config.json'))).toBe(false);
    expect(readdirSync(runDir).sort()).toEqual(['eval', 'models', 'results.jsonl']);
    // scores stay with their own configuration
    const scores = records.filter((r) => r.key.startsWith('score:')).map((r) => r.data.config);
    expect(scores.sort()).toEqual(['..', 'base', 'cfg a', 'cfg/a'].sort());
  }, 120_000);
});
