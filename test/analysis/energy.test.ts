import { describe, expect, it } from 'vitest';
import { energy, energyRows, histogram, logSumExp, sharedBins } from '../../main/analysis/energy.js';
import { klDivergence, negativeLogLikelihood, perplexityFromNll, sequenceNll } from '../../main/analysis/divergence.js';

describe('energy E = −T·logsumexp(z/T)', () => {
  it('uniform logits over 4 classes: −ln 4', () => {
    expect(energy([0, 0, 0, 0])).toBeCloseTo(-Math.log(4), 15);
  });
  it('z = (0, ln 3): −ln(1 + 3); at T = 2 with z = (0, 2 ln 3): −2 ln 4', () => {
    expect(energy([0, Math.log(3)])).toBeCloseTo(-Math.log(4), 15);
    expect(energy([0, 2 * Math.log(3)], 2)).toBeCloseTo(-2 * Math.log(4), 15);
  });
  it('is stable for large logits (shift equivariance: E(z + c) = E(z) − c)', () => {
    expect(energy([1000, 1000])).toBeCloseTo(-1000 - Math.log(2), 10);
    expect(logSumExp([-Infinity, -Infinity])).toBe(-Infinity);
  });
  it('energyRows reads each row of a row-major block', () => {
    const e = energyRows(Float32Array.from([0, 0, 5, 5, 5, 5]), 2, 3);
    expect(e[0]).toBeCloseTo(-Math.log(2 + Math.exp(5)), 6);
    expect(e[1]).toBeCloseTo(-5 - Math.log(3), 6);
  });
});

describe('histograms on shared bins', () => {
  it('bins span every series; counts include both ends', () => {
    const bins = sharedBins([[0, 1], [2]], 4);
    expect(bins.edges).toEqual([0, 0.5, 1, 1.5, 2]);
    expect(histogram([0, 0.5, 1, 1.5, 2], bins)).toEqual([1, 1, 1, 2]);
    expect(histogram([-1, 3, Number.NaN], bins)).toEqual([0, 0, 0, 0]);
  });
  it('a single repeated value gets a unit-width range', () => {
    const bins = sharedBins([[2, 2]], 2);
    expect(bins.edges).toEqual([1.5, 2, 2.5]);
    expect(histogram([2, 2], bins)).toEqual([0, 2]);
  });
});

describe('perplexity and KL', () => {
  it('NLL of a known distribution: logits = log p', () => {
    const p = [0.5, 0.25, 0.25];
    expect(negativeLogLikelihood(p.map(Math.log), 1)).toBeCloseTo(Math.log(4), 14);
  });
  it('perplexity of a model with known probabilities: p(targets) = 1/2, 1/4 → 2^1.5', () => {
    // row t predicts ids[t+1]; vocab 4
    const logits = Float32Array.from([
      ...[0.5, 0.5 / 3, 0.5 / 3, 0.5 / 3].map(Math.log), // target 0 has p = 1/2
      ...[0.25, 0.25, 0.25, 0.25].map(Math.log), // target 3 has p = 1/4
      ...[1, 1, 1, 1], // last row: nothing to predict
    ]);
    const nll = sequenceNll(logits, 3, 4, [2, 0, 3]);
    expect(nll.length).toBe(2);
    expect(perplexityFromNll(nll[0] + nll[1], 2)).toBeCloseTo(2 ** 1.5, 5);
  });
  it('uniform logits give perplexity = vocabulary size', () => {
    const v = 50;
    const logits = new Float32Array(4 * v);
    const nll = sequenceNll(logits, 4, v, [1, 2, 3, 4, 5]);
    expect(
      perplexityFromNll(
        nll.reduce((a, b) => a + b, 0),
        nll.length,
      ),
    ).toBeCloseTo(v, 8);
  });
  it('KL of identical distributions is exactly 0', () => {
    const z = Float32Array.from([1.5, -2, 0.25, 7, 3]);
    expect(klDivergence(z, z)).toBe(0);
    expect(klDivergence(z, Float32Array.from(z))).toBe(0);
  });
  it('KL([1/2,1/2] ‖ [1/4,3/4]) = ½ ln(4/3); asymmetric; shift-invariant in logits', () => {
    const p = [0.5, 0.5].map(Math.log);
    const q = [0.25, 0.75].map(Math.log);
    expect(klDivergence(p, q)).toBeCloseTo(0.5 * Math.log(4 / 3), 14);
    expect(klDivergence(q, p)).toBeCloseTo(0.25 * Math.log(0.5) + 0.75 * Math.log(1.5), 14);
    expect(
      klDivergence(
        p.map((v) => v + 10),
        q.map((v) => v - 3),
      ),
    ).toBeCloseTo(0.5 * Math.log(4 / 3), 12);
  });
  it('reads rows at offsets', () => {
    const buf = [9, 9, ...[0.5, 0.5].map(Math.log), ...[0.25, 0.75].map(Math.log)];
    expect(klDivergence(buf, buf, 2, 4, 2)).toBeCloseTo(0.5 * Math.log(4 / 3), 14);
  });
});
