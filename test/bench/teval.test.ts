import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BenchDataError } from '../../main/bench/errors.js';
import { floatRepr, fromJs, jsonLoads, PyDict, PyFloat, type PyValue } from '../../main/bench/python.js';
import type { TextSimilarity } from '../../main/bench/similarity.js';
import {
  aggregateTEval,
  loadTEvalFile,
  parsePlanStr,
  retrieveStrCorrect,
  reviewCorrect,
  scoreTEval,
  splitSpecialTokens,
  TEVAL_FILES,
  understandJson,
  type TEvalItem,
} from '../../main/bench/tasks/teval.js';
import type { ItemScores } from '../../main/bench/types.js';
import { repoRoot } from './helpers.js';
import { tempDir } from '../helpers/tmp.js';

/** Cosine of one-hot embeddings: 1 for equal strings, else 0 — the stand-in both sides of the reference cases use. */
const exact: TextSimilarity = { id: 'exact', matrix: (a, b) => a.map((x) => b.map((y) => (x === y ? 1 : 0))) };

const FILE_OF: Record<string, string> = {
  instruct: 'instruct_v2.json',
  plan_json: 'plan_json_v2.json',
  plan_str: 'plan_str_v2.json',
  reason_str: 'reason_str_v2.json',
  retrieve_str: 'retrieve_str_v2.json',
  understand_str: 'understand_str_v2.json',
  rru_json: 'reason_retrieve_understand_json_v2.json',
  review_str: 'review_str_v2.json',
};

describe('T-Eval scorers against the reference', () => {
  const dir = tempDir('teval-ref-');
  // Cases in the official record layout (fixtures/teval-reference-cases.json, written for this test). The expected
  // numbers come from running open-compass/T-Eval @58f2240's evaluators on these records (predictions passed through
  // test.py's split_special_tokens) with a one-hot sentence-embedding stub in place of all-mpnet-base-v2.
  const cases = JSON.parse(readFileSync(join(repoRoot, 'test/bench/fixtures/teval-reference-cases.json'), 'utf8')) as Record<string, { records: Record<string, Record<string, unknown>> }>;
  async function scoreCase(name: string): Promise<{ items: TEvalItem[]; scores: ItemScores[] }> {
    const f = join(dir, FILE_OF[name]);
    const recs = cases[name].records;
    // the raw file text keeps 2.0 a float, as json.load reads it
    const text = readFileSync(join(repoRoot, 'test/bench/fixtures/teval-reference-cases.json'), 'utf8');
    const py = jsonLoads(text) as PyDict;
    const pyRecs = (py.get(name) as PyDict).get('records') as PyDict;
    writeFileSync(
      f,
      `{${Object.keys(recs)
        .map((k) => `${JSON.stringify(k)}: ${pyJsonDump(pyRecs.get(k)!, k, recs[k])}`)
        .join(', ')}}`,
    );
    const spec = TEVAL_FILES[FILE_OF[name]];
    const items = await loadTEvalFile(f, spec.ability, spec.format);
    return { items, scores: items.map((it) => scoreTEval(it, recs[it.id.slice(it.id.indexOf(':') + 1)].raw as string, exact)) };
  }
  it('every ability and format gives the reference numbers', async () => {
    const all: { items: TEvalItem[]; scores: ItemScores[] } = { items: [], scores: [] };
    for (const name of Object.keys(FILE_OF)) {
      const r = await scoreCase(name);
      all.items.push(...r.items);
      all.scores.push(...r.scores);
    }
    const t = aggregateTEval(all.scores, all.items);
    // instruct: json format 0.75, args_em 0.6667 (np.round 4); string format 0.75, args_em 0.625
    expect(t.fields['instruct-json']).toBeCloseTo((100 * (0.75 + 0.6667)) / 2, 10);
    expect(t.fields['instruct-str']).toBeCloseTo((100 * (0.75 + 0.625)) / 2, 10);
    expect(t.fields['plan-json']).toBeCloseTo(47.5, 10);
    expect(t.fields['plan-str']).toBeCloseTo(50, 10);
    expect(t.fields['reason-str']).toBeCloseTo(50, 10);
    expect(t.fields['retrieve-str']).toBeCloseTo(100 / 3, 10);
    expect(t.fields['understand-str']).toBeCloseTo(200 / 3, 10);
    expect(t.fields['reason-json']).toBeCloseTo(50, 10);
    expect(t.fields['retrieve-json']).toBeCloseTo(50, 10);
    expect(t.fields['understand-json']).toBeCloseTo(62.4998125009375, 10);
    expect(t.fields.review).toBeCloseTo(75, 10);
    // convert_results.py: overall = mean of the six ability means (string and JSON averaged)
    const abilities = [((0.75 + 0.6667) / 2 + (0.75 + 0.625) / 2) / 2, (0.475 + 0.5) / 2, 0.5, (1 / 3 + 0.5) / 2, (2 / 3 + 0.624998125009375) / 2, 0.75];
    expect(t.score).toBeCloseTo((100 * abilities.reduce((a, b) => a + b)) / 6, 10);
  });
  it('instruct, item by item: whole-text JSON, unanchored greedy template, Python ==, fake next turns cut', async () => {
    const { scores } = await scoreCase('instruct');
    expect(scores.map((s) => s.format)).toEqual([1, 0, 1, 1, 0, 1, 1, 1]);
    // 0: days 2 == 2.0 and metric 1 == True → (1 + 3)/4; 2: "3" != 3 → 2/3; 3: cut at "\nuser" → 1
    // 4: the final "\n" delimiter was stripped away → unparsed; 5: the greedy thought runs on to the second call,
    // whose args (followed by "\n") parse → 1
    // 6: text before the thought and after </args> is fine; 2.0 == 2 → 1; 7: args not a literal → {} → 1/2
    expect(scores.map((s) => s.args_em)).toEqual([1, 0, 2 / 3, 1, 0, 1, 1, 1 / 2]);
  });
  it('plan: an id given as "1" sorts as 1; a step lacking args empties the plan; LIS floor of 1', async () => {
    const { scores } = await scoreCase('plan_json');
    // 0: same plan inside text → 1; 1: ids swap the order → LIS 1 of 2 → P = R = 1/2; 2: nothing matches → count 1 → P = 1/3, R = 1/2
    expect(scores.map((s) => s.f1)).toEqual([1, 0.5, 0.4, 0]);
    expect(scores.map((s) => s.parse_rate)).toEqual([1, 1, 1, 0]);
  });
  it('review compares the first letter with the gold answer exactly', () => {
    expect(reviewCorrect('Answer: B, because…', 'B')).toBe(1);
    expect(reviewCorrect('B', 'B')).toBe(1);
    expect(reviewCorrect('Answer: B', 'B.')).toBe(0);
    expect(reviewCorrect('Answer: the call failed', 'B')).toBe(0);
  });
  it('understand (JSON) divides by the gold key count + 1e-5', () => {
    const d = (o: Record<string, unknown>) => fromJs(o) as PyDict;
    expect(understandJson(d({ a: 1, b: 'x' }), d({ a: '1', b: 'y' }))).toBe(1 / (2 + 1e-5));
    expect(understandJson(d({}), d({}))).toBe(1);
    expect(understandJson(d({ a: 1 }), d({}))).toBe(0);
  });
  it('the clean-up cuts at fake next turns and strips a ```json fence', () => {
    expect(splitSpecialTokens('```json\n{"a": 1}\n```<|im_end|>junk')).toBe('{"a": 1}');
    expect(splitSpecialTokens('Answer: B\nuser: next question')).toBe('Answer: B');
    expect(splitSpecialTokens('ok [INST] more')).toBe('ok');
    expect(splitSpecialTokens('ok<eoa>x')).toBe('ok');
  });
  it('the plan string form splits at ". " and newlines and names steps by the earliest API', () => {
    const steps = parsePlanStr('First use A.x for oslo. Then B.y or A.x with 3\nnothing here', ['A.x', 'B.y']);
    expect(steps.map((s) => s.name)).toEqual(['A.x', 'B.y']);
    expect(steps[1].args).toBe('Then B.y or A.x with 3');
    expect(retrieveStrCorrect('Weather.get then FinishAction', 'Weather.get')).toBe(0);
  });
});

