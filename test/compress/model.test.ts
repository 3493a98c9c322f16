// Whole-model: compress → save → load → generate with the real runtime, for every method.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRandomModel, loadModel, type CausalLM, type RandomModelConfig } from '../../main/model/index.js';
import { compressModel, loadCalibration, restoreRuntimeTransforms, writeCompressedModel, readQuantizedLinears, cliCommands, type CompressionConfig } from '../../main/compress/index.js';
import { linearPrefix } from '../../main/compress/export/formats.js';
import { fromFp16Bits, toFp16Bits } from '../../main/compress/export/fp16.js';
import { dequantRecord, type QuantRecord } from '../../main/compress/quant/minmax.js';
import { tempDir } from '../helpers/tmp.js';

/** What a packed checkpoint stores of a linear: its codes with the scales in fp16. */
const packedWeights = (r: QuantRecord): Float32Array => dequantRecord({ ...r, scales: r.scales.map((v) => fromFp16Bits(toFp16Bits(v))) });

/** |packed − fake-quant| ≤ |q − z|·|s − fp16(s)| ≤ 2⁻¹¹·|ŵ| */
function expectWithinFp16Scale(packed: Float32Array, fake: Float32Array): void {
  let worst = 0;
  packed.forEach((v, k) => (worst = Math.max(worst, Math.abs(v - fake[k]) - 2 ** -11 * Math.abs(fake[k]))));
  expect(worst).toBeLessThanOrEqual(1e-12);
}

const llama: RandomModelConfig = { architecture: 'LlamaForCausalLM', hiddenSize: 64, intermediateSize: 128, numLayers: 2, numHeads: 4, numKvHeads: 2 };
const qwen: RandomModelConfig = { architecture: 'Qwen2ForCausalLM', hiddenSize: 64, intermediateSize: 128, numLayers: 2, numHeads: 4, numKvHeads: 4 };

function tmp(name: string): string {
  return tempDir(`acb-${name}-`);
}

