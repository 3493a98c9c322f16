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

// Every shape has two KV heads; a Llama or Qwen2 layout, a 2048-token vocabulary and 4096 positions unless it says otherwise.
const llama = (c: Partial<RandomModelConfig>): RandomModelConfig => ({ architecture: 'LlamaForCausalLM', numKvHeads: 2, vocabSize: 2048, maxPositionEmbeddings: 4096, ...c });
const qwen2 = (c: Partial<RandomModelConfig>): RandomModelConfig => llama({ architecture: 'Qwen2ForCausalLM', ...c });
/** acb-tiny's vocabulary (its trained BPE) and context length */
const ACB_TINY = { vocabSize: 2920, maxPositionEmbeddings: 1152 };

export const BENCH_SHAPES: Shape[] = [
  { name: 'small (hidden 128, 4 layers)', config: llama({ hiddenSize: 128, intermediateSize: 384, numLayers: 4, numHeads: 4 }), prompt: 128, decode: 32 },
  { name: 'reference (Qwen2, hidden 512, 8 layers, vocab 2048)', config: qwen2({ hiddenSize: 512, intermediateSize: 1536, numLayers: 8, numHeads: 8 }), prompt: 128, decode: 32 },
  // acb-tiny's shape and train:tiny's next size (--size small), on an agent-episode-length prompt: what a bigger built-in model would cost the demo
  { name: 'acb-tiny shape (hidden 128, 2 layers, vocab 2920)', config: llama({ ...ACB_TINY, hiddenSize: 128, intermediateSize: 352, numLayers: 2, numHeads: 4 }), prompt: 600, decode: 32 },
  { name: 'train:tiny --size small (hidden 192, 4 layers, vocab 2920)', config: llama({ ...ACB_TINY, hiddenSize: 192, intermediateSize: 512, numLayers: 4, numHeads: 6 }), prompt: 600, decode: 32 },
  { name: '0.5B-shaped layer (hidden 896, 1 layer, vocab 2048)', config: qwen2({ hiddenSize: 896, intermediateSize: 4864, numLayers: 1, numHeads: 14 }), prompt: 128, decode: 16 },
];

export async function benchModel(shapes: Shape[] = BENCH_SHAPES): Promise<string> {
  const engine = getEngine();
  const rows = ['| model | parameters | prefill tokens/s | decode tokens/s | peak RSS (MiB) | engine |', '| --- | --- | --- | --- | --- | --- |'];
  for (const s of shapes) {
    const model = createRandomModel(s.config, 1, engine);
    const prompt = Array.from({ length: s.prompt }, (_, i) => (i * 7) % 256);
    model.generate(prompt.slice(0, 8), { maxNewTokens: 2, ignoreEos: true }); // warm-up
    const r = model.generate(prompt, { maxNewTokens: s.decode, ignoreEos: true });
    rows.push(
      `| ${s.name} | ${(parameterCountOf(model.config) / 1e6).toFixed(1)}M | ${r.stats.prefillTokensPerS.toFixed(1)} | ${r.stats.decodeTokensPerS.toFixed(1)} | ${(r.stats.peakMemoryBytes / 2 ** 20).toFixed(0)} | ${r.stats.backend} |`,
    );
    model.dispose();
  }
  return rows.join('\n');
}

/**
 * An agent episode's prompts (a long instruction, then one more action + observation per step) generated with a fresh
 * prefill every step and with the previous step's KV cache reused: seconds for the episode and whether the tokens agree.
 */
export async function benchPrefixReuse(steps = 10, head = 600, perStep = 24): Promise<string> {
  const rows = ['| episode (small model) | fresh prefill (s) | reused prefix (s) | speed-up | same tokens |', '| --- | --- | --- | --- | --- |'];
  const model = createRandomModel(BENCH_SHAPES[0].config, 1, getEngine());
  const run = (reusePrefix: boolean) => {
    let prompt = Array.from({ length: head }, (_, i) => (i * 7) % 256);
    const out: number[][] = [];
    const t0 = performance.now();
    for (let s = 0; s < steps; s++) {
      const r = model.generate(prompt, { maxNewTokens: 8, ignoreEos: true, reusePrefix });
      out.push(r.tokens);
      prompt = [...prompt, ...r.tokens, ...Array.from({ length: perStep }, (_, i) => (s * 31 + i * 11) % 256)];
    }
    return { s: (performance.now() - t0) / 1000, out };
  };
  run(false); // warm-up
  const fresh = run(false);
  const reused = run(true);
  rows.push(
    `| ${steps} steps, ${head}-token instruction, +${perStep + 8} tokens per step | ${fresh.s.toFixed(2)} | ${reused.s.toFixed(2)} | ${(fresh.s / reused.s).toFixed(1)}× | ${JSON.stringify(fresh.out) === JSON.stringify(reused.out) ? 'yes' : 'NO'} |`,
  );
  model.dispose();
  return rows.join('\n');
}
