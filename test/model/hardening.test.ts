// Issue 20, items 3 and 4: the cases that hung, crashed or gave NaN, one by one.
import { describe, expect, it, vi } from 'vitest';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  applyMerges,
  BpeTokenizer,
  BUDGETS,
  byteLevelTokenizerFiles,
  createRandomModel,
  loadModel,
  MAX_ENCODE_CHARS,
  readHeader,
  readTensorF32,
  releaseTokenizerFiles,
  SafetensorsError,
  toBf16Bits,
  toFp16Bits,
  TokenizerError,
  writeSafetensors,
  type TensorToWrite,
} from '../../main/model/index.js';
import { cliCommands as modelCommands } from '../../main/model/cli.js';
import { cliCommands as engineCommands } from '../../main/engines/index.js';
import { CalibrationError, readCalibrationTexts } from '../../main/compress/index.js';
import { loadNiahConfig } from '../../main/bench/tasks/niah.js';
import { BenchDataError } from '../../main/bench/errors.js';
import { seededRandom } from '../../main/model/index.js';
import { tempDir } from '../helpers/tmp.js';

const files = byteLevelTokenizerFiles([
  ['h', 'e'],
  ['l', 'l'],
]);
const tokenizerJson = () => JSON.parse(files['tokenizer.json']) as Record<string, unknown> & { model: Record<string, unknown>; added_tokens: { id: number; content: string }[] };
const config = () => JSON.parse(files['tokenizer_config.json']) as Record<string, unknown>;

/** The merge loop as it was (rescan for the lowest-ranked pair after every merge): the reference for the heap version. */
function naiveMerges(symbols: string[], ranks: ReadonlyMap<string, number>): string[] {
  let parts = symbols;
  for (;;) {
    let best = -1;
    let bestRank = Infinity;
    for (let i = 0; i < parts.length - 1; i++) {
      const r = ranks.get(`${parts[i]} ${parts[i + 1]}`);
      if (r !== undefined && r < bestRank) [bestRank, best] = [r, i];
    }
    if (best < 0) return parts;
    parts = [...parts.slice(0, best), parts[best] + parts[best + 1], ...parts.slice(best + 2)];
  }
}

