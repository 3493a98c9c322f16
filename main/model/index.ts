// Door of main/model: checkpoints, configs, tokenizer, the decoder and generation.
export * from './types.js';
export {
  loadModel,
  createRandomModel,
  byteLevelTokenizerFiles,
  bpeModelJson,
  parameterCountOf,
  residentBytesOf,
  streamedBytesOf,
  residencyFor,
  RESIDENT_LIMIT_BYTES,
  seededNormal,
  seededRandom,
  CHATML_TEMPLATE,
  ModelLoadError,
  InsufficientMemoryError,
  type LoadOptions,
  type RandomModelConfig,
} from './load.js';
export { readConfig, parseConfig, configJson, ropeInvFreq, ModelConfigError, UnsupportedArchitectureError } from './config.js';
export { toFp16Bits, toBf16Bits, bf16ToF32, widenHalf } from './dtype.js';
export {
  f16ToF32,
  readHeader,
  readTensorF32,
  writeSafetensors,
  expectFinite,
  expectFiniteHalf,
  SafetensorsError,
  DTYPE_BYTES,
  MAX_HEADER_BYTES,
  type Dtype,
  type TensorInfo,
  type TensorToWrite,
  type SafetensorsHeader,
} from './safetensors.js';
export {
  AWQ_ORDER,
  PackedWeightError,
  dequantizeLinear,
  dequantizeCodes,
  packedQuantizationOf,
  unpackAwq,
  unpackBitStream,
  unpackGptq,
  type AwqTensors,
  type PackedQuantization,
  type QuantCodes,
} from './quantized.js';
export { BpeTokenizer, TokenizerError, applyMerges, bytesToUnicode, MAX_ENCODE_CHARS, MAX_TOKEN_ID, type VocabularyTable } from './tokenizer.js';
export { UserFileError, FILE_LIMITS, expectRegularFile, readUserFile, readUserText, readUserJson, readUserJsonObject, regularFileProblem } from './files.js';
export { BudgetExceededError, BUDGETS, withinBudget } from './budget.js';
export { DecoderModel, argmax, SHARD_BYTES, type Residency } from './decoder.js';
export { Checkpoint, linearPrefix, linearShape, widen, writeCodesFile, CODES_FILE_PREFIX, type FloatDtype, type StoredValues } from './checkpoint.js';
export { cliCommands } from './cli.js';
export { benchModel, benchPrefixReuse, BENCH_SHAPES } from './bench.js';
export {
  applyRuntime,
  describeRuntime,
  readRuntime,
  roundHalfEven,
  quantizeRowsAbsmax,
  perTokenActivationTransform,
  perTokenProjectionOutputTransform,
  quantizeKv,
  kvQuantTransform,
  COMPRESSION_METADATA_FILE,
  NO_RUNTIME,
  RuntimeMetadataError,
  type RuntimeTransforms,
} from './runtime.js';
export { decoderGenerator } from './generation.js';
export { RELEASE_SHAPES, writeReleaseCheckpoint, releaseTokenizerFiles, plannedTensors, type ReleaseShape } from './release-shapes.js';
export {
  SentenceEncoder,
  EncoderLoadError,
  parseEncoderConfig,
  parsePoolingConfig,
  relativePositionBucket,
  bidirectionalAttention,
  poolTokens,
  normalizeL2,
  layerNorm,
  activation,
  erf,
  type EncoderConfig,
  type PoolingConfig,
  type HiddenAct,
  type EncoderArchitecture,
} from './encoder.js';
export { WordPieceTokenizer, WordPieceTokenizerError, bertNormalizer, bertPreTokenize, isChineseChar } from './wordpiece.js';
