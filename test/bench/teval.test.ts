import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BenchDataError } from '../../main/bench/errors.js';
import { LexicalSimilarity } from '../../main/bench/similarity.js';
import { aggregateTEval, argsExactMatch, loadTEvalFile, parseInstruct, parsePlanStr, retrieveStrCorrect, reviewCorrect, scorePlan, scoreTEval, understandJson, type TEvalItem } from '../../main/bench/tasks/teval.js';
import { tempDir } from '../helpers/tmp.js';

const sim = new LexicalSimilarity();
const base = { turns: [], group: '' };

describe('T-Eval scorers', () => {
  it('instruct args_em: (name match + equal gold args)/(gold args + 1)', () => {
    // name matches (1) + city equal (1) + date differs (0) → 2/3
    expect(argsExactMatch('W.get', 'W.get', { city: 'Oslo', date: '2025-01-01' }, { city: 'Oslo', date: '2025-01-02' })).toBeCloseTo(2 / 3, 12);
    expect(argsExactMatch('W.get', 'X.get', { n: 5 }, { n: 5 })).toBeCloseTo(1 / 2, 12);
    expect(argsExactMatch('W.get', 'W.get', {}, { extra: 1 })).toBe(1);
  });
  it('instruct JSON: keys named by the template; unparseable → 0', () => {
    const item: TEvalItem = { ...base, id: 'i', ability: 'instruct', format: 'json', template: { thought: 't', action: 'a', args: 'p' }, groundTruth: { action: 'A.b', args: { x: 1, y: 'z' } } };
    expect(scoreTEval(item, '```json\n{"t": "hm", "a": "A.b", "p": {"x": 1, "y": "w"}}\n```', sim)).toEqual({ format: 1, args_em: 2 / 3, score: (1 + 2 / 3) / 2 });
    expect(scoreTEval(item, 'I will call A.b', sim)).toEqual({ format: 0, args_em: 0, score: 0 });
  });
  it('instruct string: template delimiters; a non-dict args literal still parses (quirk) with args {}', () => {
    const template = { thought_start: 'Thought: ', thought_end: '\n', action_start: 'Action: ', action_end: '\n', args_start: 'Action Input: ', args_end: '\n' };
    const item: TEvalItem = { ...base, id: 'i', ability: 'instruct', format: 'str', template, groundTruth: { action: 'A.b', args: { x: 1 } } };
    expect(parseInstruct("Thought: ok\nAction: A.b\nAction Input: {'x': 1}", item)).toEqual({ thought: 'ok', action: 'A.b', args: { x: 1 } });
    expect(scoreTEval(item, 'Thought: ok\nAction: A.b\nAction Input: not a dict\n', sim)).toEqual({ format: 1, args_em: 0.5, score: 0.75 });
  });
  it('plan: identical plans → F1 1; the LIS count starts at 1 (quirk), so a non-matching plan still counts 1', () => {
    const gold = [{ name: 'A.x', args: "{'q': 'oslo'}" }, { name: 'B.y', args: "{'n': 3}" }, { name: 'FinishAction', args: '{}' }];
    expect(scorePlan(gold, gold, sim).f1).toBeCloseTo(1, 9);
    const wrong = [{ name: 'zzz', args: 'qqq' }, { name: 'vvv', args: 'www' }, { name: 'uuu', args: 'ttt' }, { name: 'sss', args: 'rrr' }];
    // count 1: P = 1/4, R = 1/2, F1 = 1/3
    const r = scorePlan(wrong, gold, sim);
    expect(r.precision).toBeCloseTo(0.25, 12);
    expect(r.recall).toBeCloseTo(0.5, 12);
    expect(r.f1).toBeCloseTo(1 / 3, 12);
    // reversed order: matching finds both, but the LIS of gold indices in prediction order is 1
    expect(scorePlan([gold[1], gold[0]], gold, sim).f1).toBeCloseTo(0.5, 9);
    expect(scorePlan([], gold, sim).f1).toBe(0);
  });
  it('plan string form: pieces split at ". " and newlines, named by the first API they mention', () => {
    const steps = parsePlanStr('First use A.x for oslo. Then B.y or A.x with 3\nnothing here', ['A.x', 'B.y']);
    expect(steps.map((s) => s.name)).toEqual(['A.x', 'B.y']);
    expect(steps[1].args).toBe('Then B.y or A.x with 3');
  });
  it('retrieve string: gold present and every a.b token equal to it', () => {
    expect(retrieveStrCorrect('I will call Weather.get now', 'Weather.get')).toBe(1);
    expect(retrieveStrCorrect('Weather.get or Flight.find', 'Weather.get')).toBe(0);
    expect(retrieveStrCorrect('Weather.get then FinishAction', 'Weather.get')).toBe(0);
    expect(retrieveStrCorrect('Flight.find', 'Weather.get')).toBe(0);
  });
  it('understand JSON: fraction of gold keys with str-equal values; empty-gold rules', () => {
    expect(understandJson({ a: 1, b: 'x' }, { a: '1', b: 'y' })).toBe(0.5);
    expect(understandJson({}, {})).toBe(1);
    expect(understandJson({ a: 1 }, {})).toBe(0);
  });
  it('understand string: whole response, quotes stripped, equals the gold string', () => {
    const item: TEvalItem = { ...base, id: 'u', ability: 'understand', format: 'str', groundTruth: { args: '{"city": "Oslo"}' } };
    expect(scoreTEval(item, '\'{"city": "Oslo"}\'', sim).args).toBe(1);
    expect(scoreTEval(item, '{"city": "Bergen"}', sim).args).toBe(0);
  });
  it('review: first character after the first ":"', () => {
    expect(reviewCorrect('Answer: B, because…', 'B')).toBe(1);
    expect(reviewCorrect('Answer: C', 'B')).toBe(0);
    expect(reviewCorrect('B', 'B')).toBe(1);
  });
  it('aggregate: abilities are means of string and JSON; overall is the mean of abilities', () => {
    const items: TEvalItem[] = [
      { ...base, id: '1', group: 'instruct-json', ability: 'instruct', format: 'json', groundTruth: {} },
      { ...base, id: '2', group: 'instruct-str', ability: 'instruct', format: 'str', groundTruth: {} },
      { ...base, id: '3', group: 'review-str', ability: 'review', format: 'str', groundTruth: 'A' },
    ];
    const t = aggregateTEval([{ score: 1 }, { score: 0.5 }, { correct: 0, score: 0 }], items);
    expect(t.fields.instruct).toBeCloseTo(75, 9);
    expect(t.fields.review).toBe(0);
    expect(t.score).toBeCloseTo(37.5, 9);
  });
});

describe('T-Eval importer', () => {
  const dir = tempDir('teval-');
  it('reads a v2 file keyed by id with meta_data.response_format', async () => {
    const f = join(dir, 'instruct_v2.json');
    writeFileSync(f, JSON.stringify({ 7: { origin_prompt: [{ role: 'system', content: 's' }, { role: 'user', content: 'u' }], template: { thought: 'thought', action: 'name', args: 'args' }, ground_truth: { action: 'A', args: {} }, meta_data: { response_format: 'json' } } }));
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
