import { describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  EncoderLoadError,
  SentenceEncoder,
  WordPieceTokenizer,
  WordPieceTokenizerError,
  cosineSimilarity,
  erf,
  relativePositionBucket,
  writeSafetensors,
  type TensorToWrite,
} from '../../main/model/index.js';
import { tempDir } from '../helpers/tmp.js';

// ---- a tokenizer.json in the Hugging Face layout -------------------------------------------------------------------

const WORDS = ['the', 'quick', 'brown', 'fox', 'jump', '##s', 'over', 'lazy', 'dog', 'un', '##aff', '##able', 'cafe', ',', '!', '.', 'a', 'b', '##c', '中', '文', 'hello', 'world', '$', 'x'];

function tokenizerJson(kind: 'bert' | 'mpnet', extra: Record<string, unknown> = {}): Record<string, unknown> {
  const specials = kind === 'bert' ? ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'] : ['<s>', '<pad>', '</s>', '<unk>', '[UNK]', '<mask>'];
  const vocab = Object.fromEntries([...specials, ...WORDS].map((w, i) => [w, i]));
  return {
    version: '1.0',
    added_tokens: specials.map((content, id) => ({ id, content, single_word: false, lstrip: content === '<mask>', rstrip: false, normalized: false, special: true })),
    normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: kind === 'bert' ? { type: 'TemplateProcessing', single: [{ SpecialToken: { id: '[CLS]', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '[SEP]', type_id: 0 } }], pair: [], special_tokens: { '[CLS]': { id: '[CLS]', ids: [2], tokens: ['[CLS]'] }, '[SEP]': { id: '[SEP]', ids: [3], tokens: ['[SEP]'] } } } : { type: 'RobertaProcessing', sep: ['</s>', 2], cls: ['<s>', 0], trim_offsets: true, add_prefix_space: false },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: { type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##', max_input_chars_per_word: 100, vocab },
    ...extra,
  };
}

describe('WordPiece tokenizer (tokenizer.json)', () => {
  const bert = WordPieceTokenizer.fromJson(tokenizerJson('bert'));
  const id = (w: string) => bert.vocab.get(w)!;
  it('normalizes, splits punctuation and matches the longest pieces first (hand-checked)', () => {
    // "The quick, Brown fox!" → lowercase → the | quick | , | brown | fox | !  wrapped in [CLS] … [SEP]
    expect(bert.encode('The quick, Brown fox!')).toEqual([2, id('the'), id('quick'), id(','), id('brown'), id('fox'), id('!'), 3]);
    // un + ##aff + ##able (greedy: "unaffable" is not in the vocabulary, "un" is the longest prefix that is)
    expect(bert.encodeContent('unaffable')).toEqual([id('un'), id('##aff'), id('##able')]);
    expect(bert.encodeContent('jumps')).toEqual([id('jump'), id('##s')]);
  });
  it('strips accents when lowercasing (strip_accents null), spaces CJK ideographs, drops control characters', () => {
    expect(bert.encodeContent('Café')).toEqual([id('cafe')]);
    expect(bert.encodeContent('中文')).toEqual([id('中'), id('文')]);
    expect(bert.encodeContent('hello\u0007 world\tx')).toEqual([id('hello'), id('world'), id('x')]); // BEL removed, tab = space
    expect(bert.encodeContent('hello\u0007world\tx')).toEqual([1, id('x')]); // BEL removed, not a separator: "helloworld" → [UNK]
    expect(bert.encodeContent('$x')).toEqual([id('$'), id('x')]); // ASCII punctuation includes symbols
  });
  it('a word without a full cover is [UNK]; added tokens in the text are kept whole', () => {
    expect(bert.encodeContent('abq')).toEqual([1]); // a + ##b? no → the whole word is unknown
    expect(bert.encodeContent('abc')).toEqual([1]); // "a", then "##bc" and "##b" are missing → [UNK]
    expect(bert.encodeContent('b [MASK] dog')).toEqual([id('b'), 4, id('dog')]);
  });
  it('truncates the content so that the specials fit in max length', () => {
    expect(bert.encode('the quick brown fox', 4)).toEqual([2, id('the'), id('quick'), 3]);
  });
  it("MPNet's RobertaProcessing wraps the sequence in <s> … </s>", () => {
    const mp = WordPieceTokenizer.fromJson(tokenizerJson('mpnet'));
    expect(mp.encode('Hello world')).toEqual([0, mp.vocab.get('hello')!, mp.vocab.get('world')!, 2]);
  });
  it('rejects a model type it does not implement, saying what it found', () => {
    expect(() => WordPieceTokenizer.fromJson({ ...tokenizerJson('bert'), model: { type: 'BPE', vocab: {} } })).toThrow(WordPieceTokenizerError);
    expect(() => WordPieceTokenizer.fromJson(tokenizerJson('bert', { normalizer: { type: 'Precompiled' } }))).toThrow(/Precompiled/);
  });
});

describe('MPNet relative position buckets (modeling_mpnet.py)', () => {
  it('matches hand-computed buckets', () => {
    // n = −(key − query); n < 0 adds 16; |n| < 8 exact; else 8 + ⌊log(|n|/8)/log(16)·8⌋, capped at 15
    expect(relativePositionBucket(0)).toBe(0);
    expect(relativePositionBucket(-1)).toBe(1); // key one before the query: n = 1
    expect(relativePositionBucket(1)).toBe(17); // key after the query: 16 + 1
    expect(relativePositionBucket(-8)).toBe(8); // log 1 = 0
    expect(relativePositionBucket(-12)).toBe(9); // log 1.5/log 16·8 = 1.17
    expect(relativePositionBucket(-16)).toBe(10); // exactly 2
    expect(relativePositionBucket(20)).toBe(26); // 16 + 8 + ⌊log 2.5/log 16·8 = 2.64⌋
    expect(relativePositionBucket(-128)).toBe(15); // 8 + 8 = 16 → capped at 15
    expect(relativePositionBucket(-1000)).toBe(15);
  });
});

describe('erf', () => {
  it('agrees with tabulated values to 1e-13', () => {
    const table: [number, number][] = [
      [0, 0],
      [0.5, 0.5204998778130465],
      [1, 0.8427007929497149],
      [-1, -0.8427007929497149],
      [2, 0.9953222650189527],
      [2.9, 0.9999589021219005],
      [3.5, 0.9999992569016276],
      [5, 0.9999999999984626],
    ];
    for (const [x, v] of table) expect(Math.abs(erf(x) - v)).toBeLessThan(1e-13);
  });
});

// ---- a random sentence-transformers folder and an independent float64 forward ---------------------------------------

interface Spec {
  kind: 'bert' | 'mpnet';
  hidden: number;
  heads: number;
  layers: number;
  intermediate: number;
  positions: number;
  pooling: Record<string, boolean>;
  normalize: boolean;
}

type Weights = Map<string, { shape: number[]; data: Float64Array }>;

/** Writes modules.json, config.json, sentence_bert_config.json, tokenizer.json, model.safetensors, 1_Pooling, 2_Normalize. */
function writeEncoderFolder(dir: string, s: Spec, seed: number): Weights {
  let state = seed >>> 0;
  const rand = () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32 - 0.5);
  const vocabSize = (s.kind === 'bert' ? 5 : 6) + WORDS.length;
  const H = s.hidden;
  const w: Weights = new Map();
  const put = (name: string, shape: number[], scale = 0.4, offset = 0) => {
    // float32-representable values, so both forwards start from the same numbers
    const data = Float64Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => Math.fround(offset + scale * rand()));
    w.set(name, { shape, data });
  };
  put('embeddings.word_embeddings.weight', [vocabSize, H], 1);
  put('embeddings.position_embeddings.weight', [s.positions, H], 0.5);
  if (s.kind === 'bert') put('embeddings.token_type_embeddings.weight', [2, H], 0.5);
  put('embeddings.LayerNorm.weight', [H], 0.4, 1);
  put('embeddings.LayerNorm.bias', [H], 0.2);
  for (let l = 0; l < s.layers; l++) {
    const p = `encoder.layer.${l}`;
    const names = s.kind === 'bert'
      ? { q: `${p}.attention.self.query`, k: `${p}.attention.self.key`, v: `${p}.attention.self.value`, o: `${p}.attention.output.dense`, ln: `${p}.attention.output.LayerNorm` }
      : { q: `${p}.attention.attn.q`, k: `${p}.attention.attn.k`, v: `${p}.attention.attn.v`, o: `${p}.attention.attn.o`, ln: `${p}.attention.LayerNorm` };
    for (const n of [names.q, names.k, names.v, names.o]) {
      put(`${n}.weight`, [H, H], 1.2);
      put(`${n}.bias`, [H], 0.2);
    }
    put(`${names.ln}.weight`, [H], 0.4, 1);
    put(`${names.ln}.bias`, [H], 0.2);
    put(`${p}.intermediate.dense.weight`, [s.intermediate, H], 1);
    put(`${p}.intermediate.dense.bias`, [s.intermediate], 0.2);
    put(`${p}.output.dense.weight`, [H, s.intermediate], 0.8);
    put(`${p}.output.dense.bias`, [H], 0.2);
    put(`${p}.output.LayerNorm.weight`, [H], 0.4, 1);
    put(`${p}.output.LayerNorm.bias`, [H], 0.2);
  }
  if (s.kind === 'mpnet') put('encoder.relative_attention_bias.weight', [32, s.heads], 2);
  put('pooler.dense.weight', [H, H]); // present in real checkpoints, unused by sentence-transformers
  put('pooler.dense.bias', [H]);
  mkdirSync(dir, { recursive: true });
  const tensors = new Map<string, TensorToWrite>();
  for (const [name, t] of w) tensors.set(name, { dtype: 'F32', shape: t.shape, data: Float32Array.from(t.data) });
  writeSafetensors(join(dir, 'model.safetensors'), tensors, { format: 'pt' });
  const config: Record<string, unknown> = {
    architectures: [s.kind === 'bert' ? 'BertModel' : 'MPNetModel'], model_type: s.kind, hidden_size: H, num_hidden_layers: s.layers, num_attention_heads: s.heads,
    intermediate_size: s.intermediate, hidden_act: 'gelu', layer_norm_eps: s.kind === 'bert' ? 1e-12 : 1e-5, max_position_embeddings: s.positions, vocab_size: vocabSize,
    ...(s.kind === 'bert' ? { type_vocab_size: 2, position_embedding_type: 'absolute' } : { relative_attention_num_buckets: 32 }),
  };
  writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
  writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify(tokenizerJson(s.kind)));
  writeFileSync(join(dir, 'sentence_bert_config.json'), JSON.stringify({ max_seq_length: s.kind === 'bert' ? s.positions : s.positions - 2, do_lower_case: false }));
  const modules = [
    { idx: 0, name: '0', path: '', type: 'sentence_transformers.models.Transformer' },
    { idx: 1, name: '1', path: '1_Pooling', type: 'sentence_transformers.models.Pooling' },
    ...(s.normalize ? [{ idx: 2, name: '2', path: '2_Normalize', type: 'sentence_transformers.models.Normalize' }] : []),
  ];
  writeFileSync(join(dir, 'modules.json'), JSON.stringify(modules));
  mkdirSync(join(dir, '1_Pooling'), { recursive: true });
  writeFileSync(join(dir, '1_Pooling', 'config.json'), JSON.stringify({ word_embedding_dimension: H, ...s.pooling }));
  if (s.normalize) mkdirSync(join(dir, '2_Normalize'), { recursive: true });
  return w;
}

