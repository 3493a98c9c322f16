import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compressModel } from '../../main/compress/driver.js';
import { hashTokenIds, type CalibrationSet } from '../../main/compress/calibration.js';
import { readQuantizedLinears, restoreRuntimeTransforms, writeCompressedModel, readSafetensors, COMPRESSION_METADATA_FILE } from '../../main/compress/export/write.js';
import { linearPrefix } from '../../main/compress/export/formats.js';
import { seededRandom } from '../../main/compress/rng.js';
import { CompressionConfigError } from '../../main/compress/errors.js';
import type { LinearName } from '../../main/model/types.js';
import { MiniModel, type MiniShape } from './minimodel.js';
import { tempDir } from '../helpers/tmp.js';
import { dequantRecord } from '../../main/compress/quant/minmax.js';
import { fromFp16Bits, toFp16Bits } from '../../main/compress/export/fp16.js';

const shape: MiniShape = { hidden: 64, intermediate: 128, layers: 2, heads: 4, kvHeads: 4, vocab: 50 };
const r = seededRandom(4);
const samples = Array.from({ length: 4 }, () => Array.from({ length: 16 }, () => Math.floor(r() * 50)));
const cal: CalibrationSet = { source: 't', samples, seqlen: 16, seed: 4, corpusTokens: 64, hash: hashTokenIds(samples) };
const NAMES: LinearName[] = ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj'];

describe('export folders', () => {
  it('GPTQ format: packed tensors + quantize_config, unpacking gives the codes with fp16 scales (within 2⁻¹¹ of the fake-quant weights)', async () => {
    const m = new MiniModel(shape);
    const outcome = await compressModel(m, { method: 'gptq', bits: 4, groupSize: 32, actOrder: true }, cal);
    const dir = tempDir('acb-gptq-');
    await writeCompressedModel(m, outcome, dir, 'gptq');
    const qc = JSON.parse(readFileSync(join(dir, 'quantize_config.json'), 'utf8'));
    expect(qc).toMatchObject({ bits: 4, group_size: 32, desc_act: true, sym: true, quant_method: 'gptq', checkpoint_format: 'gptq' });
    expect(JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')).quantization_config).toEqual(qc);
    const { tensors } = readSafetensors(join(dir, 'model.safetensors'));
    expect(tensors.get('model.layers.0.self_attn.q_proj.qweight')!.shape).toEqual([8, 64]);
    expect(tensors.get('model.layers.0.mlp.down_proj.g_idx')!.shape).toEqual([128]);
    expect(tensors.get('model.layers.0.self_attn.q_proj.weight')).toBeUndefined();
    expect(tensors.get('model.embed_tokens.weight')!.dtype).toBe('F16');
    const lin = readQuantizedLinears(dir);
    expect(lin.size).toBe(14);
    m.layers.forEach((l, i) =>
      NAMES.forEach((n) => {
        const rec = outcome.records.get(`${i}.${n}`)!;
        const packed = lin.get(linearPrefix(i, n))!.data;
        expect(packed).toEqual(dequantRecord({ ...rec, scales: rec.scales.map((v) => fromFp16Bits(toFp16Bits(v))) }));
        const fake = l.linear(n).weight.data;
        packed.forEach((v, k) => expect(Math.abs(v - fake[k])).toBeLessThanOrEqual(2 ** -11 * Math.abs(fake[k]) + 1e-12));
      }),
    );
    const meta = JSON.parse(readFileSync(join(dir, COMPRESSION_METADATA_FILE), 'utf8'));
    expect(meta.report.calibration.hash).toBe(cal.hash);
    expect(meta.export).toBe('gptq');
  });

  it('AWQ GEMM format round-trips exactly', async () => {
    const m = new MiniModel(shape);
    const outcome = await compressModel(m, { method: 'awq', groupSize: 32 }, cal, { tuning: { awqSearchTokens: 32 } });
    const dir = tempDir('acb-awq-');
    await writeCompressedModel(m, outcome, dir, 'awq');
    expect(JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')).quantization_config).toMatchObject({ quant_method: 'awq', bits: 4, group_size: 32, zero_point: true, version: 'gemm' });
    const lin = readQuantizedLinears(dir);
    m.layers.forEach((l, i) => NAMES.forEach((n) => expect(lin.get(linearPrefix(i, n))!.data).toEqual(l.linear(n).weight.data)));
  });

  it('refuses formats the method cannot produce, before writing anything', async () => {
    const m = new MiniModel(shape);
    const outcome = await compressModel(m, { method: 'wanda', sparsity: 0.5 }, cal);
    const dir = join(tempDir('acb-bad-'), 'out');
    await expect(writeCompressedModel(m, outcome, dir, 'gptq')).rejects.toThrow(CompressionConfigError);
    expect(existsSync(dir)).toBe(false);
  });

  it('fake format keeps the metadata; loading it back re-installs activation and KV quantization', async () => {
    const m = new MiniModel(shape);
    const outcome = await compressModel(m, { method: 'smoothquant', kvBits: 8 }, cal);
    const dir = tempDir('acb-fake-');
    await writeCompressedModel(m, outcome, dir, 'fake');
    const fresh = new MiniModel(shape);
    fresh.dir = dir;
    const meta = restoreRuntimeTransforms(fresh);
    expect(meta!.method).toBe('smoothquant');
    expect(fresh.activation).toBeDefined();
    expect(fresh.output).toBeDefined();
    expect(fresh.kv).toBeDefined();
    expect(meta!.runtime).toEqual({ activationBits: 8, bmmInputBits: 8, kvCache: { bits: 8, groupSize: -1 } });
    // a folder written before the BMM-input field existed restores what it was evaluated with: no output transform
    const old = { ...meta!, runtime: { activationBits: 8, kvCache: null } };
    const oldDir = tempDir('acb-old-');
    writeFileSync(join(oldDir, COMPRESSION_METADATA_FILE), JSON.stringify(old));
    const older = new MiniModel(shape);
    older.dir = oldDir;
    restoreRuntimeTransforms(older);
    expect(older.activation).toBeDefined();
    expect(older.output).toBeUndefined();
    const plain = new MiniModel(shape);
    plain.dir = tempDir('acb-plain-');
    expect(restoreRuntimeTransforms(plain)).toBeNull();
  });
});
