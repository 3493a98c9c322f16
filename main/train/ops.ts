// Training maths kernels: every heavy product goes through a `Products` (the engine's plain 2-D
// matmuls in float32, or plain float64 JS for gradient checks); the light per-element work
// (RMSNorm, rotary, causal softmax, SwiGLU, cross-entropy) is JS written here, forward and backward.
import { getEngine, matrix, type Engine, type Matrix } from '../tensor/index.js';

export type Arr = Float32Array | Float64Array;

/** Row-major matrix in the training precision. */
export interface Mat {
  rows: number;
  cols: number;
  data: Arr;
}

export interface Products {
  readonly precision: 'f32' | 'f64';
  alloc(n: number): Arr;
  /** C = A·B */
  matmul(a: Mat, b: Mat): Mat;
  /** C = A·Bᵀ */
  matmulTransB(a: Mat, b: Mat): Mat;
  /** C = Aᵀ·B (the engine has no transposed-A product: A is transposed here, then a plain matmul) */
  matmulTransA(a: Mat, b: Mat): Mat;
}

export function mat(p: Products, rows: number, cols: number): Mat {
  return { rows, cols, data: p.alloc(rows * cols) };
}

/** Cache-blocked transpose: out[j, i] = x[i, j]. */
export function transposeInto(x: Arr, rows: number, cols: number, out: Arr): void {
  const B = 32;
  for (let i0 = 0; i0 < rows; i0 += B) {
    const i1 = Math.min(rows, i0 + B);
    for (let j0 = 0; j0 < cols; j0 += B) {
      const j1 = Math.min(cols, j0 + B);
      for (let i = i0; i < i1; i++) {
        const r = i * cols;
        for (let j = j0; j < j1; j++) out[j * rows + i] = x[r + j];
      }
    }
  }
}

export function transposeMat(p: Products, x: Mat): Mat {
  const out = mat(p, x.cols, x.rows);
  transposeInto(x.data, x.rows, x.cols, out.data);
  return out;
}

function checkInner(op: string, k1: number, k2: number): void {
  if (k1 !== k2) throw new RangeError(`${op}: inner dimensions differ (expected equal, found ${k1} and ${k2})`);
}

/** Float64 products in plain JS: the reference path for gradient checks. */
export function float64Products(): Products {
  const p: Products = {
    precision: 'f64',
    alloc: (n) => new Float64Array(n),
    matmul(a, b) {
      checkInner('matmul', a.cols, b.rows);
      const m = a.rows,
        k = a.cols,
        n = b.cols;
      const c = new Float64Array(m * n);
      for (let i = 0; i < m; i++)
        for (let q = 0; q < k; q++) {
          const aiq = a.data[i * k + q];
          if (aiq === 0) continue;
          const bo = q * n,
            co = i * n;
          for (let j = 0; j < n; j++) c[co + j] += aiq * b.data[bo + j];
        }
      return { rows: m, cols: n, data: c };
    },
    matmulTransB(a, b) {
      checkInner('matmulTransB', a.cols, b.cols);
      return p.matmul(a, transposeMat(p, b));
    },
    matmulTransA(a, b) {
      checkInner('matmulTransA', a.rows, b.rows);
      return p.matmul(transposeMat(p, a), b);
    },
  };
  return p;
}

const asMatrix = (m: Mat): Matrix => {
  if (!(m.data instanceof Float32Array)) throw new TypeError('engine products need float32 matrices');
  return m.data.length === m.rows * m.cols ? { rows: m.rows, cols: m.cols, data: m.data } : matrix(m.rows, m.cols, m.data.subarray(0, m.rows * m.cols));
};

/** Float32 products on the process engine (tfjs wasm here; whatever is fastest elsewhere). */
export function engineProducts(engine: Engine = getEngine()): Products {
  const p: Products = {
    precision: 'f32',
    alloc: (n) => new Float32Array(n),
    matmul: (a, b) => engine.matmul(asMatrix(a), asMatrix(b)),
    matmulTransB: (a, b) => engine.matmulTransB(asMatrix(a), asMatrix(b)),
    matmulTransA(a, b) {
      checkInner('matmulTransA', a.rows, b.rows);
      return engine.matmul(asMatrix(transposeMat(p, a)), asMatrix(b));
    },
  };
  return p;
}

