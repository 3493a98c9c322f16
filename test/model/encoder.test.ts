import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EncoderLoadError, SentenceEncoder, WordPieceTokenizer, WordPieceTokenizerError, erf, relativePositionBucket } from '../../main/model/index.js';
import { tempDir } from '../helpers/tmp.js';
import { tokenizerJson, writeEncoderFolder, type Spec, type Weights } from './encoder-fixture.js';

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
    const ret = n < 0 ? 16 : 0;
    n = Math.abs(n);
    return ret + (n < 8 ? n : Math.min(15, 8 + Math.floor((Math.log(n / 8) / Math.log(16)) * 8)));
  };
  for (let l = 0; l < s.layers; l++) {
    const p = `encoder.layer.${l}`;
    const n =
      s.kind === 'bert'
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
    const a = ln(
      o.map((row, i) => row.map((val, j) => val + x[i][j])),
      n.ln,
    );
    const inner = dense(a, `${p}.intermediate.dense`, s.intermediate, H).map((row) => row.map((val) => 0.5 * val * (1 + erfSimpson(val / Math.SQRT2))));
    const out = dense(inner, `${p}.output.dense`, H, s.intermediate);
    x = ln(
      out.map((row, i) => row.map((val, j) => val + a[i][j])),
      `${p}.output.LayerNorm`,
    );
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

  it('encodes a batch (stacked rows, split into row-limited batches) to the same numbers as one by one', () => {
    const spec: Spec = { kind: 'mpnet', hidden: 16, heads: 4, layers: 2, intermediate: 32, positions: 40, pooling: {}, normalize: true };
    const dir = tempDir('acb-st-batch-');
    writeEncoderFolder(dir, spec, 13);
    const enc = SentenceEncoder.load(dir);
    const one = sentences.map((t) => enc.encodeOne(t));
    for (const maxRows of [1024, 12]) {
      const many = enc.encode(sentences, maxRows);
      many.forEach((e, i) => e.forEach((v, j) => expect(v).toBeCloseTo(one[i][j], 6)));
    }
  });

  it('cls + max + mean pooling without Normalize: concatenated in sentence-transformers order', () => {
    const spec: Spec = {
      kind: 'mpnet',
      hidden: 8,
      heads: 2,
      layers: 1,
      intermediate: 16,
      positions: 30,
      pooling: { pooling_mode_cls_token: true, pooling_mode_max_tokens: true, pooling_mode_mean_tokens: true },
      normalize: false,
    };
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

  it('says what it expected when the folder is not a sentence-transformers encoder', () => {
    const empty = tempDir('acb-st-empty-');
    expect(() => SentenceEncoder.load(empty)).toThrow(/modules\.json/);
    const dense = tempDir('acb-st-dense-');
    writeEncoderFolder(dense, { kind: 'bert', hidden: 8, heads: 2, layers: 1, intermediate: 16, positions: 10, pooling: {}, normalize: false }, 7);
    writeFileSync(
      join(dense, 'modules.json'),
      JSON.stringify([
        { path: '', type: 'sentence_transformers.models.Transformer' },
        { path: '2_Dense', type: 'sentence_transformers.models.Dense' },
      ]),
    );
    expect(() => SentenceEncoder.load(dense)).toThrow(EncoderLoadError);
    const llama = tempDir('acb-st-llama-');
    writeEncoderFolder(llama, { kind: 'bert', hidden: 8, heads: 2, layers: 1, intermediate: 16, positions: 10, pooling: {}, normalize: false }, 8);
    writeFileSync(join(llama, 'config.json'), JSON.stringify({ model_type: 'llama' }));
    expect(() => SentenceEncoder.load(llama)).toThrow(/"bert" or "mpnet"/);
  });
});
