// Door of main/engines: generation engines behind one interface — llama.cpp (node-llama-cpp, GGUF conversion, device
// choice) and our decoder as the reference and fallback; the results say which ran.
export { convertToGguf, GGUF_TARGETS, GgufConversionError, llamaCppSupport, blockTypeOf, ropeRowPermutation, type GgufTarget, type GgufConversion, type ConvertedTensor } from './llamacpp/convert.js';
export { writeGguf, encodeBlocks, dequantizeBlocks, quantizeRowsReference, GGML_TYPE, type GgmlType } from './llamacpp/gguf.js';
export { LlamaCppModel, LlamaCppUnavailableError, llamaCppBinding, llamaRuntime, runtimeDevice, barePrefillTokensPerS, GPU_CHOICES, type GpuChoice } from './llamacpp/runtime.js';
export { cachedGguf, releaseGgufOwner, folderHash, ggufCacheBytes, ggufCacheDir, CLI_OWNER } from './llamacpp/cache.js';
export * from './generation.js';
export { cliCommands } from './cli.js';
