// Lean memory: a loaded model holds its weights on the engine only (the checkpoint is read again when a stage needs a
// weight), the embedding in its file dtype; saves stream and shard; compression layer at a time writes the same folder.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compressToFolder, loadCalibration, shouldStream } from '../../main/compress/index.js';
import {
  Checkpoint,
  createRandomModel,
  parseConfig,
  loadModel,
  RELEASE_SHAPES,
  residentBytesOf,
  streamedBytesOf,
  writeReleaseCheckpoint,
  type DecoderModel,
  type RandomModelConfig,
} from '../../main/model/index.js';
import { tempDir } from '../helpers/tmp.js';

const shape: RandomModelConfig = { architecture: 'Qwen2ForCausalLM', hiddenSize: 64, intermediateSize: 128, numLayers: 3, numHeads: 4, numKvHeads: 2 };

describe('lean models', () => {
  it('a loaded BF16 checkpoint keeps its embedding in BF16 and reads linears from the file when asked', async () => {
    const dir = tempDir();
    writeReleaseCheckpoint(dir, RELEASE_SHAPES['qwen2.5-0.5b'], { layers: 1 });
    const ckpt = Checkpoint.open(dir);
    expect(ckpt.floatDtype('model.embed_tokens.weight')).toBe('BF16');
    expect(ckpt.bytes).toBe(151936 * 896 * 2 + (896 * 896 * 2 + 896 * 128 * 2 + 3 * 896 * 4864) * 2 + (896 + 2 * 128) * 2 + 3 * 896 * 2); // embedding, linears, q/k/v biases, norms: BF16
    const model = (await loadModel(dir)) as DecoderModel;
    const embed = (model as unknown as { weights: { embed: { values: { dtype: string } } } }).weights.embed.values;
    expect(embed.dtype).toBe('BF16');
    expect(model.layers[0].slot('down_proj').weight).toBeUndefined(); // nothing in memory until a stage reads it
    const w = model.layers[0].linear('down_proj').weight;
    expect(Array.from(w.data.subarray(0, 4))).toEqual(Array.from(ckpt.readF32('model.layers.0.mlp.down_proj.weight').subarray(0, 4)));
    expect(model.tokenizer.vocabSize).toBe(151665);
    // the model's own forward runs on those weights (one layer here)
    expect(model.forward(model.tokenizer.encode('Hello world')).logits.cols).toBe(151936);
    model.dispose();
  });

  it('the memory a model needs, resident and layer at a time, is stated from its config (Qwen2.5-7B shapes)', () => {
    const full = parseConfig(RELEASE_SHAPES['qwen2.5-7b'].config);
    // 7.07 B linears + 0.55 B embedding + 0.55 B head: resident float32 ≈ 28 GiB; streamed ≈ embedding (BF16) + 2 layers ≈ 3 GiB
    expect(residentBytesOf(full, 2) / 2 ** 30).toBeCloseTo((6.53e9 * 4 + 152064 * 3584 * 4 + 152064 * 3584 * 2) / 2 ** 30, 0);
    expect(streamedBytesOf(full, 2) / 2 ** 30).toBeLessThan(3.2);
    expect(shouldStream(full, 24 * 2 ** 30, {})).toBe(true);
    expect(shouldStream({ ...full, numLayers: 1, vocabSize: 1000 }, 24 * 2 ** 30, {})).toBe(false);
  });

  it('save streams tensors into shards with an index; the sharded folder loads to the same model', async () => {
    const model = createRandomModel(shape, 4);
    const dir = tempDir();
    await model.save(dir, {}, { shardBytes: 100_000 });
    const shards = readdirSync(dir).filter((f) => f.endsWith('.safetensors'));
    expect(shards.length).toBeGreaterThan(2);
    const index = JSON.parse(readFileSync(join(dir, 'model.safetensors.index.json'), 'utf8')) as { weight_map: Record<string, string> };
    expect(new Set(Object.values(index.weight_map))).toEqual(new Set(shards));
    const back = await loadModel(dir);
    expect(back.hash).toBe(model.hash);
    back.dispose();
    model.dispose();
  });

  it('GPTQ layer at a time writes the same folder as all at once: weights, codes and runtime', async () => {
    const base = tempDir();
    createRandomModel(shape, 9).save(base);
    const calibration = loadCalibration((await loadModel(base)).tokenizer, { samples: 4, seqlen: 32, seed: 3 });
    const out = { resident: tempDir(), streamed: tempDir() };
    for (const mode of ['resident', 'streamed'] as const) {
      const model = await loadModel(base, { residency: mode });
      await compressToFolder(model, { method: 'gptq', bits: 4, groupSize: 32, sym: true, kvBits: 8 }, calibration, out[mode], 'fake', { streamed: mode === 'streamed' });
      model.dispose();
    }
    expect(existsSync(join(out.streamed, '.acbench-spill'))).toBe(false);
    expect(readdirSync(out.streamed).filter((f) => f.startsWith('acbench-codes-'))).toHaveLength(3); // one codes file per layer
    const [a, b] = [await loadModel(out.resident), await loadModel(out.streamed)];
    expect(b.hash).toBe(a.hash); // same weights, same runtime (KV8)
    for (let l = 0; l < 3; l++) expect(Checkpoint.open(out.streamed).linearCodes(l, 'up_proj')!.codes).toEqual(Checkpoint.open(out.resident).linearCodes(l, 'up_proj')!.codes);
    a.dispose();
    b.dispose();
  });
});