describe('compress → save → load → generate (real runtime)', () => {
  const cases: [string, RandomModelConfig, CompressionConfig][] = [
    ['rtn', llama, { method: 'rtn', bits: 4, groupSize: 32 }],
    ['gptq', qwen, { method: 'gptq', bits: 4, groupSize: 32, actOrder: true, kvBits: 8 }],
    ['awq', qwen, { method: 'awq', groupSize: 32 }],
    ['smoothquant', llama, { method: 'smoothquant', alpha: 0.85 }],
    ['fp8', llama, { method: 'fp8', fp8Granularity: 'tensor' }],
    ['magnitude', llama, { method: 'magnitude', sparsity: 0.5 }],
    ['wanda', llama, { method: 'wanda', pattern: '2:4' }],
    ['sparsegpt', qwen, { method: 'sparsegpt', pattern: '4:8', bits: 8, groupSize: 32 }],
  ];
  for (const [label, shape, config] of cases)
    it(`${label}: the saved folder loads with the same weights and generates`, async () => {
      const model = createRandomModel(shape, 3);
      const prompt = model.tokenizer.encode('The plan has three steps', { addSpecialTokens: false });
      const before = model.generate(prompt, { maxNewTokens: 6, ignoreEos: true }).tokens;
      const logitsBefore = model.forward(prompt).logits.data.slice();
      const calibration = loadCalibration(model.tokenizer, { samples: 4, seqlen: 32, seed: 1 });
      const outcome = await compressModel(model, config, calibration);
      const dir = tmp(label);
      await writeCompressedModel(model, outcome, dir, 'fake');
      const loaded = await loadModel(dir);
      const meta = restoreRuntimeTransforms(loaded);
      expect(meta!.method).toBe(config.method);
      expect(outcome.report.compressedModelHash).not.toBe(outcome.report.baseModelHash);
      for (let i = 0; i < 2; i++) for (const n of ['q_proj', 'down_proj'] as const) expect(loaded.layers[i].linear(n).weight.data).toEqual(model.layers[i].linear(n).weight.data);
      expect(loaded.layers[0].inputNorm).toEqual(model.layers[0].inputNorm); // AWQ/SmoothQuant folded scales survive the round trip
      const a = model.generate(prompt, { maxNewTokens: 6, ignoreEos: true });
      const b = loaded.generate(prompt, { maxNewTokens: 6, ignoreEos: true });
      expect(b.tokens).toHaveLength(6);
      expect(b.tokens).toEqual(a.tokens); // same weights + same runtime transforms → same greedy text
      expect(before).toHaveLength(6);
      expect(loaded.forward(prompt).logits.data).not.toEqual(logitsBefore); // compression did change the model
      if (config.method === 'wanda') expect(outcome.report.sparsity.global).toBe(0.5);
      model.dispose();
      loaded.dispose();
    });

  it('GPTQ export of a real model unpacks to the codes it ran with, scales in fp16', async () => {
    const model = createRandomModel(llama, 5);
    const calibration = loadCalibration(model.tokenizer, { samples: 4, seqlen: 32, seed: 2 });
    const outcome = await compressModel(model, { method: 'gptq', bits: 4, groupSize: 32, actOrder: true }, calibration);
    const dir = tmp('gptq-export');
    await writeCompressedModel(model, outcome, dir, 'gptq');
    const lin = readQuantizedLinears(dir);
    model.layers.forEach((l, i) => {
      const packed = lin.get(linearPrefix(i, 'gate_proj'))!.data;
      expect(packed).toEqual(packedWeights(outcome.records.get(`${i}.gate_proj`)!));
      expectWithinFp16Scale(packed, l.linear('gate_proj').weight.data);
    });
    expect(JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')).quantization_config.quant_method).toBe('gptq');
    model.dispose();
  });

  for (const [format, config] of [
    ['gptq', { method: 'gptq', bits: 3, groupSize: 32, actOrder: true }],
    ['awq', { method: 'awq', groupSize: 32 }],
  ] as const)
    it(`the runtime loads a ${format.toUpperCase()}-format export (packed linears dequantized on load) and generates like the compressed model`, async () => {
      const model = createRandomModel(llama, 6);
      const calibration = loadCalibration(model.tokenizer, { samples: 4, seqlen: 32, seed: 2 });
      const outcome = await compressModel(model, config, calibration);
      const dir = tmp(`${format}-load`);
      await writeCompressedModel(model, outcome, dir, format);
      const loaded = await loadModel(dir);
      for (let i = 0; i < 2; i++)
        for (const n of ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj'] as const) {
          // AWQ's scales are fp16 already (exact); GPTQ's are float32 in the fake-quant model and fp16 in the format
          expect(loaded.layers[i].linear(n).weight.data).toEqual(packedWeights(outcome.records.get(`${i}.${n}`)!));
          if (format === 'awq') expect(loaded.layers[i].linear(n).weight.data).toEqual(model.layers[i].linear(n).weight.data);
          else expectWithinFp16Scale(loaded.layers[i].linear(n).weight.data, model.layers[i].linear(n).weight.data);
        }
      const prompt = model.tokenizer.encode('The plan has three steps', { addSpecialTokens: false });
      const a = model.forward(prompt).logits.data,
        b = loaded.forward(prompt).logits.data;
      let worst = 0,
        scale = 0;
      for (let k = 0; k < a.length; k++) {
        worst = Math.max(worst, Math.abs(a[k] - b[k]));
        scale = Math.max(scale, Math.abs(a[k]));
      }
      expect(worst / scale).toBeLessThan(5e-3); // only the fp16 storage of embeddings and norms differs
      expect(loaded.generate(prompt, { maxNewTokens: 4, ignoreEos: true }).tokens).toHaveLength(4);
      model.dispose();
      loaded.dispose();
    });
});

describe('acbench compress', () => {
  const out: string[] = [];
  const err: string[] = [];
  afterEach(() => vi.restoreAllMocks());
  const capture = () => {
    out.length = 0;
    err.length = 0;
    vi.spyOn(process.stdout, 'write').mockImplementation((s) => (out.push(String(s)), true));
    vi.spyOn(process.stderr, 'write').mockImplementation((s) => (err.push(String(s)), true));
  };
  const run = (argv: string[]) => cliCommands.find((c) => c.name === 'compress')!.run(argv);

  it('compresses a model folder and prints the report as JSON', async () => {
    const src = tmp('cli-src');
    const base: CausalLM = createRandomModel(llama, 7);
    await base.save(src);
    const dst = join(tmp('cli-dst'), 'out');
    capture();
    const code = await run(['--model', src, '--method', 'sparsegpt', '--sparsity', '0.5', '--samples', '4', '--seqlen', '32', '--out', dst, '--json']);
    vi.restoreAllMocks();
    expect(err.join('')).not.toMatch(/Error/);
    expect(code).toBe(0);
    const res = JSON.parse(out.join(''));
    expect(res.report.method).toBe('sparsegpt');
    expect(res.report.calibration.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(Math.abs(res.report.sparsity.global - 0.5)).toBeLessThan(0.01);
    const loaded = await loadModel(dst);
    expect(loaded.generate([1, 2, 3], { maxNewTokens: 3, ignoreEos: true }).tokens).toHaveLength(3);
  });

  it('wrong combinations exit 2 with one line naming what was expected, before loading the model', async () => {
    capture();
    const code = await run(['--model', '/no/such/model', '--method', 'awq', '--pattern', '2:4', '--out', '/tmp/x']);
    vi.restoreAllMocks();
    expect(code).toBe(2);
    expect(err.join('')).toMatch(/^compress: compression pattern: expected a pruning method/);
    capture();
    expect(await run(['--model', '/no/such/model', '--method', 'gptq', '--out', '/tmp/x'])).toBe(2); // missing model folder: typed load error
    vi.restoreAllMocks();
    expect(err.join('')).toMatch(/expected a model folder/);
  });
});
