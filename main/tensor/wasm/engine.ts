// TensorFlow.js engine: the heavy products (matmul, linear, Gram, long attention) on a tfjs backend —
// wasm with SIMD here, tfjs-node(-gpu) where a user has it — and the light elementwise kernels in JS.
// Measured on the wasm backend (tfjs 4.22, one thread): only plain 2-D matMul is fast (43 GFLOP/s at
// 1024³; transposeB 3.6, transposeA 0.9, batched 4-D matMul, softmax and 4-D transpose far slower),
// so weights are kept pre-transposed (Wᵀ [in, out]), transposes happen in JS, and every product the
// backend sees is a plain 2-D matMul. With a product worker (a second thread with its own wasm backend)
// large products are split by rows or columns between the two threads, and resident weights are split
// by output columns: each thread keeps half of Wᵀ, so a linear costs each thread half the time and
// half the memory.
import type * as tfTypes from '@tensorflow/tfjs-core';
import { JsEngine, transpose, transposedRows } from '../js/engine.js';
import { type AttentionShape, type BackendReport, type Matrix, type Matrix64, type ResidentWeight, matrix } from '../types.js';
import { type ProductWorker, WorkerFailedError } from './split.js';
import { type LinalgOptions, product64 } from '../linalg.js';
import { symmetricEigenvaluesBlocked } from '../eigen.js';

type Tf = typeof tfTypes;

/** Below this many multiply-adds the per-op overhead (~25 µs) costs more than JS spends on the product. */
export const TFJS_MIN_MACS = 64 * 1024;

/**
 * Products of at least this many multiply-adds are split between the main thread and the worker. A
 * hand-off costs ≈35 µs plus the worker's own ≈25 µs tfjs call overhead and the copies into the shared
 * arena, so below ≈160³ one thread is as fast. Splitting never changes the result: every output element
 * is computed by the same kernel with the same summation order, so the bits are those of one thread.
 */
export const SPLIT_MIN_MACS = 4 * 1024 * 1024;

/**
 * Resident weights of at least this many elements keep half their output columns in the worker, so
 * every linear with them is split, one-token decode steps included. A decode step is bound by memory
 * bandwidth: a [1,512]·[512,3072] GEMV streams its 6 MB weight at ≈9 GB/s from one thread and ≈16 GB/s
 * from two (716 → 391 µs when a model's weights take turns in the cache). Measured on whole models,
 * splitting weights from 512k elements up gave the best prefill and decode (0.5B-shaped layer: prefill
 * 487 → 1073 tokens/s, decode 134 → 193); smaller weights stay whole on the main thread.
 */
export const SPLIT_WEIGHT_MIN = 512 * 1024;

/** Attention of ≥ 16 queries whose score matrices hold at least this many multiply-adds runs as per-head 2-D matMuls. */
export const ATTENTION_MATMUL_MIN_MACS = 1024 * 1024;

/** Decode-step attention (< 16 queries) of at least this many multiply-adds runs as two block-diagonal products... */
export const ATTENTION_DECODE_MIN_MACS = 24 * 1024;
/** ...when there are at most this many KV heads (the products do nKv× the necessary work). */
export const ATTENTION_BLOCK_DIAGONAL_MAX_KV = 4;

interface TfWeight extends ResidentWeight {
  /** tiny weights: the JS layout too, for products below TFJS_MIN_MACS */
  readonly js?: ResidentWeight;
  /** Wᵀ[:, :mainCols] on this thread's backend */
  readonly main?: tfTypes.Tensor2D;
  readonly mainCols: number;
  /** the worker's resident Wᵀ[:, mainCols:] */
  readonly workerId?: number;
}

export interface TfjsEngineOptions {
  /** a started product worker (wasm only); the engine owns it from here on */
  worker?: ProductWorker;
}

/** Columns [c0, c1) of a row-major [rows, cols] array, as a new [rows, c1 − c0] array. */
function columns(data: Float32Array, rows: number, cols: number, c0: number, c1: number): Float32Array {
  const w = c1 - c0;
  const out = new Float32Array(rows * w);
  for (let r = 0; r < rows; r++) out.set(data.subarray(r * cols + c0, r * cols + c1), r * w);
  return out;
}

/** [rows, n1] and [rows, n2] side by side → [rows, n1 + n2]. */
function joinColumns(left: Float32Array, right: Float32Array, rows: number, n1: number, n2: number): Float32Array {
  const n = n1 + n2;
  const out = new Float32Array(rows * n);
  for (let r = 0; r < rows; r++) {
    out.set(left.subarray(r * n1, r * n1 + n1), r * n);
    out.set(right.subarray(r * n2, r * n2 + n2), r * n + n1);
  }
  return out;
}

