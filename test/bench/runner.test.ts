import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createTask } from '../../main/bench/catalog.js';
import { BenchCancelledError } from '../../main/bench/errors.js';
import { GenerationCache, readResults, readResultsReport, runTask, type Progress } from '../../main/bench/runner.js';
import { LexicalSimilarity } from '../../main/bench/similarity.js';
import { builtinSuiteDir, compareResultFiles, runBenchmarks } from '../../main/bench/suite.js';
import type { EpisodeTask, SingleTurnTask, TaskItem } from '../../main/bench/types.js';
import { ScriptedGenerator } from './helpers.js';
import { tempDir } from '../helpers/tmp.js';

interface QA extends TaskItem {
  q: string;
  a: string;
}

/** A tiny task: answer = the question reversed; score 1 when exact. */
const toy: SingleTurnTask<QA, string> = {
  kind: 'single',
  id: 'toy',
  benchmark: 'longbench',
  capability: 'long-context',
  title: 'toy',
  metric: 'acc',
  load: async () => [],
  settings: (it) => ({ maxNewTokens: it.q.length > 3 ? 8 : 4 }),
  prompt: (it) => ({ kind: 'raw', text: it.q }),
  parse: (o) => o.trim(),
  score: (it, p) => ({ score: p === it.a ? 1 : 0 }),
  aggregate: (s) => ({ task: 'toy', benchmark: 'longbench', capability: 'long-context', metric: 'acc', score: (100 * s.reduce((a, x) => a + x.score, 0)) / s.length, fields: {}, n: s.length }),
};
const items: QA[] = ['abc', 'hello', 'xyz', 'stone', 'ab', 'river'].map((q, i) => ({ id: `q${i}`, q, a: [...q].reverse().join('') }));
const reverser = (id = 'rev') => new ScriptedGenerator(id, (p) => [...p].reverse().join(''));