/** erf by Simpson's rule on 2/√π·e^(−t²) (independent of the series / continued fraction under test). */
function erfSimpson(x: number): number {
  const n = 2000;
  const h = x / n;
  let s = 1 + Math.exp(-x * x);
  for (let i = 1; i < n; i++) s += (i % 2 ? 4 : 2) * Math.exp(-((i * h) ** 2));
  return ((2 / Math.sqrt(Math.PI)) * s * h) / 3;
}

/** HF BertModel / MPNetModel forward of one unpadded sentence, then sentence-transformers pooling and Normalize, in float64. */
function referenceEmbedding(w: Weights, s: Spec, ids: number[]): number[] {
  const g = (n: string) => w.get(n)!.data;
  const H = s.hidden;
  const L = ids.length;
  const d = H / s.heads;
  const eps = s.kind === 'bert' ? 1e-12 : 1e-5;
  const ln = (x: number[][], p: string) =>
    x.map((row) => {
      const m = row.reduce((a, b) => a + b, 0) / H;
      const v = row.reduce((a, b) => a + (b - m) ** 2, 0) / H;
      return row.map((val, j) => ((val - m) / Math.sqrt(v + eps)) * g(`${p}.weight`)[j] + g(`${p}.bias`)[j]);
    });
  const dense = (x: number[][], p: string, out: number, inp: number) =>
    x.map((row) => Array.from({ length: out }, (_, o) => g(`${p}.bias`)[o] + row.reduce((a, v, j) => a + v * g(`${p}.weight`)[o * inp + j], 0)));
  // embeddings: BERT positions 0…, token type 0; MPNet positions from padding_idx + 1 = 2
  let x = ids.map((id, t) =>
    Array.from({ length: H }, (_, j) => {
      const pos = s.kind === 'bert' ? t : t + 2;
      return g('embeddings.word_embeddings.weight')[id * H + j] + g('embeddings.position_embeddings.weight')[pos * H + j] + (s.kind === 'bert' ? g('embeddings.token_type_embeddings.weight')[j] : 0);
    }),
  );
  x = ln(x, 'embeddings.LayerNorm');
  // MPNet bias: rp = key − query, bucket as modeling_mpnet.py (float64 logs here)
  const bucket = (rp: number) => {
    let n = -rp;
    let ret = n < 0 ? 16 : 0;
    n = Math.abs(n);
    return ret + (n < 8 ? n : Math.min(15, 8 + Math.floor((Math.log(n / 8) / Math.log(16)) * 8)));
  };
  for (let l = 0; l < s.layers; l++) {
    const p = `encoder.layer.${l}`;
    const n = s.kind === 'bert'
      ? { q: `${p}.attention.self.query`, k: `${p}.attention.self.key`, v: `${p}.attention.self.value`, o: `${p}.attention.output.dense`, ln: `${p}.attention.output.LayerNorm` }
      : { q: `${p}.attention.attn.q`, k: `${p}.attention.attn.k`, v: `${p}.attention.attn.v`, o: `${p}.attention.attn.o`, ln: `${p}.attention.LayerNorm` };
    const q = dense(x, n.q, H, H);
    const k = dense(x, n.k, H, H);
    const v = dense(x, n.v, H, H);
    const ctx = x.map(() => new Array<number>(H).fill(0));
    for (let h = 0; h < s.heads; h++)
      for (let i = 0; i < L; i++) {
        const sc = Array.from({ length: L }, (_, j) => {
          let dot = 0;
          for (let t = 0; t < d; t++) dot += q[i][h * d + t] * k[j][h * d + t];
          return dot / Math.sqrt(d) + (s.kind === 'mpnet' ? g('encoder.relative_attention_bias.weight')[bucket(j - i) * s.heads + h] : 0);
        });
        const m = Math.max(...sc);
        const e = sc.map((z) => Math.exp(z - m));
        const z = e.reduce((a, b) => a + b, 0);
        for (let t = 0; t < d; t++) ctx[i][h * d + t] = e.reduce((a, pj, j) => a + (pj / z) * v[j][h * d + t], 0);
      }
    const o = dense(ctx, n.o, H, H);
    const a = ln(o.map((row, i) => row.map((val, j) => val + x[i][j])), n.ln);
    const inner = dense(a, `${p}.intermediate.dense`, s.intermediate, H).map((row) => row.map((val) => 0.5 * val * (1 + erfSimpson(val / Math.SQRT2))));
    const out = dense(inner, `${p}.output.dense`, H, s.intermediate);
    x = ln(out.map((row, i) => row.map((val, j) => val + a[i][j])), `${p}.output.LayerNorm`);
  }
  const parts: number[][] = [];
  const P = s.pooling;
  if (P.pooling_mode_cls_token) parts.push(x[0]);
  if (P.pooling_mode_max_tokens) parts.push(x[0].map((_, j) => Math.max(...x.map((r) => r[j]))));
  if (P.pooling_mode_mean_tokens ?? true) parts.push(x[0].map((_, j) => x.reduce((acc, r) => acc + r[j], 0) / L));
  let e = parts.flat();
  if (s.normalize) {
    const norm = Math.sqrt(e.reduce((acc, v) => acc + v * v, 0));
    e = e.map((v) => v / norm);
  }
  return e;
}