function addBias(y: Float32Array, rows: number, bias: Float32Array): void {
  const n = bias.length;
  for (let i = 0; i < rows; i++) for (let j = 0; j < n; j++) y[i * n + j] += bias[j];
}

export class TfjsEngine extends JsEngine {
  private readonly backendName: string;
  private worker: ProductWorker | undefined;
  private workerFailure: string | undefined;
  private readonly weights = new Set<TfWeight>();

  constructor(
    private readonly tf: Tf,
    report: BackendReport,
    options: TfjsEngineOptions = {},
  ) {
    super(report);
    this.backendName = tf.getBackend();
    this.worker = options.worker;
  }

  /** Threads doing products now (2 with a live worker). */
  get threads(): number {
    return this.worker ? 2 : 1;
  }

  /** Why the worker stopped being used, if it did. */
  get workerProblem(): string | undefined {
    return this.workerFailure;
  }

  /** tfjs has one global backend; engines of different backends in one process (tests, bench) switch it back. */
  private use(): Tf {
    const tf = this.tf;
    if (tf.getBackend() !== this.backendName) void tf.setBackend(this.backendName); // synchronous for a registered backend
    return tf;
  }

  /** C = A·B on this thread's backend, A [m,k] and B [k,n] given as JS arrays or B as a kept tensor. */
  private product(a: Float32Array, m: number, k: number, b: Float32Array | tfTypes.Tensor2D, n: number): Float32Array {
    const tf = this.use();
    const out = tf.tidy(() => tf.matMul(tf.tensor2d(a, [m, k]), b instanceof Float32Array ? tf.tensor2d(b, [k, n]) : b));
    const data = out.dataSync() as Float32Array;
    out.dispose();
    return data;
  }

  /** After a worker failure: carry on with one thread and say so in the report. */
  private dropWorker(e: unknown): void {
    this.workerFailure = (e as Error).message;
    this.worker?.dispose();
    this.worker = undefined;
    this.report.threads = 1;
    this.report.reason += `; back to one thread after ${this.workerFailure}`;
  }

  /** This thread's share of a split job; if it throws, the worker is still let finish (it writes the arena) before rethrowing. */
  private ownShare(worker: ProductWorker, ticket: number, flops: number, share: () => Float32Array): Float32Array {
    try {
      return share();
    } catch (e) {
      try {
        worker.wait(ticket, flops);
      } catch {
        // the worker's own failure is secondary to this thread's
      }
      throw e;
    }
  }

  /** C = A·B split between this thread and the worker: by rows when A is tall, else by columns of B. */
  private splitProduct(worker: ProductWorker, a: Float32Array, m: number, k: number, b: Float32Array, n: number): Float32Array {
    if (m >= 2 * n || m >= 64) {
      const m1 = Math.ceil(m / 2);
      const m2 = m - m1;
      const arena = worker.arena(k * n + m2 * k + m2 * n);
      arena.set(b, 0);
      arena.set(a.subarray(m1 * k, m * k), k * n);
      const cOffset = k * n + m2 * k;
      const ticket = worker.start({ m: m2, k, n, aOffset: k * n, b: { offset: 0 }, cOffset });
      const c = new Float32Array(m * n);
      c.set(this.ownShare(worker, ticket, 2 * m2 * k * n, () => this.product(a.subarray(0, m1 * k), m1, k, b, n)));
      worker.wait(ticket, 2 * m2 * k * n);
      c.set(arena.subarray(cOffset, cOffset + m2 * n), m1 * n);
      return c;
    }
    const n1 = Math.ceil(n / 2);
    const n2 = n - n1;
    const arena = worker.arena(m * k + k * n2 + m * n2);
    arena.set(a, 0);
    for (let p = 0; p < k; p++) arena.set(b.subarray(p * n + n1, p * n + n), m * k + p * n2);
    const cOffset = m * k + k * n2;
    const ticket = worker.start({ m, k, n: n2, aOffset: 0, b: { offset: m * k }, cOffset });
    const left = this.ownShare(worker, ticket, 2 * m * k * n2, () => this.product(a, m, k, columns(b, k, n, 0, n1), n1));
    worker.wait(ticket, 2 * m * k * n2);
    return joinColumns(left, arena.subarray(cOffset, cOffset + m * n2), m, n1, n2);
  }

