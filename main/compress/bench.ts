// Compression benchmark: GPTQ and SparseGPT on square layers with 128 × 512 calibration tokens — seconds
// for Hessian, inverse and updates, achieved GFLOP/s next to the engine's plain matmul GFLOP/s — and
// whole-model compression time for a small random model. Prints a Markdown table.
import { getEngine, matrix, type Engine, type Matrix } from '../tensor/index.js';
import { createRandomModel } from '../model/index.js';
import { HessianAccumulator } from './hessian.js';
import { gptqQuantize } from './quant/gptq.js';
import { sparseGptPrune } from './prune/sparsegpt.js';
import { compressModel } from './driver.js';
import { hashTokenIds } from './calibration.js';
import { seededNormal, seededRandom } from './rng.js';

export interface BenchCompressOptions {
  sizes?: number[];
  sequences?: number;
  seqlen?: number;
  /** skip a layer size whose estimated time exceeds this many seconds */
  budgetS?: number;
}

function randn(rows: number, cols: number, seed: number, scale = 1): Matrix {
  const n = seededNormal(seed);
  const d = new Float32Array(rows * cols);
  for (let i = 0; i < d.length; i++) d[i] = n() * scale;
  return matrix(rows, cols, d);
}

/** C = A·B GFLOP/s for A [m, k], B [k, n] (best of 3). */
export function matmulGflops(engine: Engine, m: number, k: number, n: number): number {
  const a = randn(m, k, 1);
  const b = randn(k, n, 2);
  let best = Infinity;
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    engine.matmul(a, b);
    best = Math.min(best, (performance.now() - t) / 1000);
  }
  return (2 * m * k * n) / best / 1e9;
}

interface LayerRow {
  method: string;
  size: number;
  hessianS: number;
  hessianExtrapolated: boolean;
  inverseS: number;
  updateS: number;
  gflops: number;
  solverGflops: number;
  note: string;
}

function benchLayer(engine: Engine, d: number, sequences: number, seqlen: number, budgetS: number): LayerRow[] {
  const w = randn(d, d, 3, 0.02);
  // Hessian: 2·T·d² flops; time sequences until ~20 % of the budget, extrapolate to all of them
  const acc = new HessianAccumulator(d);
  const t0 = performance.now();
  let done = 0;
  let hessianTime = 0;
  while (done < sequences) {
    const x = randn(seqlen, d, 100 + done);
    for (let t = 0; t < seqlen; t++) for (let j = d - 1; j > 0; j--) x.data[t * d + j] += 0.7 * x.data[t * d + j - 1]; // correlated channels
    const th = performance.now();
    acc.add(x, engine);
    hessianTime += (performance.now() - th) / 1000;
    done++;
    if ((performance.now() - t0) / 1000 > budgetS * 0.2) break;
  }
  const perSeq = hessianTime / done;
  const hessianS = perSeq * sequences;
  const rows: LayerRow[] = [];
  for (const method of ['gptq', 'sparsegpt']) {
    const t = performance.now();
    const r =
      method === 'gptq'
        ? gptqQuantize(w, acc.h, { bits: 4, groupSize: 128, sym: true, actOrder: true, damp: 0.01, blockSize: 128, staticGroups: false }, engine)
        : sparseGptPrune(w, acc.h, { sparsity: 0.5, nm: null, damp: 0.01, blockSize: 128 }, engine);
    const total = (performance.now() - t) / 1000;
    // flops: Hessian 2·T·d², inversions ≈ (4/3)·d³ (3 factorizations/inversions counted at d³/3 each + d³ for the product), updates ≈ 2·d·d²
    const flops = 2 * sequences * seqlen * d * d + (4 / 3) * d ** 3 + 2 * d * d * d;
    rows.push({
      method,
      size: d,
      hessianS,
      hessianExtrapolated: done < sequences,
      inverseS: r.timings.inverseS,
      updateS: r.timings.updateS,
      gflops: flops / (hessianS + total) / 1e9,
      solverGflops: ((4 / 3) * d ** 3 + 2 * d * d * d) / total / 1e9,
      note: `${(r.timings.matmulFlops / 1e9).toFixed(1)} GFLOP of lazy updates through engine.matmul`,
    });
  }
  return rows;
}

