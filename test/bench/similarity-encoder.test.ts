import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EncoderSimilarity, LexicalSimilarity, cosine, scoreFile, selectSimilarity } from '../../main/bench/index.js';
import { SentenceEncoder } from '../../main/model/index.js';
import { writeEncoderFolder, type Spec } from '../model/encoder-fixture.js';
import { haveSamples, runBenchCommand, samplesDir } from './helpers.js';

import { tempDir } from '../helpers/tmp.js';

const spec: Spec = { kind: 'mpnet', hidden: 16, heads: 4, layers: 1, intermediate: 32, positions: 40, pooling: { pooling_mode_mean_tokens: true }, normalize: true };

const run = runBenchCommand;

describe('choosing the sentence similarity', () => {
  const dir = join(tempDir('acb-sim-'), 'tiny-mpnet');
  writeEncoderFolder(dir, spec, 21);

  it('without a folder: the lexical fallback, labelled lexical-sim', async () => {
    const s = await selectSimilarity();
    expect(s).toBeInstanceOf(LexicalSimilarity);
    expect(s.deviation).toBe('lexical-sim');
  });

  it('with a sentence-transformers folder: cosine of its embeddings, independent of the other strings in a call', async () => {
    const s = await selectSimilarity(dir);
    expect(s).toBeInstanceOf(EncoderSimilarity);
    expect(s.id).toBe('sentence-transformers:tiny-mpnet');
    expect(s.deviation).toBe('other-sentence-encoder'); // not all-mpnet-base-v2
    const enc = SentenceEncoder.load(dir);
    const a = 'the quick brown fox';
    const b = 'hello world';
    const m = s.matrix([a], [b]);
    expect(m[0][0]).toBeCloseTo(cosine(enc.encodeOne(a), enc.encodeOne(b)), 6);
    expect(s.matrix([a, 'the lazy dog'], ['x', b])[0][1]).toBe(m[0][0]);
    expect(s.matrix([a], [a])[0][0]).toBeCloseTo(1, 6);
  });

  it('cosine is a·b/(‖a‖‖b‖), and 0 for a zero vector (util.cos_sim)', () => {
    expect(cosine(Float32Array.from([1, 0]), Float32Array.from([1, 1]))).toBeCloseTo(Math.SQRT1_2, 7);
    expect(cosine(Float32Array.from([3, 4]), Float32Array.from([-3, -4]))).toBeCloseTo(-1, 7);
    expect(cosine(Float32Array.from([0, 0]), Float32Array.from([1, 1]))).toBe(0);
  });

  it('a folder named all-mpnet-base-v2 with that architecture carries no deviation', () => {
    const enc = { dir: '/models/all-mpnet-base-v2', config: { modelType: 'mpnet', hiddenSize: 768, numLayers: 12 }, encode: () => [] } as unknown as SentenceEncoder;
    expect(new EncoderSimilarity(enc).deviation).toBeUndefined();
    const other = { ...enc, dir: '/models/all-MiniLM-L6-v2', config: { modelType: 'bert', hiddenSize: 384, numLayers: 6 } } as unknown as SentenceEncoder;
    expect(new EncoderSimilarity(other).deviation).toBe('other-sentence-encoder');
  });

  it('score --similarity-model: a bad folder exits 2 saying what was expected', async () => {
    const r = await run('score', ['--benchmark', 'worfbench', '--data', 'x.json', '--predictions', 'p.jsonl', '--similarity-model', tempDir('acb-nosim-')]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--similarity-model: expected a sentence-transformers folder/);
  });

  it.skipIf(!haveSamples)('score --similarity-model scores WorfBench with that encoder (the same numbers as scoring with it directly), and lexical-sim is gone', async () => {
    const wf = join(samplesDir, 'worfbench/os_graph_eval.first5.json');
    const items = JSON.parse(readFileSync(wf, 'utf8')) as { id: string; conversations: { content: string }[] }[];
    const preds = join(tempDir('acb-simwf-'), 'wf.jsonl');
    writeFileSync(preds, items.map((x) => JSON.stringify({ id: x.id, prediction: x.conversations[2].content })).join('\n'));
    const r = await run('score', ['--benchmark', 'worfbench', '--data', wf, '--predictions', preds, '--similarity-model', dir, '--json']);
    expect(r.code, r.err).toBe(0);
    const lexical = await run('score', ['--benchmark', 'worfbench', '--data', wf, '--predictions', preds, '--json']);
    type Scored = { score: { score: number }; deviations: (string | { label: string })[] };
    const j = JSON.parse(r.out) as Scored;
    const l = JSON.parse(lexical.out) as Scored;
    const direct = await scoreFile('worfbench', wf, preds, new EncoderSimilarity(SentenceEncoder.load(dir)));
    expect(j.score.score).toBe(direct.score.score);
    // a random encoder finds unrelated node texts similar, so node matching differs from the lexical run's
    expect(j.score.score).not.toBe(l.score.score);
    const labels = (d: Scored['deviations']) => d.map((x) => (typeof x === 'string' ? x : x.label));
    expect(labels(l.deviations)).toContain('lexical-sim');
    expect(labels(j.deviations)).not.toContain('lexical-sim');
    expect(labels(j.deviations)).toContain('other-sentence-encoder');
  });
});