  private productOf(a: Float32Array, m: number, k: number, b: Float32Array, n: number): Float32Array {
    const macs = m * k * n;
    if (this.worker && macs >= SPLIT_MIN_MACS) {
      try {
        return this.splitProduct(this.worker, a, m, k, b, n);
      } catch (e) {
        if (!(e instanceof WorkerFailedError)) throw e;
        this.dropWorker(e); // the inputs are in hand: finish on this thread
      }
    }
    return this.product(a, m, k, b, n);
  }

  override matmul(a: Matrix, b: Matrix): Matrix {
    if (a.cols !== b.rows) throw new RangeError(`matmul: inner dimensions differ (expected equal, found ${a.cols} and ${b.rows})`);
    if (a.rows * a.cols * b.cols < TFJS_MIN_MACS) return super.matmul(a, b);
    return matrix(a.rows, b.cols, this.productOf(a.data, a.rows, a.cols, b.data, b.cols));
  }

  override matmulTransB(a: Matrix, b: Matrix): Matrix {
    if (a.cols !== b.cols) throw new RangeError(`matmulTransB: inner dimensions differ (expected equal, found ${a.cols} and ${b.cols})`);
    if (a.rows * a.cols * b.rows < TFJS_MIN_MACS) return super.matmulTransB(a, b);
    return this.matmul(a, transpose(b)); // a JS transpose + a plain matMul beat matMul(transposeB) 10×
  }

  override gram(a: Matrix): Matrix {
    if (a.rows * a.cols * a.cols < TFJS_MIN_MACS) return super.gram(a);
    return this.matmul(transpose(a), a);
  }

  override residentWeight(w: Matrix): ResidentWeight {
    const [out, inF] = [w.rows, w.cols];
    const tf = this.use();
    const worker = this.worker;
    if (worker && out * inF >= SPLIT_WEIGHT_MIN) {
      // each thread's share transposed straight from W: no whole Wᵀ copy beside the two halves (a 151k-row head is 0.5 GB)
      const mainCols = Math.ceil(out / 2);
      const main = tf.keep(tf.tensor2d(transposedRows(w, 0, mainCols), [inF, mainCols]));
      const workerId = worker.uploadWeight(transposedRows(w, mainCols, out), inF, out - mainCols);
      const weight: TfWeight = {
        outFeatures: out,
        inFeatures: inF,
        main,
        mainCols,
        workerId,
        dispose: () => {
          main.dispose();
          worker.freeWeight(workerId);
          this.weights.delete(weight);
        },
      };
      return this.keepWeight(weight);
    }
    const t = transpose(w).data; // Wᵀ [in, out]
    if (out * inF < TFJS_MIN_MACS) {
      // a tiny weight: few-row linears are cheaper in JS, many-row ones (prefill, calibration) on the backend; both copies are small
      const js = super.residentWeight(w);
      const main = tf.keep(tf.tensor2d(t, [inF, out]));
      const weight: TfWeight = { outFeatures: out, inFeatures: inF, js, main, mainCols: out, dispose: () => (js.dispose(), main.dispose(), this.weights.delete(weight)) };
      return this.keepWeight(weight);
    }
    const main = tf.keep(tf.tensor2d(t, [inF, out]));
    const weight: TfWeight = { outFeatures: out, inFeatures: inF, main, mainCols: out, dispose: () => (main.dispose(), this.weights.delete(weight)) };
    return this.keepWeight(weight);
  }

  private keepWeight(w: TfWeight): TfWeight {
    this.weights.add(w);
    return w;
  }

  override linear(x: Matrix, w: ResidentWeight, bias?: Float32Array): Matrix {
    const tw = w as TfWeight;
    if (x.cols !== tw.inFeatures) throw new RangeError(`linear: expected inputs with ${tw.inFeatures} features, found ${x.cols}`);
    if (bias && bias.length !== tw.outFeatures) throw new RangeError(`linear: expected a bias of ${tw.outFeatures} values, found ${bias.length}`);
    if (tw.js && x.rows * tw.inFeatures * tw.outFeatures < TFJS_MIN_MACS) return super.linear(x, tw.js, bias);
    const main = tw.main;
    if (!main || main.isDisposed) throw new RangeError('linear: the resident weight was disposed');
    const [t, inF, out] = [x.rows, tw.inFeatures, tw.outFeatures];
    let y: Float32Array;
    if (tw.workerId === undefined) y = this.product(x.data, t, inF, main, out);
    else {
      const worker = this.worker;
      if (!worker) throw new WorkerFailedError(`half of this weight lives in the stopped worker (${this.workerFailure ?? 'disposed'})`);
      const n2 = out - tw.mainCols;
      const arena = worker.arena(t * inF + t * n2);
      arena.set(x.data, 0);
      const ticket = worker.start({ m: t, k: inF, n: n2, aOffset: 0, b: { weight: tw.workerId }, cOffset: t * inF });
      const left = this.ownShare(worker, ticket, 2 * t * inF * n2, () => this.product(x.data, t, inF, main, tw.mainCols));
      try {
        worker.wait(ticket, 2 * t * inF * n2);
      } catch (e) {
        this.dropWorker(e);
        throw e;
      }
      y = joinColumns(left, arena.subarray(t * inF, t * inF + t * n2), t, tw.mainCols, n2);
    }
    if (bias) addBias(y, t, bias);
    return matrix(t, out, y);
  }

