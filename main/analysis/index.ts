// Door of main/analysis: the study's statistics of a compressed model against its base.
export { ERankUndefinedError, ProbeTooShortError, ModelPairMismatchError, AnalysisOptionError } from './errors.js';
export { ERANK_EIGEN_FLOOR, type ERankForm, centreAndNormaliseRows, eRankFromEigenvalues, entropyFromEigenvalues, datasetERank, chooseERankForm, eRankSpectrum, eRank, eRankEntropy } from './erank.js';
export { type TopKConsistency, topKIndices, jaccard, kendallTauB, averageRanks, pearson, spearmanRho, topKConsistency } from './ranking.js';
export { type HistogramBins, logSumExp, energy, energyRows, sharedBins, histogram } from './energy.js';
export { negativeLogLikelihood, sequenceNll, perplexityFromNll, klDivergence } from './divergence.js';
export { BUILTIN_PROBE_RELATIVE, builtinProbePath, loadBuiltinProbe, probeSequences, type ProbeText, type ProbeSequences } from './probe.js';
export {
  DEFAULT_KS,
  DEFAULT_HISTOGRAM_BINS,
  CONVENTIONS,
  type AnalysisProgress,
  type AnalyzePairOptions,
  type ERankSeries,
  type ERankComparison,
  type CorrelationSeries,
  type TopKResult,
  type EnergyHistogram,
  type EnergyResult,
  type PairAnalysis,
  defaultEnergyPositions,
  analyzePair,
  summariseEnergy,
  analysisHeadline,
} from './pair.js';
export { ANALYZE_USAGE, formatAnalysis, runAnalyzeCommand, cliCommands } from './cli.js';
export { benchAnalysis, formatAnalysisBench, type AnalysisBenchRow } from './bench.js';
