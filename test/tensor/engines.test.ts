import { describe, expect, it } from 'vitest';
import { JsEngine, NotPositiveDefiniteError, selectEngine, TfjsEngine, matrix, matrix64, type Engine, type Matrix } from '../../main/tensor/index.js';

function random(rows: number, cols: number, seed: number): Matrix {
  let s = seed;
  return matrix(rows, cols, Float32Array.from({ length: rows * cols }, () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32) * 2 - 1));
}

function relErr(a: Float32Array, b: Float32Array): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num += (a[i] - b[i]) ** 2;
    den += b[i] ** 2;
  }
  return Math.sqrt(num / den);
}

const js = new JsEngine();

describe('engine selection', () => {
  it('picks tfjs-wasm here and says why the native backends were skipped', async () => {
    const engine = await selectEngine(undefined);
    expect(engine.report.name).toBe('tfjs-wasm');
    expect(engine.report.skipped.map((s) => s.name)).toEqual(['tfjs-node-gpu', 'tfjs-node']);
    for (const s of engine.report.skipped) expect(s.why).toMatch(/not installed/);
  });
  it('honours a forced backend and rejects an unknown one', async () => {
    expect((await selectEngine('js')).report).toMatchObject({ name: 'js', reason: expect.stringMatching(/forced/) });
    await expect(selectEngine('cuda9000')).rejects.toThrow(/expected one of tfjs-node-gpu, tfjs-node, tfjs-wasm, tfjs-cpu, js/);
  });
});

for (const name of ['tfjs-wasm', 'tfjs-cpu'] as const)
  describe(`${name} engine against the JS reference`, () => {
    let engine: Engine;
    it('is selected', async () => {
      engine = await selectEngine(name);
      expect(engine).toBeInstanceOf(TfjsEngine);
    });
    it('matmul, matmulTransB and gram agree to 1e-5 relative error (large and small shapes)', () => {
      for (const [m, k, n] of [[64, 96, 80], [3, 5, 7], [1, 512, 256]]) {
        const a = random(m, k, m + k);
        const b = random(k, n, k + n);
        expect(relErr(engine.matmul(a, b).data, js.matmul(a, b).data)).toBeLessThan(1e-5);
        const bt = random(n, k, 9);
        expect(relErr(engine.matmulTransB(a, bt).data, js.matmulTransB(a, bt).data)).toBeLessThan(1e-5);
        expect(relErr(engine.gram(a).data, js.gram(a).data)).toBeLessThan(1e-5);
      }
      expect(() => engine.matmul(random(4, 5, 1), random(4, 5, 2))).toThrow(/inner dimensions differ/);
    });
    it('linear with a resident weight and bias agrees, and repeated calls do not leak tensors', () => {
      const w = random(300, 200, 4);
      const bias = random(1, 300, 5).data;
      const rw = engine.residentWeight(w);
      const jw = js.residentWeight(w);
      const x = random(17, 200, 6);
      expect(relErr(engine.linear(x, rw, bias).data, js.linear(x, jw, bias).data)).toBeLessThan(1e-5);
      const tf = engine as TfjsEngine;
      const before = tf.numTensors();
      for (let i = 0; i < 100; i++) engine.linear(x, rw, bias);
      expect(tf.numTensors()).toBe(before);
      rw.dispose();
      expect(tf.numTensors()).toBe(before - 1);
    });
  });

describe('JS linear algebra on hand-checked matrices', () => {
  const A = matrix64(3, 3, Float64Array.from([4, 12, -16, 12, 37, -43, -16, -43, 98]));
  it('Cholesky of the classic 3×3 example', () => {
    expect(Array.from(js.cholesky(A).data)).toEqual([2, 0, 0, 6, 1, 0, -8, 5, 3]);
  });
  it('inverse from the Cholesky factor: A·A⁻¹ = I', () => {
    const inv = js.choleskyInverse(js.cholesky(A));
    for (let i = 0; i < 3; i++)
      for (let j = 0; j < 3; j++) {
        let s = 0;
        for (let p = 0; p < 3; p++) s += A.data[i * 3 + p] * inv.data[p * 3 + j];
        expect(s).toBeCloseTo(i === j ? 1 : 0, 10);
      }
  });
  it('triangular solves: L·x = b and Lᵀ·x = b', () => {
    const L = js.cholesky(A);
    const x = js.triangularSolve(L, matrix64(3, 1, Float64Array.from([2, 7, 6])), true);
    expect(Array.from(x.data)).toEqual([1, 1, 3]); // 2·1 = 2; 6·1 + 1·1 = 7; −8 + 5 + 3·3 = 6
    const U = matrix64(3, 3, Float64Array.from([2, 6, -8, 0, 1, 5, 0, 0, 3]));
    expect(Array.from(js.triangularSolve(U, matrix64(3, 1, Float64Array.from([0, 6, 3])), false).data)).toEqual([1, 1, 1]); // x₃ = 3/3; x₂ = 6 − 5; x₁ = (0 − 6 + 8)/2
  });
  it('symmetric eigenvalues: a known spectrum, and their sum is the trace', () => {
    const S = matrix64(2, 2, Float64Array.from([2, 1, 1, 2])); // eigenvalues 1 and 3
    const e = js.symmetricEigenvalues(S);
    expect(e[0]).toBeCloseTo(1, 12);
    expect(e[1]).toBeCloseTo(3, 12);
    const sum = js.symmetricEigenvalues(A).reduce((a, b) => a + b, 0);
    expect(sum).toBeCloseTo(4 + 37 + 98, 9);
  });
  it('an indefinite matrix is refused with the failing pivot', () => {
    expect(() => js.cholesky(matrix64(2, 2, Float64Array.from([1, 2, 2, 1])))).toThrow(NotPositiveDefiniteError);
    expect(() => js.cholesky(matrix64(2, 2, Float64Array.from([1, 2, 2, 1])))).toThrow(/pivot 1 is -3/);
  });
});
