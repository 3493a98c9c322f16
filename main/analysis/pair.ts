// The paired driver: both models on identical token ids, one sequence at a time, every statistic accumulated.
import type { CausalLM } from '../model/index.js';
import { type Engine, type Matrix, getEngine } from '../tensor/index.js';
import { klDivergence, negativeLogLikelihood, perplexityFromNll } from './divergence.js';
import { histogram, logSumExp, sharedBins } from './energy.js';
import { datasetERank, eRankEntropy } from './erank.js';
import { AnalysisOptionError, ERankUndefinedError, ModelPairMismatchError } from './errors.js';
import { loadBuiltinProbe, probeSequences } from './probe.js';
import { topKConsistency, topKIndices } from './ranking.js';

export const DEFAULT_KS: readonly number[] = [1, 3, 5, 10, 20];
export const DEFAULT_HISTOGRAM_BINS = 30;

export const CONVENTIONS =
  'Diff-eRank = eRank(base) − eRank(compressed): positive when compression lowers the effective rank. ' +
  'eRank follows Diff-eRank (centre rows over tokens, L2-normalise rows, spectrum of ZᵀZ/N normalised by its trace, ' +
  'drop σ < 1e-10, exp of the entropy); for logits and wide hidden states the Gram form Z·Zᵀ/N is used (same non-zero spectrum). ' +
  "Over the probe sequences, as Diff-eRank's diff_erank_dataset.py: eRank = exp(mean entropy over sequences), not the mean of " +
  'per-sequence eRanks, and Diff-eRank = eRank(base) − eRank(compressed) of those data-set values (over the sequences where both are defined). ' +
  "Top-k: the base model's k highest-logit ids per position; Kendall τ-b (ties corrected) and Spearman ρ (average ranks) compare " +
  'base vs compressed logits on those ids; Jaccard compares the two top-k id sets. For k = 1, τ and ρ are undefined (null) and ' +
  'Jaccard is 1 when the argmax agrees, else 0. Means skip undefined (null) values; eRank is null for a sequence whose rows are all equal. ' +
  'Energy E = −T·logsumexp(logits/T) per position (lower = more confident); ΔE = |E_base − E_compressed|. ' +
  'KL = KL(base ‖ compressed) in nats per position; perplexity = exp(mean NLL) over positions 0..L−2 predicting the next probe token.';

export interface AnalysisProgress {
  /** sequences finished */
  done: number;
  total: number;
  message: string;
}

export interface AnalyzePairOptions {
  /** probe text; the built-in probe when absent */
  text?: string;
  /** where the text came from (a file path), recorded in the config; 'inline' when text is given without one */
  textSource?: string;
  sequences: number;
  seqlen: number;
  /** k values for top-k consistency (default 1, 3, 5, 10, 20) */
  ks?: readonly number[];
  /** positions with their own energy histograms (default: 6 spread over the sequence, first and last included) */
  energyPositions?: readonly number[];
  histogramBins?: number;
  /** energy temperature T (default 1) */
  temperature?: number;
  engine?: Engine;
  onProgress?: (p: AnalysisProgress) => void;
  signal?: AbortSignal;
}

export interface ERankSeries {
  /** null where eRank is undefined (every row of that sequence equal after centring, e.g. constant logits) */
  perSequence: (number | null)[];
  /** the spectral entropy H per sequence (eRank = exp(H)); null where undefined. Absent in the diff series */
  entropy?: (number | null)[];
  /**
   * The data set's value: eRank = exp(mean H over the sequences where defined), as diff_erank_dataset.py (not the mean of
   * perSequence); in the diff series, data-set eRank(base) − eRank(compressed) over the sequences where both are defined.
   * null when none is.
   */
  mean: number | null;
}

export interface ERankComparison {
  base: ERankSeries;
  compressed: ERankSeries;
  /** eRank(base) − eRank(compressed) per sequence, and of the data-set eRanks (mean) */
  diff: ERankSeries;
}

export interface CorrelationSeries {
  /** mean over every (sequence, position) where defined; null when never defined (k = 1) */
  mean: number | null;
  /** mean over sequences at each position 0..seqlen−1; null where undefined */
  perPosition: (number | null)[];
}

