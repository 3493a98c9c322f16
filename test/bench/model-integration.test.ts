// The bench room on the real embedded runtime: a tiny random model from the model room, through
// CausalLMGenerator, on a few built-in items (chat template, byte-level tokenizer, generation).
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CausalLMGenerator } from '../../main/bench/generator.js';
import { readResults } from '../../main/bench/runner.js';
import { runBenchmarks } from '../../main/bench/suite.js';
import { byteLevelTokenizerFiles, createRandomModel } from '../../main/model/index.js';
import { cliCommands } from '../../main/bench/index.js';
import { vi } from 'vitest';
import { tempDir } from '../helpers/tmp.js';

describe('built-in tasks on a tiny random model', () => {
  it('runs single-turn and episode tasks end to end and resumes from the results file', async () => {
    const model = createRandomModel({ architecture: 'LlamaForCausalLM', maxPositionEmbeddings: 1024, hiddenSize: 32, numLayers: 1 }, 5);
    const g = new CausalLMGenerator(model);
    const file = join(tempDir('tiny-'), 'r.jsonl');
    const t0 = performance.now();
    const r = await runBenchmarks({ generator: g, tasks: ['longbench-code', 'longgenbench-mmlu', 'agentboard-tool-operation'], limit: 1, resultsFile: file });
    const ms = performance.now() - t0;
    console.log(`[bench tests] tiny random model: 3 tasks × 1 item in ${(ms / 1000).toFixed(1)} s`);
    expect(r.tasks.map((t) => t.n)).toEqual([1, 1, 1]);
    expect(r.generator).toBe(`model:${model.hash}`);
    const recs = readResults(file);
    expect(recs).toHaveLength(3);
    const episode = recs.find((x) => x.task === 'agentboard-tool-operation')!;
    expect(episode.steps!.length).toBeGreaterThan(0);
    expect(episode.steps!.length).toBeLessThanOrEqual(30);
    for (const x of recs) expect(typeof x.output).toBe('string');
    const again = await runBenchmarks({ generator: g, tasks: ['longbench-code', 'longgenbench-mmlu', 'agentboard-tool-operation'], limit: 1, resultsFile: file });
    expect(again.tasks.map((t) => t.score)).toEqual(r.tasks.map((t) => t.score));
    expect(readResults(file)).toHaveLength(3);
    model.dispose();
  }, 120_000);
});

describe('acbench eval --model DIR on a saved model folder', () => {
  it('loads the folder through the model door and writes results', async () => {
    const model = createRandomModel({ architecture: 'Qwen2ForCausalLM', maxPositionEmbeddings: 1024, hiddenSize: 32, numLayers: 1 }, 9);
    const dir = tempDir('tinymodel-');
    await model.save(dir, byteLevelTokenizerFiles());
    model.dispose();
    const out = join(tempDir('evalreal-'), 'o');
    let stdout = '';
    const o = vi.spyOn(process.stdout, 'write').mockImplementation((x: string | Uint8Array) => ((stdout += String(x)), true));
    const e = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    let code: number;
    try {
      code = await cliCommands.find((c) => c.name === 'eval')!.run(['--model', dir, '--tasks', 'longbench-code', '--limit', '2', '--out', out, '--json']);
    } finally {
      o.mockRestore();
      e.mockRestore();
    }
    expect(code).toBe(0);
    const j = JSON.parse(stdout) as { generator: string; tasks: { task: string; n: number }[] };
    expect(j.generator).toMatch(/^model:/);
    expect(j.tasks).toEqual([expect.objectContaining({ task: 'longbench-code', n: 2 })]);
    expect(readResults(join(out, 'results.jsonl'))).toHaveLength(2);
  }, 120_000);
});
