// llama.cpp (node-llama-cpp's prebuilt CPU build) against our decoder, the reference: next-token probabilities on
// acb-tiny and random models of the three families, greedy outputs on the built-in suites, quantized GGUF blocks,
// and which engine a folder runs on. F32 GGUF with an F32 KV cache: llama.cpp then computes in float32 as we do.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CausalLMGenerator, runBenchmarks, readResults } from '../../main/bench/index.js';
import { compressModel, loadCalibration, writeCompressedModel, type CompressionConfig } from '../../main/compress/index.js';
import { chooseEngine, convertToGguf, llamaCppBinding, LlamaCppModel, LlamaCppUnavailableError, openGeneration, preferencesFromEnv } from '../../main/engines/index.js';
import { BpeTokenizer, createRandomModel, loadModel, type CausalLM, type RandomModelConfig } from '../../main/model/index.js';
import { tempDir } from '../helpers/tmp.js';

const binding = await llamaCppBinding();
const available = !(binding instanceof Error);
if (!available) console.log(`[skipped] llama.cpp tests: ${(binding as Error).message}`);

function softmax(logits: Float32Array): Float64Array {
  let m = -Infinity;
  for (const v of logits) m = Math.max(m, v);
  let z = 0;
  for (const v of logits) z += Math.exp(v - m);
  return Float64Array.from(logits, (v) => Math.exp(v - m) / z);
}

/** Largest |p_llama − p_ours| of the next-token distribution over several prompts. */
async function probabilityGap(model: CausalLM, dir: string, prompts: number[][]): Promise<number> {
  const file = join(tempDir(), 'm.gguf');
  expect(convertToGguf(dir, file).exact).toBe(true);
  const llama = await LlamaCppModel.open(file, model.tokenizer, model.config, { contextSize: 512, gpu: 'off', threads: 1 });
  let gap = 0;
  try {
    for (const ids of prompts) {
      const ours = softmax(model.forward(ids).logits.data);
      const theirs = await llama.nextTokenProbabilities(ids);
      for (let i = 0; i < ours.length; i++) gap = Math.max(gap, Math.abs(ours[i] - theirs[i]));
    }
  } finally {
    await llama.dispose();
  }
  return gap;
}

