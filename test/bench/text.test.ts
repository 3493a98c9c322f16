import { describe, expect, it } from 'vitest';
import { fuzzRatio, lcsLength, normalizeAnswer, qaF1, rougeL, sequenceMatcherRatio, tokenF1 } from '../../main/bench/text.js';
import { longestIncreasingSubsequence, maxWeightMatching, prf } from '../../main/bench/matching.js';
import { LexicalSimilarity } from '../../main/bench/similarity.js';

describe('text metrics', () => {
  it('normalises like SQuAD: lower-case, punctuation, articles, spaces', () => {
    expect(normalizeAnswer('The  Quick, brown fox!')).toBe('quick brown fox');
    expect(normalizeAnswer('An apple a day')).toBe('apple day');
  });
  it('token F1 on a hand-worked case', () => {
    // pred {quick, brown, dog}, gold {quick, brown, fox, jumps}: common 2, P=2/3, R=2/4, F1=2·(2/3)(1/2)/(2/3+1/2)=4/7
    expect(qaF1('the quick brown dog', 'quick brown fox jumps')).toBeCloseTo(4 / 7, 10);
    expect(tokenF1(['a', 'a', 'b'], ['a', 'b', 'b'])).toBeCloseTo(2 / 3, 10);
    expect(qaF1('nothing', 'else')).toBe(0);
  });
  it('LCS length', () => {
    expect(lcsLength([...'ABCBDAB'], [...'BDCABA'])).toBe(4);
  });
  it('ROUGE-L F as the rouge package computes it (summary level, distinct-word counts)', () => {
    // ref words {the, black, cat, sat, here} m=5; hyp {the, cat, sat, down} n=4; LCS words {the, cat, sat}
    // R = 3/5, P = 3/4, F = 2PR/(P+R) = 2/3
    expect(rougeL('the cat sat down', 'the black cat sat here')).toBeCloseTo(2 / 3, 6);
    expect(rougeL('', 'anything')).toBe(0);
    expect(rougeL('...', 'anything')).toBe(0);
    expect(rougeL('same words here', 'same words here')).toBeCloseTo(1, 6);
    // quirk: repeated words count once, so a stuttering hypothesis still scores 1
    expect(rougeL('the the cat', 'the cat')).toBeCloseTo(1, 6);
    // no lower-casing in the package
    expect(rougeL('The Cat', 'the cat')).toBe(0);
    // summary level: two reference sentences, union of LCS words across hypothesis sentences
    // ref words {a,b,c,d} m=4, hyp {a,b,x,c,d} n=5, union {a,b,c,d} → R=1, P=4/5, F=8/9
    expect(rougeL('a b. x c d', 'a b. c d')).toBeCloseTo(8 / 9, 6);
    // Chinese: characters as words
    expect(rougeL('我爱北京', '我爱上海', true)).toBeCloseTo(0.5, 6);
  });
  it('fuzz ratio is difflib SequenceMatcher (fuzzywuzzy without python-Levenshtein), rounded half to even', () => {
    // expected values: fuzzywuzzy 0.18 fuzz.ratio with the Levenshtein module blocked, so it falls back to difflib
    expect(fuzzRatio('abcd', 'abce')).toBe(75);
    expect(fuzzRatio('a', 'ab')).toBe(67);
    expect(fuzzRatio('', '')).toBe(100);
    expect(fuzzRatio('', 'x')).toBe(0);
    expect(fuzzRatio('self.assertEqual(x, 1)', 'self.assertEqual(y, 1)')).toBe(95);
    expect(fuzzRatio('    return foo(bar)', 'return foo(bar, baz)')).toBe(77);
    // difflib finds "aaaa" then nothing on its left: 2·4/18 → 44 (an LCS/indel ratio would also give 44 here,
    // but on "qabxcd" vs "abycdf" difflib's blocks ab, cd give 2·4/12 → 67)
    expect(fuzzRatio('aaaa bbbb', 'bbbb aaaa')).toBe(44);
    expect(fuzzRatio('qabxcd', 'abycdf')).toBe(67);
    expect(fuzzRatio('日本語テキスト', '日本語のテキスト')).toBe(93);
    // autojunk: b has ≥ 200 characters, so its characters seen more than 3 times are not indexed → ratio 0.0232 → 2
    const longB = 'x = 1; '.repeat(40);
    expect(sequenceMatcherRatio('x = 2; y = 1;'.repeat(5), longB)).toBe(0.02318840579710145);
    expect(fuzzRatio('x = 2; y = 1;'.repeat(5), longB)).toBe(2);
    expect(fuzzRatio(longB.slice(0, 150) + 'zz', longB)).toBe(69);
  });
  it('normalisation splits on Python whitespace and finds articles at Unicode word boundaries', () => {
    expect(normalizeAnswer('éthe cat\u00a0the\u0085dog')).toBe('éthe cat dog');
  });
});

