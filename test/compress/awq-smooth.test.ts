import { describe, expect, it } from 'vitest';
import { getEngine, matrix } from '../../main/tensor/index.js';
import {
  awqFakeQuant,
  awqScaleLayer,
  awqQuantize,
  awqScalesForRatio,
  clipSearch,
  moduleOutput,
  moduleOutputMse,
  mse,
  scaledFakeQuant,
  searchScales,
  weightMeanNormalised,
} from '../../main/compress/quant/awq.js';
import type { LinearName } from '../../main/model/types.js';
import { MiniModel, type MiniShape } from './minimodel.js';
import { ActivationMaxAccumulator, foldSmoothing, quantizeRowsAbsmax, smoothingScales } from '../../main/compress/quant/smoothquant.js';
import { dequantRecord } from '../../main/compress/quant/minmax.js';
import { correlatedInputs, outputError, randomMatrix } from './fixtures.js';

const engine = getEngine();

function meanAbs(x: { rows: number; cols: number; data: Float32Array }): Float64Array {
  const m = new Float64Array(x.cols);
  for (let t = 0; t < x.rows; t++) for (let j = 0; j < x.cols; j++) m[j] += Math.abs(x.data[t * x.cols + j]) / x.rows;
  return m;
}

describe('AWQ', () => {
  const w = randomMatrix(64, 128, 41, 0.05);
  const x = correlatedInputs(256, 128, 43, [5, 17, 64, 99, 120], 25);
  const ref = engine.matmulTransB(x, w);
  const evaluate = (t: { rows: number; cols: number; data: Float32Array }[]) => mse(engine.matmulTransB(x, t[0]), ref);

  it('zero-point quantizer matches hand-computed codes (min/max not extended to 0)', () => {
    const { weight, record } = awqQuantize(matrix(1, 4, new Float32Array([0.5, 1, 1.25, 2])), 2, -1);
    // scale = (2 − 0.5)/3 = 0.5, zero = −round(0.5/0.5) = −1 → clamped to 0; codes = round(w/0.5)
    expect(record.scales[0]).toBe(0.5);
    expect(record.zeros[0]).toBe(0);
    expect(Array.from(record.codes)).toEqual([1, 2, 2, 3]); // round(2.5) = 2 (half to even)
    expect(Array.from(weight.data)).toEqual([0.5, 1, 1, 1.5]);
    expect(dequantRecord(record)).toEqual(weight.data);
  });

  it('searched scales lower the output error vs RTN on inputs with outlier channels', () => {
    const res = searchScales(meanAbs(x), [w], 4, 32, evaluate);
    const awqErr = outputError(x, w, scaledFakeQuant(w, res.scales, 4, 32));
    const rtnErr = outputError(x, w, awqFakeQuant(w, 4, 32));
    expect(res.ratio).toBeGreaterThan(0);
    expect(awqErr).toBeLessThan(0.9 * rtnErr);
    expect(res.history).toHaveLength(20);
    expect(Math.min(...res.history)).toBe(res.history[Math.round(res.ratio * 20)]);
  });

  it('scales are normalised so that √(max·min) = 1 and w̄ is normalised by group max', () => {
    const s = awqScalesForRatio(meanAbs(x), weightMeanNormalised([w], 32), 0.5);
    let mx = 0;
    let mn = Infinity;
    for (const v of s) {
      mx = Math.max(mx, v);
      mn = Math.min(mn, v);
    }
    expect(Math.sqrt(mx * mn)).toBeCloseTo(1, 5);
    const wm = weightMeanNormalised([matrix(2, 2, new Float32Array([1, -2, 4, 2]))], 2);
    expect(wm[0]).toBeCloseTo((0.5 + 1) / 2, 5);
    expect(wm[1]).toBeCloseTo((1 + 0.5) / 2, 5);
  });

  it('clip search never increases the per-group error it minimises and keeps |w| ≤ original max', () => {
    const clipped = clipSearch(w, x, 4, 32, engine);
    for (let i = 0; i < w.data.length; i++) expect(Math.abs(clipped.data[i])).toBeLessThanOrEqual(Math.abs(w.data[i]) + 1e-7);
    for (let g = 0; g < 4; g++) {
      const cols = Array.from({ length: 32 }, (_, k) => g * 32 + k);
      const sub = (m: { rows: number; cols: number; data: Float32Array }) =>
        matrix(
          m.rows,
          32,
          Float32Array.from({ length: m.rows * 32 }, (_, i) => m.data[Math.floor(i / 32) * m.cols + cols[i % 32]]),
        );
      const xg = sub(x);
      const before = outputError(xg, sub(w), awqFakeQuant(sub(w), 4, -1));
      const after = outputError(xg, sub(w), awqFakeQuant(sub(clipped), 4, -1));
      expect(after).toBeLessThanOrEqual(before * (1 + 1e-6));
    }
  });
});