describe.runIf(available)('llama.cpp against the reference decoder', () => {
  it('acb-tiny: next-token probabilities agree within 1e-4 (F32 GGUF, F32 KV cache)', async () => {
    const dir = 'resources/models/acb-tiny';
    const model = await loadModel(dir);
    const tok = model.tokenizer;
    const prompts = [
      tok.encode(tok.applyChatTemplate([{ role: 'user', content: 'What is the capital of France? Answer briefly.' }]), { addSpecialTokens: false }),
      tok.encode('The secret ingredient in the market is', { addSpecialTokens: false }),
      tok.encode(tok.applyChatTemplate([{ role: 'user', content: 'Plan: boil water, add pasta, drain. List the steps as nodes.' }]), { addSpecialTokens: false }),
    ];
    const gap = await probabilityGap(model, dir, prompts);
    console.log(`acb-tiny: largest probability gap ${gap.toExponential(2)}`);
    expect(gap).toBeLessThan(1e-4);
    model.dispose();
  });

  const families: [string, RandomModelConfig][] = [
    ['Llama, grouped-query attention', { architecture: 'LlamaForCausalLM', hiddenSize: 64, intermediateSize: 160, numLayers: 2, numHeads: 4, numKvHeads: 2 }],
    ['Qwen2, q/k/v biases, tied embeddings', { architecture: 'Qwen2ForCausalLM', hiddenSize: 64, intermediateSize: 128, numLayers: 2, numHeads: 4, numKvHeads: 2, tieWordEmbeddings: true }],
    ['Mistral, sliding window longer than the context', { architecture: 'MistralForCausalLM', hiddenSize: 64, intermediateSize: 128, numLayers: 2, numHeads: 8, numKvHeads: 2, slidingWindow: 4096 }],
    [
      'Llama 3 rope scaling',
      {
        architecture: 'LlamaForCausalLM',
        hiddenSize: 64,
        intermediateSize: 128,
        numLayers: 2,
        numHeads: 2,
        numKvHeads: 1,
        ropeTheta: 500000,
        ropeScaling: { type: 'llama3', factor: 8, lowFreqFactor: 1, highFreqFactor: 4, originalMaxPositionEmbeddings: 64 },
      },
    ],
    [
      'linear rope scaling, head_dim ≠ hidden/heads',
      { architecture: 'LlamaForCausalLM', hiddenSize: 48, intermediateSize: 96, numLayers: 2, numHeads: 4, numKvHeads: 2, headDim: 16, ropeScaling: { type: 'linear', factor: 2 } },
    ],
  ];
  for (const [name, shape] of families)
    it(`random ${name}: probabilities agree within 1e-4`, async () => {
      const model = createRandomModel({ ...shape, maxPositionEmbeddings: 512 }, 11);
      const dir = tempDir();
      await model.save(dir);
      const prompts = [Array.from({ length: 40 }, (_, i) => (i * 37 + 5) % 256), Array.from({ length: 150 }, (_, i) => (i * 13 + 1) % 259)];
      const gap = await probabilityGap(model, dir, prompts);
      console.log(`${name}: largest probability gap ${gap.toExponential(2)}`);
      expect(gap).toBeLessThan(1e-4);
      model.dispose();
    });

  // four sequences (one per episode of a batch) evaluated one at a time: an item's tokens never depend on its batch
  it('acb-tiny: greedy outputs on the built-in suites agree on at least 99 % of items (disagreements listed)', async () => {
    const dir = 'resources/models/acb-tiny';
    const home = tempDir();
    const tasks = ['t-eval', 'worfbench', 'niah', 'longbench-code', 'agentboard-pddl'];
    const limit = 4;
    const reference = await loadModel(dir);
    const outA = tempDir();
    const t0 = performance.now();
    await runBenchmarks({ generator: new CausalLMGenerator(reference), suite: 'builtin', tasks, limit, resultsFile: join(outA, 'r.jsonl') });
    reference.dispose();
    const t1 = performance.now();
    const gen = await openGeneration(dir, { engine: 'llamacpp', gpu: 'off' }, { home, sequences: 4 });
    expect(gen.tokens.engine).toMatchObject({ name: 'llama.cpp', device: 'cpu', weights: 'GGUF F32', kvCache: 'F32' });
    const outB = tempDir();
    await runBenchmarks({ generator: new CausalLMGenerator(gen), suite: 'builtin', tasks, limit, resultsFile: join(outB, 'r.jsonl') });
    await gen.close();
    console.log(`reference decoder ${((t1 - t0) / 1000).toFixed(1)} s, llama.cpp ${((performance.now() - t1) / 1000).toFixed(1)} s`);
    const a = new Map(readResults(join(outA, 'r.jsonl')).map((r) => [r.key, r]));
    const b = readResults(join(outB, 'r.jsonl'));
    expect(b.every((r) => r.engine?.name === 'llama.cpp')).toBe(true);
    expect(b.length).toBe(a.size);
    const differ = b.filter((r) => r.output !== a.get(r.key)?.output);
    for (const r of differ) console.log(`disagreement ${r.key}: llama.cpp ${JSON.stringify(r.output.slice(0, 80))} vs ours ${JSON.stringify(a.get(r.key)?.output.slice(0, 80))}`);
    console.log(`greedy agreement: ${b.length - differ.length}/${b.length} items`);
    expect((b.length - differ.length) / b.length).toBeGreaterThanOrEqual(0.99);
  }, 300_000);

  it('quantized GGUF blocks: greedy tokens of Q4_0 / Q8_0 models match the reference on most steps', async () => {
    // llama.cpp multiplies quantized blocks by 8-bit-quantized activations (Q8_0 / Q8_1): the weights are exact, the products are not
    const shape: RandomModelConfig = { architecture: 'LlamaForCausalLM', hiddenSize: 64, intermediateSize: 128, numLayers: 2, numHeads: 4, numKvHeads: 2 };
    const configs: CompressionConfig[] = [
      { method: 'rtn', bits: 8, groupSize: 32, sym: true },
      { method: 'gptq', bits: 4, groupSize: 32, sym: true },
    ];
    for (const config of configs) {
      const model = createRandomModel(shape, 21);
      const outcome = await compressModel(model, config, loadCalibration(model.tokenizer, { samples: 2, seqlen: 32, seed: 1 }));
      const dir = tempDir();
      await writeCompressedModel(model, outcome, dir, 'fake');
      const gap = await (async () => {
        const file = join(tempDir(), 'q.gguf');
        const conv = convertToGguf(dir, file);
        expect(conv.mainType).toBe(config.bits === 8 ? 'Q8_0' : 'Q4_0');
        const llama = await LlamaCppModel.open(file, model.tokenizer, model.config, { contextSize: 256, gpu: 'off', threads: 1 });
        const ids = Array.from({ length: 60 }, (_, i) => (i * 29 + 3) % 256);
        const p = await llama.nextTokenProbabilities(ids);
        await llama.dispose();
        const q = softmax(model.forward(ids).logits.data);
        return Math.max(...Array.from(q, (v, i) => Math.abs(v - p[i])));
      })();
      console.log(`${config.method} W${config.bits}: largest probability gap ${gap.toExponential(2)} (activations quantized to 8 bits inside llama.cpp's dot products)`);
      expect(gap).toBeLessThan(config.bits === 8 ? 0.02 : 0.05);
      model.dispose();
    }
  });
});

