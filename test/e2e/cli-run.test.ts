// `acbench run SPEC.json`: a whole study from the command line, ending in a report folder.
import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createRandomModel } from '../../main/model/index.js';
import { repoRoot } from '../helpers/bundle.js';
import { tempDir } from '../helpers/tmp.js';

const run = promisify(execFile);

describe('acbench run', () => {
  it('runs a spec file end to end and writes tables and figures', async () => {
    const dir = tempDir();
    await createRandomModel({ architecture: 'Qwen2ForCausalLM', hiddenSize: 32, numLayers: 2, numHeads: 4, numKvHeads: 2, maxPositionEmbeddings: 4096 }, 5).save(join(dir, 'model'));
    const spec = {
      name: 'cli run',
      model: { kind: 'local', path: join(dir, 'model') },
      compressions: [{ method: 'gptq', bits: 4, groupSize: 32, label: 'GPTQ-W4' }],
      calibration: { samples: 2, seqlen: 32 },
      benchmarks: { tasks: ['t-eval'], limit: 2 },
      analysis: { enabled: true, sequences: 2, seqlen: 16 },
    };
    writeFileSync(join(dir, 'spec.json'), JSON.stringify(spec));
    const { stdout } = await run(process.execPath, [join(repoRoot, 'bin', 'acbench.mjs'), 'run', join(dir, 'spec.json'), '--out', join(dir, 'report'), '--json'], {
      env: { ...process.env, ACBENCH_HOME: join(dir, 'home') },
    });
    expect(() => JSON.parse(stdout)).not.toThrow(); // --json prints one JSON document
    for (const f of ['tables/capabilities.csv', 'tables/capabilities.tex', 'tables/tasks.csv', 'tables/statistics.tex', 'figures/capability-drops.svg', 'figures/capability-drops.png', 'README.md'])
      expect(existsSync(join(dir, 'report', f)), f).toBe(true);
    const csv = readFileSync(join(dir, 'report', 'tables', 'capabilities.csv'), 'utf8').split('\r\n');
    expect(csv[0].startsWith('configuration,memory (MiB),action,Δ action')).toBe(true);
    expect(csv.slice(1, 3).map((l) => l.split(',')[0])).toEqual(['base', 'GPTQ-W4']);
    expect(readFileSync(join(dir, 'report', 'README.md'), 'utf8')).toContain('Not for publication');
  }, 180_000);

  it('runs the bundled model acb-tiny from a spec that names it', async () => {
    const dir = tempDir();
    const spec = {
      name: 'built-in model',
      model: { kind: 'builtin', id: 'acb-tiny' },
      compressions: [{ method: 'rtn', bits: 4, groupSize: 32, label: 'RTN-W4' }],
      calibration: { samples: 2, seqlen: 32 },
      // T-Eval: acb-tiny was trained on the earlier WorfBench prompt, not the reference's two-shot one (README)
      benchmarks: { tasks: ['t-eval'], limit: 2 },
      analysis: { enabled: false },
    };
    writeFileSync(join(dir, 'spec.json'), JSON.stringify(spec));
    const { stdout } = await run(process.execPath, [join(repoRoot, 'bin', 'acbench.mjs'), 'run', join(dir, 'spec.json'), '--out', join(dir, 'report'), '--json'], {
      cwd: repoRoot,
      env: { ...process.env, ACBENCH_HOME: join(dir, 'home') },
    });
    expect((JSON.parse(stdout) as { runId: string }).runId).toMatch(/^run-/);
    const rows = readFileSync(join(dir, 'report', 'tables', 'tasks.csv'), 'utf8')
      .trim()
      .split('\r\n')
      .map((l) => l.split(','));
    expect(rows[0]).toEqual(['configuration', 't-eval']);
    // the trained model writes tool calls the T-Eval scorer credits (an untrained one scores 0)
    const base = rows.find((r) => r[0] === 'base')!;
    expect(Number(base[1])).toBeGreaterThan(50);
    expect(rows.map((r) => r[0])).toContain('RTN-W4');
  }, 180_000);

  it('says what was expected when the spec is wrong', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'bad.json'), JSON.stringify({ name: 'x', model: { kind: 'local' } }));
    const error = (await run(process.execPath, [join(repoRoot, 'bin', 'acbench.mjs'), 'run', join(dir, 'bad.json')], { env: { ...process.env, ACBENCH_HOME: join(dir, 'home') } }).catch(
      (e: unknown) => e,
    )) as { code: number; stderr: string };
    expect(error.code).toBe(2);
    expect(error.stderr).toMatch(/model\.path: a model folder path \(found nothing\)/);
  });
});
