import { describe, expect, it } from 'vitest';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  createRandomModel,
  InsufficientMemoryError,
  loadModel,
  ModelLoadError,
  readHeader,
  readTensorF32,
  SafetensorsError,
  writeSafetensors,
  type Dtype,
  type TensorToWrite,
} from '../../main/model/index.js';
import { tempDir } from '../helpers/tmp.js';

describe('loading checkpoints', () => {
  it('loads a sharded checkpoint (model.safetensors.index.json) to the same logits', async () => {
    const dir = join(tempDir(), 'm');
    await createRandomModel({ architecture: 'Qwen2ForCausalLM', hiddenSize: 32, numHeads: 4, numKvHeads: 2, numLayers: 2 }, 3).save(dir);
    const ids = [4, 8, 15, 16, 23, 42];
    const before = (await loadModel(dir)).forward(ids, { allLogits: true }).logits.data;
    // split the single file into two shards by tensor name, with an index mapping names to files
    const h = readHeader(join(dir, 'model.safetensors'));
    const names = [...h.tensors.keys()].sort();
    const shards: Map<string, TensorToWrite>[] = [new Map(), new Map()];
    const weightMap: Record<string, string> = {};
    names.forEach((n, i) => {
      const info = h.tensors.get(n)!;
      shards[i % 2].set(n, { dtype: info.dtype as Dtype, shape: info.shape, data: readTensorF32(h, n) });
      weightMap[n] = `model-0000${(i % 2) + 1}-of-00002.safetensors`;
    });
    rmSync(join(dir, 'model.safetensors'));
    shards.forEach((s, i) => writeSafetensors(join(dir, `model-0000${i + 1}-of-00002.safetensors`), s));
    writeFileSync(join(dir, 'model.safetensors.index.json'), JSON.stringify({ metadata: {}, weight_map: weightMap }));
    const after = (await loadModel(dir)).forward(ids, { allLogits: true }).logits.data;
    expect(Array.from(after)).toEqual(Array.from(before));
    // a shard named in the index but missing is an error naming the file
    rmSync(join(dir, 'model-00002-of-00002.safetensors'));
    await expect(loadModel(dir)).rejects.toThrow(ModelLoadError);
    await expect(loadModel(dir)).rejects.toThrow(/model-00002-of-00002/);
  });

  it('refuses a model that cannot fit in memory, with the numbers, before reading weights', async () => {
    const dir = join(tempDir(), 'm');
    await createRandomModel({ architecture: 'LlamaForCausalLM', hiddenSize: 16, numHeads: 2, numKvHeads: 1, numLayers: 1 }, 1).save(dir);
    const cfg = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as Record<string, unknown>;
    // 2 TB of float32 weights: hidden 65536, 120 layers
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ ...cfg, hidden_size: 65536, intermediate_size: 262144, num_hidden_layers: 120, num_attention_heads: 512, num_key_value_heads: 512 }));
    const err = await loadModel(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InsufficientMemoryError);
    expect((err as InsufficientMemoryError).neededBytes).toBeGreaterThan(1e12);
    expect((err as Error).message).toMatch(/GiB.*free/);
    // with the override it goes on and then fails on the (small) weights' shapes, a typed safetensors error
    await expect(loadModel(dir, { allowOverMemory: true })).rejects.toBeInstanceOf(SafetensorsError);
  });
});
