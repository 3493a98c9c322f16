// Training speed: tokens/s of one forward + backward + AdamW step for several model sizes and
// sequence lengths on the process engine, with the share of time spent in the engine's products.
import { prepareEngine } from '../tensor/index.js';
import { seededRandom } from '../model/index.js';
import { initParams, lossAndGrad, paramSpecs, parameterCount, zerosLike, type Batch, type TinyConfig } from './network.js';
import { adamwStep, DEFAULT_OPTIM } from './optim.js';
import { engineProducts, type Products } from './ops.js';

export interface TrainBenchShape {
  label: string;
  config: TinyConfig;
  seqLen: number;
  batchTokens: number;
}

/** Model sizes of acb-tiny (vocabSize comes from the trained tokenizer; 3000 is what ours learns). */
export const TINY_SIZES: Record<'tiny' | 'small' | 'base', Omit<TinyConfig, 'vocabSize'>> = {
  tiny: { hidden: 128, layers: 2, heads: 4, kvHeads: 2, headDim: 32, intermediate: 352, ropeTheta: 10000, rmsEps: 1e-5, maxSeq: 1152 },
  small: { hidden: 192, layers: 4, heads: 6, kvHeads: 2, headDim: 32, intermediate: 512, ropeTheta: 10000, rmsEps: 1e-5, maxSeq: 1152 },
  base: { hidden: 256, layers: 4, heads: 4, kvHeads: 2, headDim: 64, intermediate: 704, ropeTheta: 10000, rmsEps: 1e-5, maxSeq: 1152 },
};

const V = 3000;
export const TRAIN_BENCH_SHAPES: TrainBenchShape[] = [
  { label: 'tiny L2 d128, seq 512', config: { ...TINY_SIZES.tiny, vocabSize: V }, seqLen: 512, batchTokens: 8192 },
  { label: 'small L4 d192, seq 512', config: { ...TINY_SIZES.small, vocabSize: V }, seqLen: 512, batchTokens: 8192 },
  { label: 'base L4 d256, seq 256', config: { ...TINY_SIZES.base, vocabSize: V }, seqLen: 256, batchTokens: 8192 },
  { label: 'base L4 d256, seq 512', config: { ...TINY_SIZES.base, vocabSize: V }, seqLen: 512, batchTokens: 8192 },
  { label: 'base L4 d256, seq 1024', config: { ...TINY_SIZES.base, vocabSize: V }, seqLen: 1024, batchTokens: 8192 },
];

export interface TrainBenchRow {
  label: string;
  parameters: number;
  seqLen: number;
  batchTokens: number;
  tokensPerS: number;
  msPerStep: number;
  /** fraction of the step spent inside the engine's products */
  productShare: number;
  backend: string;
}

/** Wrap products to time them. */
function timed(p: Products): { products: Products; ms: () => number; reset: () => void } {
  let ms = 0;
  const wrap =
    <A extends unknown[], R>(f: (...a: A) => R) =>
    (...a: A): R => {
      const t = performance.now();
      const r = f(...a);
      ms += performance.now() - t;
      return r;
    };
  return {
    products: { precision: p.precision, alloc: p.alloc, matmul: wrap(p.matmul), matmulTransB: wrap(p.matmulTransB), matmulTransA: wrap(p.matmulTransA) },
    ms: () => ms,
    reset: () => (ms = 0),
  };
}

/** A batch of random tokens: batchTokens / seqLen sequences of seqLen, loss on a quarter of the positions (answers). */
export function randomBatch(c: TinyConfig, seqLen: number, batchTokens: number, seed: number): Batch {
  const r = seededRandom(seed);
  const n = Math.max(1, Math.floor(batchTokens / seqLen));
  const N = n * seqLen;
  const b: Batch = { ids: new Int32Array(N), targets: new Int32Array(N).fill(-1), weights: new Float32Array(N), segments: [] };
  for (let i = 0; i < N; i++) b.ids[i] = Math.floor(r() * c.vocabSize);
  for (let s = 0; s < n; s++) {
    b.segments.push({ start: s * seqLen, len: seqLen });
    for (let t = Math.floor(seqLen * 0.75); t < seqLen - 1; t++) {
      b.targets[s * seqLen + t] = b.ids[s * seqLen + t + 1];
      b.weights[s * seqLen + t] = 1;
    }
  }
  return b;
}

export async function benchTraining(shapes: readonly TrainBenchShape[] = TRAIN_BENCH_SHAPES, steps = 2): Promise<TrainBenchRow[]> {
  const engine = await prepareEngine();
  const t = timed(engineProducts(engine));
  const rows: TrainBenchRow[] = [];
  for (const s of shapes) {
    const params = initParams(s.config, 1, t.products);
    const m = zerosLike(s.config, t.products),
      v = zerosLike(s.config, t.products);
    const specs = paramSpecs(s.config);
    const optim = { ...DEFAULT_OPTIM, totalSteps: 100 };
    const batch = randomBatch(s.config, s.seqLen, s.batchTokens, 2);
    const step = (i: number) => adamwStep(specs, params, lossAndGrad(s.config, params, batch, t.products).grads!, m, v, optim, i);
    step(0); // warm-up
    t.reset();
    const t0 = performance.now();
    for (let i = 1; i <= steps; i++) step(i);
    const ms = (performance.now() - t0) / steps;
    rows.push({
      label: s.label,
      parameters: parameterCount(s.config),
      seqLen: s.seqLen,
      batchTokens: batch.ids.length,
      tokensPerS: Math.round((batch.ids.length / ms) * 1000),
      msPerStep: Math.round(ms),
      productShare: t.ms() / steps / ms,
      backend: `${engine.report.name}×${engine.report.threads}`,
    });
  }
  return rows;
}

export function trainBenchTable(rows: readonly TrainBenchRow[]): string {
  const head = '| shape | parameters | seq | tokens/step | ms/step | tokens/s | in products | engine |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |';
  return [
    head,
    ...rows.map(
      (r) => `| ${r.label} | ${(r.parameters / 1e6).toFixed(2)}M | ${r.seqLen} | ${r.batchTokens} | ${r.msPerStep} | ${r.tokensPerS} | ${(100 * r.productShare).toFixed(0)}% | ${r.backend} |`,
    ),
  ].join('\n');
}
