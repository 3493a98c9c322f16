// Runtime speed: prefill and decode tokens/s and peak memory on the active engine, for a small model,
// the reference configuration (Qwen2 layout, hidden 512, 8 layers, ≈25M parameters; llama.cpp decodes
// it at 65–216 tokens/s on two threads of these machines) and one layer shaped like a 0.5B model.
import { getEngine } from '../tensor/index.js';
import { createRandomModel, parameterCountOf, type RandomModelConfig } from './load.js';

interface Shape {
  name: string;
  config: RandomModelConfig;
  prompt: number;
  decode: number;
}

export const BENCH_SHAPES: Shape[] = [
  { name: 'small (hidden 128, 4 layers)', config: { architecture: 'LlamaForCausalLM', hiddenSize: 128, intermediateSize: 384, numLayers: 4, numHeads: 4, numKvHeads: 2, vocabSize: 2048, maxPositionEmbeddings: 4096 }, prompt: 128, decode: 32 },
  { name: 'reference (Qwen2, hidden 512, 8 layers, vocab 2048)', config: { architecture: 'Qwen2ForCausalLM', hiddenSize: 512, intermediateSize: 1536, numLayers: 8, numHeads: 8, numKvHeads: 2, vocabSize: 2048, maxPositionEmbeddings: 4096 }, prompt: 128, decode: 32 },
  { name: '0.5B-shaped layer (hidden 896, 1 layer, vocab 2048)', config: { architecture: 'Qwen2ForCausalLM', hiddenSize: 896, intermediateSize: 4864, numLayers: 1, numHeads: 14, numKvHeads: 2, vocabSize: 2048, maxPositionEmbeddings: 4096 }, prompt: 128, decode: 16 },
];

export async function benchModel(shapes: Shape[] = BENCH_SHAPES): Promise<string> {
  const engine = getEngine();
  const rows = ['| model | parameters | prefill tokens/s | decode tokens/s | peak RSS (MiB) | engine |', '| --- | --- | --- | --- | --- | --- |'];
  for (const s of shapes) {
    const model = createRandomModel(s.config, 1, engine);
    const prompt = Array.from({ length: s.prompt }, (_, i) => (i * 7) % 256);
    model.generate(prompt.slice(0, 8), { maxNewTokens: 2, ignoreEos: true }); // warm-up
    const r = model.generate(prompt, { maxNewTokens: s.decode, ignoreEos: true });
    rows.push(`| ${s.name} | ${(parameterCountOf(model.config) / 1e6).toFixed(1)}M | ${r.stats.prefillTokensPerS.toFixed(1)} | ${r.stats.decodeTokensPerS.toFixed(1)} | ${(r.stats.peakMemoryBytes / 2 ** 20).toFixed(0)} | ${r.stats.backend} |`);
    model.dispose();
  }
  return rows.join('\n');
}
