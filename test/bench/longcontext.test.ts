import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BenchDataError } from '../../main/bench/errors.js';
import {
  classificationScore,
  codeSimScore,
  countScore,
  DATASET_METRIC,
  fillTemplate,
  loadLongBenchJsonl,
  retrievalScore,
  scoreLongBench,
  type LongBenchItem,
} from '../../main/bench/tasks/longbench.js';
import { extractLongGenAnswers, goldGsm8k, loadLongGenFile, scoreLongGen } from '../../main/bench/tasks/longgenbench.js';
import { porterStem, rouge1F } from '../../main/bench/rouge-score.js';
import { aggregateNiah, buildHaystack, keyPhraseRecall, loadNiahResult, needleScore, niahPrompt } from '../../main/bench/tasks/niah.js';
import { haveSamples, samplesDir } from './helpers.js';
import { tempDir } from '../helpers/tmp.js';

const lbItem = (dataset: string, answers: string[], allClasses?: string[]): LongBenchItem => ({ id: 'x', dataset, input: 'q', context: 'c', answers, allClasses });

describe('LongBench metrics', () => {
  it('classification: 1/(number found) when the gold is found', () => {
    expect(classificationScore('Location or Entity', 'Location', ['Location', 'Entity', 'Human'])).toBeCloseTo(0.5, 12);
    expect(classificationScore('Human', 'Location', ['Location', 'Human'])).toBe(0);
  });
  it('classification quirk: names inside the gold are removed, skipping the next element while iterating', () => {
    // found [ab, a, b] (in class order), gold "ab": "a" ⊂ "ab" is removed and "b" (next) is skipped → [ab, b] → 1/2
    expect(classificationScore('ab', 'ab', ['ab', 'a', 'b'])).toBeCloseTo(0.5, 12);
    // found [a, ab]: "a" removed, "ab" skipped (it is the gold anyway) → [ab] → 1
    expect(classificationScore('ab', 'ab', ['a', 'ab'])).toBe(1);
    // found [a, b, c, abc], gold "abc": "a" removed (b skipped), "c" removed → [b, abc] → 1/2 (not 1)
    expect(classificationScore('a b c abc', 'abc', ['a', 'b', 'c', 'abc'])).toBeCloseTo(0.5, 12);
  });
  it('retrieval and count: matching numbers over all numbers', () => {
    expect(retrievalScore('Paragraph 3, not 4', 'Paragraph 3')).toBe(0.5);
    expect(retrievalScore('no idea', 'Paragraph 3')).toBe(0);
    expect(countScore('There are 5 paragraphs, 5 unique of 7', '5')).toBeCloseTo(2 / 3, 12);
  });
  it('code: first line without ` # // , fuzzy ratio / 100', () => {
    expect(codeSimScore('```python\n# comment\n    return total\n', '    return total')).toBe(1);
    expect(codeSimScore('\nabcd', 'abce')).toBe(0.75);
  });
  it('first line only for few-shot sets; max over answers', () => {
    expect(scoreLongBench(lbItem('triviaqa', ['otter', 'river otter']), '\notter\nsomething else entirely').score).toBe(1);
    // vs "arlenport": P=1/2, R=1 → 2/3; vs "town of arlenport": P=1, R=2/3 → 0.8; max = 0.8
    expect(scoreLongBench(lbItem('hotpotqa', ['Arlenport', 'the town of Arlenport']), 'Arlenport town').score).toBeCloseTo(0.8, 12);
    expect(DATASET_METRIC.gov_report).toBe('rouge');
  });
  it('reads JSONL records; malformed lines name the line and field', async () => {
    const dir = tempDir('lb-');
    const f = join(dir, 'trec.jsonl');
    writeFileSync(f, JSON.stringify({ input: 'q', context: 'c', answers: ['Entity'], length: 3, dataset: 'trec', language: 'en', all_classes: ['Entity'], _id: 'a1' }) + '\n');
    expect((await loadLongBenchJsonl(f))[0].id).toBe('trec:a1');
    writeFileSync(f, '\n' + JSON.stringify({ input: 'q', context: 'c', answers: ['x'], dataset: 'trec', _id: 'a1' }) + '\n{oops\n');
    await expect(loadLongBenchJsonl(f)).rejects.toThrow(/line 3.*one JSON object per line/);
    writeFileSync(f, '\n' + JSON.stringify({ input: 'q', context: 'c', answers: ['x'], dataset: 'trec', _id: 'a1' }) + '\n');
    const e = await loadLongBenchJsonl(f).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(BenchDataError);
    expect((e as BenchDataError).record).toBe('line 2');
    expect((e as BenchDataError).field).toBe('all_classes');
  });
});

