// Issue 20, item 3: a fuzz family of malformed benchmark datasets. Every suite file a task reads is mutated (hostile
// JSON fields, damaged JSONL lines, garbage bytes, a special file in its place) and the task loaded: refused with a typed
// error naming the file, or loaded with every item's fields well-formed.
import { afterAll, describe, expect, it } from 'vitest';
import { cpSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { execFileSync } from 'node:child_process';
import { createTask } from '../../main/bench/catalog.js';
import { BenchDataError, BenchInputError } from '../../main/bench/errors.js';
import { LexicalSimilarity } from '../../main/bench/similarity.js';
import { builtinSuiteDir } from '../../main/bench/suite.js';
import { UserFileError } from '../../main/model/index.js';
import { classify, mutateJson, pick, rng, summary, tally } from '../helpers/fuzz.js';
import { tempDir } from '../helpers/tmp.js';

const TASK_FILES: Record<string, string[]> = {
  't-eval': ['t-eval/instruct_v2.json', 't-eval/plan_str_v2.json', 't-eval/review_str_v2.json'],
  worfbench: ['worfbench/gold_traj/os/graph_eval.json', 'worfbench/prompts/two_shot_example.json'],
  'longgenbench-gsm8k': ['longgenbench/gsm8k_5.jsonl'],
  niah: ['niah/niah.json', 'niah/haystack/essay_1.txt'],
  'agentboard-tool-query': ['agentboard/data/tool-query/test.jsonl'],
  'agentboard-pddl': ['agentboard/pddl/gripper/problem01.pddl'],
  'longbench-single-doc': ['longbench/data/narrativeqa.jsonl', 'longbench/dataset2prompt.json'],
};

let summaryLine = '';
afterAll(() => console.log(summaryLine));

describe('fuzz: benchmark datasets', () => {
  it('400 suites with one file malformed: typed errors or well-formed items, never a crash or a hang', async () => {
    const suite = tempDir();
    cpSync(builtinSuiteDir(), suite, { recursive: true });
    const fifo = join(tempDir(), 'fifo');
    execFileSync('mkfifo', [fifo]);
    const rand = rng(505);
    const t = tally();
    const similarity = new LexicalSimilarity();
    const cases = 400;
    for (let i = 0; i < cases; i++) {
      const taskId = pick(rand, Object.keys(TASK_FILES));
      const rel = pick(rand, TASK_FILES[taskId]);
      const file = join(suite, rel);
      const original = readFileSync(file, 'utf8');
      const kind = Math.floor(rand() * 5);
      if (kind === 0 && rel.endsWith('.json')) writeFileSync(file, JSON.stringify(mutateJson(JSON.parse(original), rand)));
      else if (kind <= 1 && rel.endsWith('.jsonl')) {
        const lines = original.split('\n');
        const at = Math.floor(rand() * Math.max(1, lines.length - 1));
        lines[at] = rand() < 0.3 ? lines[at].slice(0, Math.floor(lines[at].length / 2)) : JSON.stringify(mutateJson(JSON.parse(lines[at]), rand));
        writeFileSync(file, lines.join('\n'));
      } else if (kind === 2) writeFileSync(file, original.slice(0, Math.floor(rand() * original.length)));
      else if (kind === 3) writeFileSync(file, Buffer.from(Array.from({ length: 64 }, () => Math.floor(rand() * 256))));
      else {
        rmSync(file);
        symlinkSync(pick(rand, [fifo, '/dev/zero', suite]), file); // a special file where data should be
      }
      const items = await createTask(taskId, { similarity })
        .load(suite)
        .then(
          (v) => ({ ok: true as const, v }),
          (e: unknown) => ({ ok: false as const, e }),
        );
      classify(
        t,
        [BenchDataError, BenchInputError, UserFileError],
        `${taskId} ${relative(suite, file)} #${i}`,
        () => {
          if (!items.ok) throw items.e;
          return items.v;
        },
        (v) =>
          !Array.isArray(v)
            ? 'not a list of items'
            : v.some((it) => typeof it.id !== 'string' || !it.id)
              ? 'an item without an id'
              : /NaN|Infinity/.test(JSON.stringify(v.map((it) => Object.values(it).filter((x) => typeof x === 'number'))))
                ? 'a non-finite number'
                : null,
      );
      rmSync(file, { force: true });
      writeFileSync(file, original);
    }
    summaryLine = summary('fuzz (datasets)', cases, t);
    expect(t.untyped, 'untyped errors').toEqual([]);
    expect(t.bad, 'accepted with bad values').toEqual([]);
    expect(t.refused.get('BenchDataError') ?? 0).toBeGreaterThan(50);
  }, 60_000);
});
