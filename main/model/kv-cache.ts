// The KV cache of one sequence in one layer, and attention of a packed batch of sequences over their own caches.
import { matrix, type AttentionShape, type Engine, type Matrix } from '../tensor/index.js';

/** One sequence's key/value cache for one layer, preallocated to capacity rows. */
export class KvCache {
  length = 0;
  readonly keys: Float32Array;
  readonly values: Float32Array;
  readonly positions: Int32Array;
  constructor(
    readonly capacity: number,
    readonly width: number,
  ) {
    this.keys = new Float32Array(capacity * width);
    this.values = new Float32Array(capacity * width);
    this.positions = new Int32Array(capacity);
  }
  append(k: Matrix, v: Matrix, positions: Int32Array): void {
    if (this.length + k.rows > this.capacity) throw new RangeError(`KV cache full: capacity ${this.capacity} tokens, asked for ${this.length + k.rows}`);
    this.keys.set(k.data, this.length * this.width);
    this.values.set(v.data, this.length * this.width);
    this.positions.set(positions, this.length);
    this.length += k.rows;
  }
  /** this cache cut to its first n rows, in a buffer of at least `capacity` rows (this one when it is large enough) */
  reuse(n: number, capacity: number): KvCache {
    const c = capacity <= this.capacity ? this : new KvCache(capacity, this.width);
    if (c !== this) {
      c.keys.set(this.keys.subarray(0, n * this.width));
      c.values.set(this.values.subarray(0, n * this.width));
      c.positions.set(this.positions.subarray(0, n));
    }
    c.length = n;
    return c;
  }
  get bytes(): number {
    return this.capacity * (2 * this.width * 4 + 4);
  }
  view(): { k: Matrix; v: Matrix; pos: Int32Array } {
    const n = this.length * this.width;
    return { k: matrix(this.length, this.width, this.keys.subarray(0, n)), v: matrix(this.length, this.width, this.values.subarray(0, n)), pos: this.positions.subarray(0, this.length) };
  }
}

/** Rows [r0, r1) of m, as a view. */
const rowsOf = (m: Matrix, r0: number, r1: number): Matrix => matrix(r1 - r0, m.cols, m.data.subarray(r0 * m.cols, r1 * m.cols));

/**
 * Attention of the new rows of B sequences packed one after another (lengths[b] rows each): each sequence's keys and
 * values go into its own cache first, then its queries attend over that cache (no padding). Returns [Σ rows, q width].
 */
export function attendOverCaches(engine: Engine, shape: AttentionShape, q: Matrix, k: Matrix, v: Matrix, positions: Int32Array, lengths: readonly number[], caches: readonly KvCache[]): Matrix {
  const outs: Matrix[] = [];
  let r0 = 0;
  lengths.forEach((n, b) => {
    const r1 = r0 + n;
    caches[b].append(rowsOf(k, r0, r1), rowsOf(v, r0, r1), positions.subarray(r0, r1));
    const view = caches[b].view();
    outs.push(engine.attention(rowsOf(q, r0, r1), view.k, view.v, shape, positions.subarray(r0, r1), view.pos));
    r0 = r1;
  });
  if (outs.length === 1) return outs[0];
  const out = new Float32Array(q.rows * q.cols);
  let offset = 0;
  for (const o of outs) {
    out.set(o.data, offset);
    offset += o.data.length;
  }
  return matrix(q.rows, q.cols, out);
}