describe.skipIf(!haveSamples)('LongBench prompt and length files from the samples', () => {
  it('every template fills {context} and {input}; every dataset has a metric and an output length', () => {
    const prompts = JSON.parse(readFileSync(join(samplesDir, 'longbench/dataset2prompt.json'), 'utf8')) as Record<string, string>;
    const maxlen = JSON.parse(readFileSync(join(samplesDir, 'longbench/dataset2maxlen.json'), 'utf8')) as Record<string, number>;
    for (const [ds, tpl] of Object.entries(prompts)) {
      expect(DATASET_METRIC[ds], ds).toBeDefined();
      expect(maxlen[ds], ds).toBeGreaterThan(0);
      const text = fillTemplate(tpl, lbItem(ds, []));
      expect(text).not.toMatch(/\{(context|input)\}/);
    }
  });
});

describe('LongGenBench', () => {
  it('GSM8K gold after ####, predictions by Answer_k … answer is N, zipped by position', () => {
    expect(goldGsm8k('2+1=3\n#### 1,250')).toBe('1'); // SCOPE's \\d+ stops at the comma
    const out = 'Answer_9:\nShe has 9 eggs.\nThe answer is 18.\nAnswer_10: It takes 3.\nThe answer is 4.\nAnswer_11: The answer is 70000.';
    expect(extractLongGenAnswers(out, 'gsm8k')).toEqual(['18', '4', '70000']);
    const item = { id: 'g', style: 'gsm8k' as const, prompt: '', questions: ['a', 'b', 'c', 'd'], answers: ['#### 18', '#### 3', '#### 70000', '#### 5'], maxNewTokens: 10 };
    // positions: 18=18 ✓, 4≠3, 70000 ✓, missing → 2/4
    expect(scoreLongGen(item, out)).toMatchObject({ accuracy: 0.5, answered: 0.75 });
  });
  it('MMLU style: answer is (X)', () => {
    const item = { id: 'm', style: 'mmlu' as const, prompt: '', questions: ['a', 'b'], answers: ['B', 'C'], maxNewTokens: 10 };
    expect(scoreLongGen(item, 'Answer_6: The answer is (B).\nAnswer_7: the answer is (D)').accuracy).toBe(0.5);
  });
  it.skipIf(!haveSamples)('reads both sample files (K = 30) and the GSM8K golds parse', async () => {
    const g = await loadLongGenFile(join(samplesDir, 'longgenbench/gsm8k_30.first1.jsonl'));
    expect(g[0].style).toBe('gsm8k');
    expect(g[0].questions).toHaveLength(30);
    expect(g[0].maxNewTokens).toBe(4096);
    expect(goldGsm8k(g[0].answers[0])).toBe('18');
    const m = await loadLongGenFile(join(samplesDir, 'longgenbench/mmlu_30.first1.jsonl'));
    expect(m[0].style).toBe('mmlu');
    expect(m[0].answers[0]).toBe('B');
    // a perfect generation scores 1
    const perfect = m[0].answers.map((a, i) => `Answer_${i + 6}: The answer is (${a}).`).join('\n');
    expect(scoreLongGen(m[0], perfect).accuracy).toBe(1);
  });
});