export interface TopKResult {
  k: number;
  jaccard: { mean: number; perPosition: number[] };
  kendallTau: CorrelationSeries;
  spearmanRho: CorrelationSeries;
}

export interface EnergyHistogram {
  /** the position (0-based), or null for the histogram over all positions */
  position: number | null;
  base: number[];
  compressed: number[];
  /** |E_base − E_compressed| counts on deltaEdges */
  delta: number[];
}

export interface EnergyResult {
  temperature: number;
  base: { mean: number; perPosition: number[] };
  compressed: { mean: number; perPosition: number[] };
  delta: { mean: number; max: number; perPosition: number[] };
  /** bins shared by every base / compressed energy histogram below */
  edges: number[];
  /** bins shared by every ΔE histogram below */
  deltaEdges: number[];
  overall: EnergyHistogram;
  positions: EnergyHistogram[];
}

export interface PairAnalysis {
  /** how to read the signs and the undefined cases; shown by the UI */
  conventions: string;
  config: {
    sequences: number;
    sequencesRequested: number;
    seqlen: number;
    ks: number[];
    energyPositions: number[];
    histogramBins: number;
    temperature: number;
    probe: { source: string; chars: number; tokens: number; sha256: string };
    base: { dir: string; hash: string };
    compressed: { dir: string; hash: string };
    backend: string;
  };
  erank: { hidden: ERankComparison; logits: ERankComparison };
  topK: TopKResult[];
  energy: EnergyResult;
  perplexity: { base: number; compressed: number; tokens: number };
  kl: { mean: number; max: number; perPosition: number[] };
  seconds: number;
}

/** Default energy positions: count positions spread evenly over 0..seqlen−1, first and last included, no duplicates. */
export function defaultEnergyPositions(seqlen: number, count = 6): number[] {
  const n = Math.min(count, seqlen);
  if (n === 1) return [0];
  const out = new Set<number>();
  for (let i = 0; i < n; i++) out.add(Math.round((i * (seqlen - 1)) / (n - 1)));
  return [...out];
}

/** logsumexp of every row of [rows, cols] logits, in float64. */
function rowLogSumExp(data: Float32Array, rows: number, cols: number): Float64Array {
  const out = new Float64Array(rows);
  for (let t = 0; t < rows; t++) out[t] = logSumExp(data, t * cols, cols);
  return out;
}

/** E = −T·logsumexp(z/T) per row into out[at ..]; at T = 1 this is −logsumexp(z), already computed. */
function setEnergies(out: Float64Array, at: number, data: Float32Array, lse: Float64Array, rows: number, cols: number, temperature: number): void {
  for (let t = 0; t < rows; t++) out[at + t] = temperature === 1 ? -lse[t] : -temperature * logSumExp(data, t * cols, cols, temperature);
}

/** Running mean per position that skips undefined values. */
class PositionMeans {
  readonly sum: Float64Array;
  readonly count: Float64Array;
  total = 0;
  defined = 0;
  constructor(length: number) {
    this.sum = new Float64Array(length);
    this.count = new Float64Array(length);
  }
  add(position: number, value: number | null): void {
    if (value === null || Number.isNaN(value)) return;
    this.sum[position] += value;
    this.count[position]++;
    this.total += value;
    this.defined++;
  }
  perPosition(): (number | null)[] {
    return Array.from(this.sum, (s, i) => (this.count[i] > 0 ? s / this.count[i] : null));
  }
  mean(): number | null {
    return this.defined > 0 ? this.total / this.defined : null;
  }
}

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const definedSeries = (xs: (number | null)[]): number[] => xs.map((x) => x ?? Number.NaN);

/** Per-sequence eRanks and the data-set eRank exp(mean H) of one model. */
function seriesOfEntropies(entropy: (number | null)[]): ERankSeries {
  return { perSequence: entropy.map((h) => (h === null ? null : Math.exp(h))), entropy, mean: datasetERank(entropy) };
}

/** Diff-eRank: per sequence eRank_b − eRank_c; for the data set exp(mean H_b) − exp(mean H_c) on the sequences both define. */
export function diffERankSeries(base: (number | null)[], compressed: (number | null)[]): ERankSeries {
  const both = base.map((b, i) => b !== null && compressed[i] !== null);
  const b = datasetERank(base.filter((_, i) => both[i]));
  const c = datasetERank(compressed.filter((_, i) => both[i]));
  return {
    perSequence: base.map((h, i) => (both[i] ? Math.exp(h!) - Math.exp(compressed[i]!) : null)),
    mean: b === null || c === null ? null : b - c,
  };
}