describe('sentence encoder (sentence-transformers folder on our engine)', () => {
  const sentences = ['The quick brown fox jumps over the lazy dog.', 'Hello, world!', 'un affable cafe 中文 $x, a b abc the the the quick fox dog'];
  for (const kind of ['bert', 'mpnet'] as const) {
    it(`${kind}: mean pooling + Normalize equal an independent float64 forward to 2e-5`, () => {
      const spec: Spec = { kind, hidden: 16, heads: 4, layers: 2, intermediate: 32, positions: 40, pooling: { pooling_mode_mean_tokens: true }, normalize: true };
      const dir = tempDir(`acb-st-${kind}-`);
      const w = writeEncoderFolder(dir, spec, kind === 'bert' ? 11 : 12);
      const enc = SentenceEncoder.load(dir);
      expect(enc.dimension).toBe(16);
      for (const text of sentences) {
        const ids = enc.tokenize(text);
        const ref = referenceEmbedding(w, spec, ids);
        const got = enc.encodeOne(text);
        expect(got.length).toBe(ref.length);
        let maxDiff = 0;
        got.forEach((v, i) => (maxDiff = Math.max(maxDiff, Math.abs(v - ref[i]))));
        expect(maxDiff).toBeLessThan(2e-5);
        let norm = 0;
        got.forEach((v) => (norm += v * v));
        expect(Math.sqrt(norm)).toBeCloseTo(1, 5);
      }
      // the third sentence is long enough (≥ 17 tokens) for MPNet's logarithmic buckets to matter
      expect(enc.tokenize(sentences[2]).length).toBeGreaterThan(16);
      enc.dispose();
    });
  }

  it('cls + max + mean pooling without Normalize: concatenated in sentence-transformers order', () => {
    const spec: Spec = { kind: 'mpnet', hidden: 8, heads: 2, layers: 1, intermediate: 16, positions: 30, pooling: { pooling_mode_cls_token: true, pooling_mode_max_tokens: true, pooling_mode_mean_tokens: true }, normalize: false };
    const dir = tempDir('acb-st-pool-');
    const w = writeEncoderFolder(dir, spec, 5);
    const enc = SentenceEncoder.load(dir);
    expect(enc.dimension).toBe(24);
    const ids = enc.tokenize('hello world, the dog');
    const ref = referenceEmbedding(w, spec, ids);
    const got = enc.encodeOne('hello world, the dog');
    got.forEach((v, i) => expect(Math.abs(v - ref[i])).toBeLessThan(2e-5));
  });

  it('truncates to max_seq_length tokens, special tokens included', () => {
    const spec: Spec = { kind: 'bert', hidden: 8, heads: 2, layers: 1, intermediate: 16, positions: 6, pooling: {}, normalize: true };
    const dir = tempDir('acb-st-trunc-');
    writeEncoderFolder(dir, spec, 6);
    const enc = SentenceEncoder.load(dir);
    expect(enc.tokenize('  the quick brown fox jumps over  ')).toHaveLength(6);
    expect(enc.encodeOne('the quick brown fox jumps over the lazy dog')).toEqual(enc.encodeOne('the quick brown fox'));
  });

  it('cosine similarity is a·b/(‖a‖‖b‖), and 0 for a zero vector', () => {
    expect(cosineSimilarity(Float32Array.from([1, 0]), Float32Array.from([1, 1]))).toBeCloseTo(Math.SQRT1_2, 7);
    expect(cosineSimilarity(Float32Array.from([0, 0]), Float32Array.from([1, 1]))).toBe(0);
  });

  it('says what it expected when the folder is not a sentence-transformers encoder', () => {
    const empty = tempDir('acb-st-empty-');
    expect(() => SentenceEncoder.load(empty)).toThrow(/modules\.json/);
    const dense = tempDir('acb-st-dense-');
    writeEncoderFolder(dense, { kind: 'bert', hidden: 8, heads: 2, layers: 1, intermediate: 16, positions: 10, pooling: {}, normalize: false }, 7);
    writeFileSync(join(dense, 'modules.json'), JSON.stringify([{ path: '', type: 'sentence_transformers.models.Transformer' }, { path: '2_Dense', type: 'sentence_transformers.models.Dense' }]));
    expect(() => SentenceEncoder.load(dense)).toThrow(EncoderLoadError);
    const llama = tempDir('acb-st-llama-');
    writeEncoderFolder(llama, { kind: 'bert', hidden: 8, heads: 2, layers: 1, intermediate: 16, positions: 10, pooling: {}, normalize: false }, 8);
    writeFileSync(join(llama, 'config.json'), JSON.stringify({ model_type: 'llama' }));
    expect(() => SentenceEncoder.load(llama)).toThrow(/"bert" or "mpnet"/);
  });
});
