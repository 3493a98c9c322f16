import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { COMPRESSION_METADATA_FILE, RuntimeMetadataError, applyRuntime, createRandomModel, describeRuntime, loadModel, readRuntime } from '../../main/model/index.js';
import { compressModel, loadCalibration, writeCompressedModel } from '../../main/compress/index.js';
import { tempDir } from '../helpers/tmp.js';

const cfg = { architecture: 'LlamaForCausalLM' as const, hiddenSize: 32, intermediateSize: 64, numLayers: 2, numHeads: 4, numKvHeads: 2 };

function folderWith(runtime: unknown): string {
  const dir = tempDir('acb-rt-');
  writeFileSync(join(dir, COMPRESSION_METADATA_FILE), JSON.stringify({ runtime }));
  return dir;
}

describe('runtime transforms recorded in a compressed folder', () => {
  it('reads the attention-BMM-input bits; folders written before the field existed have none', () => {
    expect(readRuntime(folderWith({ activationBits: 8, bmmInputBits: 8, kvCache: null }))).toEqual({ activationBits: 8, bmmInputBits: 8, kvCache: null });
    expect(readRuntime(folderWith({ activationBits: 8, kvCache: null }))).toEqual({ activationBits: 8, bmmInputBits: null, kvCache: null });
    expect(() => readRuntime(folderWith({ activationBits: 8, bmmInputBits: 1, kvCache: null }))).toThrow(RuntimeMetadataError);
    expect(describeRuntime({ activationBits: 8, bmmInputBits: 8, kvCache: null })).toBe('8-bit per-token activations, 8-bit per-token q/k/v (attention inputs)');
  });

  it('a SmoothQuant folder loads with its BMM-input quantization: the same logits as the model that was compressed', async () => {
    const dir = tempDir('acb-rt-sq-');
    const compressed = createRandomModel(cfg, 4);
    const outcome = await compressModel(compressed, { method: 'smoothquant', alpha: 0.5 }, loadCalibration(compressed.tokenizer, { samples: 2, seqlen: 16, seed: 1 }));
    await writeCompressedModel(compressed, outcome, dir, 'fake');
    expect(outcome.report.activations).toEqual({ bits: 8, granularity: 'per-token', bmmInputs: true });
    expect(readRuntime(dir).bmmInputBits).toBe(8);
    const ids = [5, 9, 14, 3, 7, 21, 2];
    const want = compressed.forward(ids, { allLogits: true }).logits.data;
    const loaded = await loadModel(dir);
    expect(Array.from(loaded.forward(ids, { allLogits: true }).logits.data)).toEqual(Array.from(want));
    // without the BMM-input step (activations only) the logits move: the transform is really applied
    applyRuntime(loaded, { activationBits: 8, bmmInputBits: null, kvCache: null });
    const withoutBmm = loaded.forward(ids, { allLogits: true }).logits.data;
    expect(withoutBmm.some((v, i) => Math.abs(v - want[i]) > 1e-6)).toBe(true);
    for (const m of [compressed, loaded]) m.dispose();
  });
});
