import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { BpeTokenizer, byteLevelTokenizerFiles, bytesToUnicode, createRandomModel, loadModel, parseConfig, UnsupportedArchitectureError, ModelConfigError } from '../../main/model/index.js';
import { expandInlineCaseInsensitive } from '../../main/model/tokenizer.js';
import { repoRoot } from '../helpers/bundle.js';
import { tempDir } from '../helpers/tmp.js';

const files = byteLevelTokenizerFiles([
  ['h', 'e'],
  ['l', 'l'],
  ['he', 'll'],
  ['hell', 'o'],
  ['Ġ', 'hello'],
]);
const tok = () => new BpeTokenizer(JSON.parse(files['tokenizer.json']), JSON.parse(files['tokenizer_config.json']), JSON.parse(files['generation_config.json']));

describe('byte-level BPE', () => {
  it('maps every byte to a printable symbol and back', () => {
    const map = bytesToUnicode();
    expect(new Set(map).size).toBe(256);
    expect(map[32]).toBe('Ġ'); // space → U+0120
    expect(map[65]).toBe('A');
  });

  it('applies merges by rank: "hello hello" is two tokens', () => {
    const t = tok();
    const ids = t.encode('hello hello');
    // vocab: 256 byte symbols, then he=256, ll=257, hell=258, hello=259, Ġhello=260
    expect(ids).toEqual([259, 260]);
    expect(t.decode(ids)).toBe('hello hello');
    expect(t.encode('help')).toEqual([256, 108, 112]); // "he" merges; l and p stay single bytes (ids = byte values)
  });

  it('round-trips arbitrary UTF-8 text', () => {
    const t = tok();
    for (const text of ['naïve café — 東京 🚀', '  spaces\n\ttabs', '', 'a'.repeat(300)]) expect(t.decode(t.encode(text))).toBe(text);
  });

  it('splits out special tokens and can skip them when decoding', () => {
    const t = tok();
    const ids = t.encode('<|im_start|>user\nhello<|im_end|>');
    expect(ids[0]).toBe(t.vocabSize - 2);
    expect(ids.at(-1)).toBe(t.vocabSize - 1);
    expect(t.decode(ids, { skipSpecialTokens: true })).toBe('user\nhello');
    expect(t.eosTokenIds).toContain(t.vocabSize - 1);
  });

  it('renders the Jinja chat template with the generation prompt', () => {
    expect(
      tok().applyChatTemplate([
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hi' },
      ]),
    ).toBe('<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n');
  });

  it('spells Qwen2 / Llama-3 (?i:…) groups as character classes', () => {
    expect(expandInlineCaseInsensitive("(?i:'s|'t)|\\p{L}+")).toBe("(?:'[sS]|'[tT])|\\p{L}+");
    const re = new RegExp(expandInlineCaseInsensitive("(?i:'s|'t|'re)"), 'gu');
    expect("IT'S it's we'RE".match(re)).toEqual(["'S", "'s", "'RE"]);
  });
});

describe('config.json', () => {
  const base = { architectures: ['LlamaForCausalLM'], hidden_size: 64, intermediate_size: 128, num_hidden_layers: 2, num_attention_heads: 4, vocab_size: 300 };
  it('reads the family fields with defaults', () => {
    const c = parseConfig({ ...base, num_key_value_heads: 2, rope_scaling: { rope_type: 'llama3', factor: 8, low_freq_factor: 1, high_freq_factor: 4, original_max_position_embeddings: 8192 } });
    expect(c).toMatchObject({ headDim: 16, numKvHeads: 2, ropeTheta: 10000, attentionBias: false, ropeScaling: { type: 'llama3', factor: 8 } });
    expect(parseConfig({ ...base, architectures: ['Qwen2ForCausalLM'] }).attentionBias).toBe(true);
    expect(parseConfig({ ...base, architectures: ['MistralForCausalLM'], sliding_window: 4096 }).slidingWindow).toBe(4096);
  });
  it('refuses an unknown architecture, listing the supported ones', () => {
    expect(() => parseConfig({ ...base, architectures: ['GPT2LMHeadModel'] })).toThrow(UnsupportedArchitectureError);
    expect(() => parseConfig({ ...base, architectures: ['GPT2LMHeadModel'] })).toThrow(/LlamaForCausalLM, Qwen2ForCausalLM, MistralForCausalLM, found \["GPT2LMHeadModel"\]/);
  });
  it('names bad fields', () => {
    expect(() => parseConfig({ ...base, hidden_size: 'big' })).toThrow(ModelConfigError);
    expect(() => parseConfig({ ...base, num_key_value_heads: 3 })).toThrow(/multiple of num_key_value_heads/);
  });
  it('explains a missing folder or config', async () => {
    const dir = tempDir();
    await expect(loadModel(join(dir, 'nope'))).rejects.toThrow(/expected a model folder at .*nope, found nothing there/);
    mkdirSync(join(dir, 'empty'));
    await expect(loadModel(join(dir, 'empty'))).rejects.toThrow(/expected a Hugging Face config\.json/);
  });
});

