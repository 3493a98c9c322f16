import { describe, expect, it } from 'vitest';
import { BACKEND_ORDER, BackendUnavailableError, createEngine, getEngine, JsEngine, matrix, selectEngine, TfjsEngine, type AttentionShape, type Engine } from '../../main/tensor/index.js';
import { attention64, maxAbsDiff, random, randomValues, relErr } from './helpers.js';

const js = new JsEngine();

describe('engine selection', () => {
  it('getEngine() is the JS reference engine until a backend is selected', () => {
    expect(getEngine().report.name).toBe('js');
  });
  it('picks tfjs-wasm here, saying why each better backend was skipped', async () => {
    const engine = await selectEngine(undefined, { threads: 1 });
    expect(engine.report.name).toBe('tfjs-wasm');
    expect(engine.report.reason).toMatch(/SIMD/);
    expect(engine.report.skipped.map((s) => s.name)).toEqual(['tfjs-node-gpu', 'tfjs-node']);
    for (const s of engine.report.skipped) expect(s.why).toMatch(/@tensorflow\/tfjs-node(-gpu)? is not installed/);
    expect(engine.report.threads).toBe(1);
    engine.dispose();
  });
  it('honours a forced backend (better ones skipped as forced) and rejects an unknown one', async () => {
    const cpu = await selectEngine('tfjs-cpu');
    expect(cpu.report.name).toBe('tfjs-cpu');
    expect(cpu.report.reason).toMatch(/forced/);
    expect(cpu.report.skipped).toEqual(['tfjs-node-gpu', 'tfjs-node', 'tfjs-wasm'].map((name) => ({ name, why: 'ACBENCH_BACKEND=tfjs-cpu' })));
    expect((await selectEngine('js')).report).toMatchObject({ name: 'js', reason: expect.stringMatching(/forced/) });
    await expect(selectEngine('cuda9000')).rejects.toThrow(/expected one of tfjs-node-gpu, tfjs-node, tfjs-wasm, tfjs-cpu, js, found "cuda9000"/);
  });
  it('a forced backend that cannot start falls through to the next available one, saying so', async () => {
    const engine = await selectEngine('tfjs-node', { threads: 1 });
    expect(engine.report.name).toBe('tfjs-wasm');
    expect(engine.report.reason).toMatch(/ACBENCH_BACKEND=tfjs-node is unavailable/);
    expect(engine.report.skipped.map((s) => s.name)).toEqual(['tfjs-node-gpu', 'tfjs-node']);
    engine.dispose();
  });
  it('createEngine names one backend and throws a typed error for one that is absent', async () => {
    await expect(createEngine('tfjs-node-gpu')).rejects.toBeInstanceOf(BackendUnavailableError);
    await expect(createEngine('tfjs-node')).rejects.toThrow(/backend tfjs-node is not available here: @tensorflow\/tfjs-node is not installed/);
    expect((await createEngine('js')).report.name).toBe('js');
    expect(BACKEND_ORDER).toEqual(['tfjs-node-gpu', 'tfjs-node', 'tfjs-wasm', 'tfjs-cpu', 'js']);
  });
});

/** Causal self-attention positions start..start+t−1. */
function positions(start: number, t: number): Int32Array {
  return Int32Array.from({ length: t }, (_, i) => start + i);
}

interface AttentionCase {
  name: string;
  shape: AttentionShape;
  tq: number;
  tk: number;
  qStart: number;
  kStart: number;
  mask?: (j: number) => number;
}