// --- RMSNorm ------------------------------------------------------------------------------------

/** y = x · r · γ with r = 1/√(mean(x²) + ε), per row; returns y and r (kept for the backward). */
export function rmsNormForward(p: Products, x: Mat, gamma: Arr, eps: number): { y: Mat; r: Float64Array } {
  const { rows, cols } = x;
  const y = mat(p, rows, cols);
  const r = new Float64Array(rows);
  const xd = x.data,
    yd = y.data;
  for (let i = 0; i < rows; i++) {
    const o = i * cols;
    let ss = 0;
    for (let j = 0; j < cols; j++) ss += xd[o + j] * xd[o + j];
    const ri = 1 / Math.sqrt(ss / cols + eps);
    r[i] = ri;
    for (let j = 0; j < cols; j++) yd[o + j] = xd[o + j] * ri * gamma[j];
  }
  return { y, r };
}

/**
 * dx = r·(γ⊙dy) − r³/d · x · Σⱼ γⱼ dyⱼ xⱼ, dγ += Σᵢ dyᵢ ⊙ xᵢ rᵢ. Adds dx into `dxAcc` (the residual stream).
 */
export function rmsNormBackward(x: Mat, r: Float64Array, gamma: Arr, dy: Mat, dxAcc: Arr, dGamma: Arr): void {
  const { rows, cols } = x;
  const xd = x.data,
    dyd = dy.data;
  for (let i = 0; i < rows; i++) {
    const o = i * cols;
    const ri = r[i];
    let dot = 0;
    for (let j = 0; j < cols; j++) {
      const g = dyd[o + j];
      dot += gamma[j] * g * xd[o + j];
      dGamma[j] += g * xd[o + j] * ri;
    }
    const k = (ri * ri * ri * dot) / cols;
    for (let j = 0; j < cols; j++) dxAcc[o + j] += ri * gamma[j] * dyd[o + j] - k * xd[o + j];
  }
}

// --- rotary ---------------------------------------------------------------------------------------

/** cos/sin tables [maxSeq, headDim/2] for θᵢ = base^(−2i/headDim) (HF rotate_half layout). */
export function ropeTables(p: Products, maxSeq: number, headDim: number, base: number): { cos: Arr; sin: Arr } {
  const half = headDim / 2;
  const cos = p.alloc(maxSeq * half),
    sin = p.alloc(maxSeq * half);
  for (let t = 0; t < maxSeq; t++)
    for (let i = 0; i < half; i++) {
      const a = t / base ** ((2 * i) / headDim);
      cos[t * half + i] = Math.cos(a);
      sin[t * half + i] = Math.sin(a);
    }
  return { cos, sin };
}

/**
 * Rotate `heads` heads starting at column `col0` of rows [start, start+len) in place, position = row − start.
 * Forward: (a, b) → (a·c − b·s, b·c + a·s); inverse (the backward of a rotation): (a·c + b·s, b·c − a·s).
 */
export function rotaryInPlace(x: Mat, start: number, len: number, col0: number, heads: number, headDim: number, cos: Arr, sin: Arr, inverse: boolean): void {
  const half = headDim / 2;
  const sgn = inverse ? -1 : 1;
  const d = x.data;
  for (let t = 0; t < len; t++) {
    const row = (start + t) * x.cols + col0;
    const tb = t * half;
    for (let h = 0; h < heads; h++) {
      const base = row + h * headDim;
      for (let i = 0; i < half; i++) {
        const c = cos[tb + i];
        const s = sgn * sin[tb + i];
        const a = d[base + i];
        const b = d[base + i + half];
        d[base + i] = a * c - b * s;
        d[base + i + half] = b * c + a * s;
      }
    }
  }
}

// --- SwiGLU ---------------------------------------------------------------------------------------