describe('CLI', () => {
  it('acbench logits prints the full logits matrix, equal to the runtime to 1e-4', async () => {
    const dir = join(tempDir(), 'm');
    const model = createRandomModel({ architecture: 'Qwen2ForCausalLM', numKvHeads: 2 }, 9);
    await model.save(dir);
    const { stdout } = await promisify(execFile)(process.execPath, [join(repoRoot, 'bin', 'acbench.mjs'), 'logits', '--model', dir, '--ids', '1,2,3', '--json']);
    const { logits } = JSON.parse(stdout) as { logits: number[][] };
    const ours = model.forward([1, 2, 3], { allLogits: true }).logits;
    expect(logits).toHaveLength(3);
    // the CLI runs on the best backend (tfjs-wasm here), this process on the JS reference engine
    const flat = logits.flat();
    expect(flat).toHaveLength(ours.data.length);
    flat.forEach((v, i) => expect(Math.abs(v - ours.data[i])).toBeLessThan(1e-4));
  });

  it('acbench generate --json reports text, tokens and speed', async () => {
    const dir = join(tempDir(), 'm');
    await createRandomModel({ architecture: 'LlamaForCausalLM' }, 9).save(dir);
    writeFileSync(join(dir, 'README.md'), 'test model');
    const { stdout } = await promisify(execFile)(process.execPath, [
      join(repoRoot, 'bin', 'acbench.mjs'),
      'generate',
      '--model',
      dir,
      '--prompt',
      'Hello',
      '--chat',
      '--max-new-tokens',
      '4',
      '--ignore-eos',
      '--json',
    ]);
    const r = JSON.parse(stdout);
    expect(r.tokens).toHaveLength(4);
    expect(r.stats).toMatchObject({ backend: expect.any(String), decode_tokens_per_s: expect.any(Number), prefill_tokens_per_s: expect.any(Number), peak_memory_bytes: expect.any(Number) });
  });
});

describe('SentencePiece-style BPE (Llama-2 / Mistral layout)', () => {
  // vocab: <unk>, <s>, </s>, 256 byte-fallback tokens <0x00>…<0xFF> (ids 3…258), then characters and merges
  const vocab: Record<string, number> = { '<unk>': 0, '<s>': 1, '</s>': 2 };
  for (let b = 0; b < 256; b++) vocab[`<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`] = 3 + b;
  const extra = ['▁', 'h', 'e', 'l', 'o', 'w', 'r', 'd', 'he', 'll', 'hell', 'hello', '▁hello', '▁w', '▁wor', 'or'];
  extra.forEach((t, i) => (vocab[t] = 259 + i));
  const merges = ['h e', 'l l', 'he ll', 'hell o', '▁ hello', 'o r', '▁ w', '▁w or'];
  const json = {
    added_tokens: [
      { id: 0, content: '<unk>', special: true },
      { id: 1, content: '<s>', special: true },
      { id: 2, content: '</s>', special: true },
    ],
    normalizer: {
      type: 'Sequence',
      normalizers: [
        { type: 'Prepend', prepend: '▁' },
        { type: 'Replace', pattern: { String: ' ' }, content: '▁' },
      ],
    },
    pre_tokenizer: null,
    decoder: {
      type: 'Sequence',
      decoders: [{ type: 'Replace', pattern: { String: '▁' }, content: ' ' }, { type: 'ByteFallback' }, { type: 'Fuse' }, { type: 'Strip', content: ' ', start: 1, stop: 0 }],
    },
    model: { type: 'BPE', vocab, merges, byte_fallback: true },
  };
  const sp = new BpeTokenizer(json as never, { bos_token: '<s>', eos_token: '</s>', add_bos_token: true }, {});
  const id = (t: string) => vocab[t];

  it('prepends ▁, maps spaces to ▁ and merges over characters', () => {
    // "hello world" → "▁hello▁world": ▁hello | ▁wor | l | d
    expect(sp.encode('hello world')).toEqual([1, id('▁hello'), id('▁wor'), id('l'), id('d')]);
    expect(sp.encode('hello', { addSpecialTokens: false })).toEqual([id('▁hello')]);
  });

  it('falls back to UTF-8 byte tokens for unknown characters and decodes them back', () => {
    const ids = sp.encode('hé', { addSpecialTokens: false });
    // ▁ | h | é = 0xC3 0xA9
    expect(ids).toEqual([id('▁'), id('h'), 3 + 0xc3, 3 + 0xa9]);
    expect(sp.decode(ids)).toBe('hé');
  });

  it('round-trips text, stripping the prepended space and skipping <s>', () => {
    for (const text of ['hello world', 'naïve café 東京 🚀', 'a  b\n c']) expect(sp.decode(sp.encode(text), { skipSpecialTokens: true })).toBe(text);
    expect(sp.eosTokenIds).toEqual([2]);
    expect(sp.bosTokenId).toBe(1);
  });
});
