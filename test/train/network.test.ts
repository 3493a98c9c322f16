import { describe, expect, it } from 'vitest';
import { float64Products } from '../../main/train/ops.js';
import { initParams, lossAndGrad, paramSpecs, type Batch, type TinyConfig } from '../../main/train/network.js';

const cfg: TinyConfig = { vocabSize: 11, hidden: 8, layers: 2, heads: 4, kvHeads: 2, headDim: 4, intermediate: 12, ropeTheta: 100, rmsEps: 1e-6, maxSeq: 16 };

function batch(): Batch {
  // two sequences of different lengths packed together; a loss on some positions only
  const ids = Int32Array.from([1, 5, 2, 7, 3, 9, 4, 4, 8, 0, 6, 2, 10]);
  const targets = new Int32Array(ids.length).fill(-1);
  const weights = new Float32Array(ids.length);
  const segments = [
    { start: 0, len: 7 },
    { start: 7, len: 6 },
  ];
  for (const s of segments)
    for (let t = s.start; t < s.start + s.len - 1; t++) {
      targets[t] = ids[t + 1];
      weights[t] = t % 3 === 0 ? 0 : t % 2 ? 1 : 0.5;
    }
  return { ids, targets, weights, segments };
}

describe('decoder backward', () => {
  it('matches central finite differences for every parameter type (float64, blocks smaller than sequences)', () => {
    const p = float64Products();
    const params = initParams(cfg, 7, p);
    // larger weights than the init so every path carries signal
    for (const [name, w] of params) for (let i = 0; i < w.length; i++) w[i] = name.includes('norm') ? 1 + 0.3 * Math.sin(i + name.length) : w[i] * 15;
    const b = batch();
    const opts = { attentionBlock: 3 };
    const { grads } = lossAndGrad(cfg, params, b, p, opts);
    const eps = 1e-5;
    for (const s of paramSpecs(cfg)) {
      const w = params.get(s.name)!;
      const g = grads!.get(s.name)!;
      expect(Math.max(...g.map(Math.abs)), `${s.name} has a gradient`).toBeGreaterThan(1e-6);
      let checked = 0;
      for (let i = 0; i < w.length; i += Math.max(1, Math.floor(w.length / 7))) {
        const keep = w[i];
        w[i] = keep + eps;
        const up = lossAndGrad(cfg, params, b, p, { ...opts, backward: false }).loss;
        w[i] = keep - eps;
        const down = lossAndGrad(cfg, params, b, p, { ...opts, backward: false }).loss;
        w[i] = keep;
        const numeric = (up - down) / (2 * eps);
        expect(Math.abs(numeric - g[i]), `${s.name}[${i}] analytic ${g[i]} numeric ${numeric}`).toBeLessThan(1e-7 + 1e-5 * Math.abs(numeric));
        checked++;
      }
      expect(checked).toBeGreaterThan(0);
    }
  });

  it('gives the same loss whatever the attention block size', () => {
    const p = float64Products();
    const params = initParams(cfg, 3, p);
    const a = lossAndGrad(cfg, params, batch(), p, { attentionBlock: 2 });
    const b = lossAndGrad(cfg, params, batch(), p, { attentionBlock: 64 });
    expect(Math.abs(a.loss - b.loss)).toBeLessThan(1e-12);
    const ga = a.grads!.get('L0.wqkv')!,
      gb = b.grads!.get('L0.wqkv')!;
    let diff = 0;
    for (let i = 0; i < ga.length; i++) diff = Math.max(diff, Math.abs(ga[i] - gb[i]));
    expect(diff).toBeLessThan(1e-12);
  });
});
