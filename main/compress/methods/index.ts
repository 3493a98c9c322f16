// Door of main/compress/methods: the registry of compression methods and the rules a configuration must keep — pure
// (no runtime imports but each other), so the spec room, and through it the renderer, bundles them without the engine.
export { COMPRESSION_METHODS, METHODS, GROUPED_QUANT_METHODS, PRUNING_METHODS, isPruning, isQuantization, methodsReading } from './registry.js';
export { COMMON_DEFAULTS, type CompressionMethod, type MethodDefaults, type MethodOption } from './method.js';
export { compressionConfigProblems, modelShapeProblems, dividingGroupSizes, patternNM, type ConfigProblem, type ShapeProblem, type ModelWidths } from './rules.js';
