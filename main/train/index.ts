// Door of main/train: the project's own training of small decoders (acb-tiny) — BPE tokenizer
// training, the decoder's forward and backward on plain 2-D engine products, AdamW, data mixtures,
// checkpoints and the Hugging Face export.
export { BpeEncoder, BpeTrainingError, CHAT_TEMPLATE, PRETOKENIZE_PATTERN, SPECIAL_TOKENS, bpeModelFromJson, byteSymbols, pretokenize, tokenizerFiles, trainBpe, type BpeModel } from './bpe.js';
export {
  TrainingDataError,
  additionSource,
  buildBatch,
  copySource,
  exampleTexts,
  fitExample,
  pickSource,
  poolSource,
  renderChatML,
  reverseSource,
  sentenceSource,
  tokenizeExample,
  type BatchPlan,
  type MixtureEntry,
  type PromptLoss,
  type TextEncoding,
  type TokenizedExample,
  type TrainingExample,
  type TrainingSource,
} from './data.js';
export { CheckpointError, hasCheckpoint, hfTensors, loadCheckpoint, modelConfigOf, paramsFromHf, saveCheckpoint, saveHfModel, type SpecialIds, type TrainState } from './export.js';
export {
  TinyConfigError,
  checkConfig,
  initParams,
  lossAndGrad,
  paramSpecs,
  parameterCount,
  zerosLike,
  type Batch,
  type ParamSpec,
  type Params,
  type StepOptions,
  type StepResult,
  type TinyConfig,
} from './network.js';
export { DEFAULT_OPTIM, adamwStep, globalNorm, learningRate, type OptimConfig } from './optim.js';
export { engineProducts, float64Products, type Arr, type Mat, type Products } from './ops.js';
export { TrainingResumeError, readJson, train, writeJson, type TrainOptions, type TrainResult } from './trainer.js';
export { modelCard, type CardInfo, type CardScores } from './card.js';
export { TINY_SIZES, TRAIN_BENCH_SHAPES, benchTraining, randomBatch, trainBenchTable, type TrainBenchRow, type TrainBenchShape } from './bench.js';
export { EVAL_TASKS, MIXTURE, buildNiahPool, buildPool, rolloutPddl, suiteSeed, type Pool } from './pool.js';
export { DAGGER_BETA, buildDaggerPddl, daggerEpisodes, daggerSummary, type DaggerOptions, type DaggerResult } from './dagger.js';
export { PROCEDURAL_SOURCES, pseudoWord, randomNeedle, repeatSource, needleSource } from './needles.js';
