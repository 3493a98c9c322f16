import { describe, expect, it } from 'vitest';
import { BpeEncoder, trainBpe } from '../../main/train/bpe.js';
import { buildBatch, copySource, fitExample, pickSource, poolSource, renderChatML, reverseSource, tokenizeExample, type TrainingExample } from '../../main/train/data.js';

const enc = new BpeEncoder(trainBpe(['Copy: ab cd ef\nab cd ef', 'user assistant system'], 320));
const ids = { imEnd: enc.specialId('<|im_end|>'), endOfText: enc.specialId('<|endoftext|>') };

describe('training examples', () => {
  it('masks everything but the last answer and its <|im_end|>, with the prompt encoded as inference encodes it', () => {
    const ex: TrainingExample = {
      turns: [
        { role: 'user', content: 'Copy: ab cd' },
        { role: 'assistant', content: 'ab cd' },
      ],
    };
    const t = tokenizeExample(ex, enc, ids);
    const prompt = enc.encode(renderChatML([{ role: 'user', content: 'Copy: ab cd' }], true));
    expect(t.ids.slice(0, prompt.length)).toEqual(prompt);
    expect(t.ids.slice(prompt.length)).toEqual([...enc.encode('ab cd'), ids.imEnd]);
    expect([...t.targetMask]).toEqual([...prompt.map(() => 0), ...enc.encode('ab cd').map(() => 1), 1]);
    expect(enc.decode(t.ids)).toBe('<|im_start|>user\nCopy: ab cd<|im_end|>\n<|im_start|>assistant\nab cd<|im_end|>');
  });

  it('trains on a raw completion and on plain text, ending with <|endoftext|>', () => {
    const raw = tokenizeExample({ prompt: 'Type:', completion: ' ab' }, enc, ids);
    expect(raw.ids).toEqual([...enc.encode('Type:'), ...enc.encode(' ab'), ids.endOfText]);
    expect([...raw.targetMask]).toEqual([...enc.encode('Type:').map(() => 0), ...enc.encode(' ab').map(() => 1), 1]);
    const text = tokenizeExample({ text: 'ab cd' }, enc, ids);
    expect([...text.targetMask].every((m) => m === 1)).toBe(true);
  });

  it('rejects chat turns without a final answer', () => {
    expect(() => tokenizeExample({ turns: [{ role: 'user', content: 'hi' }] }, enc, ids)).toThrow(/ending with an assistant answer/);
  });

  it('cuts the middle of an over-long prompt and keeps the answer', () => {
    const t = { ids: [...Array(20).keys()], targetMask: Uint8Array.from([...Array(16).fill(0), 1, 1, 1, 1]) };
    const f = fitExample(t, 10);
    expect(f.ids).toEqual([0, 1, 2, 13, 14, 15, 16, 17, 18, 19]);
    expect([...f.targetMask]).toEqual([0, 0, 0, 0, 0, 0, 1, 1, 1, 1]);
    expect(fitExample(t, 40)).toBe(t);
  });
});

describe('mixture and batches', () => {
  const mix = [
    { source: copySource(), weight: 3 },
    { source: reverseSource(), weight: 1 },
  ];

  it('draws sources in proportion to their weights, as a pure function of (seed, index)', () => {
    let copies = 0;
    for (let i = 0; i < 4000; i++) if (pickSource(mix, 7, i).source.name === 'toy-copy') copies++;
    expect(copies / 4000).toBeGreaterThan(0.72);
    expect(copies / 4000).toBeLessThan(0.78);
    expect(pickSource(mix, 7, 123).source.name).toBe(pickSource(mix, 7, 123).source.name);
  });

  it('packs whole examples as separate segments up to the token budget, deterministically', () => {
    const a = buildBatch(mix, 1, 0, 200, 64, enc, ids);
    const b = buildBatch(mix, 1, 0, 200, 64, enc, ids);
    expect(a.batch.ids).toEqual(b.batch.ids);
    expect(a.batch.ids.length).toBeLessThanOrEqual(200);
    expect(a.examples).toBe(a.batch.segments.length);
    const total = a.batch.segments.reduce((s, g) => s + g.len, 0);
    expect(total).toBe(a.batch.ids.length);
    // no target crosses a segment end; targets are the next token
    for (const s of a.batch.segments) {
      expect(a.batch.targets[s.start + s.len - 1]).toBe(-1);
      for (let t = s.start; t < s.start + s.len - 1; t++) expect(a.batch.targets[t]).toBe(a.batch.ids[t + 1]);
    }
    // the next batch continues the stream
    const next = buildBatch(mix, 1, a.examples, 200, 64, enc, ids);
    expect(next.batch.ids).not.toEqual(a.batch.ids);
    expect(Object.values(a.perSource).reduce((x, y) => x + y, 0)).toBe(a.examples);
  });

  it('draws pool examples with replacement, reproducibly', () => {
    const pool = poolSource('p', [{ text: 'a' }, { text: 'b' }, { text: 'c' }]);
    const seen = new Set(Array.from({ length: 60 }, (_, i) => JSON.stringify(pool.sample(3, i))));
    expect(seen.size).toBe(3);
    expect(pool.sample(3, 5)).toEqual(pool.sample(3, 5));
  });
});