describe('runner', () => {
  it('writes one JSONL record per item with prompt, output, parsed, scores and timing; reports progress', async () => {
    const file = join(tempDir('run-'), 'r.jsonl');
    const progress: Progress[] = [];
    const recs = await runTask({ task: toy as never, items, generator: reverser(), resultsFile: file, onProgress: (p) => progress.push(p) });
    expect(recs.map((r) => r.scores.score)).toEqual([1, 1, 1, 1, 1, 1]);
    const onDisk = readResults(file);
    expect(onDisk).toHaveLength(6);
    expect(onDisk[0]).toMatchObject({ key: 'toy::q0', task: 'toy', id: 'q0', prompt: { kind: 'raw', text: 'abc' }, output: 'cba', parsed: 'cba', settings: { maxNewTokens: 4 } });
    expect(onDisk[0].timing.ms).toBeGreaterThanOrEqual(0);
    expect(progress[0]).toMatchObject({ done: 0, total: 6 });
    expect(progress[progress.length - 1]).toMatchObject({ done: 6, total: 6 });
    expect(progress[progress.length - 1].etaSeconds).toBe(0);
  });

  it('batches consecutive items with equal settings', async () => {
    const file = join(tempDir('run-'), 'r.jsonl');
    const sizes: number[] = [];
    const g = reverser();
    Object.assign(g, {
      generateMany: async (ps: { kind: string; text?: string }[]) => {
        sizes.push(ps.length);
        return ps.map((p) => [...(p.text ?? '')].reverse().join(''));
      },
    });
    await runTask({ task: toy as never, items, generator: g, resultsFile: file, batchSize: 4 });
    // settings: abc(4) hello(8) xyz(4) stone(8) ab(4) river(8) alternate → batches of 1 → single calls
    expect(sizes).toEqual([]);
    const same = items.map((it) => ({ ...it, q: it.q.padEnd(5, '.'), a: [...it.q.padEnd(5, '.')].reverse().join('') }));
    await runTask({ task: toy as never, items: same.map((x) => ({ ...x, id: `s${x.id}` })), generator: g, resultsFile: file, batchSize: 4 });
    expect(sizes).toEqual([4, 2]);
  });

  it('cancel mid-run keeps finished items; a restart finishes without redoing them', async () => {
    const dir = tempDir('run-');
    const file = join(dir, 'r.jsonl');
    const ac = new AbortController();
    const g1 = reverser();
    const err = await runTask({ task: toy as never, items, generator: g1, resultsFile: file, signal: ac.signal, onProgress: (p) => p.done === 3 && ac.abort() }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BenchCancelledError);
    expect(readResults(file)).toHaveLength(3);
    // a crash while writing leaves a torn last line: ignored
    appendFileSync(file, '{"key": "toy::q3", "sco');
    const g2 = reverser();
    const recs = await runTask({ task: toy as never, items, generator: g2, resultsFile: file });
    expect(g2.calls).toBe(3);
    expect(g2.prompts).toEqual(['stone', 'ab', 'river']);
    expect(recs.map((r) => r.id)).toEqual(['q0', 'q1', 'q2', 'q3', 'q4', 'q5']);
    expect(new Set(readResults(file).map((r) => r.key)).size).toBe(6);
  });

  it('a damaged line in the middle of a results file is skipped and reported; the records after it are kept and only its item is redone', async () => {
    const dir = tempDir('run-');
    const file = join(dir, 'r.jsonl');
    await runTask({ task: toy as never, items, generator: reverser(), resultsFile: file });
    const lines = readFileSync(file, 'utf8').split('\n');
    lines[2] = '{"key": "toy::q2", "scores": ##'; // a damaged block
    writeFileSync(file, lines.join('\n'));
    const report = readResultsReport(file);
    expect(report.records.map((r) => r.id)).toEqual(['q0', 'q1', 'q3', 'q4', 'q5']);
    expect(report.unreadable.map((u) => u.line)).toEqual([3]);
    const g = reverser();
    const recs = await runTask({ task: toy as never, items, generator: g, resultsFile: file });
    expect(g.calls).toBe(1);
    expect(recs.map((r) => r.id)).toEqual(['q0', 'q1', 'q2', 'q3', 'q4', 'q5']);
  });

  it("refuses to resume a results file another model or engine wrote, instead of passing its items for this one's", async () => {
    const file = join(tempDir('run-'), 'r.jsonl');
    await runTask({ task: toy as never, items: items.slice(0, 3), generator: reverser('model:aaa@llama.cpp/F32'), resultsFile: file });
    const other = reverser('model:bbb@llama.cpp/F32');
    await expect(runTask({ task: toy as never, items, generator: other, resultsFile: file })).rejects.toThrow(
      /expected finished items of model:bbb@llama\.cpp\/F32 to resume, found items of model:aaa@llama\.cpp\/F32/,
    );
    expect(readResults(file)).toHaveLength(3); // nothing written by the refused run
    const same = await runTask({ task: toy as never, items, generator: reverser('model:aaa@llama.cpp/F32'), resultsFile: file });
    expect(same).toHaveLength(6); // the same generator resumes
  });

  it('caches generations by (generator, prompt, settings) across result files', async () => {
    const dir = tempDir('run-');
    const cache = new GenerationCache(join(dir, 'cache.jsonl'));
    await runTask({ task: toy as never, items, generator: reverser('A'), resultsFile: join(dir, 'a.jsonl'), cache });
    const again = reverser('A');
    await runTask({ task: toy as never, items, generator: again, resultsFile: join(dir, 'b.jsonl'), cache: new GenerationCache(join(dir, 'cache.jsonl')) });
    expect(again.calls).toBe(0);
    expect(readResults(join(dir, 'b.jsonl')).every((r) => r.timing.cached)).toBe(true);
    const other = reverser('B');
    await runTask({ task: toy as never, items, generator: other, resultsFile: join(dir, 'c.jsonl'), cache });
    expect(other.calls).toBe(6);
    expect(GenerationCache.key('A', { kind: 'raw', text: 'x' }, { maxNewTokens: 4 })).not.toBe(GenerationCache.key('A', { kind: 'raw', text: 'x' }, { maxNewTokens: 5 }));
  });

  it('runs an agent loop: a scripted plan solves a built-in gripper episode', async () => {
    const task = createTask('agentboard-pddl', { similarity: new LexicalSimilarity() }) as EpisodeTask;
    const all = await task.load(builtinSuiteDir());
    const first = all.filter((i) => i.id === 'pddl:0');
    const plan = ['pick ball1 rooma left', 'Action: pick ball2 rooma right', 'move rooma roomb', 'drop ball1 roomb left', 'drop ball2 roomb right\nAction: more'];
    let k = 0;
    const g = new ScriptedGenerator('plan', () => plan[k++] ?? 'check valid actions');
    const file = join(tempDir('run-'), 'r.jsonl');
    const [rec] = await runTask({ task: task as never, items: first, generator: g, resultsFile: file });
    expect(rec.scores).toMatchObject({ progress_rate: 1, success_rate: 1 });
    expect(rec.steps).toHaveLength(5);
    expect(rec.parsed).toEqual(['pick ball1 rooma left', 'pick ball2 rooma right', 'move rooma roomb', 'drop ball1 roomb left', 'drop ball2 roomb right']);
    // a model that only asks for valid actions uses all 30 steps and makes no progress
    const idle = new ScriptedGenerator('idle', () => 'check valid actions');
    const [r2] = await runTask({ task: task as never, items: first, generator: idle, resultsFile: join(tempDir('run-'), 'r.jsonl') });
    expect(r2.steps).toHaveLength(30);
    expect(r2.scores).toMatchObject({ progress_rate: 0, success_rate: 0, steps: 1 });
  });

  it('runBenchmarks: every task with a limit, per-task and per-capability scores, marked not for publication', async () => {
    const dir = tempDir('study-');
    const g = new ScriptedGenerator('empty', () => '');
    const result = await runBenchmarks({ generator: g, tasks: ['all'], limit: 1, resultsFile: join(dir, 'r.jsonl') });
    expect(result.tasks.map((t) => t.task)).toHaveLength(14);
    expect(result.capabilities.map((c) => c.capability)).toEqual(['action', 'workflow', 'long-context', 'real-world']);
    expect(result.notForPublication).toBe(true);
    expect(result.note).toMatch(/not for publication/);
    expect(result.deviations).toEqual(expect.arrayContaining(['lexical-sim', 'offline-tools', 'builtin-synthetic-suite']));
    for (const t of result.tasks) expect(t.n).toBe(1);
    const lines = readFileSync(join(dir, 'r.jsonl'), 'utf8').trim().split('\n');
    expect(lines).toHaveLength(14);
    const lc = result.capabilities.find((c) => c.capability === 'long-context')!;
    expect(lc.tasks).toHaveLength(9);
  });

  it('compares a base and a compressed results file: drops with paired bootstrap intervals', async () => {
    const dir = tempDir('cmp-');
    // the base "model" completes the unfinished function from its def line and the siblings' pattern; the compressed one answers nothing
    const good = new ScriptedGenerator('good', (p) => {
      const m = [...p.matchAll(/def compute_(\w+)\((\w+)\): {2}# accumulates (\w+)\n/g)].pop();
      if (!m) return '';
      const each = /for (\w+) in /.exec(p)?.[1] ?? '';
      const body = [`    ${m[1]} = 0`, `    for ${each} in ${m[2]}:`, `        ${m[1]} += ${m[3]}(${each})`, `    return ${m[1]}`];
      return (
        body[
          p
            .slice(m.index + m[0].length)
            .split('\n')
            .filter((l) => l.startsWith('    ')).length
        ] ?? ''
      );
    });
    const bad = new ScriptedGenerator('bad', () => 'x');
    const a = await runBenchmarks({ generator: good, tasks: ['longbench-code'], limit: 6, resultsFile: join(dir, 'base.jsonl') });
    const b = await runBenchmarks({ generator: bad, tasks: ['longbench-code'], limit: 6, resultsFile: join(dir, 'comp.jsonl') });
    expect(a.tasks[0].score).toBeCloseTo(100, 9);
    const c = compareResultFiles(join(dir, 'base.jsonl'), join(dir, 'comp.jsonl'), { iterations: 200, seed: 1 });
    expect(c.tasks).toHaveLength(1);
    expect(c.tasks[0].base).toBeCloseTo(100, 9);
    expect(c.tasks[0].compressed).toBeCloseTo(b.tasks[0].score, 9);
    expect(c.tasks[0].absolute).toBeCloseTo(100 - b.tasks[0].score, 9);
    expect(c.tasks[0].absoluteCi95[0]).toBeLessThanOrEqual(c.tasks[0].absolute + 1e-9);
    expect(c.capabilities.map((x) => x.capability)).toEqual(['long-context']);
  });

  it('episodes run in lockstep batches, and a cancelled run resumes without replaying finished episodes', async () => {
    const task = createTask('agentboard-tool-operation', { similarity: new LexicalSimilarity() }) as EpisodeTask;
    const eps = (await task.load(builtinSuiteDir())).slice(0, 3);
    const sizes: number[] = [];
    const idle = new ScriptedGenerator('idle2', () => 'Action: get_projects with Action Input: {}');
    Object.assign(idle, { generateMany: async (ps: unknown[]) => (sizes.push(ps.length), ps.map(() => 'Action: get_projects with Action Input: {}')) });
    const file = join(tempDir('ep-'), 'r.jsonl');
    const recs = await runTask({ task: task as never, items: eps, generator: idle, resultsFile: file, batchSize: 2 });
    expect(recs).toHaveLength(3);
    expect(sizes.slice(0, 3)).toEqual([2, 2, 2]);
    expect(sizes.filter((n) => n === 2)).toHaveLength(30);
    // get_projects is the first subgoal of every tool-operation episode in the built-in suite
    for (const r of recs) expect(r.scores.progress_rate).toBeGreaterThan(0);

    const file2 = join(tempDir('ep-'), 'r.jsonl');
    const ac = new AbortController();
    const g1 = new ScriptedGenerator('idle3', () => 'check');
    await expect(
      runTask({ task: task as never, items: eps, generator: g1, resultsFile: file2, batchSize: 1, signal: ac.signal, onProgress: (p) => p.done === 1 && ac.abort() }),
    ).rejects.toBeInstanceOf(BenchCancelledError);
    expect(readResults(file2)).toHaveLength(1);
    const g2 = new ScriptedGenerator('idle3', () => 'check');
    await runTask({ task: task as never, items: eps, generator: g2, resultsFile: file2, batchSize: 1 });
    expect(g2.calls).toBe(60);
    expect(readResults(file2).map((r) => r.id)).toEqual(eps.map((e) => e.id));
  });
});
