// The decoder's exact outputs on fixed seeds: full-forward logits and hidden states, one layer's forward with its
// linear-input hook and early stop, the packed decode step's logits (one sequence, and several over their own caches,
// with and without runtime transforms), and the tokens of batched generation with prefix reuse. The digests were taken
// before the transformer block was written once; moving code must leave every one of them unchanged.
import { describe, expect, it } from 'vitest';
import { JsEngine } from '../../main/tensor/index.js';
import { digest, expectRecorded } from '../helpers/digest.js';
import { createRandomModel, DecoderModel, kvQuantTransform, perTokenActivationTransform, perTokenProjectionOutputTransform, type LinearName, type RandomModelConfig } from '../../main/model/index.js';

const engine = new JsEngine();
const FAMILIES: [string, RandomModelConfig][] = [
  ['llama GQA, linear rope', { architecture: 'LlamaForCausalLM', hiddenSize: 32, numHeads: 4, numKvHeads: 2, numLayers: 2, ropeScaling: { type: 'linear', factor: 2 } }],
  ['qwen2 biases, tied', { architecture: 'Qwen2ForCausalLM', hiddenSize: 32, numHeads: 4, numKvHeads: 2, numLayers: 2, tieWordEmbeddings: true }],
  ['qwen2 dynamic rope', { architecture: 'Qwen2ForCausalLM', hiddenSize: 24, numHeads: 2, numKvHeads: 1, numLayers: 2, ropeScaling: { type: 'dynamic', factor: 2 }, maxPositionEmbeddings: 8 }],
  ['mistral sliding window', { architecture: 'MistralForCausalLM', hiddenSize: 32, numHeads: 4, numKvHeads: 2, numLayers: 2, slidingWindow: 5 }],
];
const ids = (n: number, seed: number) => Array.from({ length: n }, (_, i) => 3 + ((i * 37 + seed * 11) % 250));

/** The packed step and its caches are private: the digest reads them as the generator does. */
interface PackedInternals {
  packedStep(segments: number[][], starts: number[], caches: unknown[][]): Float32Array;
  newCaches(capacity: number): unknown[];
}

function decoderDigest(model: DecoderModel): string {
  const h = digest();
  const bytes = h.bytes;
  const prompt = ids(14, 1);
  const full = model.forward(prompt, { allLogits: true, hiddenLayers: [0, 1, -1] });
  bytes(full.logits.data);
  for (const k of [0, 1, -1]) bytes(full.hidden.get(k)!.data);
  // one layer, as compression runs it: the hook sees each linear's input; `until` stops at the MLP
  const positions = Int32Array.from(prompt, (_, i) => i);
  const layer = model.layers[1];
  const seen: string[] = [];
  const out = layer.forward(model.embed(prompt), positions, (name: LinearName, x) => {
    seen.push(name);
    bytes(x.data);
  });
  bytes(out!.data);
  expect(layer.forward(model.embed(prompt), positions, (name: LinearName, x) => bytes(x.data), 'gate_proj')).toBeNull();
  h.text(seen.join(','));
  // the packed step: one sequence, then three sequences of different lengths over their own caches, then a decode step
  const packed = model as unknown as PackedInternals;
  const one = [packed.newCaches(40)];
  bytes(packed.packedStep([prompt], [0], one));
  bytes(packed.packedStep([[7]], [prompt.length], one));
  const prompts = [ids(9, 2), ids(3, 3), ids(12, 4)];
  const caches = prompts.map(() => packed.newCaches(40));
  bytes(packed.packedStep(prompts, [0, 0, 0], caches));
  bytes(
    packed.packedStep(
      [[11], [12], [13]],
      prompts.map((p) => p.length),
      caches,
    ),
  );
  // batched greedy generation with prefix reuse
  const head = ids(20, 5);
  for (const r of model.generateBatch(
    [
      [...head, ...ids(6, 6)],
      [...head, ...ids(4, 7)],
    ],
    { maxNewTokens: 5, ignoreEos: true, reusePrefix: true },
  ))
    h.text(r.tokens.join(','));
  for (const r of model.generateBatch([[...head, ...ids(6, 6), 9, 9, 9], ids(7, 8)], { maxNewTokens: 5, ignoreEos: true, reusePrefix: true })) h.text(`${r.tokens.join(',')}|${r.stats.reusedTokens}`);
  return h.hex();
}

// digests of the code before the block was written once (commit 58178b1)
const GOLDEN: Record<string, string> = {
  'llama GQA, linear rope': '1aa7d7d881cb586c1dee6571',
  'llama GQA, linear rope +runtime': '84b4976dae4f7935591f0ddf',
  'qwen2 biases, tied': 'f560988b94e337319da0de47',
  'qwen2 biases, tied +runtime': 'fa88e4ab05b3190614920e8e',
  'qwen2 dynamic rope': '0998dd70ef63f552b667e60d',
  'qwen2 dynamic rope +runtime': '9a0702828439f48a6718dad4',
  'mistral sliding window': '16bb6c0cd6283df8fb9eac12',
  'mistral sliding window +runtime': 'a47df9d2c22d191292d0d1b5',
};

describe('decoder outputs are bit-identical to the recorded ones', () => {
  for (const [name, cfg] of FAMILIES)
    for (const runtime of [false, true])
      it(`${name}${runtime ? ', W8A8 + BMM inputs + KV4' : ''}`, () => {
        const model = createRandomModel(cfg, 23, engine) as DecoderModel;
        if (runtime) {
          model.setActivationTransform(perTokenActivationTransform(8));
          model.setOutputTransform(perTokenProjectionOutputTransform(8));
          model.setKvTransform(kvQuantTransform(4, -1));
        }
        expectRecorded(GOLDEN, `${name}${runtime ? ' +runtime' : ''}`, decoderDigest(model));
      });
});
