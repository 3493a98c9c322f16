// Door of main/model: checkpoints, configs, tokenizer, the decoder and generation.
export * from './types.js';
export { loadModel, createRandomModel, byteLevelTokenizerFiles, parameterCountOf, seededNormal, seededRandom, CHATML_TEMPLATE, ModelLoadError, InsufficientMemoryError, type LoadOptions, type RandomModelConfig } from './load.js';
export { readConfig, parseConfig, configJson, ropeInvFreq, ModelConfigError, UnsupportedArchitectureError } from './config.js';
export { f16ToF32, readHeader, readTensorF32, writeSafetensors, SafetensorsError, DTYPE_BYTES, MAX_HEADER_BYTES, type Dtype, type TensorInfo, type TensorToWrite, type SafetensorsHeader } from './safetensors.js';
export { AWQ_ORDER, PackedWeightError, dequantizeLinear, packedQuantizationOf, unpackAwq, unpackBitStream, unpackGptq, type AwqTensors, type PackedQuantization } from './quantized.js';
export { BpeTokenizer, TokenizerError, applyMerges, bytesToUnicode } from './tokenizer.js';
export { DecoderModel, argmax } from './decoder.js';
export { cliCommands, ModelUsageError } from './cli.js';
export { benchModel, benchPrefixReuse, BENCH_SHAPES } from './bench.js';
export { SentenceEncoder, EncoderLoadError, parseEncoderConfig, parsePoolingConfig, relativePositionBucket, bidirectionalAttention, poolTokens, normalizeL2, layerNorm, activation, erf, type EncoderConfig, type PoolingConfig, type HiddenAct, type EncoderArchitecture } from './encoder.js';
export { WordPieceTokenizer, WordPieceTokenizerError, bertNormalizer, bertPreTokenize, isChineseChar } from './wordpiece.js';