/** act = silu(g) ⊙ u for gu = [g | u] (each row: F gate values, then F up values); σ(g) is kept for the backward. */
export function swigluForward(p: Products, gu: Mat): { act: Mat; sig: Arr } {
  const F = gu.cols / 2;
  const out = mat(p, gu.rows, F);
  const sig = p.alloc(gu.rows * F);
  const s = gu.data,
    o = out.data;
  for (let i = 0; i < gu.rows; i++) {
    const a = i * gu.cols,
      b = i * F;
    for (let j = 0; j < F; j++) {
      const g = s[a + j];
      const sg = 1 / (1 + Math.exp(-g));
      sig[b + j] = sg;
      o[b + j] = g * sg * s[a + F + j];
    }
  }
  return { act: out, sig };
}

/** du = dact·silu(g); dg = dact·u·σ(g)·(1 + g·(1 − σ(g))). */
export function swigluBackward(p: Products, gu: Mat, sig: Arr, dAct: Mat): Mat {
  const F = gu.cols / 2;
  const dgu = mat(p, gu.rows, gu.cols);
  const s = gu.data,
    da = dAct.data,
    o = dgu.data;
  for (let i = 0; i < gu.rows; i++) {
    const a = i * gu.cols,
      b = i * F;
    for (let j = 0; j < F; j++) {
      const g = s[a + j],
        u = s[a + F + j],
        d = da[b + j],
        sg = sig[b + j];
      o[a + F + j] = d * g * sg;
      o[a + j] = d * u * sg * (1 + g * (1 - sg));
    }
  }
  return dgu;
}

// --- causal attention with grouped-query heads, in query blocks of plain 2-D products -------------

export interface AttentionGeometry {
  heads: number;
  kvHeads: number;
  headDim: number;
  /** query rows per block: a block of queries sees only the keys up to its last position */
  block: number;
}

export interface Segment {
  start: number;
  len: number;
}

/** What the backward needs: softmax probabilities and the stacked queries of every (sequence, kv head, block). */
export interface AttentionSaved {
  probs: Mat[];
  queries: Mat[];
}

/** Copy rows [r0, r0+n) × cols [c0, c0+w) of x into a new [n, w] matrix. */
function sliceCols(p: Products, x: Mat, r0: number, n: number, c0: number, w: number): Mat {
  const out = mat(p, n, w);
  for (let i = 0; i < n; i++) {
    const s = (r0 + i) * x.cols + c0;
    out.data.set(x.data.subarray(s, s + w), i * w);
  }
  return out;
}

/**
 * Queries of the `group` heads served by kv head g, for positions [q0, q1) of a segment, stacked head-major:
 * row hi·n + i is head g·group + hi at position q0 + i.
 */
function stackQueries(p: Products, qkv: Mat, seg: Segment, g: number, group: number, hd: number, q0: number, q1: number): Mat {
  const n = q1 - q0;
  const out = mat(p, group * n, hd);
  for (let hi = 0; hi < group; hi++) {
    const c0 = (g * group + hi) * hd;
    for (let i = 0; i < n; i++) {
      const s = (seg.start + q0 + i) * qkv.cols + c0;
      out.data.set(qkv.data.subarray(s, s + hd), (hi * n + i) * hd);
    }
  }
  return out;
}

/**
 * O = softmax(Q·Kᵀ/√d + causal mask)·V per (segment, head). qkv [N, (H + 2K)·hd] holds rotated q, k and v;
 * returns O [N, H·hd] in the q layout and what the backward needs.
 */
