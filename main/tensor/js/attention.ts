// The attention kernel in plain JS, for short query blocks (decode steps) where tfjs's per-op overhead
// would dominate. Grouped-query heads are done together per KV head, so each key and value row is read
// once per group; scores and sums are float64.
import type { AttentionShape, Matrix } from '../types.js';

/** o_h = Σ_j softmax_j(q_h·k_j/√d) · v_j over the visible keys j (kPos ≤ qPos, inside the window, mask 1); zeros when none is visible. */
export function attentionKernel(q: Matrix, k: Matrix, v: Matrix, shape: AttentionShape, qPositions: Int32Array, kPositions: Int32Array, keyMask?: Uint8Array): Float32Array {
  const { nHeads, nKvHeads, headDim: d, slidingWindow } = shape;
  const group = nHeads / nKvHeads;
  const scale = 1 / Math.sqrt(d);
  const [tk, qd, kd, vd, qc, kc, vc] = [k.rows, q.data, k.data, v.data, q.cols, k.cols, v.cols];
  const out = new Float32Array(q.rows * nHeads * d);
  const visible = new Int32Array(tk); // indices of the visible keys of the current query
  const scores = new Float64Array(group * tk);
  const acc = new Float64Array(group * d);
  const max = new Float64Array(group);
  for (let i = 0; i < q.rows; i++) {
    const qp = qPositions[i];
    const lo = slidingWindow ? qp - slidingWindow : -Infinity;
    let nv = 0;
    for (let j = 0; j < tk; j++) {
      const kp = kPositions[j];
      if (kp <= qp && kp > lo && (!keyMask || keyMask[j] === 1)) visible[nv++] = j;
    }
    if (nv === 0) continue; // no visible key (fully padded row): output zeros
    for (let g = 0; g < nKvHeads; g++) {
      const ko = g * d;
      max.fill(-Infinity);
      for (let n = 0; n < nv; n++) {
        const kr = visible[n] * kc + ko;
        for (let hl = 0; hl < group; hl++) {
          const qo = i * qc + (g * group + hl) * d;
          let s0 = 0;
          let s1 = 0;
          let s2 = 0;
          let s3 = 0;
          let c = 0;
          for (; c + 3 < d; c += 4) {
            s0 += qd[qo + c] * kd[kr + c];
            s1 += qd[qo + c + 1] * kd[kr + c + 1];
            s2 += qd[qo + c + 2] * kd[kr + c + 2];
            s3 += qd[qo + c + 3] * kd[kr + c + 3];
          }
          for (; c < d; c++) s0 += qd[qo + c] * kd[kr + c];
          const s = (s0 + s1 + s2 + s3) * scale; // s = q·k / √d
          scores[hl * tk + n] = s;
          if (s > max[hl]) max[hl] = s;
        }
      }
      acc.fill(0);
      for (let hl = 0; hl < group; hl++) {
        let sum = 0;
        const m = max[hl];
        const base = hl * tk;
        for (let n = 0; n < nv; n++) {
          const e = Math.exp(scores[base + n] - m);
          scores[base + n] = e;
          sum += e;
        }
        const inv = 1 / sum;
        for (let n = 0; n < nv; n++) scores[base + n] *= inv;
      }
      for (let n = 0; n < nv; n++) {
        const vr = visible[n] * vc + ko;
        for (let hl = 0; hl < group; hl++) {
          const p = scores[hl * tk + n];
          const a = hl * d;
          for (let c = 0; c < d; c++) acc[a + c] += p * vd[vr + c];
        }
      }
      for (let hl = 0; hl < group; hl++) {
        const oo = i * nHeads * d + (g * group + hl) * d;
        for (let c = 0; c < d; c++) out[oo + c] = acc[hl * d + c];
      }
    }
  }
  return out;
}