// the tfjs engines pick a path by size: ≥ 16 queries and q·k·d·heads ≥ 2²⁰ → per-head matMuls; fewer queries, ≤ 4 KV heads
// and q·k·d·heads ≥ 24·2¹⁰ → two block-diagonal products; otherwise the JS kernel. The cases cover all three.
const attentionCases: AttentionCase[] = [
  { name: 'GQA prefill (4 heads / 2 KV heads), long enough for the matMul path', shape: { nHeads: 4, nKvHeads: 2, headDim: 32 }, tq: 96, tk: 96, qStart: 0, kStart: 0 },
  { name: 'GQA prefill, short (JS path)', shape: { nHeads: 4, nKvHeads: 2, headDim: 8 }, tq: 9, tk: 9, qStart: 0, kStart: 0 },
  { name: 'multi-query (1 KV head) with a sliding window of 7 at offset positions', shape: { nHeads: 4, nKvHeads: 1, headDim: 32, slidingWindow: 7 }, tq: 128, tk: 128, qStart: 100, kStart: 100 },
  {
    name: 'left padding: the first 5 keys masked (their queries see nothing and give zeros)',
    shape: { nHeads: 2, nKvHeads: 2, headDim: 64 },
    tq: 100,
    tk: 100,
    qStart: 0,
    kStart: 0,
    mask: (j) => (j < 5 ? 0 : 1),
  },
  { name: 'chunked prefill: 40 new queries against a cache of 200 keys', shape: { nHeads: 8, nKvHeads: 2, headDim: 16 }, tq: 40, tk: 200, qStart: 160, kStart: 0 },
  {
    name: 'decode step: 1 query at position 200 against a 201-key cache with a window of 64',
    shape: { nHeads: 8, nKvHeads: 4, headDim: 32, slidingWindow: 64 },
    tq: 1,
    tk: 201,
    qStart: 200,
    kStart: 0,
  },
  {
    name: 'decode step with padding: 1 query against a 150-key cache whose first 10 keys are masked',
    shape: { nHeads: 8, nKvHeads: 2, headDim: 64 },
    tq: 1,
    tk: 150,
    qStart: 149,
    kStart: 0,
    mask: (j) => (j < 10 ? 0 : 1),
  },
  { name: 'decode step of 3 queries (speculative-style) with 8 KV heads (JS path)', shape: { nHeads: 8, nKvHeads: 8, headDim: 32 }, tq: 3, tk: 100, qStart: 97, kStart: 0 },
];

function attentionInputs(c: AttentionCase, seed: number) {
  const { nHeads, nKvHeads, headDim } = c.shape;
  const q = random(c.tq, nHeads * headDim, seed);
  const k = random(c.tk, nKvHeads * headDim, seed + 1);
  const v = random(c.tk, nKvHeads * headDim, seed + 2);
  const qPos = positions(c.qStart, c.tq);
  const kPos = positions(c.kStart, c.tk);
  const mask = c.mask ? Uint8Array.from({ length: c.tk }, (_, j) => c.mask!(j)) : undefined;
  return { q, k, v, qPos, kPos, mask };
}

