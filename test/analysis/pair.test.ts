import { describe, expect, it } from 'vitest';
import { analyzePair, analysisHeadline, defaultEnergyPositions, probeSequences, AnalysisOptionError, ProbeTooShortError, ModelPairMismatchError, loadBuiltinProbe } from '../../main/analysis/index.js';
import { JsEngine } from '../../main/tensor/index.js';
import { charTokenizer, fakeModel } from './fake-model.js';

const V = 8;
const engine = new JsEngine();
// p(true next token) = 1/2, the other V − 1 tokens share the rest; the last position (no next token) is uniform
const halfOnNext = fakeModel('half', V, (ids, t) => {
  if (t + 1 >= ids.length) return new Array<number>(V).fill(0);
  const row = new Array<number>(V).fill(Math.log(0.5 / (V - 1)));
  row[ids[t + 1]] = Math.log(0.5);
  return row;
});
const uniform = fakeModel('uniform', V, () => new Array<number>(V).fill(0));
const text = 'the quick brown fox jumps over the lazy dog, again and again, until the dog wakes up and leaves.';

describe('probeSequences', () => {
  it('cuts consecutive sequences of exactly seqlen tokens, as many as fit', () => {
    const tok = charTokenizer(V);
    const p = probeSequences(tok, 'abcdefghij', 4, 3);
    expect(p.sequences).toEqual(
      [
        [1, 2, 3],
        [4, 5, 6],
        [7, 0, 1],
      ].map((s) => s.map((c) => (c + 96) % V)),
    );
    expect(p.totalTokens).toBe(10);
    expect(p.textSha256).toMatch(/^[0-9a-f]{64}$/);
  });
  it('throws typed errors for a text shorter than one sequence and for bad sizes', () => {
    expect(() => probeSequences(charTokenizer(V), 'abc', 1, 4)).toThrow(ProbeTooShortError);
    expect(() => probeSequences(charTokenizer(V), 'abc', 0, 2)).toThrow(AnalysisOptionError);
  });
  it('the built-in probe is a sizeable prose text', () => {
    const probe = loadBuiltinProbe();
    expect(probe.source).toBe('builtin');
    expect(probe.text.length).toBeGreaterThan(50_000);
    expect(probe.text.split(/\s+/).length).toBeGreaterThan(8_000);
  });
});