describe('AWQ scale search objective (module2inspect)', () => {
  const shape: MiniShape = { hidden: 64, intermediate: 128, layers: 1, heads: 4, kvHeads: 4, vocab: 40 };
  const samples = [0, 1].map((k) => {
    const h = correlatedInputs(24, 64, 300 + k, [3, 40], 12);
    return { hidden: h, positions: Int32Array.from({ length: 24 }, (_, i) => i) };
  });
  const zeroed = (layer: MiniModel['layers'][number], name: LinearName) => {
    const p = layer.linear(name);
    layer.setLinear(name, { weight: matrix(p.weight.rows, p.weight.cols), bias: p.bias });
  };
  const minus = (a: { data: Float32Array }, b: { data: Float32Array }) => a.data.map((v, i) => v - b.data[i]);

  it('reads the self-attention output at o_proj and the MLP output at down_proj, without the residual', () => {
    // independent: with down_proj = 0 the MLP adds 0, so layer₀(h) = h + attn(h) and layer₀(h) − h is the self-attention
    // output; the full layer adds the MLP output on top, so layer(h) − layer₀(h) is the MLP output
    const a = new MiniModel(shape, 7).layers[0];
    const attn = moduleOutput(a, samples[0], 'o_proj', engine);
    const mlpOut = moduleOutput(a, samples[0], 'down_proj', engine);
    const b = new MiniModel(shape, 7).layers[0];
    zeroed(b, 'down_proj');
    const attnRef = minus(b.forward(samples[0].hidden, samples[0].positions), samples[0].hidden);
    attn.data.forEach((v, i) => expect(v).toBeCloseTo(attnRef[i], 4));
    const mlpRef = minus(a.forward(samples[0].hidden, samples[0].positions), b.forward(samples[0].hidden, samples[0].positions));
    mlpOut.data.forEach((v, i) => expect(v).toBeCloseTo(mlpRef[i], 4));
  });

  it('picks the q/k/v ratio with the lowest self-attention output error, as llm-awq / AutoAWQ do', () => {
    const names: LinearName[] = ['q_proj', 'k_proj', 'v_proj'];
    const layer = new MiniModel(shape, 7).layers[0];
    const x = engine.rmsNorm(samples[0].hidden, layer.inputNorm, 1e-6);
    const xMean = meanAbs(x);
    // independent objective per ratio: self-attention output (down_proj = 0 ⇒ layer(h) − h) of the trial weights
    const probe = new MiniModel(shape, 7).layers[0];
    zeroed(probe, 'down_proj');
    const ws = names.map((n) => probe.linear(n).weight);
    const wMean = weightMeanNormalised(ws, 32);
    const refOut = samples.map((s) => minus(probe.forward(s.hidden, s.positions), s.hidden));
    const history = Array.from({ length: 20 }, (_, i) => {
      const sc = awqScalesForRatio(xMean, wMean, i / 20);
      names.forEach((n, k) => probe.setLinear(n, { weight: scaledFakeQuant(ws[k], sc, 4, 32) }));
      let e = 0;
      samples.forEach((s, j) => {
        const out = minus(probe.forward(s.hidden, s.positions), s.hidden);
        let d = 0;
        out.forEach((v, t) => (d += (v - refOut[j][t]) ** 2));
        e += d / out.length;
      });
      names.forEach((n, k) => probe.setLinear(n, { weight: ws[k] }));
      return e / samples.length;
    });
    const objective = moduleOutputMse(layer, samples, 'o_proj', engine);
    const found = searchScales(
      xMean,
      names.map((n) => layer.linear(n).weight),
      4,
      32,
      (t) => objective(names, t),
    );
    found.history.forEach((e, i) => expect(e).toBeCloseTo(history[i], 8));
    expect(found.ratio).toBe(history.indexOf(Math.min(...history)) / 20);
    // the layer's scale search runs the same search: its q/k/v ratio is this one
    const xSample = { attn: x, o: x, mlp: x, down: matrix(24, 128, new Float32Array(24 * 128).fill(0.1)) };
    const report = awqScaleLayer(new MiniModel(shape, 7).layers[0], {
      bits: 4,
      groupSize: 32,
      sampleInputs: samples,
      engine,
      groupedQueryAttention: true,
      xMean: { attn: xMean, o: meanAbs(x), mlp: xMean, down: meanAbs(xSample.down) },
      xSample,
    });
    expect(report.ratios.qkv).toBe(found.ratio);
    report.histories.qkv!.forEach((e, i) => expect(e).toBeCloseTo(history[i], 8));
  });
});

