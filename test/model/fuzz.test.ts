// Issue 20, item 3: fuzz families of malformed model files (safetensors, config.json, tokenizer files, quantization
// config). Every case is refused with a typed error naming the file, or accepted with finite, in-range values; none hangs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  BpeTokenizer,
  BUDGETS,
  BudgetExceededError,
  byteLevelTokenizerFiles,
  Checkpoint,
  createRandomModel,
  ModelConfigError,
  ModelLoadError,
  PackedWeightError,
  packedQuantizationOf,
  parseConfig,
  readHeader,
  readTensorF32,
  ropeInvFreq,
  SafetensorsError,
  toBf16Bits,
  toFp16Bits,
  TokenizerError,
  UnsupportedArchitectureError,
  UserFileError,
  writeSafetensors,
  type ModelConfig,
  type TensorToWrite,
} from '../../main/model/index.js';
import { classify, mutateBytes, mutateJson, pick, rng, summary, tally, type Tally } from '../helpers/fuzz.js';
import { tempDir } from '../helpers/tmp.js';

const MODEL_ERRORS = [SafetensorsError, ModelLoadError, ModelConfigError, UserFileError, PackedWeightError, TokenizerError, BudgetExceededError] as const;
const counts: string[] = [];
let total = 0;
const report = (name: string, cases: number, t: Tally) => {
  total += cases;
  counts.push(summary(name, cases, t));
  expect(t.untyped, `${name}: untyped errors`).toEqual([]);
  expect(t.bad, `${name}: accepted with bad values`).toEqual([]);
  expect(t.refused.size, `${name}: some cases must be refused`).toBeGreaterThan(0);
};
afterAll(() => console.log(`fuzz (model room): ${total} cases\n  ${counts.join('\n  ')}`));

