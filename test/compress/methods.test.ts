// The registry of compression methods: every method has its rules (methods/) and its layer step (steps.ts), the rules
// stay bundleable by the renderer, and each method's defaults and needs are what the driver has always used.
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { COMPRESSION_METHODS, GROUPED_QUANT_METHODS, LAYER_STEPS, METHODS, PRUNING_METHODS, needsCalibration, resolveConfig } from '../../main/compress/index.js';

describe('compression methods', () => {
  it('has a rule module and a layer step for every method, in the order forms list them', () => {
    expect(METHODS).toEqual(['none', 'rtn', 'gptq', 'awq', 'smoothquant', 'fp8', 'magnitude', 'wanda', 'sparsegpt']);
    expect(Object.keys(LAYER_STEPS)).toEqual(METHODS);
    for (const m of METHODS) expect(COMPRESSION_METHODS[m].name).toBe(m);
    expect(GROUPED_QUANT_METHODS).toEqual(['rtn', 'gptq', 'awq']);
    expect(PRUNING_METHODS).toEqual(['magnitude', 'wanda', 'sparsegpt']);
    expect(METHODS.filter(needsCalibration)).toEqual(['gptq', 'awq', 'smoothquant', 'wanda', 'sparsegpt']);
  });

  it('resolves each method to its defaults', () => {
    const pick = (m: (typeof METHODS)[number]) => {
      const r = resolveConfig({ method: m });
      return [r.bits, r.groupSize, r.sym, r.sparsity, r.trueSequential, r.quantizeAfterPruning];
    };
    expect(Object.fromEntries(METHODS.map((m) => [m, pick(m)]))).toEqual({
      none: [4, -1, true, 0, false, false],
      rtn: [4, -1, false, 0, false, false],
      gptq: [4, 128, true, 0, true, false],
      awq: [4, 128, false, 0, false, false],
      smoothquant: [8, -1, true, 0, false, false],
      fp8: [8, -1, true, 0, false, false],
      magnitude: [4, -1, true, 0.5, false, false],
      wanda: [4, -1, true, 0.5, false, false],
      sparsegpt: [4, -1, true, 0.5, false, false],
    });
    expect(resolveConfig({ method: 'sparsegpt', bits: 4 }).quantizeAfterPruning).toBe(true);
    expect(resolveConfig({ method: 'wanda', pattern: '4:8' }).sparsity).toBe(0.5);
  });

  it('keeps the rules the renderer bundles (through the spec room) free of engine and Node code', async () => {
    const out = await build({ entryPoints: ['main/spec/index.ts'], bundle: true, platform: 'browser', format: 'esm', write: false, metafile: true, logLevel: 'silent' });
    const inputs = Object.keys(out.metafile.inputs).filter((f) => !f.startsWith('node_modules/zod/'));
    expect(inputs.filter((f) => !f.startsWith('main/compress/methods/') && !f.startsWith('main/spec/') && !f.startsWith('main/results/'))).toEqual([]);
  });
});
