import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { BpeTokenizer, byteLevelTokenizerFiles, bytesToUnicode, createRandomModel, loadModel, parseConfig, UnsupportedArchitectureError, ModelConfigError } from '../../main/model/index.js';
import { expandInlineCaseInsensitive } from '../../main/model/tokenizer.js';
import { repoRoot } from '../helpers/bundle.js';
import { tempDir } from '../helpers/tmp.js';

const files = byteLevelTokenizerFiles([['h', 'e'], ['l', 'l'], ['he', 'll'], ['hell', 'o'], ['Ġ', 'hello']]);
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
    expect(tok().applyChatTemplate([{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hi' }])).toBe('<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n');
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
  it('acbench logits prints the full logits matrix that equals the runtime', async () => {
    const dir = join(tempDir(), 'm');
    const model = createRandomModel({ architecture: 'Qwen2ForCausalLM', numKvHeads: 2 }, 9);
    await model.save(dir);
    const { stdout } = await promisify(execFile)(process.execPath, [join(repoRoot, 'bin', 'acbench.mjs'), 'logits', '--model', dir, '--ids', '1,2,3', '--json']);
    const { logits } = JSON.parse(stdout) as { logits: number[][] };
    const ours = model.forward([1, 2, 3], { allLogits: true }).logits;
    expect(logits).toHaveLength(3);
    expect(logits.flat()).toEqual(Array.from(ours.data));
  });

  it('acbench generate --json reports text, tokens and speed', async () => {
    const dir = join(tempDir(), 'm');
    await createRandomModel({ architecture: 'LlamaForCausalLM' }, 9).save(dir);
    writeFileSync(join(dir, 'README.md'), 'test model');
    const { stdout } = await promisify(execFile)(process.execPath, [join(repoRoot, 'bin', 'acbench.mjs'), 'generate', '--model', dir, '--prompt', 'Hello', '--chat', '--max-new-tokens', '4', '--ignore-eos', '--json']);
    const r = JSON.parse(stdout);
    expect(r.tokens).toHaveLength(4);
    expect(r.stats).toMatchObject({ backend: expect.any(String), decode_tokens_per_s: expect.any(Number), prefill_tokens_per_s: expect.any(Number), peak_memory_bytes: expect.any(Number) });
  });
});