describe('SmoothQuant', () => {
  const x = correlatedInputs(64, 96, 51, [2, 50], 30);
  const gamma = Float32Array.from({ length: 96 }, (_, j) => 0.5 + (j % 7) / 7);
  const ws = [randomMatrix(32, 96, 52, 0.1), randomMatrix(16, 96, 53, 0.1)];

  it('smoothing alone changes outputs by < 1e-5 (relative to the output scale)', () => {
    const acc = new ActivationMaxAccumulator(96);
    const normed = engine.rmsNorm(x, gamma, 1e-6);
    acc.add(normed);
    for (const alpha of [0.5, 0.85]) {
      const s = smoothingScales(acc.max, ws, alpha);
      const f = foldSmoothing(gamma, ws, s);
      const normed2 = engine.rmsNorm(x, f.gamma, 1e-6);
      ws.forEach((w, i) => {
        const a = engine.matmulTransB(normed, w).data;
        const b = engine.matmulTransB(normed2, f.weights[i]).data;
        let maxAbs = 0;
        let maxDiff = 0;
        for (let k = 0; k < a.length; k++) {
          maxAbs = Math.max(maxAbs, Math.abs(a[k]));
          maxDiff = Math.max(maxDiff, Math.abs(a[k] - b[k]));
        }
        expect(maxDiff / maxAbs).toBeLessThan(1e-5);
      });
      // the activation outliers shrink: max|x/s| over channels is flatter than max|x|
      const flat = Array.from(acc.max, (m, j) => m / s[j]);
      expect(Math.max(...flat) / Math.min(...flat)).toBeLessThan(Math.max(...acc.max) / Math.min(...acc.max));
    }
  });

  it('W8 per row and A8 per token: ≤ 255 levels per row, error ≤ half a step', () => {
    const q = quantizeRowsAbsmax(x);
    for (let t = 0; t < x.rows; t++) {
      const row = Array.from(x.data.subarray(t * 96, (t + 1) * 96));
      const step = Math.max(...row.map(Math.abs)) / 127;
      const qr = Array.from(q.data.subarray(t * 96, (t + 1) * 96));
      expect(new Set(qr).size).toBeLessThanOrEqual(255);
      qr.forEach((v, i) => expect(Math.abs(v - row[i])).toBeLessThanOrEqual(step / 2 + 1e-6));
    }
  });
});
