// TensorFlow.js engine: the heavy products (matmul, linear, Gram) on a tfjs backend — wasm with SIMD
// here, tfjs-node(-gpu) where a user has it — and everything else from the JS reference engine.
// Measured on the wasm backend: only plain 2-D matMul is fast (transposed or batched products are
// 10–40× slower), so weights are kept pre-transposed and transposes happen in JS.
import type * as tfTypes from '@tensorflow/tfjs-core';
import { JsEngine, transpose } from '../js/engine.js';
import { matrix, type BackendReport, type Matrix, type ResidentWeight } from '../types.js';

type Tf = typeof tfTypes;

/** Below this many multiply-adds the per-op overhead (~0.1 ms) costs more than JS spends on the product. */
export const TFJS_MIN_MACS = 64 * 1024;

interface TfWeight extends ResidentWeight {
  /** Wᵀ [in, out] on the backend */
  readonly backendWeight: tfTypes.Tensor2D;
  /** the same, in JS memory, for products too small for the backend */
  readonly js: ResidentWeight;
}

export class TfjsEngine extends JsEngine {
  constructor(
    private readonly tf: Tf,
    report: BackendReport,
  ) {
    super(report);
  }

  private product(a: Matrix, b: Matrix): Matrix {
    const tf = this.tf;
    const out = tf.tidy(() => tf.matMul(tf.tensor2d(a.data, [a.rows, a.cols]), tf.tensor2d(b.data, [b.rows, b.cols])));
    const data = out.dataSync() as Float32Array;
    out.dispose();
    return matrix(a.rows, b.cols, data);
  }

  override matmul(a: Matrix, b: Matrix): Matrix {
    if (a.rows * a.cols * b.cols < TFJS_MIN_MACS) return super.matmul(a, b);
    if (a.cols !== b.rows) throw new RangeError(`matmul: inner dimensions differ (expected equal, found ${a.cols} and ${b.rows})`);
    return this.product(a, b);
  }

  override matmulTransB(a: Matrix, b: Matrix): Matrix {
    if (a.cols !== b.cols) throw new RangeError(`matmulTransB: inner dimensions differ (expected equal, found ${a.cols} and ${b.cols})`);
    return this.matmul(a, transpose(b));
  }

  override gram(a: Matrix): Matrix {
    return this.matmul(transpose(a), a);
  }

  override residentWeight(w: Matrix): TfWeight {
    const t = transpose(w);
    const backendWeight = this.tf.keep(this.tf.tensor2d(t.data, [t.rows, t.cols]));
    const js = super.residentWeight(w);
    return {
      outFeatures: w.rows,
      inFeatures: w.cols,
      backendWeight,
      js,
      dispose: () => {
        backendWeight.dispose();
        js.dispose();
      },
    };
  }

  override linear(x: Matrix, w: ResidentWeight, bias?: Float32Array): Matrix {
    const tw = w as TfWeight;
    if (x.cols !== tw.inFeatures) throw new RangeError(`linear: expected inputs with ${tw.inFeatures} features, found ${x.cols}`);
    if (x.rows * tw.inFeatures * tw.outFeatures < TFJS_MIN_MACS) return super.linear(x, tw.js, bias);
    const tf = this.tf;
    const out = tf.tidy(() => tf.matMul(tf.tensor2d(x.data, [x.rows, x.cols]), tw.backendWeight));
    const y = out.dataSync() as Float32Array;
    out.dispose();
    if (bias) for (let i = 0; i < x.rows; i++) for (let j = 0; j < tw.outFeatures; j++) y[i * tw.outFeatures + j] += bias[j];
    return matrix(x.rows, tw.outFeatures, y);
  }

  /** tensors the backend holds (resident weights included) */
  numTensors(): number {
    return this.tf.memory().numTensors;
  }
}
