// Every file in ../shared/samples is read by an importer (the per-benchmark tests cover the rest;
// this file covers T-Eval's side files and LongGenBench's pipeline inputs, and checks coverage).
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../main/bench/csv.js';
import { BenchDataError } from '../../main/bench/errors.js';
import { buildMmluRecord, countExamples, loadGsm8kFewShot, loadMmluCsv, buildLongGenRecord } from '../../main/bench/tasks/longgen-build.js';
import { loadLongGenFile, parseLongGen } from './longgen-helper.js';
import { loadTEvalApiList, loadTEvalLeaderboard } from '../../main/bench/tasks/teval-extra.js';
import { haveSamples, samplesDir } from './helpers.js';

describe('CSV reader', () => {
  it('quoted fields, doubled quotes, embedded commas and newlines', () => {
    expect(parseCsv('a,"b, c","say ""hi""\nthere"\n1,2,3\n')).toEqual([
      ['a', 'b, c', 'say "hi"\nthere'],
      ['1', '2', '3'],
    ]);
    expect(() => parseCsv('a,"open', 'x.csv')).toThrow(BenchDataError);
  });
});

describe.skipIf(!haveSamples)('sample side files', () => {
  it('T-Eval API description list', async () => {
    const apis = await loadTEvalApiList(join(samplesDir, 'teval/api_descrip.first2.json'));
    expect(apis.length).toBeGreaterThan(2);
    expect(apis[0]).toMatchObject({ tool: 'AirbnbSearch', name: 'search_property_by_place' });
    expect(apis[0].required[0]).toMatchObject({ name: 'place', type: 'STRING' });
  });
  it('T-Eval leaderboard: overall is the mean of the six abilities (our aggregation rule)', async () => {
    const rows = await loadTEvalLeaderboard(join(samplesDir, 'teval/leaderboard_scores.csv'));
    expect(rows.length).toBeGreaterThan(3);
    for (const r of rows) {
      const m = Object.values(r.abilities).reduce((a, b) => a + b, 0) / 6;
      expect(Math.abs(m - r.overall), r.model).toBeLessThanOrEqual(0.11);
    }
  });
  it('LongGenBench GSM8K few-shot prompt and MMLU dev CSV build records the importer reads', async () => {
    const fewShot = await loadGsm8kFewShot(join(samplesDir, 'longgenbench/LongGenBench_GSM8K_prompt.txt'));
    expect(countExamples(fewShot)).toBe(8);
    const g = buildLongGenRecord(fewShot, ['What is 2 + 3?'], ['2 + 3 = 5\n#### 5']);
    expect(String(g.prompt)).toContain('Question_9:\nWhat is 2 + 3?');
    const dev = await loadMmluCsv(join(samplesDir, 'longgenbench/mmlu_abstract_algebra_dev.csv'));
    expect(dev).toHaveLength(5);
    expect(dev[1].question).toContain('Statement 1 | If aH is an element of a factor group');
    expect(dev[0].answer).toBe('B');
    const rec = buildMmluRecord(dev.slice(0, 3), dev.slice(3), 'abstract_algebra');
    const items = await parseLongGen([rec]);
    expect(items[0]).toMatchObject({ style: 'mmlu', answers: ['A', 'A'] });
    expect(items[0].prompt).toContain('Question_4:');
    expect(typeof loadLongGenFile).toBe('function');
  });
  it('every sample file is covered by some importer test', () => {
    const covered = new Set([
      'agentboard/academia_prompt.json',
      'agentboard/jericho_vanilla_prompt.json',
      'agentboard/pddl_blockworld_domain.pddl',
      'agentboard/pddl_blockworld_problem1.pddl',
      'agentboard/pddl_gripper_domain.pddl',
      'agentboard/pddl_gripper_prob01.pddl',
      'agentboard/pddl_test.first5.jsonl',
      'agentboard/pddl_vanilla_prompt.json',
      'longbench/dataset2maxlen.json',
      'longbench/dataset2prompt.json',
      'longgenbench/LongGenBench_GSM8K_prompt.txt',
      'longgenbench/gsm8k_30.first1.jsonl',
      'longgenbench/mmlu_30.first1.jsonl',
      'longgenbench/mmlu_abstract_algebra_dev.csv',
      'niah/anthropic_token_len_1000_depth_0_results.json',
      'niah/anthropic_token_len_1000_depth_10000_results.json',
      'niah/anthropic_token_len_100500_depth_4270_results.json',
      'teval/api_descrip.first2.json',
      'teval/leaderboard_scores.csv',
      'worfbench/alfworld_graph_eval.first3.json',
      'worfbench/os_graph_eval.first5.json',
      'worfbench/toolbench_graph_eval.first3.json',
      'worfbench/wikihow_graph_eval.first3.json',
    ]);
    const all = readdirSync(samplesDir, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .flatMap((d) => readdirSync(join(samplesDir, d.name)).map((f) => `${d.name}/${f}`));
    expect(all.filter((f) => !covered.has(f))).toEqual([]);
  });
});
