import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadNiahResult } from '../../main/bench/tasks/niah.js';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setModelLoader } from '../../main/bench/index.js';
import type { CausalLM } from '../../main/model/types.js';
import { haveSamples, runBenchCommand, samplesDir } from './helpers.js';
import { tempDir } from '../helpers/tmp.js';

const run = runBenchCommand;

describe('acbench score', () => {
  const dir = tempDir('score-');
  it('reproduces the hand-worked LongBench cases', async () => {
    const data = join(dir, 'hotpotqa.jsonl');
    writeFileSync(
      data,
      [
        { input: 'q1', context: 'c', answers: ['Arlenport', 'the town of Arlenport'], dataset: 'hotpotqa', _id: 'a' },
        { input: 'q2', context: 'c', answers: ['blue'], dataset: 'hotpotqa', _id: 'b' },
        { input: 'q3', context: 'c', answers: ['x'], dataset: 'hotpotqa', _id: 'c' },
      ]
        .map((r) => JSON.stringify(r))
        .join('\n'),
    );
    const preds = join(dir, 'preds.jsonl');
    writeFileSync(preds, '{"id": "a", "prediction": "Arlenport town"}\n{"id": "b", "prediction": "The blue one"}\n{"id": "zzz", "prediction": "?"}\n');
    const r = await run('score', ['--benchmark', 'longbench', '--data', data, '--predictions', preds, '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out) as { score: { score: number }; missing: string[]; unmatched: string[]; items: { scores: { score: number } }[] };
    // a: max(2/3, 0.8) = 0.8; b: "blue one" vs "blue": P=1/2,R=1 → 2/3; c: missing → 0 — eval.py: round(100 · mean, 2)
    expect(j.items.map((i) => i.scores.score)).toEqual([0.8, 2 / 3, 0]);
    expect(j.score.score).toBe(48.89);
    expect(j.missing).toEqual(['hotpotqa:c']);
    expect(j.unmatched).toEqual(['zzz']);
    const text = await run('score', ['--benchmark', 'longbench', '--data', data, '--predictions', preds]);
    expect(text.out).toMatch(/longbench score: 48\.89 \(n=3\)/);
  });
  it('reproduces a hand-worked T-Eval instruct case through the official file layout', async () => {
    const data = join(dir, 'instruct_v2.json');
    const rec = (args: Record<string, unknown>) => ({
      origin_prompt: [{ role: 'user', content: 'call it' }],
      template: { thought: 'thought', action: 'name', args: 'args' },
      ground_truth: { action: 'Weather.get', args },
      meta_data: { response_format: 'json' },
    });
    writeFileSync(data, JSON.stringify({ 0: rec({ city: 'Oslo' }), 1: rec({ city: 'Oslo', date: '2025-01-01' }) }));
    const preds = join(dir, 'teval-preds.jsonl');
    writeFileSync(
      preds,
      [
        '{"id": 0, "prediction": "{\\"thought\\": \\"t\\", \\"name\\": \\"Weather.get\\", \\"args\\": {\\"city\\": \\"Oslo\\"}}"}',
        '{"id": 1, "prediction": "{\\"thought\\": \\"t\\", \\"name\\": \\"Weather.get\\", \\"args\\": {\\"city\\": \\"Oslo\\", \\"date\\": \\"2025-01-02\\"}}"}',
      ].join('\n'),
    );
    const r = await run('score', ['--benchmark', 'teval', '--data', data, '--predictions', preds, '--json']);
    expect(r.code, r.err).toBe(0);
    const j = JSON.parse(r.out) as { score: { score: number }; items: { scores: Record<string, number> }[] };
    // 0: format 1, args_em (name 1 + city 1)/(1 + 1) = 1 → 1;  1: format 1, args_em (1 + 1 + 0)/3 = 2/3 → (1 + 2/3)/2
    expect(j.items.map((i) => i.scores)).toEqual([
      { format: 1, args_em: 1, score: 1 },
      { format: 1, args_em: 2 / 3, score: (1 + 2 / 3) / 2 },
    ]);
    // InstructEvaluator rounds each metric mean to 4 decimals: format 1, args_em (1 + 2/3)/2 → 0.8333; (1 + 0.8333)/2
    expect(j.score.score).toBeCloseTo(((1 + 0.8333) / 2) * 100, 9);
  });
  it('reproduces a hand-worked LongGenBench GSM8K case: answers matched in order', async () => {
    const data = join(dir, 'gsm8k.jsonl');
    // the official record's shape: answers are GSM8K solutions ending "#### N"
    writeFileSync(data, JSON.stringify({ prompt: 'Examples: …', questions: ['Q1?', 'Q2?', 'Q3?'], answers: ['2 + 2 = <<2+2=4>>4\n#### 4', 'so\n#### 10', '#### 7'] }) + '\n');
    const preds = join(dir, 'lg-preds.jsonl');
    writeFileSync(preds, JSON.stringify({ id: 1, prediction: 'Answer_1: 2 + 2 = 4. The answer is 4.\nAnswer_2: The answer is 11.\nAnswer_3: The answer is 7.' }) + '\n');
    const r = await run('score', ['--benchmark', 'longgenbench', '--data', data, '--predictions', preds, '--json']);
    expect(r.code, r.err).toBe(0);
    const j = JSON.parse(r.out) as { score: { score: number }; items: { id: string; scores: Record<string, number> }[] };
    expect(j.items[0].id).toBe('gsm8k:1'); // records are numbered from 1, as the importer names them
    expect(j.items[0].scores).toEqual({ accuracy: 2 / 3, answered: 1, score: 2 / 3 }); // 4 ✓, 10 ✗ (said 11), 7 ✓
    expect(j.score.score).toBe(66.6667); // SCOPE: round(100 · mean, 4)
  });
  it('scores AgentBoard logged episodes (e.g. Jericho) without a data file', async () => {
    const eps = join(dir, 'jericho.jsonl');
    writeFileSync(eps, '{"id": 1, "task": "jericho", "progress": [0, 0.5]}\n{"id": 2, "task": "jericho", "progress": [0.2, 1]}\n');
    const r = await run('score', ['--benchmark', 'agentboard', '--predictions', eps, '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out) as { score: { fields: Record<string, number> } };
    expect(j.score.fields.progress_rate).toBeCloseTo(75, 9);
    expect(j.score.fields.success_rate).toBeCloseTo(50, 9);
  });
  it.skipIf(!haveSamples)('scores the NIAH harness results folder and a WorfBench sample file', async () => {
    const cfg = join(dir, 'niah.json');
    writeFileSync(
      cfg,
      JSON.stringify({
        needle: 'The best thing to do in San Francisco is eat a sandwich and sit in Dolores Park on a sunny day.',
        retrieval_question: 'q',
        key_phrases: ['sandwich', 'Dolores Park', 'sunny'],
        context_lengths: [1000],
        document_depth_percents: [0],
      }),
    );
    const r = await run('score', ['--benchmark', 'niah', '--data', cfg, '--predictions', join(samplesDir, 'niah'), '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out) as { items: { id: string; scores: { score: number; key_phrase_recall: number } }[]; deviations: string[] };
    // each response rescored with the study's ROUGE-1 F against the needle in its file (reference values: rouge_score
    // tokenize/_score_ngrams with NLTK's Porter stemmer); key-phrase recall rides along as an extra
    expect(j.items.map((i) => i.id)).toEqual(['len1000-depth0', 'len1000-depth100', 'len100500-depth42.7']);
    [0.4719101123595506, 0.8333333333333334, 0.2526315789473684].forEach((v, k) => expect(j.items[k].scores.score).toBeCloseTo(v, 12));
    expect(j.items.map((i) => i.scores.key_phrase_recall)).toEqual([1, 1, 0]);
    expect(j.deviations).toEqual([]);
    const wf = join(samplesDir, 'worfbench/os_graph_eval.first5.json');
    const items = JSON.parse(readFileSync(wf, 'utf8')) as { id: string; conversations: { content: string }[] }[];
    const preds = join(dir, 'wf.jsonl');
    writeFileSync(preds, items.map((x) => JSON.stringify({ id: x.id, prediction: x.conversations[2].content })).join('\n'));
    const w = await run('score', ['--benchmark', 'worfbench', '--data', wf, '--predictions', preds, '--json']);
    expect((JSON.parse(w.out) as { score: { score: number } }).score.score).toBeCloseTo(100, 6);
  });
  it('bad input exits 2 with one line on stderr', async () => {
    const r = await run('score', ['--benchmark', 'nope', '--data', join(dir, 'hotpotqa.jsonl'), '--predictions', join(dir, 'preds.jsonl')]);
    expect(r.code).toBe(2);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect((await run('score', ['--bogus'])).code).toBe(2);
    const bad = join(dir, 'bad.jsonl');
    writeFileSync(bad, '{"id": 1}\n');
    const m = await run('score', ['--benchmark', 'longbench', '--data', join(dir, 'hotpotqa.jsonl'), '--predictions', bad]);
    expect(m.code).toBe(2);
    expect(m.err).toMatch(/bad\.jsonl, line 1, field "prediction"/);
  });
});

describe('acbench eval against an OpenAI-compatible endpoint', () => {
  let server: Server;
  let url = '';
  let requests = 0;
  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        requests++;
        const j = JSON.parse(body) as { messages?: unknown; prompt?: string };
        const content = '    return total';
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ choices: [j.messages ? { message: { role: 'assistant', content } } : { text: content }] }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('runs, writes results and summary, and a rerun resumes without new requests', async () => {
    const out = join(tempDir('eval-'), 'run');
    const args = ['--endpoint', url, '--endpoint-model', 'tiny', '--tasks', 'longbench-code,niah', '--limit', '3', '--out', out, '--json'];
    const r = await run('eval', args);
    expect(r.code, r.err).toBe(0);
    const summary = JSON.parse(r.out) as { tasks: { task: string; n: number }[]; notForPublication: boolean; capabilities: { capability: string }[] };
    expect(summary.tasks.map((t) => [t.task, t.n])).toEqual([
      ['longbench-code', 3],
      ['niah', 3],
    ]);
    expect(summary.notForPublication).toBe(true);
    expect(existsSync(join(out, 'summary.json'))).toBe(true);
    expect(readFileSync(join(out, 'results.jsonl'), 'utf8').trim().split('\n')).toHaveLength(6);
    expect(r.err).toMatch(/longbench-code 3\/3/);
    // NIAH cells are also written in the harness's results-JSON shape, which our importer reads back
    const cells = readdirSync(join(out, 'niah'));
    expect(cells).toHaveLength(3);
    const cell = await loadNiahResult(join(out, 'niah', cells[0]));
    expect(cell).toMatchObject({ contextLength: 128, response: '    return total', score: 0 });
    expect(cell.needle).toContain('fennel');
    const before = requests;
    const again = await run('eval', args);
    expect(again.code).toBe(0);
    expect(again.err).toMatch(/resuming .*results\.jsonl: 6 finished items are kept/);
    expect(requests).toBe(before);
  });
  it('usage errors exit 2', async () => {
    expect((await run('eval', ['--tasks', 'worfbench'])).code).toBe(2);
    expect((await run('eval', ['--endpoint', url, '--tasks', 'nosuchtask'])).err).toMatch(/task: expected one of/);
    expect((await run('eval', ['--endpoint', url, '--tasks', 'agentboard-jericho'])).err).toMatch(/import-only/);
    expect((await run('eval', ['--endpoint', url, '--limit', '0'])).code).toBe(2);
    expect(readdirSync(process.cwd()).filter((f) => f.startsWith('acbench-eval-'))).toEqual([]); // refused before any folder is made
  });
});

describe('acbench eval --model DIR', () => {
  it('loads through the registered model loader and runs on the embedded-model generator', async () => {
    const tokenizer = {
      vocabSize: 256,
      eosTokenIds: [0],
      encode: (t: string) => [...t].map((c) => c.charCodeAt(0) & 255),
      decode: (ids: number[]) => String.fromCharCode(...ids),
      applyChatTemplate: (turns: { role: string; content: string }[]) => turns.map((t) => t.content).join('\n'),
    };
    const answer = {
      text: 'Paragraph 1',
      tokens: [],
      finishReason: 'eos',
      stats: { prefillTokens: 0, decodeTokens: 0, prefillTokensPerS: 0, decodeTokensPerS: 0, peakMemoryBytes: 0, backend: 'fake' },
    };
    const fake = { dir: '/m', hash: 'h1', tokenizer, config: { maxPositionEmbeddings: 4096 }, generate: () => answer, generateBatch: (ps: unknown[]) => ps.map(() => answer) } as unknown as CausalLM;
    const loaded: string[] = [];
    setModelLoader(async (dir) => {
      if (dir.endsWith('missing')) throw new Error('no config.json');
      loaded.push(dir);
      return fake;
    });
    const out = join(tempDir('evalm-'), 'o');
    const r = await run('eval', ['--model', '/models/tiny', '--tasks', 'longbench-synthetic', '--limit', '4', '--out', out, '--json']);
    expect(r.code, r.err).toBe(0);
    expect(loaded).toEqual(['/models/tiny']);
    const j = JSON.parse(r.out) as { generator: string; tasks: { n: number }[] };
    expect(j.generator).toBe('model:h1');
    expect(j.tasks[0].n).toBe(4);
    const bad = await run('eval', ['--model', '/models/missing', '--tasks', 'niah']);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--model: expected a model folder the model room can load, found \/models\/missing: no config.json/);
  });
});