function checkEngineOps(name: string, make: () => Promise<Engine>) {
  describe(`${name} engine against the JS reference`, () => {
    let engine: Engine;
    it('is created', async () => {
      engine = await make();
      expect(engine).toBeInstanceOf(TfjsEngine);
    });
    // float32 products summed in a different order: relative error ~1e-7·√k, so 1e-5 is a loose bound
    it('matmul, matmulTransB and gram agree to 1e-5 relative error (large, tiny and one-row shapes)', () => {
      for (const [m, k, n] of [
        [64, 96, 80],
        [3, 5, 7],
        [1, 512, 256],
        [200, 33, 150],
      ]) {
        const a = random(m, k, m + k);
        const b = random(k, n, k + n);
        expect(relErr(engine.matmul(a, b).data, js.matmul(a, b).data)).toBeLessThan(1e-5);
        const bt = random(n, k, 9);
        expect(relErr(engine.matmulTransB(a, bt).data, js.matmulTransB(a, bt).data)).toBeLessThan(1e-5);
        const g = engine.gram(a);
        expect([g.rows, g.cols]).toEqual([k, k]);
        expect(relErr(g.data, js.gram(a).data)).toBeLessThan(1e-5);
      }
      expect(() => engine.matmul(random(4, 5, 1), random(4, 5, 2))).toThrow(/inner dimensions differ \(expected equal, found 5 and 4\)/);
      expect(() => engine.matmulTransB(random(4, 5, 1), random(4, 6, 2))).toThrow(/inner dimensions differ/);
    });
    it('linear with resident weights (large and tiny, with and without bias) agrees; repeated calls do not leak tensors', () => {
      for (const [out, inF, t] of [
        [400, 300, 17],
        [400, 300, 1],
        [300, 200, 5],
        [6, 4, 3],
      ]) {
        const w = random(out, inF, out + inF);
        const bias = randomValues(out, 5);
        const rw = engine.residentWeight(w);
        const jw = js.residentWeight(w);
        expect([rw.outFeatures, rw.inFeatures]).toEqual([out, inF]);
        const x = random(t, inF, 6);
        expect(relErr(engine.linear(x, rw, bias).data, js.linear(x, jw, bias).data)).toBeLessThan(1e-5);
        expect(relErr(engine.linear(x, rw).data, js.linear(x, jw).data)).toBeLessThan(1e-5);
        rw.dispose();
      }
      const tf = engine as TfjsEngine;
      const rw = engine.residentWeight(random(400, 200, 4)); // 80k values: kept on the backend
      const x = random(17, 200, 6);
      const before = tf.numTensors();
      for (let i = 0; i < 50; i++) engine.linear(x, rw);
      engine.matmul(random(64, 64, 1), random(64, 64, 2));
      expect(tf.numTensors()).toBe(before);
      rw.dispose();
      expect(tf.numTensors()).toBe(before - 1);
      expect(() => engine.linear(random(2, 7, 1), engine.residentWeight(random(300, 200, 4)))).toThrow(/expected inputs with 200 features, found 7/);
    });
    it('rmsNorm, rotary, swiglu, add, softmaxRows and logSumExpRows agree to 1e-6', () => {
      const x = random(13, 64, 3);
      const gamma = randomValues(64, 4);
      expect(maxAbsDiff(engine.rmsNorm(x, gamma, 1e-6).data, js.rmsNorm(x, gamma, 1e-6).data)).toBeLessThan(1e-6);
      const r1 = matrix(13, 64, x.data.slice());
      const r2 = matrix(13, 64, x.data.slice());
      const cos = randomValues(13 * 8, 5);
      const sin = randomValues(13 * 8, 6);
      engine.rotary(r1, 4, 16, cos, sin);
      js.rotary(r2, 4, 16, cos, sin);
      expect(maxAbsDiff(r1.data, r2.data)).toBeLessThan(1e-6);
      const y = random(13, 64, 7);
      expect(maxAbsDiff(engine.swiglu(x, y).data, js.swiglu(x, y).data)).toBeLessThan(1e-6);
      expect(maxAbsDiff(engine.add(x, y).data, js.add(x, y).data)).toBe(0);
      const logits = matrix(
        13,
        64,
        x.data.map((v) => v * 30),
      );
      expect(maxAbsDiff(engine.softmaxRows(logits).data, js.softmaxRows(logits).data)).toBeLessThan(1e-6);
      expect(maxAbsDiff(engine.logSumExpRows(logits), js.logSumExpRows(logits))).toBeLessThan(1e-5);
    });
    for (const c of attentionCases)
      it(`attention: ${c.name} — equals a plain float64 attention to 2e-6`, () => {
        const { q, k, v, qPos, kPos, mask } = attentionInputs(c, c.tq + c.tk);
        const expected = attention64(q, k, v, c.shape, qPos, kPos, mask);
        const got = engine.attention(q, k, v, c.shape, qPos, kPos, mask);
        expect([got.rows, got.cols]).toEqual([c.tq, c.shape.nHeads * c.shape.headDim]);
        expect(maxAbsDiff(got.data, expected)).toBeLessThan(2e-6);
        expect(maxAbsDiff(js.attention(q, k, v, c.shape, qPos, kPos, mask).data, expected)).toBeLessThan(2e-6);
        if (c.mask && c.tq === c.tk) for (let i = 0; i < 5; i++) expect(got.data.subarray(i * got.cols, (i + 1) * got.cols).every((x) => x === 0)).toBe(true);
      });
    it('attention: decoding one query at a time equals the rows of a full prefill', () => {
      const shape = { nHeads: 4, nKvHeads: 2, headDim: 64 };
      const c = { name: '', shape, tq: 96, tk: 96, qStart: 0, kStart: 0 };
      const { q, k, v, qPos, kPos } = attentionInputs(c, 77);
      const full = engine.attention(q, k, v, shape, qPos, kPos);
      for (const i of [0, 1, 50, 95]) {
        // the last one is large enough for the block-diagonal path
        const row = engine.attention(
          matrix(1, q.cols, q.data.subarray(i * q.cols, (i + 1) * q.cols)),
          matrix(i + 1, k.cols, k.data.subarray(0, (i + 1) * k.cols)),
          matrix(i + 1, v.cols, v.data.subarray(0, (i + 1) * v.cols)),
          shape,
          qPos.subarray(i, i + 1),
          kPos.subarray(0, i + 1),
        );
        expect(maxAbsDiff(row.data, full.data.subarray(i * q.cols, (i + 1) * q.cols))).toBeLessThan(2e-6);
      }
    });
    it('attention rejects inconsistent shapes with what was expected and found', () => {
      const shape = { nHeads: 4, nKvHeads: 2, headDim: 8 };
      const q = random(3, 32, 1);
      const k = random(5, 16, 2);
      expect(() => engine.attention(q, k, random(4, 16, 3), shape, positions(0, 3), positions(0, 5))).toThrow(/expected as many values as keys, found 4 and 5/);
      expect(() => engine.attention(q, k, k, { ...shape, nKvHeads: 3 }, positions(0, 3), positions(0, 5))).toThrow(/multiple of nKvHeads/);
      expect(() => engine.attention(q, k, k, shape, positions(0, 2), positions(0, 5))).toThrow(/one position per query and key/);
    });
    it('is disposed with its resident weights', () => {
      const tf = engine as TfjsEngine;
      engine.residentWeight(random(400, 200, 4));
      engine.dispose();
      expect(tf.numTensors()).toBe(0);
    });
  });
}