export function attentionForward(p: Products, qkv: Mat, segments: readonly Segment[], geo: AttentionGeometry): { out: Mat; saved: AttentionSaved } {
  const { heads, kvHeads, headDim: hd, block } = geo;
  const group = heads / kvHeads;
  const qd = heads * hd,
    kvd = kvHeads * hd;
  const scale = 1 / Math.sqrt(hd);
  const out = mat(p, qkv.rows, qd);
  const saved: AttentionSaved = { probs: [], queries: [] };
  for (const seg of segments) {
    for (let g = 0; g < kvHeads; g++) {
      const K = sliceCols(p, qkv, seg.start, seg.len, qd + g * hd, hd);
      const V = sliceCols(p, qkv, seg.start, seg.len, qd + kvd + g * hd, hd);
      for (let q0 = 0; q0 < seg.len; q0 += block) {
        const q1 = Math.min(seg.len, q0 + block);
        const n = q1 - q0;
        const Q = stackQueries(p, qkv, seg, g, group, hd, q0, q1);
        const kRows = { rows: q1, cols: hd, data: K.data.subarray(0, q1 * hd) };
        const S = p.matmulTransB(Q, kRows); // [group·n, q1]
        causalSoftmaxInPlace(S, n, q0, scale);
        const O = p.matmul(S, { rows: q1, cols: hd, data: V.data.subarray(0, q1 * hd) }); // [group·n, hd]
        for (let hi = 0; hi < group; hi++) {
          const c0 = (g * group + hi) * hd;
          for (let i = 0; i < n; i++) out.data.set(O.data.subarray((hi * n + i) * hd, (hi * n + i + 1) * hd), (seg.start + q0 + i) * qd + c0);
        }
        saved.probs.push(S);
        saved.queries.push(Q);
      }
    }
  }
  return { out, saved };
}

/** Row r = hi·n + i is the query at position q0 + i: keys j ≤ q0 + i are visible; P = softmax(scale·S) there, 0 elsewhere. */
export function causalSoftmaxInPlace(S: Mat, n: number, q0: number, scale: number): void {
  const cols = S.cols,
    d = S.data;
  for (let r = 0; r < S.rows; r++) {
    const o = r * cols;
    const last = q0 + (r % n); // last visible key
    let max = -Infinity;
    for (let j = 0; j <= last; j++) {
      const v = d[o + j] * scale;
      if (v > max) max = v;
    }
    let sum = 0;
    for (let j = 0; j <= last; j++) {
      const e = Math.exp(d[o + j] * scale - max);
      d[o + j] = e;
      sum += e;
    }
    const inv = 1 / sum;
    for (let j = 0; j <= last; j++) d[o + j] *= inv;
    for (let j = last + 1; j < cols; j++) d[o + j] = 0;
  }
}

/**
 * Backward of attentionForward: dP = dO·Vᵀ, dV = Pᵀ·dO, dS = P ⊙ (dP − rowsum(dP ⊙ P))·scale, dQ = dS·K, dK = dSᵀ·Q.
 * Returns d(qkv) [N, (H + 2K)·hd] with respect to the rotated q and k and to v.
 */
export function attentionBackward(p: Products, qkv: Mat, dOut: Mat, segments: readonly Segment[], geo: AttentionGeometry, saved: AttentionSaved): Mat {
  const { heads, kvHeads, headDim: hd, block } = geo;
  const group = heads / kvHeads;
  const qd = heads * hd,
    kvd = kvHeads * hd;
  const scale = 1 / Math.sqrt(hd);
  const dqkv = mat(p, qkv.rows, qkv.cols);
  const W = qkv.cols;
  let b = 0;
  for (const seg of segments) {
    for (let g = 0; g < kvHeads; g++) {
      const K = sliceCols(p, qkv, seg.start, seg.len, qd + g * hd, hd);
      const V = sliceCols(p, qkv, seg.start, seg.len, qd + kvd + g * hd, hd);
      const dK = p.alloc(seg.len * hd),
        dV = p.alloc(seg.len * hd);
      for (let q0 = 0; q0 < seg.len; q0 += block) {
        const q1 = Math.min(seg.len, q0 + block);
        const n = q1 - q0;
        const P = saved.probs[b],
          Q = saved.queries[b];
        b++;
        const dO = stackQueries(p, dOut, seg, g, group, hd, q0, q1); // same stacking as the queries (dOut has the q layout)
        const vRows = { rows: q1, cols: hd, data: V.data.subarray(0, q1 * hd) };
        const kRows = { rows: q1, cols: hd, data: K.data.subarray(0, q1 * hd) };
        const dP = p.matmulTransB(dO, vRows); // [group·n, q1]
        // dVᵀ = dOᵀ·P and dKᵀ = Qᵀ·dS: transposing the thin [group·n, hd] operands, not the wide P and dS
        addTransposed(dV, p.matmul(transposeMat(p, dO), P), hd, q1); // [hd, q1]
        softmaxBackwardInPlace(P, dP, scale);
        const dQ = p.matmul(dP, kRows); // [group·n, hd]
        addTransposed(dK, p.matmul(transposeMat(p, Q), dP), hd, q1);
        for (let hi = 0; hi < group; hi++) {
          const c0 = (g * group + hi) * hd;
          for (let i = 0; i < n; i++) dqkv.data.set(dQ.data.subarray((hi * n + i) * hd, (hi * n + i + 1) * hd), (seg.start + q0 + i) * W + c0);
        }
      }
      for (let t = 0; t < seg.len; t++) {
        dqkv.data.set(dK.subarray(t * hd, (t + 1) * hd), (seg.start + t) * W + qd + g * hd);
        dqkv.data.set(dV.subarray(t * hd, (t + 1) * hd), (seg.start + t) * W + qd + kvd + g * hd);
      }
    }
  }
  return dqkv;
}

