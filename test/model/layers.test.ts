import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { createRandomModel, LINEAR_NAMES, loadModel, type LinearName } from '../../main/model/index.js';
import type { Matrix } from '../../main/tensor/index.js';
import { ReferenceModel } from './reference.js';
import { tempDir } from '../helpers/tmp.js';

const matrixOf = (rows: number, cols: number, data: Float32Array): Matrix => ({ rows, cols, data });
const cfg = { architecture: 'Qwen2ForCausalLM' as const, hiddenSize: 32, numHeads: 4, numKvHeads: 2, numLayers: 2 };
const ids = [3, 14, 15, 92, 65, 35];

function greedyByRecompute(model: ReturnType<typeof createRandomModel>, prompt: number[], n: number): number[] {
  const seq = [...prompt];
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const l = model.forward(seq).logits.data;
    let best = 0;
    for (let j = 1; j < l.length; j++) if (l[j] > l[best]) best = j;
    out.push(best);
    seq.push(best);
  }
  return out;
}

describe('decoder layers as compression sees them', () => {
  it('hooks see every linear input once per forward, with the right widths', () => {
    const model = createRandomModel(cfg, 5);
    const seen: [number, LinearName, number, number][] = [];
    model.layers.forEach((layer) => {
      const h = model.embed(ids);
      layer.forward(
        h,
        Int32Array.from(ids, (_, i) => i),
        (name, x) => seen.push([layer.index, name, x.rows, x.cols]),
      );
    });
    expect(seen.map((s) => s[1])).toEqual([...LINEAR_NAMES, ...LINEAR_NAMES]);
    for (const [, name, rows, cols] of seen) {
      expect(rows).toBe(ids.length);
      expect(cols).toBe(name === 'o_proj' ? 32 : name === 'down_proj' ? model.config.intermediateSize : 32);
    }
  });

  it('setLinear changes forward and cached decoding alike, and saves to what the reference reads', async () => {
    const model = createRandomModel(cfg, 6);
    const before = model.forward(ids, { allLogits: true }).logits.data.slice();
    for (const name of ['k_proj', 'up_proj'] as LinearName[]) {
      const p = model.layers[1].linear(name);
      const w = p.weight.data.map((x, i) => (i % 3 === 0 ? 0 : x * 1.5));
      model.layers[1].setLinear(name, { weight: matrixOf(p.weight.rows, p.weight.cols, w), bias: p.bias });
    }
    const after = model.forward(ids, { allLogits: true }).logits.data;
    expect(after.some((x, i) => Math.abs(x - before[i]) > 1e-3)).toBe(true);
    expect(model.generate(ids, { maxNewTokens: 5, ignoreEos: true }).tokens).toEqual(greedyByRecompute(model, ids, 5));
    const dir = join(tempDir(), 'm');
    await model.save(dir);
    const ref = new ReferenceModel(dir).forward(ids).flat();
    let m = 0;
    after.forEach((x, i) => (m = Math.max(m, Math.abs(x - ref[i]))));
    expect(m).toBeLessThan(1e-4);
    expect(Array.from((await loadModel(dir)).forward(ids, { allLogits: true }).logits.data)).toEqual(Array.from(after));
  });

  it('a projection-output transform sees q, k, v before rotary, in the forward pass and cached decoding alike', () => {
    const model = createRandomModel(cfg, 8);
    const base = model.generate(ids, { maxNewTokens: 4, ignoreEos: true }).tokens;
    const seen: { name: string; y: Float32Array; cols: number }[] = [];
    model.setOutputTransform((name, y) => (seen.push({ name, y: y.data.slice(), cols: y.cols }), y));
    expect(model.generate(ids, { maxNewTokens: 4, ignoreEos: true }).tokens).toEqual(base); // identity: nothing changes
    expect([...new Set(seen.map((s) => s.name))]).toEqual(['q_proj', 'k_proj', 'v_proj']);
    // layer 0's q as the transform sees it is rmsNorm(embed)·Wqᵀ + b, not rotated (rotary would move rows 1…)
    seen.length = 0;
    model.forward(ids);
    const h = model.embed(ids);
    const c = model.config;
    const { weight: wq, bias: bq } = model.layers[0].linear('q_proj');
    const gamma = model.layers[0].inputNorm;
    let maxDiff = 0;
    for (let t = 0; t < ids.length; t++) {
      let ms = 0;
      for (let j = 0; j < c.hiddenSize; j++) ms += h.data[t * c.hiddenSize + j] ** 2 / c.hiddenSize;
      const inv = 1 / Math.sqrt(ms + c.rmsNormEps);
      for (let o = 0; o < wq.rows; o++) {
        let y = bq ? bq[o] : 0;
        for (let j = 0; j < c.hiddenSize; j++) y += h.data[t * c.hiddenSize + j] * inv * gamma[j] * wq.data[o * wq.cols + j];
        maxDiff = Math.max(maxDiff, Math.abs(y - seen[0].y[t * seen[0].cols + o]));
      }
    }
    expect(seen[0].name).toBe('q_proj');
    expect(maxDiff).toBeLessThan(1e-4);
    // a transform that changes k changes the logits, and cached decoding still equals recomputation
    const plain = model.forward(ids).logits.data.slice();
    model.setOutputTransform((name, y) =>
      name === 'k_proj'
        ? matrixOf(
            y.rows,
            y.cols,
            y.data.map((v) => Math.round(v * 4) / 4),
          )
        : y,
    );
    expect(model.forward(ids).logits.data.some((x, i) => Math.abs(x - plain[i]) > 1e-4)).toBe(true);
    expect(model.generate(ids, { maxNewTokens: 4, ignoreEos: true }).tokens).toEqual(greedyByRecompute(model, ids, 4));
    model.setOutputTransform(undefined);
    expect(Array.from(model.forward(ids).logits.data)).toEqual(Array.from(plain));
  });

  it('an activation transform reaches each linear by name; the identity changes nothing', () => {
    const model = createRandomModel(cfg, 7);
    const base = model.generate(ids, { maxNewTokens: 4, ignoreEos: true }).tokens;
    const names = new Set<LinearName>();
    model.setActivationTransform((name, x) => (names.add(name), x));
    expect(model.generate(ids, { maxNewTokens: 4, ignoreEos: true }).tokens).toEqual(base);
    expect([...names].sort()).toEqual([...LINEAR_NAMES].sort());
    // zeroing the input of q_proj only (q = bias) changes the logits of the forward pass
    const plain = model.forward(ids).logits.data.slice();
    model.setActivationTransform((name, x) => (name === 'q_proj' ? matrixOf(x.rows, x.cols, new Float32Array(x.data.length)) : x));
    const zeroed = model.forward(ids).logits.data;
    expect(zeroed.some((x, i) => Math.abs(x - plain[i]) > 1e-4)).toBe(true);
    expect(model.generate(ids, { maxNewTokens: 4, ignoreEos: true }).tokens).toEqual(greedyByRecompute(model, ids, 4));
    model.setActivationTransform(undefined);
    expect(Array.from(model.forward(ids).logits.data)).toEqual(Array.from(plain));
  });
});