/** eRank's entropy H, or null where eRank is undefined for this sequence (the run goes on and says so). */
function entropyOrNull(x: Matrix, engine: Engine): number | null {
  try {
    return eRankEntropy(x, engine);
  } catch (e) {
    if (e instanceof ERankUndefinedError) return null;
    throw e;
  }
}

function lastHidden(model: CausalLM, out: { hidden: Map<number, Matrix> }, which: string): Matrix {
  const h = out.hidden.get(-1);
  if (!h) throw new Error(`${which} model returned no final hidden states: expected hidden layer −1 from forward(), found layers [${[...out.hidden.keys()].join(', ')}] (${model.dir})`);
  return h;
}

function validateOptions(opts: AnalyzePairOptions, ks: readonly number[], positions: readonly number[], bins: number, temperature: number): void {
  if (!Number.isInteger(opts.sequences) || opts.sequences < 1) throw new AnalysisOptionError(`sequences: expected a positive integer, found ${opts.sequences}`);
  if (!Number.isInteger(opts.seqlen) || opts.seqlen < 2) throw new AnalysisOptionError(`seqlen: expected an integer ≥ 2, found ${opts.seqlen}`);
  if (ks.length === 0 || ks.some((k) => !Number.isInteger(k) || k < 1)) throw new AnalysisOptionError(`ks: expected positive integers, found [${ks.join(', ')}]`);
  if (positions.some((p) => !Number.isInteger(p) || p < 0 || p >= opts.seqlen))
    throw new AnalysisOptionError(`energyPositions: expected integers in [0, ${opts.seqlen}), found [${positions.join(', ')}]`);
  if (!Number.isInteger(bins) || bins < 1) throw new AnalysisOptionError(`histogramBins: expected a positive integer, found ${bins}`);
  if (!(temperature > 0)) throw new AnalysisOptionError(`temperature: expected a positive number, found ${temperature}`);
}

/**
 * Runs base and compressed on the same probe sequences and computes eRank / Diff-eRank (final hidden states and logits),
 * top-k ranking consistency, energy, perplexity and KL(base‖compressed). Memory holds one sequence's outputs at a time.
 */