const SMALL = { architecture: 'LlamaForCausalLM' as const, hiddenSize: 128, intermediateSize: 256, numLayers: 4, numHeads: 4, numKvHeads: 2, vocabSize: 320 };
const SMALL_SAMPLES = 8;
const SMALL_SEQLEN = 128;

export async function benchCompress(o: BenchCompressOptions = {}): Promise<string> {
  const engine = getEngine();
  const sizes = o.sizes ?? [1024, 4096];
  const sequences = o.sequences ?? 128;
  const seqlen = o.seqlen ?? 512;
  const budgetS = o.budgetS ?? 150;
  const lines: string[] = [];
  const mm = matmulGflops(engine, 512, 1024, 1024);
  lines.push(`### Compression (engine ${engine.report.name}, ${sequences} × ${seqlen} calibration tokens)`, '');
  lines.push(`plain matmul [512×1024]·[1024×1024]: ${mm.toFixed(2)} GFLOP/s`, '');
  lines.push('| method | layer | Hessian s | inverse s | updates s | GFLOP/s (all) | vs matmul | GFLOP/s (inverse + updates) | note |', '| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  let last: LayerRow | undefined;
  for (const d of sizes) {
    // Hessian grows with d², inversion and updates with d³
    const estimate = last ? last.hessianS * (d / last.size) ** 2 + (last.inverseS + last.updateS) * 2 * (d / last.size) ** 3 : 0;
    if (estimate > budgetS * 4) {
      lines.push(`| gptq, sparsegpt | ${d}×${d} | — | — | — | — | — | — | skipped: estimated ${estimate.toFixed(0)} s on ${engine.report.name} |`);
      continue;
    }
    for (const r of benchLayer(engine, d, sequences, seqlen, budgetS)) {
      lines.push(
        `| ${r.method} | ${d}×${d} | ${r.hessianS.toFixed(2)}${r.hessianExtrapolated ? ' (extrapolated)' : ''} | ${r.inverseS.toFixed(2)} | ${r.updateS.toFixed(2)} | ${r.gflops.toFixed(2)} | ${((r.gflops / mm) * 100).toFixed(0)} % | ${r.solverGflops.toFixed(2)} | ${r.note} |`,
      );
      last = r;
    }
  }
  // whole small model
  lines.push('');
  const rand = seededRandom(7);
  const samples = Array.from({ length: SMALL_SAMPLES }, () => Array.from({ length: SMALL_SEQLEN }, () => Math.floor(rand() * SMALL.vocabSize)));
  const cal = { source: 'random', samples, seqlen: SMALL_SEQLEN, seed: 7, corpusTokens: SMALL_SAMPLES * SMALL_SEQLEN, hash: hashTokenIds(samples) };
  lines.push(
    `Whole model (hidden ${SMALL.hiddenSize}, intermediate ${SMALL.intermediateSize}, ${SMALL.numLayers} layers; ${SMALL_SAMPLES} × ${SMALL_SEQLEN} tokens; AWQ searches on 256 tokens):`,
    '',
    '| method | seconds | statistics s | compress s |',
    '| --- | --- | --- | --- |',
  );
  for (const c of [
    { method: 'rtn', groupSize: 128 },
    { method: 'gptq', groupSize: 128 },
    { method: 'sparsegpt' },
    { method: 'wanda' },
    { method: 'awq', groupSize: 128 },
    { method: 'smoothquant' },
  ] as const) {
    try {
      const m = createRandomModel(SMALL, 1, engine);
      const { report } = await compressModel(m, c, cal, { engine, tuning: { awqSearchTokens: 256 } });
      lines.push(`| ${c.method} | ${report.seconds.total.toFixed(2)} | ${report.seconds.statistics.toFixed(2)} | ${report.seconds.compress.toFixed(2)} |`);
      m.dispose();
    } catch (e) {
      lines.push(`| ${c.method} | — | — | — (${(e as Error).message.split('\n')[0]}) |`);
    }
  }
  return lines.join('\n');
}