describe('Needle in a Haystack', () => {
  const count = (t: string) => t.split(/\s+/).filter(Boolean).length;
  const hay = 'Alpha one two. Beta three four. Gamma five six. Delta seven eight.';
  it('inserts the needle at depth, moved back to the previous sentence end', () => {
    const c = buildHaystack(hay, 'NEEDLE here.', 12, 50, count);
    expect(c.startsWith('Alpha one two. Beta three four. NEEDLE here.')).toBe(true);
    expect(buildHaystack(hay, 'N.', 12, 0, count).startsWith('N. Alpha')).toBe(true);
    expect(buildHaystack(hay, 'N.', 12, 100, count).endsWith('N.')).toBe(true);
    expect(count(buildHaystack(hay, 'N.', 30, 50, count))).toBeLessThanOrEqual(31);
  });
  // Expected values: rouge_score's tokenize + _score_ngrams (google-research/rouge, the package the study's
  // KVCache-Factory run_needle_in_haystack.py uses) run with NLTK 3.8's PorterStemmer, times 10 as the harness does.
  const needle = '\nThe best thing to do in San Francisco is eat a sandwich and sit in Dolores Park on a sunny day.\n';
  it("the study's score: ROUGE-1 F (Porter-stemmed) of needle vs response, 0–10 scale", () => {
    expect(10 * needleScore(needle, 'Eat a sandwich and sit in Dolores Park on a sunny day.')).toBeCloseTo(7.272727272727273, 12);
    // "eating sandwiches" stems to "eat sandwich"
    expect(10 * needleScore(needle, 'The best thing to do in San Francisco is eating sandwiches in Dolores Park.')).toBeCloseTo(8, 12);
    expect(needleScore(needle, "I don't know.")).toBe(0);
    expect(needleScore(needle, '   ')).toBe(0);
    expect(rouge1F(needle, needle)).toBe(1);
    expect(['skies', 'hopping', 'relational', 'generalli', 'dying'].map(porterStem)).toEqual(['sky', 'hop', 'relat', 'gener', 'die']);
  });
  it('aggregates as the study reports it: ×100 (= its 0–10 score ×10) and study_score on 0–10', () => {
    const items = [
      { id: 'a', contextLength: 1000, depthPercent: 0 },
      { id: 'b', contextLength: 2000, depthPercent: 0 },
    ];
    const t = aggregateNiah(
      [
        { rouge1_f: 0.5, key_phrase_recall: 1, score: 0.5 },
        { rouge1_f: 1, key_phrase_recall: 1, score: 1 },
      ],
      items,
    );
    expect(t.score).toBe(75);
    expect(t.fields.study_score).toBe(7.5);
    expect(t.metric).toBe('ROUGE-1 F');
    expect(niahPrompt('CTX', 'Q?')).toEqual({ kind: 'raw', text: '<|im_start|> This is a very long story book: <book> CTX </book>.\n Based on the content of the book, Question: Q?\nAnswer:' });
  });
  it('key-phrase recall (a labelled extra)', () => {
    expect(keyPhraseRecall('It is roasted fennel.', ['roasted', 'fennel', 'seed'])).toBeCloseTo(2 / 3, 12);
    expect(keyPhraseRecall('nothing', [])).toBe(0);
  });
  it.skipIf(!haveSamples)('reads the harness results JSON files', async () => {
    const r = await loadNiahResult(join(samplesDir, 'niah/anthropic_token_len_100500_depth_4270_results.json'));
    expect(r).toMatchObject({ contextLength: 100500, depthPercent: 42.7, score: 1 });
    const words = ['sandwich', 'dolores', 'park', 'sunny'];
    expect(keyPhraseRecall(r.response, words)).toBe(0);
    const ok = await loadNiahResult(join(samplesDir, 'niah/anthropic_token_len_1000_depth_0_results.json'));
    expect(keyPhraseRecall(ok.response, words)).toBe(1);
    // the study's metric on these responses (reference procedure as above): 4.7191… and 2.5263… on 0–10
    expect(10 * needleScore(ok.needle, ok.response)).toBeCloseTo(4.719101123595506, 12);
    expect(10 * needleScore(r.needle, r.response)).toBeCloseTo(2.526315789473684, 12);
  });
});
