// Door of main/compress: calibration, the layer-by-layer driver, the methods (rules in methods/, steps in steps.ts), exports and the CLI.
export { compressModel, BLOCK_LINEARS, SEQUENTIAL_GROUPS, type CompressProgress, type CompressRunOptions, type CompressionOutcome } from './driver.js';
export { resolveConfig, validateAgainstModel, type CompressionConfig, type CompressionTuning, type ResolvedConfig, type CompressionMethodName, type SparsityPatternName } from './config.js';
export {
  COMPRESSION_METHODS,
  METHODS,
  GROUPED_QUANT_METHODS,
  PRUNING_METHODS,
  isPruning,
  isQuantization,
  compressionConfigProblems,
  modelShapeProblems,
  dividingGroupSizes,
  type CompressionMethod,
  type ConfigProblem,
  type ShapeProblem,
  type ModelWidths,
} from './methods/index.js';
export { LAYER_STEPS, needsCalibration } from './steps.js';
export type { LayerStep, CompressedLinear, StepContext } from './step.js';
export { loadCalibration, buildCalibrationSet, readCalibrationTexts, hashTokenIds, builtinCalibrationPath, DEFAULT_CALIBRATION, type CalibrationSet, type CalibrationOptions } from './calibration.js';
export type { CompressionReport, LayerReport, LinearReport, LossKind } from './report.js';
export { CompressionConfigError, CompressionShapeError, CalibrationError, CompressionCancelledError, ExportFormatError } from './errors.js';
export {
  writeCompressedModel,
  compressToFolder,
  shouldStream,
  readCompressionMetadata,
  restoreRuntimeTransforms,
  readQuantizedLinears,
  checkExportFormat,
  COMPRESSION_METADATA_FILE,
  type ExportFormat,
  type CompressionMetadata,
} from './export/write.js';
export { packGptq, unpackGptq, packAwq, unpackAwq } from './export/pack.js';
export { kvQuantTransform, quantizeKv } from './quant/kvcache.js';
export { perTokenActivationTransform, perTokenProjectionOutputTransform } from './quant/smoothquant.js';
export { cliCommands } from './cli.js';
export { benchCompress } from './bench.js';
