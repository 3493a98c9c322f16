import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { aggregateLongGen, extractLongGenAnswers, goldGsm8k, scoreLongGen, type LongGenItem } from '../../main/bench/tasks/longgenbench.js';
import { repoRoot } from './helpers.js';

interface RefCase {
  name: string;
  dataset: 'gsm8k' | 'mmlu';
  answers: string[];
  pred: string;
  reference: number;
}

describe('LongGenBench against the SCOPE scorer', () => {
  // fixtures/longgenbench-reference-cases.json: crafted records; `reference` is scorer(dataset, [pred], [answers]) of
  // Linking-ai/SCOPE's eval_longgenbench.py (the study's copy in pprp/ACBench), i.e. round(100 · accuracy, 4).
  const cases = JSON.parse(readFileSync(join(repoRoot, 'test/bench/fixtures/longgenbench-reference-cases.json'), 'utf8')) as RefCase[];
  for (const c of cases) {
    it(c.name, () => {
      const item: LongGenItem = { id: c.name, group: c.dataset, style: c.dataset, prompt: '', questions: c.answers.map(() => 'q'), answers: c.answers, maxNewTokens: 1 };
      expect(aggregateLongGen('x', [scoreLongGen(item, c.pred)], [item]).score).toBe(c.reference);
    });
  }
  it('gold stops at a comma; answers are strings; an unparsed answer shifts the pairing', () => {
    expect(goldGsm8k('so 1,000 in all\n#### 1,000')).toBe('1');
    expect(extractLongGenAnswers('Answer_1: the answer is 018', 'gsm8k')).toEqual(['018']);
    // Answer_1 never says "answer is": the lazy match runs on and takes Answer_2's number
    expect(extractLongGenAnswers('Answer_1: no idea\nAnswer_2: the answer is 3\nAnswer_3: the answer is 4', 'gsm8k')).toEqual(['3', '4']);
    // MMLU: no DOTALL, and the capture is everything up to the first ")"
    expect(extractLongGenAnswers('Answer_1: because\nthe answer is (A)\nAnswer_2: the answer is (B or C)', 'mmlu')).toEqual(['B or C']);
  });
});