describe('one loader for every command', () => {
  it('a compressed folder opens with its runtime (KV-cache and activation quantization) unless asked not to', async () => {
    const { compressModel, writeCompressedModel } = await import('../../main/compress/index.js');
    for (const config of [
      { method: 'rtn', bits: 8, groupSize: 32, kvBits: 4 },
      { method: 'smoothquant', alpha: 0.5 },
    ] as const) {
      const model = createRandomModel(shape, 12);
      const outcome = await compressModel(model, config, loadCalibration(model.tokenizer, { samples: 2, seqlen: 32, seed: 1 }));
      const dir = tempDir();
      await writeCompressedModel(model, outcome, dir, 'fake');
      const ids = Array.from({ length: 40 }, (_, i) => (i * 17 + 3) % 256);
      const inMemory = model.forward(ids).logits.data; // the model as compression left it: transforms installed
      const opened = await loadModel(dir); // what logits, analyze, generate and eval open
      const bare = await loadModel(dir, { runtime: false });
      expect(opened.forward(ids).logits.data).toEqual(inMemory);
      expect(bare.forward(ids).logits.data).not.toEqual(inMemory);
      for (const m of [model, opened, bare]) m.dispose();
    }
  });
});

describe('statistics layer at a time', () => {
  it('a streamed pair gives the same statistics as a resident one (each layer uploaded once for all sequences)', async () => {
    const { analyzePair } = await import('../../main/analysis/index.js');
    const { compressModel, writeCompressedModel } = await import('../../main/compress/index.js');
    const base = tempDir();
    const model = createRandomModel(shape, 14);
    await model.save(base);
    const outcome = await compressModel(model, { method: 'rtn', bits: 4, groupSize: 32 }, undefined);
    const comp = tempDir();
    await writeCompressedModel(model, outcome, comp, 'fake');
    model.dispose();
    const run = async (residency: 'resident' | 'streamed') => {
      const [b, c] = [await loadModel(base, { residency }), await loadModel(comp, { residency })];
      const r = await analyzePair(b, c, { sequences: 3, seqlen: 24, text: 'The quick brown fox jumps over the lazy dog. '.repeat(40) });
      const layersResident = (b as DecoderModel).layers.filter((l) => l.resident).length;
      b.dispose();
      c.dispose();
      return { r, layersResident };
    };
    const resident = await run('resident');
    const streamed = await run('streamed');
    expect(resident.layersResident).toBe(3);
    expect(streamed.layersResident).toBe(0); // every layer freed after the sequences passed it
    const { seconds: _a, ...a } = resident.r;
    const { seconds: _b, ...b } = streamed.r;
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
  });

  it('generation on a streamed model holds one layer at a time and gives the resident tokens; openGeneration streams what would not fit', async () => {
    const { openGeneration } = await import('../../main/engines/index.js');
    const dir = tempDir();
    const model = createRandomModel(shape, 15);
    await model.save(dir);
    model.dispose();
    const prompt = Array.from({ length: 20 }, (_, i) => 3 + ((i * 7) % 200));
    const run = async (residency: 'resident' | 'streamed') => {
      const m = (await loadModel(dir, { residency })) as DecoderModel;
      const r = m.generate(prompt, { maxNewTokens: 6, ignoreEos: true });
      const layersResident = m.layers.filter((l) => l.resident).length;
      m.dispose();
      return { tokens: r.tokens, layersResident };
    };
    const resident = await run('resident');
    const streamed = await run('streamed');
    expect(resident.layersResident).toBe(3);
    expect(streamed.layersResident).toBe(0); // released after every step's pass, not kept from the first
    expect(streamed.tokens).toEqual(resident.tokens);
    // the generation engine's loader asks residencyFor (ACBENCH_STREAMED=1 forces what a 7B checkpoint gets)
    const before = process.env.ACBENCH_STREAMED;
    process.env.ACBENCH_STREAMED = '1';
    try {
      const gen = await openGeneration(dir, { engine: 'tfjs', gpu: 'off' }, { home: tempDir() });
      expect(gen.tokens.engine.weights).toBe('float32, a layer at a time');
      const [r] = await gen.tokens.generateBatch([prompt], { maxNewTokens: 6, ignoreEos: true });
      expect(r.tokens).toEqual(resident.tokens);
      await gen.close();
    } finally {
      if (before === undefined) delete process.env.ACBENCH_STREAMED;
      else process.env.ACBENCH_STREAMED = before;
    }
  });
});