describe('matching', () => {
  it('maximum-weight matching equals brute force on small matrices', () => {
    let seed = 7;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let t = 0; t < 30; t++) {
      const n = 1 + Math.floor(rnd() * 4);
      const m = 1 + Math.floor(rnd() * 4);
      const w = Array.from({ length: n }, () => Array.from({ length: m }, () => (rnd() < 0.3 ? 0 : Math.round(rnd() * 100) / 100)));
      const got = maxWeightMatching(w).reduce((a, [i, j]) => a + w[i][j], 0);
      let best = 0;
      const rec = (i: number, used: Set<number>, acc: number) => {
        if (i === n) {
          best = Math.max(best, acc);
          return;
        }
        rec(i + 1, used, acc);
        for (let j = 0; j < m; j++)
          if (!used.has(j) && w[i][j] > 0) {
            used.add(j);
            rec(i + 1, used, acc + w[i][j]);
            used.delete(j);
          }
      };
      rec(0, new Set(), 0);
      expect(got).toBeCloseTo(best, 9);
    }
  });
  it('LIS and P/R/F1', () => {
    expect(longestIncreasingSubsequence([3, 1, 2, 5, 4])).toBe(3);
    expect(longestIncreasingSubsequence([])).toBe(0);
    expect(prf(2, 4, 2)).toEqual({ precision: 0.5, recall: 1, f1: 2 / 3 });
  });
});

describe('lexical similarity', () => {
  const sim = new LexicalSimilarity();
  it('identical → 1, disjoint → 0, symmetric, in between for overlap', () => {
    const m = sim.matrix(['go to shelf 1', 'zzz'], ['go to shelf 1', 'qqq', 'go to table 2']);
    expect(m[0][0]).toBeCloseTo(1, 9);
    expect(m[1][1]).toBe(0);
    expect(m[0][2]).toBeGreaterThan(0.2);
    expect(m[0][2]).toBeLessThan(0.9);
    const r = sim.matrix(['go to table 2'], ['go to shelf 1']);
    const s = sim.matrix(['go to shelf 1'], ['go to table 2']);
    expect(r[0][0]).toBeCloseTo(s[0][0], 12);
    expect(sim.deviation).toBe('lexical-sim');
  });
  it('a pair scores the same whatever else is in the call (no idf fitted on the call)', () => {
    const alone = sim.matrix(['go to shelf 1'], ['go to table 2'])[0][0];
    const crowded = sim.matrix(['go to shelf 1', 'go go go', 'shelf shelf'], ['to to to', 'go to table 2'])[0][1];
    expect(crowded).toBe(alone);
    // words {go, to, shelf, 1} vs {go, to, table, 2}: cos = 2/4; padded 3-grams, 10 each (" go", "go ", " to", "to ",
    // " sh", "she", "hel", "elf", "lf ", " 1 "), 4 shared: cos = 4/10
    expect(alone).toBeCloseTo(0.5 * (2 / 4) + 0.5 * (4 / 10), 12);
  });
});