checkEngineOps('tfjs-wasm (one thread)', () => createEngine('tfjs-wasm', { threads: 1 }));
checkEngineOps('tfjs-cpu', () => createEngine('tfjs-cpu'));

describe('the JS engine checks shapes', () => {
  it('refuses mismatched elementwise shapes and biases', () => {
    expect(() => js.add(random(2, 3, 1), random(3, 2, 2))).toThrow(/add: expected two 2×3 matrices, found 2×3 and 3×2/);
    expect(() => js.swiglu(random(2, 3, 1), random(2, 4, 2))).toThrow(/swiglu: expected two 2×3 matrices/);
    expect(() => js.rmsNorm(random(2, 3, 1), new Float32Array(4), 1e-6)).toThrow(/rmsNorm: expected 3 weights, found 4/);
  });
  it('a tiny attention by hand: two keys with scores 0 and 1·√d/√d give softmax weights 1/(1+e) and e/(1+e)', () => {
    // headDim 1: q = 1, keys 0 and 1 → scores 0 and 1; values 10 and 20
    const out = js.attention(
      matrix(1, 1, Float32Array.of(1)),
      matrix(2, 1, Float32Array.of(0, 1)),
      matrix(2, 1, Float32Array.of(10, 20)),
      { nHeads: 1, nKvHeads: 1, headDim: 1 },
      Int32Array.of(1),
      Int32Array.of(0, 1),
    );
    const e = Math.E;
    expect(out.data[0]).toBeCloseTo((10 + 20 * e) / (1 + e), 5);
  });
});