describe('fuzz: model files', () => {
  let dir: string;
  let config: Record<string, unknown>;
  let mixed: Uint8Array;
  beforeAll(async () => {
    dir = tempDir();
    const model = createRandomModel({ architecture: 'LlamaForCausalLM', hiddenSize: 16, numLayers: 1, numHeads: 2, numKvHeads: 1, intermediateSize: 32 }, 1);
    await model.save(dir);
    config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as Record<string, unknown>;
    // one checkpoint with every floating dtype: the embedding in F16, the head in BF16, the rest F32
    const h = readHeader(join(dir, 'model.safetensors'));
    const tensors = new Map<string, TensorToWrite>();
    for (const [name, info] of h.tensors) {
      const f32 = readTensorF32(h, name);
      if (name === 'model.embed_tokens.weight') tensors.set(name, { dtype: 'F16', shape: info.shape, data: Uint16Array.from(f32, toFp16Bits) });
      else if (name === 'lm_head.weight') tensors.set(name, { dtype: 'BF16', shape: info.shape, data: Uint16Array.from(f32, toBf16Bits) });
      else tensors.set(name, { dtype: 'F32', shape: info.shape, data: f32 });
    }
    writeSafetensors(join(dir, 'model.safetensors'), tensors);
    mixed = readFileSync(join(dir, 'model.safetensors'));
  });

  /** Open the folder and read every tensor as the loaders do; accepted means every value came back finite. */
  const readAll = () => {
    const ckpt = Checkpoint.open(dir);
    let values = 0;
    for (const h of ckpt.headers)
      for (const name of h.tensors.keys()) {
        const stored = ckpt.readStored(name);
        values += stored.data.length;
        if (stored.dtype === 'F32' && stored.data.some((x) => !Number.isFinite(x))) return `non-finite value in ${name}`;
        if (stored.dtype !== 'F32' && stored.data.some((b) => (b & (stored.dtype === 'F16' ? 0x7c00 : 0x7f80)) === (stored.dtype === 'F16' ? 0x7c00 : 0x7f80))) return `non-finite bits in ${name}`;
      }
    return values > 0 ? null : 'no values';
  };

  it('safetensors: 500 files with flipped, cut or spliced bytes, hostile headers and NaN / Inf values', () => {
    const rand = rng(101);
    const t = tally();
    const file = join(dir, 'model.safetensors');
    const headerLen = Number(new DataView(mixed.buffer, mixed.byteOffset).getBigUint64(0, true));
    const header = JSON.parse(Buffer.from(mixed.subarray(8, 8 + headerLen)).toString('utf8')) as Record<string, { dtype: string; data_offsets: [number, number] }>;
    const data = mixed.subarray(8 + headerLen);
    for (let i = 0; i < 500; i++) {
      const kind = i % 3;
      let bytes: Uint8Array;
      if (kind === 0) bytes = mutateBytes(mixed, rand);
      else if (kind === 1) {
        const json = Buffer.from(JSON.stringify(mutateJson(header, rand)));
        const len = Buffer.alloc(8);
        len.writeBigUInt64LE(BigInt(json.length));
        bytes = Buffer.concat([len, json, data]);
      } else {
        // a non-finite value where a weight should be, in the tensor's own dtype
        bytes = Uint8Array.from(mixed);
        const name = pick(
          rand,
          Object.keys(header).filter((k) => k !== '__metadata__'),
        );
        const {
          dtype,
          data_offsets: [b, e],
        } = header[name];
        const size = dtype === 'F32' ? 4 : 2;
        const at = 8 + headerLen + b + size * Math.floor((rand() * (e - b)) / size);
        const view = new DataView(bytes.buffer);
        if (dtype === 'F32') view.setFloat32(at, pick(rand, [NaN, Infinity, -Infinity]), true);
        else view.setUint16(at, pick(rand, dtype === 'F16' ? [0x7c00, 0xfc00, 0x7e00] : [0x7f80, 0xff80, 0x7fc0]), true);
      }
      writeFileSync(file, bytes);
      classify(t, MODEL_ERRORS, `safetensors #${i}`, readAll, (problem) => problem);
    }
    writeFileSync(file, mixed);
    report('safetensors', 500, t);
    expect(t.refused.get('SafetensorsError') ?? 0).toBeGreaterThan(150);
  });

  /** A parsed config is sane when every width is a positive integer, every hyper-parameter finite and positive, and RoPE finite. */
  const saneConfig = (c: ModelConfig): string | null => {
    for (const k of ['hiddenSize', 'intermediateSize', 'numLayers', 'numHeads', 'numKvHeads', 'headDim', 'vocabSize', 'maxPositionEmbeddings'] as const)
      if (!Number.isInteger(c[k]) || c[k] <= 0) return `${k} = ${c[k]}`;
    if (!(c.rmsNormEps > 0 && Number.isFinite(c.rmsNormEps))) return `rmsNormEps = ${c.rmsNormEps}`;
    if (!(c.ropeTheta > 0 && Number.isFinite(c.ropeTheta))) return `ropeTheta = ${c.ropeTheta}`;
    if (c.eosTokenIds.some((id) => !Number.isInteger(id) || id < 0)) return `eos ${JSON.stringify(c.eosTokenIds)}`;
    const inv = ropeInvFreq(c, 2 * c.maxPositionEmbeddings);
    if (inv.some((x) => !Number.isFinite(x))) return 'non-finite RoPE frequencies';
    return null;
  };

  it('config.json: 400 documents with hostile field values, including rope_scaling', () => {
    const rand = rng(202);
    const t = tally();
    const base = { ...config, rope_scaling: { rope_type: 'llama3', factor: 8, low_freq_factor: 1, high_freq_factor: 4, original_max_position_embeddings: 256 }, rms_norm_eps: 1e-5, rope_theta: 10000 };
    for (let i = 0; i < 400; i++)
      classify(t, [...MODEL_ERRORS, UnsupportedArchitectureError], `config #${i}`, () => parseConfig(mutateJson(base, rand) as Record<string, unknown>, 'config.json'), saneConfig);
    // the issue's own cases
    for (const [field, value] of [
      ['rms_norm_eps', -1e-6],
      ['rope_theta', 0],
      ['rope_theta', 'NaN'],
      ['head_dim', 0],
      ['head_dim', -2],
    ] as const)
      expect(() => parseConfig({ ...config, [field]: value }, 'config.json')).toThrow(new RegExp(`config.json: expected "${field}`));
    report('config.json', 400, t);
  });

  it('tokenizer files: 300 tokenizer.json / tokenizer_config.json with hostile fields, regexes and chat templates, under budgets', () => {
    const saved = { ...BUDGETS };
    Object.assign(BUDGETS, { templateMs: 40, regexProbeMs: 60, encodeMs: 300 }); // the same budgets, smaller, so hostile cases end fast
    try {
      const rand = rng(303);
      const t = tally();
      const files = byteLevelTokenizerFiles([
        ['h', 'e'],
        ['l', 'l'],
        ['he', 'll'],
      ]);
      const json = JSON.parse(files['tokenizer.json']) as Record<string, unknown>;
      const cfg = JSON.parse(files['tokenizer_config.json']) as Record<string, unknown>;
      const gen = JSON.parse(files['generation_config.json']) as Record<string, unknown>;
      const templates = [
        '{% for i in range(1000000000) %}x{% endfor %}',
        '{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}',
        '{{ raise_exception("no") }}',
        '{% for m in messages %}{{ m.content }',
        '{{ "x" * 1000000000 }}',
        '{% set ns = namespace(s="a") %}{% for i in range(60000) %}{% set ns.s = ns.s + ns.s %}{% endfor %}{{ ns.s }}',
        '{{ messages[0].content | upper }}',
        '{{ strftime_now("%d %b %Y") }}',
      ];
      const regexes = ['(a+)+$', '((a|a)+)+b', '(', '\\s*', '(?:\\p{L}+)+!', "'s| ?\\p{L}+| ?\\p{N}+|\\s+"];
      const palette = [null, undefined, -1, 2 ** 40, '', [], {}, 'x', [['a', 'b']], ['a b', 7], { '': 0 }, { a: -1 }, { a: 1.5 }, [{ id: 0, content: '' }], [{ id: 'x', content: 'y' }], 1e308];
      for (let i = 0; i < 300; i++) {
        const kind = i % 4;
        const tj = kind === 0 || kind === 3 ? mutateJson(json, rand, palette) : structuredClone(json);
        const tc = structuredClone(cfg);
        if (kind === 1) tc.chat_template = pick(rand, templates);
        if (kind === 2)
          tj.pre_tokenizer = {
            type: 'Sequence',
            pretokenizers: [
              { type: 'Split', pattern: { Regex: pick(rand, regexes) }, behavior: 'Isolated' },
              { type: 'ByteLevel', add_prefix_space: false, use_regex: false },
            ],
          };
        if (kind === 3) Object.assign(tc, mutateJson({ eos_token: tc.eos_token, bos_token: tc.bos_token, pad_token: tc.pad_token }, rand));
        classify(
          t,
          MODEL_ERRORS,
          `tokenizer #${i}`,
          () => {
            const tok = new BpeTokenizer(tj as never, tc, gen, 'tokenizer.json');
            const ids = tok.encode(`hello hello ${'aaaa'.repeat(50)}! 12 \u00e9\u4e2d`);
            const chat = tok.applyChatTemplate([{ role: 'user', content: 'hi there' }]);
            return { tok, ids, chat };
          },
          ({ tok, ids, chat }) =>
            ids.some((id) => !Number.isInteger(id) || id < 0 || id >= tok.vocabSize) ? `token ids outside the vocabulary: ${ids.slice(0, 8)}` : typeof chat !== 'string' ? 'no chat text' : null,
        );
      }
      report('tokenizer', 300, t);
      expect(t.refused.get('TokenizerError') ?? 0).toBeGreaterThan(50);
    } finally {
      Object.assign(BUDGETS, saved);
    }
  });

  it('quantization config: 200 quantization_config / quantize_config.json documents', () => {
    const rand = rng(404);
    const t = tally();
    const qdir = tempDir();
    const base = { quant_method: 'gptq', bits: 4, group_size: 32, desc_act: true, sym: true, checkpoint_format: 'gptq_v2', version: 'gemm' };
    for (let i = 0; i < 200; i++) {
      const q = mutateJson(base, rand, [null, undefined, 'awq', 'gptq', 'fp8', 0, -1, 3, 5, 8, 1e9, 'NaN', '', [], {}, 1.5, -7]);
      if (i % 2) writeFileSync(join(qdir, 'config.json'), JSON.stringify({ ...config, quantization_config: q }));
      else {
        writeFileSync(join(qdir, 'config.json'), JSON.stringify(config));
        writeFileSync(join(qdir, 'quantize_config.json'), i % 10 === 0 ? '{"bits": 4,' : JSON.stringify(q));
      }
      classify(
        t,
        MODEL_ERRORS,
        `quantization #${i}`,
        () => packedQuantizationOf(qdir),
        (p) =>
          p === undefined
            ? null
            : !Number.isInteger(p.bits) || p.bits < 2 || p.bits > 8
              ? `bits ${p.bits}`
              : !(Number.isInteger(p.groupSize) && (p.groupSize > 0 || p.groupSize === -1))
                ? `group size ${p.groupSize}`
                : null,
      );
    }
    report('quantization config', 200, t);
  });
});
