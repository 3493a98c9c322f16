// The bench room's door: task framework, generators, runner, scorers, importers, aggregation, CLI.
export type {
  BenchmarkName,
  BenchTask,
  Capability,
  ChatTurn,
  Environment,
  EpisodeStep,
  EpisodeTask,
  GenerationSettings,
  ItemScores,
  Prompt,
  SingleTurnTask,
  StepResult,
  TaskContext,
  TaskItem,
  TaskScore,
} from './types.js';
export { BENCHMARKS, CAPABILITIES } from './types.js';
export { BenchCancelledError, BenchDataError, BenchInputError, EndpointError } from './errors.js';
export { CausalLMGenerator, OpenAIEndpointGenerator, generateFor, type EndpointOptions, type GenerateCallOptions, type TextGenerator } from './generator.js';
export { EncoderSimilarity, LexicalSimilarity, cosine, REFERENCE_SENTENCE_MODEL, selectSimilarity, type TextSimilarity } from './similarity.js';
export { resolveSecretRef } from './secrets.js';
export { GenerationCache, readResults, readResultsReport, runTask, type Progress, type ResultRecord } from './runner.js';
export { createTask, resolveTaskIds } from './catalog.js';
export {
  builtinSuiteDir,
  resolveSuiteDir,
  compareResultFiles,
  DEVIATION_NOTES,
  deviationsFor,
  listBuiltinTasks,
  runBenchmarks,
  type BenchmarkRunResult,
  type ScoredTask,
  type OverallProgress,
  type RunBenchmarksOptions,
} from './suite.js';
export { bootstrapHeadline, capabilityScores, compareRuns, type CapabilityScore, type Comparison, type Drop, type PairedTask } from './stats.js';
export { builtinDatasetFiles, generateDatasets, type Manifest } from './generate-datasets.js';
export {
  BUILTIN_SEED,
  generateAgentBoard,
  generateLongBench,
  generateLongGenGsm8k,
  generateLongGenMmlu,
  generateNiah,
  generateSuiteFiles,
  generateTEval,
  generateWorfBench,
} from './generators/index.js';
export { fillerSentence } from './generators/words.js';
export { Rng } from './util.js';
export { scoreFile, type ScoredFile } from './score-file.js';
export { toJs } from './python.js';
export { niahHeatmap, niahPrompt, niahResultJson } from './tasks/niah.js';
export { cliCommands, setModelLoader } from './cli.js';
export { loadTEvalApiList, loadTEvalLeaderboard, type TEvalApi, type TEvalLeaderboardRow } from './tasks/teval-extra.js';
export { buildLongGenRecord, buildMmluRecord, loadGsm8kFewShot, loadMmluCsv, type McQuestion } from './tasks/longgen-build.js';
export { loadLoggedEpisodes, type LoggedEpisode } from './agentboard/agentboard.js';
export { benchBenchmarks } from './bench.js';