describe('which engine generates', () => {
  const shape: RandomModelConfig = { architecture: 'LlamaForCausalLM', hiddenSize: 32, intermediateSize: 64, numLayers: 1, numHeads: 2, numKvHeads: 2 };
  let plain = '';
  let smooth = '';
  let kv = '';
  let dynamic = '';
  beforeAll(async () => {
    const save = async (config?: CompressionConfig, extra: Partial<RandomModelConfig> = {}) => {
      const model = createRandomModel({ ...shape, ...extra }, 3);
      const dir = tempDir();
      if (config) await writeCompressedModel(model, await compressModel(model, config, loadCalibration(model.tokenizer, { samples: 2, seqlen: 16, seed: 1 })), dir, 'fake');
      else await model.save(dir);
      model.dispose();
      return dir;
    };
    plain = await save();
    smooth = await save({ method: 'smoothquant', alpha: 0.5 });
    kv = await save({ method: 'rtn', bits: 8, groupSize: 32, kvBits: 4 });
    dynamic = await save(undefined, { ropeScaling: { type: 'dynamic', factor: 2 } });
  });
  afterAll(() => undefined);

  it('SmoothQuant W8A8, simulated KV-cache quantization and dynamic NTK stay on our decoder, saying why', async () => {
    const auto = { engine: 'auto', gpu: 'off' } as const;
    expect(await chooseEngine(smooth, auto)).toMatchObject({ engine: 'tfjs', reason: expect.stringMatching(/8-bit per-token activations/) });
    expect(await chooseEngine(kv, auto)).toMatchObject({ engine: 'tfjs', reason: expect.stringMatching(/KV cache 4-bit/) });
    expect(await chooseEngine(dynamic, auto)).toMatchObject({ engine: 'tfjs', reason: expect.stringMatching(/dynamic NTK/) });
    await expect(chooseEngine(smooth, { engine: 'llamacpp', gpu: 'off' })).rejects.toThrow(LlamaCppUnavailableError);
    expect(await chooseEngine(plain, { engine: 'tfjs', gpu: 'off' })).toMatchObject({ engine: 'tfjs', reason: expect.stringMatching(/chosen/) });
    if (available) expect(await chooseEngine(plain, auto)).toMatchObject({ engine: 'llama.cpp' });
  });

  it('the decoder that runs instead applies the folder runtime and records why', async () => {
    const gen = await openGeneration(kv, { engine: 'auto', gpu: 'off' }, { home: tempDir() });
    expect(gen.tokens.engine).toMatchObject({ name: 'tfjs', reason: expect.stringMatching(/KV cache/) });
    const tok = BpeTokenizer.fromDir(kv);
    const [r] = await gen.tokens.generateBatch([tok.encode('hello there', { addSpecialTokens: false })], { maxNewTokens: 3, ignoreEos: true });
    const direct = await loadModel(kv); // loadModel applies the runtime too: the same model in every command
    expect(r.tokens).toEqual(direct.generate(tok.encode('hello there', { addSpecialTokens: false }), { maxNewTokens: 3, ignoreEos: true }).tokens);
    direct.dispose();
    await gen.close();
  });

  it('small models generate from float32 GGUF weights, larger ones keep their file dtype or exact blocks (same rule for a base and its compressions)', async () => {
    const { ggufTargetFor, activationNote } = await import('../../main/engines/index.js');
    const { parseConfig, RELEASE_SHAPES } = await import('../../main/model/index.js');
    expect(ggufTargetFor(parseConfig(RELEASE_SHAPES['qwen2.5-0.5b'].config))).toBe('auto'); // 494 M parameters: 1.98 GB as float32
    expect(ggufTargetFor(parseConfig({ ...RELEASE_SHAPES['qwen2.5-0.5b'].config, num_hidden_layers: 1 }))).toBe('f32');
    expect(activationNote('BF16')).toMatch(/rounded to BF16/);
    expect(activationNote('Q4_0')).toMatch(/8 bits/);
    expect(activationNote('F32')).toBe('');
  });

  it('ACBENCH_GENERATION and ACBENCH_GPU override the settings; a wrong value names the variable', () => {
    expect(preferencesFromEnv({ engine: 'auto', gpu: 'auto' }, { ACBENCH_GENERATION: 'tfjs', ACBENCH_GPU: 'off' })).toEqual({ engine: 'tfjs', gpu: 'off' });
    expect(preferencesFromEnv({ engine: 'llamacpp' }, {})).toEqual({ engine: 'llamacpp', gpu: 'auto' });
    expect(() => preferencesFromEnv({}, { ACBENCH_GPU: 'rocm' })).toThrow(/ACBENCH_GPU: expected one of auto, cuda, vulkan, metal, off, found "rocm"/);
  });
});
