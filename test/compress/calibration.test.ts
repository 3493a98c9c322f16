import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { writeFileSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { buildCalibrationSet, builtinCalibrationPath, hashTokenIds, loadCalibration, readCalibrationTexts } from '../../main/compress/calibration.js';
import { generateCalibrationCorpus } from '../../main/compress/corpus.js';
import { CalibrationError } from '../../main/compress/errors.js';
import type { Tokenizer } from '../../main/model/types.js';
import { tempDir } from '../helpers/tmp.js';

/** Word-level test tokenizer: id = position of the word in a growing vocabulary. */
function wordTokenizer(): Tokenizer {
  const vocab = new Map<string, number>();
  return {
    vocabSize: 1 << 20,
    encode: (text) =>
      text
        .split(/\s+/)
        .filter(Boolean)
        .map((w) => vocab.get(w) ?? (vocab.set(w, vocab.size + 3), vocab.size + 2)),
    decode: () => '',
    applyChatTemplate: () => '',
    eosTokenIds: [2],
  };
}

describe('calibration', () => {
  const dir = tempDir('acb-calib-');
  const text = generateCalibrationCorpus(5, 20_000);

  it('ships a project-written built-in corpus of at least 200 KB', () => {
    const p = builtinCalibrationPath();
    expect(statSync(p).size).toBeGreaterThan(200_000);
    expect(readCalibrationTexts('builtin')[0]).toMatch(/the /);
  });

  it('reads a text file, a JSONL file and a folder of .txt files', () => {
    writeFileSync(join(dir, 'a.txt'), text);
    writeFileSync(join(dir, 'b.jsonl'), ['{"text": "one two three"}', '', '{"text": "four five", "id": 2}'].join('\n'));
    mkdirSync(join(dir, 'folder'));
    writeFileSync(join(dir, 'folder', '2.txt'), 'second doc');
    writeFileSync(join(dir, 'folder', '1.txt'), 'first doc');
    writeFileSync(join(dir, 'folder', 'skip.md'), 'not me');
    expect(readCalibrationTexts(join(dir, 'a.txt'))).toEqual([text]);
    expect(readCalibrationTexts(join(dir, 'b.jsonl'))).toEqual(['one two three', 'four five']);
    expect(readCalibrationTexts(join(dir, 'folder'))).toEqual(['first doc', 'second doc']);
  });

  it('gives typed errors for missing paths, bad JSONL and too little text', () => {
    expect(() => readCalibrationTexts(join(dir, 'nope.txt'))).toThrow(CalibrationError);
    writeFileSync(join(dir, 'bad.jsonl'), '{"txt": "x"}\n');
    expect(() => readCalibrationTexts(join(dir, 'bad.jsonl'))).toThrow(/"text" field on every line, found line 1/);
    expect(() => buildCalibrationSet(wordTokenizer(), ['a b c'], { source: 's', samples: 2, seqlen: 8, seed: 0 })).toThrow(/at least seqlen = 8 tokens, found 3 tokens/);
  });

  it('draws N × L windows reproducibly per seed, and hashes the exact token ids', () => {
    const a = buildCalibrationSet(wordTokenizer(), [text], { source: 's', samples: 8, seqlen: 32, seed: 1 });
    const b = buildCalibrationSet(wordTokenizer(), [text], { source: 's', samples: 8, seqlen: 32, seed: 1 });
    const c = buildCalibrationSet(wordTokenizer(), [text], { source: 's', samples: 8, seqlen: 32, seed: 2 });
    expect(a.samples).toHaveLength(8);
    a.samples.forEach((s) => expect(s).toHaveLength(32));
    expect(a.samples).toEqual(b.samples);
    expect(a.hash).toBe(b.hash);
    expect(c.hash).not.toBe(a.hash);
    const buf = Buffer.from(new Int32Array(a.samples.flat()).buffer);
    expect(a.hash).toBe(createHash('sha256').update(buf).digest('hex'));
    expect(hashTokenIds([[1, 2], [3]])).toBe(
      createHash('sha256')
        .update(Buffer.from(new Int32Array([1, 2, 3]).buffer))
        .digest('hex'),
    );
  });

  it('loads the built-in corpus with defaults overridden', () => {
    const set = loadCalibration(wordTokenizer(), { samples: 4, seqlen: 64 });
    expect(set.samples).toHaveLength(4);
    expect(set.corpusTokens).toBeGreaterThanOrEqual(2 * 4 * 64);
  });
});