export async function analyzePair(base: CausalLM, compressed: CausalLM, opts: AnalyzePairOptions): Promise<PairAnalysis> {
  const t0 = performance.now();
  const engine = opts.engine ?? getEngine();
  const ks = [...(opts.ks ?? DEFAULT_KS)];
  const bins = opts.histogramBins ?? DEFAULT_HISTOGRAM_BINS;
  const temperature = opts.temperature ?? 1;
  const energyPositions = [...(opts.energyPositions ?? defaultEnergyPositions(opts.seqlen))];
  validateOptions(opts, ks, energyPositions, bins, temperature);
  if (base.config.vocabSize !== compressed.config.vocabSize) throw new ModelPairMismatchError('vocabulary size', base.config.vocabSize, compressed.config.vocabSize);
  opts.signal?.throwIfAborted();

  const probe = opts.text === undefined ? loadBuiltinProbe() : { source: opts.textSource ?? 'inline', text: opts.text };
  opts.onProgress?.({ done: 0, total: opts.sequences, message: 'tokenizing the probe text' });
  const tokenized = probeSequences(base.tokenizer, probe.text, opts.sequences, opts.seqlen);
  const { sequences } = tokenized;
  const L = opts.seqlen;
  const S = sequences.length;
  const kMax = Math.max(...ks);

  const erankHidden = { base: [] as (number | null)[], compressed: [] as (number | null)[] };
  const erankLogits = { base: [] as (number | null)[], compressed: [] as (number | null)[] };
  const jaccardMeans = ks.map(() => new PositionMeans(L));
  const tauMeans = ks.map(() => new PositionMeans(L));
  const rhoMeans = ks.map(() => new PositionMeans(L));
  const klMeans = new PositionMeans(L);
  let klMax = 0;
  const energyBase = new Float64Array(S * L);
  const energyCompressed = new Float64Array(S * L);
  let nllBase = 0;
  let nllCompressed = 0;
  let scored = 0;

  // each model's final hidden states for every sequence, layer by layer (a streamed model uploads each layer once);
  // then the logits of one sequence at a time from both heads: never a whole set of logits in memory
  opts.onProgress?.({ done: 0, total: S, message: `${S} sequences of ${L} tokens through the base model` });
  const finalBase = await base.finalHidden(sequences, opts.signal);
  opts.onProgress?.({ done: 0, total: S, message: `${S} sequences of ${L} tokens through the compressed model` });
  const finalCompressed = await compressed.finalHidden(sequences, opts.signal);
  for (let s = 0; s < S; s++) {
    opts.signal?.throwIfAborted();
    const ids = sequences[s];
    // base model: everything that needs only its own outputs, before the compressed model's outputs exist
    const outBase = { logits: base.headLogits(finalBase[s]), hidden: new Map([[-1, finalBase[s]]]) };
    const logitsBase = outBase.logits;
    if (logitsBase.rows !== L) throw new Error(`base forward returned ${logitsBase.rows} logit rows, expected ${L} (allLogits)`);
    const V = logitsBase.cols;
    erankHidden.base.push(entropyOrNull(lastHidden(base, outBase, 'base'), engine));
    erankLogits.base.push(entropyOrNull(logitsBase, engine));
    const topBase = Array.from({ length: L }, (_, t) => topKIndices(logitsBase.data, kMax, t * V, V));
    const lseBase = rowLogSumExp(logitsBase.data, L, V);
    setEnergies(energyBase, s * L, logitsBase.data, lseBase, L, V, temperature);

    await new Promise<void>((resolve) => setImmediate(resolve)); // let an abort or progress consumer in
    opts.signal?.throwIfAborted();

    const outCompressed = { logits: compressed.headLogits(finalCompressed[s]), hidden: new Map([[-1, finalCompressed[s]]]) };
    const logitsCompressed = outCompressed.logits;
    if (logitsCompressed.cols !== V) throw new ModelPairMismatchError('logit width', V, logitsCompressed.cols);
    if (logitsCompressed.rows !== L) throw new Error(`compressed forward returned ${logitsCompressed.rows} logit rows, expected ${L} (allLogits)`);
    erankHidden.compressed.push(entropyOrNull(lastHidden(compressed, outCompressed, 'compressed'), engine));
    erankLogits.compressed.push(entropyOrNull(logitsCompressed, engine));
    const lseCompressed = rowLogSumExp(logitsCompressed.data, L, V);
    setEnergies(energyCompressed, s * L, logitsCompressed.data, lseCompressed, L, V, temperature);

    for (let t = 0; t < L; t++) {
      const topCompressed = topKIndices(logitsCompressed.data, kMax, t * V, V);
      const rows = topKConsistency(logitsBase.data, logitsCompressed.data, t * V, t * V, topBase[t], topCompressed, ks);
      rows.forEach((r, i) => {
        jaccardMeans[i].add(t, r.jaccard);
        tauMeans[i].add(t, r.kendallTau);
        rhoMeans[i].add(t, r.spearmanRho);
      });
      const kl = klDivergence(logitsBase.data, logitsCompressed.data, t * V, t * V, V, lseBase[t], lseCompressed[t]);
      klMeans.add(t, kl);
      if (kl > klMax) klMax = kl;
      if (t + 1 < L) {
        nllBase += negativeLogLikelihood(logitsBase.data, ids[t + 1], t * V, V, lseBase[t]);
        nllCompressed += negativeLogLikelihood(logitsCompressed.data, ids[t + 1], t * V, V, lseCompressed[t]);
        scored++;
      }
    }
    opts.onProgress?.({ done: s + 1, total: S, message: `sequence ${s + 1}/${S}` });
    await new Promise<void>((resolve) => setImmediate(resolve));
  }

  const energy = summariseEnergy(energyBase, energyCompressed, S, L, energyPositions, bins, temperature);
  const compare = (pair: { base: (number | null)[]; compressed: (number | null)[] }): ERankComparison => ({
    base: seriesOfEntropies(pair.base),
    compressed: seriesOfEntropies(pair.compressed),
    diff: diffERankSeries(pair.base, pair.compressed),
  });

  return {
    conventions: CONVENTIONS,
    config: {
      sequences: S,
      sequencesRequested: opts.sequences,
      seqlen: L,
      ks,
      energyPositions,
      histogramBins: bins,
      temperature,
      probe: { source: probe.source, chars: tokenized.chars, tokens: tokenized.totalTokens, sha256: tokenized.textSha256 },
      base: { dir: base.dir, hash: base.hash },
      compressed: { dir: compressed.dir, hash: compressed.hash },
      backend: engine.report.name,
    },
    erank: { hidden: compare(erankHidden), logits: compare(erankLogits) },
    topK: ks.map((k, i) => ({
      k,
      jaccard: { mean: jaccardMeans[i].mean() ?? Number.NaN, perPosition: definedSeries(jaccardMeans[i].perPosition()) },
      kendallTau: { mean: tauMeans[i].mean(), perPosition: tauMeans[i].perPosition() },
      spearmanRho: { mean: rhoMeans[i].mean(), perPosition: rhoMeans[i].perPosition() },
    })),
    energy,
    perplexity: { base: perplexityFromNll(nllBase, scored), compressed: perplexityFromNll(nllCompressed, scored), tokens: scored },
    kl: { mean: klMeans.mean() ?? Number.NaN, max: klMax, perPosition: definedSeries(klMeans.perPosition()) },
    seconds: (performance.now() - t0) / 1000,
  };
}