  /**
   * Attention as plain 2-D matMuls. Long query blocks (prefill): one pair per KV head — the group's query
   * heads stacked as Q_g [group·tq, d] against K_gᵀ [d, tk] (transposed in JS), masked softmax in JS,
   * then P·V_g. Short query blocks (decode steps) with few KV heads: the whole cache in two products,
   * K [tk, nKv·d] · Q̃ [nKv·d, tq·nHeads] with Q̃ block-diagonal (each query head's column holds it in its
   * KV head's rows), then Pᵀ [tq·nHeads, tk] · V [tk, nKv·d], keeping each head's own block: nKv× the
   * multiply-adds, but no gather of the cache and 4 backend calls instead of 4 per head.
   */
  override attention(q: Matrix, k: Matrix, v: Matrix, shape: AttentionShape, qPositions: Int32Array, kPositions: Int32Array, keyMask?: Uint8Array): Matrix {
    const { nHeads, nKvHeads, headDim: d } = shape;
    const macs = q.rows * k.rows * d * nHeads;
    if (q.rows >= 16 && macs >= ATTENTION_MATMUL_MIN_MACS) return this.attentionByHeads(q, k, v, shape, qPositions, kPositions, keyMask);
    if (q.rows < 16 && nKvHeads <= ATTENTION_BLOCK_DIAGONAL_MAX_KV && macs >= ATTENTION_DECODE_MIN_MACS) return this.attentionBlockDiagonal(q, k, v, shape, qPositions, kPositions, keyMask);
    return super.attention(q, k, v, shape, qPositions, kPositions, keyMask);
  }

  private attentionBlockDiagonal(q: Matrix, k: Matrix, v: Matrix, shape: AttentionShape, qPositions: Int32Array, kPositions: Int32Array, keyMask?: Uint8Array): Matrix {
    this.checkAttention(q, k, v, shape, qPositions, kPositions, keyMask);
    const { nHeads, nKvHeads, headDim: d } = shape;
    const [tq, tk, width] = [q.rows, k.rows, nKvHeads * d];
    const group = nHeads / nKvHeads;
    const cols = tq * nHeads; // column i·nHeads + h
    const qbd = new Float32Array(width * cols);
    for (let i = 0; i < tq; i++)
      for (let h = 0; h < nHeads; h++) {
        const row0 = Math.floor(h / group) * d;
        const src = i * q.cols + h * d;
        for (let c = 0; c < d; c++) qbd[(row0 + c) * cols + i * nHeads + h] = q.data[src + c];
      }
    const scores = this.productOf(k.data, tk, width, qbd, cols); // [tk, cols]
    const visible = attentionMask(qPositions, kPositions, shape.slidingWindow, keyMask);
    const p = new Float32Array(cols * tk); // softmax rows, transposed to [cols, tk]
    for (let j = 0; j < tk; j++) for (let col = 0; col < cols; col++) p[col * tk + j] = scores[j * cols + col];
    for (let col = 0; col < cols; col++) maskedSoftmaxRow(p, col * tk, tk, visible, Math.floor(col / nHeads) * tk, 1 / Math.sqrt(d));
    const o = this.productOf(p, cols, tk, v.data, width); // [cols, nKv·d]
    const out = new Float32Array(tq * nHeads * d);
    for (let i = 0; i < tq; i++)
      for (let h = 0; h < nHeads; h++) {
        const col = i * nHeads + h;
        const src = col * width + Math.floor(h / group) * d;
        out.set(o.subarray(src, src + d), i * nHeads * d + h * d);
      }
    return matrix(tq, nHeads * d, out);
  }

