import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadModel } from '../../main/model/index.js';
import { JsEngine } from '../../main/tensor/index.js';
import { BpeEncoder, trainBpe, tokenizerFiles } from '../../main/train/bpe.js';
import { buildBatch, copySource, reverseSource, tokenizeExample, type MixtureEntry, type TrainingSource } from '../../main/train/data.js';
import { paramsFromHf, saveHfModel } from '../../main/train/export.js';
import { lossAndGrad, parameterCount, type TinyConfig } from '../../main/train/network.js';
import { engineProducts, float64Products } from '../../main/train/ops.js';
import { DEFAULT_OPTIM, learningRate, type OptimConfig } from '../../main/train/optim.js';
import { train, type TrainOptions } from '../../main/train/trainer.js';
import { tempDir } from '../helpers/tmp.js';

const dirs: string[] = [];
const tmp = () => {
  const d = tempDir('acb-train-test-');
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const texts = Array.from({ length: 40 }, (_, i) => copySource().sample(1, i)).flatMap((e) => ('turns' in e ? e.turns.map((t) => t.content) : []));
const bpe = trainBpe([...texts, 'user assistant Reverse:'], 300);
const enc = new BpeEncoder(bpe);
const { files, ids } = tokenizerFiles(bpe);
const config: TinyConfig = { vocabSize: enc.vocabSize, hidden: 32, layers: 2, heads: 4, kvHeads: 2, headDim: 8, intermediate: 64, ropeTheta: 10000, rmsEps: 1e-5, maxSeq: 64 };
const products = engineProducts(new JsEngine());

function options(over: Partial<TrainOptions>): TrainOptions {
  const optim: OptimConfig = { ...DEFAULT_OPTIM, lr: 1e-2, warmupSteps: 10, totalSteps: over.steps ?? 10 };
  return {
    config,
    optim,
    seed: 3,
    steps: 10,
    batchTokens: 384,
    mixture: [{ source: copySource(4), weight: 1 }],
    encoder: enc,
    specialIds: ids,
    products,
    checkpointDir: tmp(),
    checkpointEvery: 1000,
    resume: false,
    log: () => {},
    ...over,
  };
}

describe('training loop', () => {
  it('learns a prompt-dependent answer: the loss falls below what the answer distribution alone allows', () => {
    // 8 keys with fixed colours: without reading the key the best loss is ln 8 / 2 ≈ 1.04 per answer token
    const facts = [
      ['apple', 'red'],
      ['sky', 'blue'],
      ['grass', 'green'],
      ['snow', 'white'],
      ['coal', 'black'],
      ['sun', 'yellow'],
      ['plum', 'purple'],
      ['rust', 'orange'],
    ];
    const colours: TrainingSource = {
      name: 'toy-colours',
      sample: (seed, index) => {
        const [k, v] = facts[(index * 5 + seed) % facts.length];
        return {
          turns: [
            { role: 'user', content: `Colour of ${k}?` },
            { role: 'assistant', content: v },
          ],
        };
      },
    };
    const words = facts.flat().join(' ');
    const b = trainBpe([words, 'Colour of user assistant'], 300);
    const e = new BpeEncoder(b);
    const losses: number[] = [];
    const r = train(
      options({ steps: 80, mixture: [{ source: colours, weight: 1 }], encoder: e, specialIds: tokenizerFiles(b).ids, config: { ...config, vocabSize: e.vocabSize }, onStep: (_, l) => losses.push(l) }),
    );
    const first = losses.slice(0, 3).reduce((a, c) => a + c) / 3;
    const last = losses.slice(-5).reduce((a, c) => a + c) / 5;
    expect(first).toBeGreaterThan(4);
    expect(last).toBeLessThan(0.5);
    expect(r.state.step).toBe(80);
    expect(r.parameterCount).toBe(parameterCount({ ...config, vocabSize: e.vocabSize }));
  });

  it('lowers the loss of a copy task (letters copied from the prompt)', () => {
    const losses: number[] = [];
    train(options({ steps: 40, mixture: [{ source: copySource(2), weight: 1 }], onStep: (_, l) => losses.push(l) }));
    expect(losses.slice(-5).reduce((a, c) => a + c) / 5).toBeLessThan((0.75 * losses.slice(0, 3).reduce((a, c) => a + c)) / 3);
  });

  it('is reproducible: the same seed gives the same weights bit for bit, another seed does not', () => {
    const a = train(options({ steps: 4 }));
    const b = train(options({ steps: 4 }));
    const c = train(options({ steps: 4, seed: 4 }));
    for (const [name, w] of a.params) expect(Buffer.from(w.buffer).equals(Buffer.from(b.params.get(name)!.buffer))).toBe(true);
    expect(Buffer.from(a.params.get('embed')!.buffer).equals(Buffer.from(c.params.get('embed')!.buffer))).toBe(false);
  });

  it('resumes from a checkpoint to exactly the weights of an uninterrupted run', () => {
    const mixture: MixtureEntry[] = [
      { source: copySource(4), weight: 1 },
      { source: reverseSource(4), weight: 1 },
    ];
    const whole = train(options({ steps: 6, mixture }));
    const dir = tmp();
    const part = train(options({ steps: 6, mixture, checkpointDir: dir, checkpointEvery: 3, maxSeconds: 0 }));
    expect(part.finished).toBe(false);
    expect(part.state.step).toBe(1);
    const rest = train(options({ steps: 6, mixture, checkpointDir: dir, checkpointEvery: 3, resume: true }));
    expect(rest.state.step).toBe(6);
    expect(rest.state.cursor).toBe(whole.state.cursor);
    for (const [name, w] of whole.params) expect(Buffer.from(w.buffer).equals(Buffer.from(rest.params.get(name)!.buffer))).toBe(true);
    expect(() => train(options({ steps: 6, mixture, checkpointDir: dir, resume: true, seed: 9 }))).toThrow(/seed/);
  });

  it('warms up linearly, then decays along a cosine to the floor', () => {
    const o: OptimConfig = { ...DEFAULT_OPTIM, lr: 1, minLrRatio: 0.1, warmupSteps: 10, totalSteps: 110 };
    expect(learningRate(o, 0)).toBeCloseTo(0.1);
    expect(learningRate(o, 9)).toBeCloseTo(1);
    expect(learningRate(o, 60)).toBeCloseTo(0.55); // halfway: 0.1 + 0.9·½
    expect(learningRate(o, 110)).toBeCloseTo(0.1);
  });
});

describe('Hugging Face export', () => {
  it('loads in the runtime, whose logits give the loss our forward computes', async () => {
    const r = train(options({ steps: 3 }));
    const dir = tmp();
    saveHfModel(dir, config, r.params, ids, files);
    const cfg = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
    expect(cfg.architectures).toEqual(['LlamaForCausalLM']);
    expect(cfg.tie_word_embeddings).toBe(true);
    const model = await loadModel(dir, { engine: new JsEngine() });
    const seq = tokenizeExample(copySource(4).sample(3, 99), enc, ids).ids;
    const logits = model.forward(seq, { allLogits: true }).logits;
    let ours = 0;
    for (let t = 0; t + 1 < seq.length; t++) {
      const row = logits.data.subarray(t * logits.cols, (t + 1) * logits.cols);
      const max = Math.max(...row);
      let sum = 0;
      for (const z of row) sum += Math.exp(z - max);
      ours += Math.log(sum) + max - row[seq[t + 1]];
    }
    ours /= seq.length - 1;
    const batch = { ids: Int32Array.from(seq), targets: Int32Array.from([...seq.slice(1), -1]), weights: new Float32Array(seq.length).fill(1), segments: [{ start: 0, len: seq.length }] };
    batch.weights[seq.length - 1] = 0;
    const f64 = new Map([...r.params].map(([k, v]) => [k, Float64Array.from(v)]));
    const mine = lossAndGrad(config, f64, batch, float64Products(), { backward: false }).loss;
    expect(Math.abs(mine - ours)).toBeLessThan(1e-4);
    expect(model.tokenizer.decode(seq)).toBe(enc.decode(seq));
    model.dispose();
  });

  it('reads its own export back into the same training weights (train:tiny --init), and training continues from them', () => {
    const r = train(options({ steps: 2 }));
    const dir = tmp();
    saveHfModel(dir, config, r.params, ids, files);
    const back = paramsFromHf(dir, config, products.alloc);
    expect([...back.keys()].sort()).toEqual([...r.params.keys()].sort());
    for (const [k, v] of r.params) expect(Array.from(back.get(k)!)).toEqual(Array.from(v));
    const cont = train(options({ steps: 1, init: back }));
    const fresh = train(options({ steps: 1 }));
    expect(cont.params.get('embed')).not.toEqual(fresh.params.get('embed'));
    expect(() => paramsFromHf(dir, { ...config, hidden: 16 }, products.alloc)).toThrow(/expected tensor model\.embed_tokens\.weight of shape/);
  });

  it('batches never exceed the model context', () => {
    const b = buildBatch([{ source: copySource(4), weight: 1 }], 1, 0, 10_000, 64, enc, ids);
    expect(Math.max(...b.batch.segments.map((s) => s.len))).toBeLessThanOrEqual(64);
  });
});