/** Per-position means of E and ΔE, and histograms on bins shared by both models, every chosen position and the overall view. */
export function summariseEnergy(
  energyBase: Float64Array,
  energyCompressed: Float64Array,
  sequences: number,
  seqlen: number,
  positions: readonly number[],
  bins: number,
  temperature: number,
): EnergyResult {
  const delta = energyBase.map((e, i) => Math.abs(e - energyCompressed[i]));
  const perPosition = (values: Float64Array) =>
    Array.from({ length: seqlen }, (_, t) => {
      let sum = 0;
      for (let s = 0; s < sequences; s++) sum += values[s * seqlen + t];
      return sum / sequences;
    });
  const column = (values: Float64Array, t: number) => Float64Array.from({ length: sequences }, (_, s) => values[s * seqlen + t]);
  const energyBins = sharedBins([energyBase, energyCompressed], bins);
  const deltaBins = sharedBins([delta], bins);
  const histogramAt = (t: number | null): EnergyHistogram => ({
    position: t,
    base: histogram(t === null ? energyBase : column(energyBase, t), energyBins),
    compressed: histogram(t === null ? energyCompressed : column(energyCompressed, t), energyBins),
    delta: histogram(t === null ? delta : column(delta, t), deltaBins),
  });
  let deltaMax = 0;
  for (const d of delta) if (d > deltaMax) deltaMax = d;
  return {
    temperature,
    base: { mean: mean(Array.from(energyBase)), perPosition: perPosition(energyBase) },
    compressed: { mean: mean(Array.from(energyCompressed)), perPosition: perPosition(energyCompressed) },
    delta: { mean: mean(Array.from(delta)), max: deltaMax, perPosition: perPosition(delta) },
    edges: energyBins.edges,
    deltaEdges: deltaBins.edges,
    overall: histogramAt(null),
    positions: positions.map((t) => histogramAt(t)),
  };
}

/** A few headline numbers for a run summary (RunSummary.headline). */
export function analysisHeadline(a: PairAnalysis): Record<string, number> {
  const out: Record<string, number> = {
    'ppl.base': a.perplexity.base,
    'ppl.compressed': a.perplexity.compressed,
    'kl.mean': a.kl.mean,
    'energy.delta.mean': a.energy.delta.mean,
  };
  if (a.erank.hidden.diff.mean !== null) out['erank.hidden.diff'] = a.erank.hidden.diff.mean;
  if (a.erank.logits.diff.mean !== null) out['erank.logits.diff'] = a.erank.logits.diff.mean;
  for (const t of a.topK) {
    out[`top${t.k}.jaccard`] = t.jaccard.mean;
    if (t.kendallTau.mean !== null) out[`top${t.k}.kendallTau`] = t.kendallTau.mean;
    if (t.spearmanRho.mean !== null) out[`top${t.k}.spearmanRho`] = t.spearmanRho.mean;
  }
  return out;
}