describe('tokenizer files that hung or crashed the service', () => {
  it('an added token with empty content is a typed error naming the field (it made encode() loop forever)', () => {
    const json = tokenizerJson();
    json.added_tokens[1].content = '';
    expect(() => new BpeTokenizer(json as never, config())).toThrow(/tokenizer\.json: expected added_tokens\[1\]\.content to be a non-empty string, found ""/);
  });

  it('missing vocab or merges are typed errors naming the field (they were "Cannot read properties of null")', () => {
    for (const [field, value, message] of [
      ['vocab', null, /expected model\.vocab to be an object of token → id, found null/],
      ['merges', undefined, /expected model\.merges to be a list of merges .*, found nothing/],
      ['vocab', { a: -3 }, /expected model\.vocab\["a"\] to be an integer id/],
    ] as const) {
      const json = tokenizerJson();
      if (value === undefined) delete json.model[field];
      else json.model[field] = value;
      expect(() => new BpeTokenizer(json as never, config())).toThrow(TokenizerError);
      expect(() => new BpeTokenizer(json as never, config())).toThrow(message);
    }
  });

  it('a chat template asking for range(1000000000), or looping without end, is refused in bounded time', () => {
    const t0 = Date.now();
    const huge = new BpeTokenizer(tokenizerJson() as never, { ...config(), chat_template: '{% for i in range(1000000000) %}x{% endfor %}' });
    expect(() => huge.applyChatTemplate([{ role: 'user', content: 'hi' }])).toThrow(/range\(\) of at most 100000 numbers, found 1000000000/);
    const loop = new BpeTokenizer(tokenizerJson() as never, { ...config(), chat_template: '{% for a in range(100000) %}{% for b in range(100000) %}{{ a }}{% endfor %}{% endfor %}' });
    const budget = BUDGETS.templateMs;
    BUDGETS.templateMs = 300; // the same watchdog, a shorter wait
    try {
      expect(() => loop.applyChatTemplate([{ role: 'user', content: 'hi' }])).toThrow(
        /tokenizer_config\.json: expected chat_template to render the conversation, found it failing \(.*expected to finish within 300 ms/,
      );
    } finally {
      BUDGETS.templateMs = budget;
    }
    expect(Date.now() - t0).toBeLessThan(10_000);
  });

  it('a pre-tokenizer regex that backtracks catastrophically is refused when the tokenizer loads', () => {
    const json = tokenizerJson();
    json.pre_tokenizer = {
      type: 'Sequence',
      pretokenizers: [
        { type: 'Split', pattern: { Regex: '(\\p{L}+)+$' }, behavior: 'Isolated' },
        { type: 'ByteLevel', add_prefix_space: false },
      ],
    };
    expect(() => new BpeTokenizer(json as never, config())).toThrow(/expected pre_tokenizer's Split pattern to split a few thousand characters quickly, .*catastrophic backtracking/);
  });

  it('BPE on a long word is O(n log n) and gives the same pieces as the rescanning loop', () => {
    const rand = seededRandom(5);
    const alphabet = ['a', 'b', 'c', 'ab', 'bc', 'abc', 'ca'];
    const ranks = new Map(['a b', 'b c', 'ab c', 'c a', 'a a', 'ca b', 'aa aa', 'b b'].map((m, i) => [m, i]));
    for (let n = 0; n < 300; n++) {
      const word = Array.from({ length: 1 + Math.floor(rand() * 40) }, () => alphabet[Math.floor(rand() * 3)]);
      expect(applyMerges(word, ranks)).toEqual(naiveMerges(word, ranks));
    }
    const t0 = Date.now();
    const pieces = applyMerges(Array.from('a'.repeat(200_000)), ranks); // ≈ 4·10¹⁰ steps for the rescanning loop
    expect(pieces.join('')).toHaveLength(200_000);
    expect(pieces.every((p) => p === 'aaaa')).toBe(true);
    expect(Date.now() - t0).toBeLessThan(5000);
  });

  it('encoding is bounded: a text past the limit is a typed error, a long word of letters encodes in time', () => {
    const tok = new BpeTokenizer(tokenizerJson() as never, config());
    expect(() => tok.encode('x'.repeat(MAX_ENCODE_CHARS + 1))).toThrow(/expected a text of at most 16777216 characters to encode/);
    expect(tok.encode('hel'.repeat(100_000))).toHaveLength(200_000); // "he" + "l" per repeat, one 300k-character word
  });
});

describe('files that are not regular files', () => {
  it('a calibration source of /dev/zero or a FIFO is refused at once (it aborted or blocked the service)', () => {
    const fifo = join(tempDir(), 'calibration.txt');
    execFileSync('mkfifo', [fifo]);
    const t0 = Date.now();
    expect(() => readCalibrationTexts('/dev/zero')).toThrow(CalibrationError);
    expect(() => readCalibrationTexts('/dev/zero')).toThrow(/expected a regular file of at most \d+ bytes, found a character device/);
    expect(() => readCalibrationTexts(fifo)).toThrow(/found a named pipe \(FIFO\)/);
    expect(Date.now() - t0).toBeLessThan(2000);
  });

  it('a 100 MB NIAH needle is a typed error naming the field (it took 3.7 GB, then overflowed the stack)', async () => {
    const file = join(tempDir(), 'niah.json');
    writeFileSync(file, JSON.stringify({ needle: 'n'.repeat(100 * 2 ** 20), retrieval_question: 'q?', context_lengths: [128], document_depth_percents: [50] }));
    await expect(loadNiahConfig(file)).rejects.toThrow(BenchDataError);
    await expect(loadNiahConfig(file)).rejects.toThrow(/field "needle": expected a string of at most 10000 characters, found 104857600 characters/);
    writeFileSync(file, JSON.stringify({ needle: 'n', retrieval_question: 'q?', context_lengths: [1e12], document_depth_percents: [50] }));
    await expect(loadNiahConfig(file)).rejects.toThrow(/context_lengths\[0\]": expected a number from 0 to 1048576/);
  });
});

describe('non-finite weights are refused where they are read', () => {
  it('NaN or Inf in F32, F16 and BF16 tensors: a typed error naming the file, tensor and element', async () => {
    const dir = tempDir();
    await createRandomModel({ architecture: 'LlamaForCausalLM', hiddenSize: 16, numLayers: 1, numHeads: 2, numKvHeads: 1 }, 2).save(dir);
    const file = join(dir, 'model.safetensors');
    const h = readHeader(file);
    const original = new Map([...h.tensors.keys()].map((n) => [n, readTensorF32(h, n)]));
    const write = (poison: string, dtype: 'F32' | 'F16' | 'BF16', bad: number) => {
      const tensors = new Map<string, TensorToWrite>();
      for (const [name, values] of original) {
        const v = Float32Array.from(values);
        if (name === poison) v[3] = bad;
        const shape = h.tensors.get(name)!.shape;
        tensors.set(name, name === poison && dtype !== 'F32' ? { dtype, shape, data: Uint16Array.from(v, dtype === 'F16' ? toFp16Bits : toBf16Bits) } : { dtype: 'F32', shape, data: v });
      }
      writeSafetensors(file, tensors);
    };
    for (const [tensor, dtype, bad] of [
      ['model.layers.0.input_layernorm.weight', 'F32', NaN],
      ['model.embed_tokens.weight', 'F16', Infinity],
      ['lm_head.weight', 'BF16', NaN],
      ['model.layers.0.self_attn.q_proj.weight', 'F32', -Infinity],
    ] as const) {
      write(tensor, dtype, bad);
      const error = await loadModel(dir)
        .then((m) => (m.forward([1, 2, 3]), null)) // linears and the head are read when a stage needs them: the forward pass reads them
        .catch((e: unknown) => e);
      expect(error, `${tensor} ${dtype} ${bad}`).toBeInstanceOf(SafetensorsError);
      expect((error as Error).message).toMatch(new RegExp(`model\\.safetensors, tensor "${tensor.replace(/\./g, '\\.')}": expected finite values, found (NaN|Inf|-?Infinity).* at element 3`));
    }
  });
});

describe('a Qwen2-size vocabulary (151,643 BPE tokens) through the CLI', () => {
  it('acbench logits and generate answer on the main thread (Math.max(...vocab) overflowed the stack at ≈128k)', async () => {
    const dir = tempDir();
    const vocab = 151_936;
    await createRandomModel({ architecture: 'Qwen2ForCausalLM', hiddenSize: 8, intermediateSize: 16, numLayers: 1, numHeads: 2, numKvHeads: 1, vocabSize: vocab, tieWordEmbeddings: true }, 4).save(
      dir,
    );
    for (const [name, text] of Object.entries(releaseTokenizerFiles(151_643, vocab))) writeFileSync(join(dir, name), text);
    expect(Object.keys((JSON.parse(releaseTokenizerFiles(151_643, vocab)['tokenizer.json']) as { model: { vocab: object } }).model.vocab).length).toBe(151_643);
    const out: string[] = [];
    const log = vi.spyOn(console, 'log').mockImplementation((line: unknown) => void out.push(String(line)));
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      const logits = modelCommands.find((c) => c.name === 'logits')!;
      expect(await logits.run(['--model', dir, '--ids', '1,151000,151642', '--json'])).toBe(0);
      const rows = (JSON.parse(out.pop()!) as { logits: number[][] }).logits;
      expect(rows).toHaveLength(3);
      expect(rows[0]).toHaveLength(vocab);
      expect(rows.flat().every(Number.isFinite)).toBe(true);
      const generate = engineCommands(() => dir).find((c) => c.name === 'generate')!;
      expect(await generate.run(['--model', dir, '--prompt', 'hello world', '--max-new-tokens', '4', '--ignore-eos', '--engine', 'tfjs', '--json'])).toBe(0);
      const g = JSON.parse(out.pop()!) as { tokens: number[] };
      expect(g.tokens).toHaveLength(4);
      expect(g.tokens.every((id) => id >= 0 && id < vocab)).toBe(true);
    } finally {
      log.mockRestore();
      write.mockRestore();
    }
  }, 120_000);
});