/** The fixture record as JSON text, keeping Python's float spelling (2.0) of the gold; the prediction stays out of the file. */
function pyJsonDump(v: PyValue, _key: string, rec: Record<string, unknown>): string {
  const { raw: _raw, ...rest } = rec;
  const gold = (v as PyDict).get('ground_truth')!;
  return JSON.stringify({ ...rest, origin_prompt: [{ role: 'user', content: 'q' }], ground_truth: '__GOLD__' }).replace('"__GOLD__"', toJsonText(gold));
}

function toJsonText(v: PyValue): string {
  if (v instanceof PyDict) return `{${v.keys.map((k, i) => `${JSON.stringify(k)}: ${toJsonText(v.values[i])}`).join(', ')}}`;
  if (Array.isArray(v)) return `[${v.map(toJsonText).join(', ')}]`;
  if (v instanceof PyFloat) return floatRepr(v.value);
  if (typeof v === 'bigint') return v.toString();
  return JSON.stringify(v);
}

describe('T-Eval importer', () => {
  const dir = tempDir('teval-');
  it('reads a v2 file keyed by id with meta_data.response_format', async () => {
    const f = join(dir, 'instruct_v2.json');
    writeFileSync(
      f,
      JSON.stringify({
        7: {
          origin_prompt: [
            { role: 'system', content: 's' },
            { role: 'user', content: 'u' },
          ],
          template: { thought: 'thought', action: 'name', args: 'args' },
          ground_truth: { action: 'A', args: {} },
          meta_data: { response_format: 'json' },
        },
      }),
    );
    const items = await loadTEvalFile(f, 'instruct');
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ id: 'instruct-json:7', format: 'json', group: 'instruct-json' });
  });
  it('malformed records name file, record and field', async () => {
    const f = join(dir, 'plan_str_v2.json');
    writeFileSync(f, JSON.stringify({ a: { origin_prompt: [{ role: 'user', content: 'x' }], ground_truth: [], meta: { prompt_type: 'str' } } }));
    const err = await loadTEvalFile(f, 'plan', 'str').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BenchDataError);
    expect((err as BenchDataError).message).toContain('record "a"');
    expect((err as BenchDataError).field).toBe('meta.API_list');
    const g = join(dir, 'reason_str_v2.json');
    writeFileSync(g, JSON.stringify({ z: { origin_prompt: [{ role: 'robot', content: 'x' }], ground_truth: {} } }));
    await expect(loadTEvalFile(g, 'reason', 'str')).rejects.toThrow(/origin_prompt\[0\]/);
    writeFileSync(g, '[1,2]');
    await expect(loadTEvalFile(g, 'reason', 'str')).rejects.toThrow(/keyed by sample id/);
  });
});