  private attentionByHeads(q: Matrix, k: Matrix, v: Matrix, shape: AttentionShape, qPositions: Int32Array, kPositions: Int32Array, keyMask?: Uint8Array): Matrix {
    this.checkAttention(q, k, v, shape, qPositions, kPositions, keyMask);
    const { nHeads, nKvHeads, headDim: d } = shape;
    const [tq, tk] = [q.rows, k.rows];
    const group = nHeads / nKvHeads;
    const rows = group * tq;
    const scale = 1 / Math.sqrt(d);
    const out = new Float32Array(tq * nHeads * d);
    const qg = new Float32Array(rows * d);
    const kt = new Float32Array(d * tk);
    const vg = new Float32Array(tk * d);
    // visible keys per query: one mask shared by all heads
    const visible = attentionMask(qPositions, kPositions, shape.slidingWindow, keyMask);
    for (let g = 0; g < nKvHeads; g++) {
      for (let hl = 0; hl < group; hl++) {
        const h = g * group + hl;
        for (let i = 0; i < tq; i++) qg.set(q.data.subarray(i * q.cols + h * d, i * q.cols + h * d + d), (hl * tq + i) * d);
      }
      for (let j = 0; j < tk; j++) {
        const base = j * k.cols + g * d;
        for (let c = 0; c < d; c++) kt[c * tk + j] = k.data[base + c];
        vg.set(v.data.subarray(j * v.cols + g * d, j * v.cols + g * d + d), j * d);
      }
      const scores = this.productOf(qg, rows, d, kt, tk); // [group·tq, tk]
      for (let r = 0; r < rows; r++) maskedSoftmaxRow(scores, r * tk, tk, visible, (r % tq) * tk, scale);
      const o = this.productOf(scores, rows, tk, vg, d); // [group·tq, d]
      for (let hl = 0; hl < group; hl++) {
        const h = g * group + hl;
        for (let i = 0; i < tq; i++) out.set(o.subarray((hl * tq + i) * d, (hl * tq + i + 1) * d), i * nHeads * d + h * d);
      }
    }
    return matrix(tq, nHeads * d, out);
  }

  /** The blocked factorisations' products in float32 on this backend (split across threads when large); small blocks stay float64. */
  protected override linalgOptions(): LinalgOptions {
    return {
      product: (a, b, m, k, n) => {
        if (m * k * n < TFJS_MIN_MACS) return product64(a, b, m, k, n);
        return Float64Array.from(this.productOf(Float32Array.from(a), m, k, Float32Array.from(b), n));
      },
    };
  }

  /** Two-stage (full → band on this backend's products, band → tridiagonal in float64): ≈2× the one-stage JS at n = 1024. */
  override symmetricEigenvalues(a: Matrix64): Float64Array {
    if (a.rows !== a.cols) return super.symmetricEigenvalues(a);
    return symmetricEigenvaluesBlocked(a.data, a.rows, this.linalgOptions());
  }

  /** tensors the backend holds (resident weights included) */
  numTensors(): number {
    return this.use().memory().numTensors;
  }

  override dispose(): void {
    for (const w of [...this.weights]) w.dispose();
    this.worker?.dispose();
    this.worker = undefined;
  }
}

/** visible[i·tk + j] = 1 when query i may see key j: kPos ≤ qPos, inside the window, and not masked out. */
export function attentionMask(qPositions: Int32Array, kPositions: Int32Array, slidingWindow: number | undefined, keyMask?: Uint8Array): Uint8Array {
  const [tq, tk] = [qPositions.length, kPositions.length];
  const visible = new Uint8Array(tq * tk);
  for (let i = 0; i < tq; i++) {
    const qp = qPositions[i];
    const lo = slidingWindow ? qp - slidingWindow : -Infinity;
    for (let j = 0; j < tk; j++) {
      const kp = kPositions[j];
      visible[i * tk + j] = kp <= qp && kp > lo && (!keyMask || keyMask[j] === 1) ? 1 : 0;
    }
  }
  return visible;
}

/** In place: s_j ← exp(scale·s_j − max) / Σ over visible j, 0 for hidden keys (all 0 when none is visible). */
export function maskedSoftmaxRow(s: Float32Array, offset: number, n: number, visible: Uint8Array, maskOffset: number, scale: number): void {
  let max = -Infinity;
  for (let j = 0; j < n; j++) if (visible[maskOffset + j] && s[offset + j] * scale > max) max = s[offset + j] * scale;
  if (max === -Infinity) {
    s.fill(0, offset, offset + n);
    return;
  }
  let sum = 0;
  for (let j = 0; j < n; j++) {
    const e = visible[maskOffset + j] ? Math.exp(s[offset + j] * scale - max) : 0;
    s[offset + j] = e;
    sum += e;
  }
  const inv = 1 / sum;
  for (let j = 0; j < n; j++) s[offset + j] *= inv;
}
