import { describe, expect, it } from 'vitest';
import { BpeTokenizer } from '../../main/model/index.js';
import { BpeEncoder, CHAT_TEMPLATE, bpeModelFromJson, pretokenize, tokenizerFiles, trainBpe } from '../../main/train/bpe.js';
import { renderChatML } from '../../main/train/data.js';

const corpus = [
  'The planner calls WeatherHub.get_forecast with {"city": "Arlenport", "date": "2025-03-04"}.',
  'Node:\n1: Call hotel_prices to get the hotel prices in Fernhollow.\nEdge: (START,1) (1,END)',
  'Answer_4:\n5 × 7 = 35. 35 + 9 = 44.\nThe answer is 44.',
  "It's the secret ingredient — roasted fennel seed, naïve café 🍲.",
];

describe('BPE trainer', () => {
  it('learns the hand-checked merges of a tiny corpus, most frequent pair first', () => {
    // pieces: "ab", " ab", " ab", " abc" → (a,b) ×4, then (Ġ,ab) ×3, then (Ġab,c) ×1 < minFrequency 2
    const m = trainBpe(['ab ab ab abc'], 1000);
    expect(m.merges).toEqual([
      ['a', 'b'],
      ['Ġ', 'ab'],
    ]);
    expect(m.vocab.get('ab')).toBe(256);
    expect(m.vocab.get('Ġab')).toBe(257);
    expect(m.vocab.size).toBe(258);
  });

  it('breaks ties by the smallest pair and stops at the target vocabulary', () => {
    // (x,y), (z,w) and (Ġ,z) all occur twice: "x y" sorts first
    const m = trainBpe(['xy zw', 'xy zw'], 256 + 3 + 1);
    expect(m.merges).toEqual([['x', 'y']]);
  });

  it('gives two merges that spell the same symbol one id', () => {
    const m = trainBpe(['abc abc abc', 'ab c', 'a bc bc bc bc bc'], 300);
    const ids = [...m.vocab.values()];
    expect(new Set(ids).size).toBe(ids.length);
    expect(Math.max(...ids)).toBe(m.vocab.size - 1);
  });

  it('pre-tokenizes every character into exactly one piece, digits one by one', () => {
    for (const t of corpus) expect(pretokenize(t).join('')).toBe(t);
    expect(pretokenize('2025 abc')).toEqual(['2', '0', '2', '5', ' abc']);
  });

  it('round-trips text through its own encoder, special tokens included', () => {
    const m = trainBpe(corpus, 400);
    const enc = new BpeEncoder(m);
    for (const t of [...corpus, '<|im_start|>user\nhi<|im_end|>\n', 'unseen ßtring ✓ with\ttabs\n\n']) expect(enc.decode(enc.encode(t))).toBe(t);
    expect(enc.encode('<|im_end|>')).toEqual([enc.specialId('<|im_end|>')]);
    // merges make the encoding shorter than bytes
    expect(enc.encode(corpus[0]).length).toBeLessThan(Buffer.byteLength(corpus[0]) * 0.8);
  });

  it('writes a tokenizer.json the runtime reads to the same ids, with ChatML and EOS', () => {
    const m = trainBpe(corpus, 400);
    const { files, ids } = tokenizerFiles(m);
    const runtime = new BpeTokenizer(JSON.parse(files['tokenizer.json']), JSON.parse(files['tokenizer_config.json']), { eos_token_id: [ids.imEnd, ids.endOfText] });
    const enc = new BpeEncoder(m);
    for (const t of [...corpus, 'What is 12 + 30? Answer: 42.']) {
      expect(runtime.encode(t, { addSpecialTokens: true })).toEqual(enc.encode(t));
      expect(runtime.decode(enc.encode(t))).toBe(t);
    }
    expect(runtime.vocabSize).toBe(enc.vocabSize);
    expect(runtime.eosTokenIds).toContain(ids.imEnd);
    const turns = [
      { role: 'system' as const, content: 'Be brief.' },
      { role: 'user' as const, content: 'Hi' },
    ];
    expect(runtime.applyChatTemplate(turns)).toBe(renderChatML(turns, true));
    expect(JSON.parse(files['tokenizer_config.json']).chat_template).toBe(CHAT_TEMPLATE);
    expect(bpeModelFromJson(files['tokenizer.json'])).toEqual(m);
  });
});
