// Simulated KV-cache quantization (KV8 / KV4): asymmetric per token, per KV head, per group of g values
// along head_dim: scale = (max − min)/(2^b − 1), zero = round(−min/scale),
//   x̂ = scale·(clamp(round(x/scale) + zero, 0, 2^b − 1) − zero).
// Applied inside the runtime's attention through CausalLM.setKvTransform, so it combines with any weight method.
import type { Matrix } from '../../tensor/index.js';
import { matrix } from '../../tensor/index.js';
import type { KvTransform } from '../../model/index.js';
import { roundHalfEven } from './minmax.js';

/** Quantize-dequantize x [tokens, heads·headDim] in groups of g along each head. */
export function quantizeKv(x: Matrix, nKvHeads: number, headDim: number, bits: number, groupSize: number): Matrix {
  if (x.cols !== nKvHeads * headDim) throw new RangeError(`kv quantization: expected ${nKvHeads}×${headDim} = ${nKvHeads * headDim} columns, found ${x.cols}`);
  const g = groupSize > 0 ? Math.min(groupSize, headDim) : headDim;
  const maxq = 2 ** bits - 1;
  const out = new Float32Array(x.data.length);
  for (let t = 0; t < x.rows; t++)
    for (let h = 0; h < nKvHeads; h++)
      for (let g0 = 0; g0 < headDim; g0 += g) {
        const base = t * x.cols + h * headDim + g0;
        const n = Math.min(g, headDim - g0);
        let mn = Infinity;
        let mx = -Infinity;
        for (let k = 0; k < n; k++) {
          const v = x.data[base + k];
          if (v < mn) mn = v;
          if (v > mx) mx = v;
        }
        const scale = Math.fround(Math.max(mx - mn, 1e-8) / maxq);
        const zero = roundHalfEven(-mn / scale);
        for (let k = 0; k < n; k++) {
          let q = roundHalfEven(x.data[base + k] / scale) + zero;
          q = q < 0 ? 0 : q > maxq ? maxq : q;
          out[base + k] = Math.fround(scale * (q - zero));
        }
      }
  return matrix(x.rows, x.cols, out);
}

export function kvQuantTransform(bits: number, groupSize: number): KvTransform {
  return {
    keys: (k, nKvHeads, headDim) => quantizeKv(k, nKvHeads, headDim, bits, groupSize),
    values: (v, nKvHeads, headDim) => quantizeKv(v, nKvHeads, headDim, bits, groupSize),
  };
}
