import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { createRandomModel, loadModel, type RandomModelConfig } from '../../main/model/index.js';
import { ReferenceModel } from './reference.js';
import { tempDir } from '../helpers/tmp.js';

const FAMILIES: [string, RandomModelConfig][] = [
  ['Llama, GQA, linear rope scaling', { architecture: 'LlamaForCausalLM', hiddenSize: 32, numHeads: 4, numKvHeads: 2, numLayers: 2, ropeScaling: { type: 'linear', factor: 2 } }],
  [
    'Llama, llama3 rope scaling, untied',
    {
      architecture: 'LlamaForCausalLM',
      hiddenSize: 32,
      numHeads: 4,
      numKvHeads: 1,
      numLayers: 2,
      ropeScaling: { type: 'llama3', factor: 8, lowFreqFactor: 1, highFreqFactor: 4, originalMaxPositionEmbeddings: 16 },
    },
  ],
  ['Qwen2, q/k/v biases, tied embeddings', { architecture: 'Qwen2ForCausalLM', hiddenSize: 32, numHeads: 4, numKvHeads: 2, numLayers: 2, tieWordEmbeddings: true }],
  [
    'Qwen2, dynamic rope past max positions',
    { architecture: 'Qwen2ForCausalLM', hiddenSize: 24, numHeads: 2, numKvHeads: 1, numLayers: 1, ropeScaling: { type: 'dynamic', factor: 2 }, maxPositionEmbeddings: 8 },
  ],
  ['Mistral, sliding window', { architecture: 'MistralForCausalLM', hiddenSize: 32, numHeads: 4, numKvHeads: 2, numLayers: 2, slidingWindow: 5 }],
];

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe('decoder against an independent float64 reference', () => {
  for (const [name, cfg] of FAMILIES)
    it(`${name}: logits agree to 1e-4`, async () => {
      const dir = join(tempDir(), 'm');
      await createRandomModel(cfg, 11).save(dir);
      const model = await loadModel(dir);
      const ids = [5, 17, 200, 3, 99, 42, 7, 255, 1, 64, 128, 33];
      const ours = model.forward(ids, { allLogits: true }).logits;
      const ref = new ReferenceModel(dir).forward(ids);
      expect(ours.rows).toBe(ids.length);
      expect(maxAbsDiff(ours.data, ref.flat())).toBeLessThan(1e-4);
    });
});

describe('decoding', () => {
  it('KV-cache decoding equals full recomputation at every step', () => {
    const model = createRandomModel({ architecture: 'MistralForCausalLM', hiddenSize: 32, numHeads: 4, numKvHeads: 2, numLayers: 2, slidingWindow: 6 }, 4);
    const prompt = [10, 20, 30, 40];
    const out = model.generate(prompt, { maxNewTokens: 10, ignoreEos: true });
    const seq = [...prompt];
    for (const token of out.tokens) {
      const logits = model.forward(seq).logits.data;
      let best = 0;
      for (let i = 1; i < logits.length; i++) if (logits[i] > logits[best]) best = i;
      expect(token).toBe(best);
      seq.push(token);
    }
  });

  it('batched generation equals one prompt at a time, and is deterministic', () => {
    const model = createRandomModel({ architecture: 'Qwen2ForCausalLM', hiddenSize: 32, numHeads: 4, numKvHeads: 2, numLayers: 2 }, 8);
    const prompts = [[1, 2, 3], [50, 60, 70, 80, 90, 100], [7]];
    const batch = model.generateBatch(prompts, { maxNewTokens: 6, ignoreEos: true });
    prompts.forEach((p, i) => expect(batch[i].tokens).toEqual(model.generate(p, { maxNewTokens: 6, ignoreEos: true }).tokens));
    expect(model.generateBatch(prompts, { maxNewTokens: 6, ignoreEos: true }).map((r) => r.tokens)).toEqual(batch.map((r) => r.tokens));
  });

  it('stops at a stop sequence, at EOS, at max tokens, and when aborted', () => {
    const model = createRandomModel({ architecture: 'LlamaForCausalLM' }, 2);
    const free = model.generate([65, 66], { maxNewTokens: 8, ignoreEos: true });
    expect(free.finishReason).toBe('length');
    expect(free.tokens).toHaveLength(8);
    const stopAt = free.text.slice(2, 3);
    if (stopAt) {
      const stopped = model.generate([65, 66], { maxNewTokens: 8, ignoreEos: true, stop: [stopAt] });
      expect(stopped.finishReason).toBe('stop');
      expect(stopped.text).not.toContain(stopAt);
    }
    // without ignoreEos a run ends at EOS or the token limit, and never emits EOS itself
    const r = model.generate([65, 66], { maxNewTokens: 8 });
    expect(['eos', 'length']).toContain(r.finishReason);
    expect(r.tokens.some((t) => model.tokenizer.eosTokenIds.includes(t))).toBe(false);
    const controller = new AbortController();
    controller.abort();
    expect(model.generate([65, 66], { maxNewTokens: 8, ignoreEos: true, signal: controller.signal }).finishReason).toBe('aborted');
  });

  it('streams tokens whose pieces add up to the text', () => {
    const model = createRandomModel({ architecture: 'LlamaForCausalLM' }, 6);
    let streamed = '';
    const r = model.generate(model.tokenizer.encode('Hi'), { maxNewTokens: 12, ignoreEos: true, onToken: (_id, piece) => (streamed += piece) });
    expect(streamed).toBe(r.text);
  });

  it('returns hidden states of any layer and after the final norm', () => {
    const model = createRandomModel({ architecture: 'LlamaForCausalLM', numLayers: 3 }, 1);
    const out = model.forward([1, 2, 3, 4], { hiddenLayers: [0, 2, -1] });
    expect([...out.hidden.keys()].sort()).toEqual([-1, 0, 2]);
    expect(out.hidden.get(0)!.rows).toBe(4);
    expect(out.logits.rows).toBe(1);
  });
});