/** acc[j, c] += mT[c, j] for mT [rows = hd, cols = q1] into acc [q1, hd]. */
function addTransposed(acc: Arr, mT: Mat, hd: number, q1: number): void {
  const d = mT.data;
  for (let c = 0; c < hd; c++) {
    const o = c * q1;
    for (let j = 0; j < q1; j++) acc[j * hd + c] += d[o + j];
  }
}

/** dS = P ⊙ (dP − Σⱼ dPⱼPⱼ) · scale, written over dP (masked entries have P = 0, so dS = 0 there). */
export function softmaxBackwardInPlace(P: Mat, dP: Mat, scale: number): void {
  const cols = P.cols,
    pd = P.data,
    dd = dP.data;
  for (let r = 0; r < P.rows; r++) {
    const o = r * cols;
    let dot = 0;
    for (let j = 0; j < cols; j++) dot += pd[o + j] * dd[o + j];
    for (let j = 0; j < cols; j++) dd[o + j] = pd[o + j] * (dd[o + j] - dot) * scale;
  }
}

// --- cross-entropy --------------------------------------------------------------------------------

/**
 * Weighted mean cross-entropy over rows: L = Σᵢ wᵢ (logsumexp(zᵢ) − z_{i,yᵢ}) / Σ wᵢ.
 * Overwrites `logits` with dL/dz = wᵢ/Σw · (softmax(zᵢ) − onehot(yᵢ)); returns the loss, each row's
 * unweighted cross-entropy and whether its argmax was the target.
 */
export function crossEntropyInPlace(logits: Mat, targets: Int32Array, weights: Float32Array | Float64Array, weightSum: number): { loss: number; rowLoss: Float64Array; rowCorrect: Uint8Array } {
  const { rows, cols } = logits;
  const d = logits.data;
  let loss = 0;
  const rowLoss = new Float64Array(rows);
  const rowCorrect = new Uint8Array(rows);
  for (let i = 0; i < rows; i++) {
    const o = i * cols;
    let max = -Infinity,
      arg = 0;
    for (let j = 0; j < cols; j++)
      if (d[o + j] > max) {
        max = d[o + j];
        arg = j;
      }
    const y = targets[i];
    if (arg === y) rowCorrect[i] = 1;
    const zy = d[o + y];
    let sum = 0;
    for (let j = 0; j < cols; j++) {
      const e = Math.exp(d[o + j] - max);
      d[o + j] = e;
      sum += e;
    }
    const w = weights[i] / weightSum;
    rowLoss[i] = Math.log(sum) + max - zy;
    loss += weights[i] * rowLoss[i];
    const k = w / sum;
    for (let j = 0; j < cols; j++) d[o + j] *= k;
    d[o + y] -= w;
  }
  return { loss: loss / weightSum, rowLoss, rowCorrect };
}