describe('analyzePair on models with known probabilities', () => {
  it('perplexity, KL, energy and ΔE match hand-computed values', async () => {
    const a = await analyzePair(halfOnNext, uniform, { text, sequences: 3, seqlen: 10, engine });
    expect(a.config.sequences).toBe(3);
    expect(a.perplexity.tokens).toBe(27);
    expect(a.perplexity.base).toBeCloseTo(2, 5); // every scored token has p = 1/2
    expect(a.perplexity.compressed).toBeCloseTo(V, 5); // uniform
    // KL(p‖uniform) = Σ p ln(pV) at scored positions; 0 at the last (both uniform)
    const klScored = 0.5 * Math.log(0.5 * V) + 0.5 * Math.log((0.5 / (V - 1)) * V);
    expect(a.kl.perPosition.slice(0, 9).every((k) => Math.abs(k - klScored) < 1e-6)).toBe(true);
    expect(a.kl.perPosition[9]).toBe(0);
    expect(a.kl.mean).toBeCloseTo((9 * klScored) / 10, 6);
    // E_base = −logsumexp(log p) = 0 (up to float32 rounding of the logits); E_uniform = −ln V
    expect(a.energy.base.perPosition[0]).toBeCloseTo(0, 6);
    expect(a.energy.compressed.perPosition[0]).toBeCloseTo(-Math.log(V), 6);
    expect(a.energy.delta.perPosition[3]).toBeCloseTo(Math.log(V), 6);
    // histograms count every value once, on bins shared by both models
    expect(a.energy.overall.base.reduce((x, y) => x + y, 0)).toBe(30);
    expect(a.energy.overall.compressed.reduce((x, y) => x + y, 0)).toBe(30);
    expect(a.energy.positions.map((h) => h.position)).toEqual(defaultEnergyPositions(10));
    for (const h of a.energy.positions) expect(h.base.reduce((x, y) => x + y, 0)).toBe(3);
    expect(a.energy.edges.length).toBe(31);
  });

  it('top-k against a uniform model: τ and ρ are null (constant compressed logits), Jaccard follows the tie rule', async () => {
    const a = await analyzePair(halfOnNext, uniform, { text, sequences: 2, seqlen: 10, engine, ks: [1, 3] });
    const [k1, k3] = a.topK;
    expect(k1.kendallTau.mean).toBeNull();
    expect(k1.spearmanRho.perPosition.every((x) => x === null)).toBe(true);
    expect(k3.kendallTau.mean).toBeNull();
    // uniform's top-k is ids 0..k−1 (ties → lower id); base's top-1 is the true next token
    const seqs = probeSequences(charTokenizer(V), text, 2, 10).sequences;
    const expectedTop1 = seqs.map((ids) => (ids[1] === 0 ? 1 : 0));
    expect(k1.jaccard.perPosition[0]).toBeCloseTo((expectedTop1[0] + expectedTop1[1]) / 2, 12);
  });

  it('identical models give Jaccard 1, τ 1, ρ 1, ΔE 0, KL 0 and Diff-eRank 0 exactly', async () => {
    const a = await analyzePair(halfOnNext, halfOnNext, { text, sequences: 2, seqlen: 10, engine, ks: [1, 3, 5] });
    for (const t of a.topK) {
      expect(t.jaccard.mean).toBe(1);
      expect(t.jaccard.perPosition.every((x) => x === 1)).toBe(true);
    }
    // base rows at scored positions have one value 1/2 and ties elsewhere: τ-b and ρ are exactly 1 where defined
    expect(a.topK[1].kendallTau.mean).toBe(1);
    expect(a.topK[1].spearmanRho.mean).toBe(1);
    expect(a.energy.delta.mean).toBe(0);
    expect(a.energy.delta.max).toBe(0);
    expect(a.kl.mean).toBe(0);
    expect(a.kl.max).toBe(0);
    expect(a.erank.hidden.diff.perSequence).toEqual([0, 0]);
    expect(a.erank.logits.diff.mean).toBe(0);
    expect(a.perplexity.base).toBe(a.perplexity.compressed);
  });

  it('is JSON-serialisable with the sign convention stated, and a headline of numbers', async () => {
    const a = await analyzePair(halfOnNext, uniform, { text, sequences: 2, seqlen: 10, engine, ks: [1, 3] });
    const back = JSON.parse(JSON.stringify(a));
    expect(back.conventions).toMatch(/Diff-eRank = eRank\(base\) − eRank\(compressed\)/);
    expect(back.topK[0].kendallTau.mean).toBeNull();
    expect(back.erank.logits.base.perSequence).toHaveLength(2);
    expect(back.config.probe.source).toBe('inline');
    // constant (uniform) logits: every row equal after centring → eRank undefined, recorded as null, the run goes on
    expect(back.erank.logits.compressed.perSequence).toEqual([null, null]);
    expect(back.erank.logits.diff.mean).toBeNull();
    expect(back.erank.logits.base.mean).toBeGreaterThan(1);
    // the data-set eRank is exp(mean entropy) of the sequences (diff_erank_dataset.py)
    const h: number[] = back.erank.hidden.base.entropy;
    expect(back.erank.hidden.base.mean).toBeCloseTo(Math.exp((h[0] + h[1]) / 2), 10);
    expect(back.erank.hidden.base.perSequence[0]).toBeCloseTo(Math.exp(h[0]), 10);
    const head = analysisHeadline(a);
    expect(head['ppl.base']).toBeCloseTo(2, 5);
    expect(Object.values(head).every((v) => typeof v === 'number')).toBe(true);
    expect('erank.logits.diff' in head).toBe(false);
    expect(head['erank.hidden.diff']).toBe(a.erank.hidden.diff.mean);
  });

  it('reports progress per sequence and stops on abort', async () => {
    const seen: number[] = [];
    await analyzePair(halfOnNext, uniform, { text, sequences: 3, seqlen: 10, engine, onProgress: (p) => seen.push(p.done) });
    expect(seen.at(-1)).toBe(3);
    const ctrl = new AbortController();
    const run = analyzePair(halfOnNext, uniform, {
      text,
      sequences: 3,
      seqlen: 10,
      engine,
      signal: ctrl.signal,
      onProgress: (p) => {
        if (p.done === 1) ctrl.abort();
      },
    });
    await expect(run).rejects.toThrow();
    const progressAfterAbort: number[] = [];
    await expect(analyzePair(halfOnNext, uniform, { text, sequences: 3, seqlen: 10, engine, signal: AbortSignal.abort(), onProgress: (p) => progressAfterAbort.push(p.done) })).rejects.toThrow();
    expect(progressAfterAbort).toEqual([]);
  });

  it('rejects mismatched vocabularies and bad options with typed errors', async () => {
    const other = fakeModel('other', V + 1, () => new Array<number>(V + 1).fill(0));
    await expect(analyzePair(halfOnNext, other, { text, sequences: 1, seqlen: 10, engine })).rejects.toThrow(ModelPairMismatchError);
    await expect(analyzePair(halfOnNext, uniform, { text, sequences: 1, seqlen: 10, engine, ks: [0] })).rejects.toThrow(AnalysisOptionError);
    await expect(analyzePair(halfOnNext, uniform, { text, sequences: 1, seqlen: 10, engine, energyPositions: [10] })).rejects.toThrow(/energyPositions/);
  });
});
