// The reference decoder as a TokenGenerator: what benchmark generation calls when llama.cpp does not run a model.
import type { CausalLM, EngineInfo, GenerateOptions, GenerateResult, TokenGenerator } from './types.js';
import type { DecoderModel } from './decoder.js';

/** Our decoder behind the engine-neutral generation interface; `reason` says why it runs instead of llama.cpp. */
export function decoderGenerator(model: CausalLM, reason?: string): TokenGenerator {
  const backend = (model as Partial<DecoderModel>).engine?.report.name ?? 'js';
  const engine: EngineInfo = {
    name: 'tfjs',
    version: backend,
    device: backend === 'tfjs-node-gpu' ? 'cuda' : 'cpu',
    gpu: backend === 'tfjs-node-gpu' ? 'cuda' : null,
    weights: 'float32',
    kvCache: 'F32',
    ...(reason ? { reason } : {}),
  };
  return {
    engine,
    async generateBatch(prompts: number[][], opts: GenerateOptions): Promise<GenerateResult[]> {
      return prompts.length === 1 ? [model.generate(prompts[0], opts)] : model.generateBatch(prompts, opts);
    },
  };
}
