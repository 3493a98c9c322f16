// `acbench generate` and `acbench export` through the built CLI: llama.cpp on the CPU build and on the prebuilt Vulkan
// build, the engine and device in the output. The Vulkan device here is Mesa's llvmpipe (apt mesa-vulkan-drivers,
// installed by .ci/run); llama.cpp skips CPU-type Vulkan devices unless GGML_VK_VISIBLE_DEVICES names them.
import { execFile } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { readGgufFileInfo } from 'node-llama-cpp';
import { llamaCppBinding } from '../../main/engines/index.js';
import { repoRoot } from '../helpers/bundle.js';
import { tempDir } from '../helpers/tmp.js';

const run = promisify(execFile);
const cli = join(repoRoot, 'bin', 'acbench.mjs');
const tiny = join(repoRoot, 'resources', 'models', 'acb-tiny');
const llvmpipe = '/usr/share/vulkan/icd.d/lvp_icd.x86_64.json';
const binding = await llamaCppBinding();
const available = !(binding instanceof Error);
if (!available) console.log(`[skipped] acbench generate on llama.cpp: ${(binding as Error).message}`);
if (available && !existsSync(llvmpipe)) console.log(`[skipped] Vulkan on llvmpipe: no ${llvmpipe} (apt-get install mesa-vulkan-drivers; .ci/run does)`);

interface GenerateJson {
  text: string;
  tokens: number[];
  engine: { name: string; device: string; gpu: string | null; offloadedLayers: number; totalLayers: number; weights: string };
}

async function generate(home: string, ...args: string[]): Promise<GenerateJson> {
  const prompt = ['--model', tiny, '--prompt', 'What is the capital of France? Answer briefly.', '--chat', '--max-new-tokens', '16', '--ignore-eos', '--json'];
  const { stdout } = await run(process.execPath, [cli, 'generate', ...prompt, ...args], { env: { ...process.env, ACBENCH_HOME: home, GGML_VK_VISIBLE_DEVICES: '0' }, timeout: 240_000 });
  return JSON.parse(stdout.trim().split('\n').pop()!) as GenerateJson;
}

describe.runIf(available)('acbench generate on llama.cpp', () => {
  it("CPU build: the engine and device are in the output; tokens equal our decoder's", async () => {
    const home = tempDir();
    const cpu = await generate(home, '--engine', 'llamacpp', '--gpu', 'off');
    expect(cpu.engine).toMatchObject({ name: 'llama.cpp', device: 'cpu', gpu: null, offloadedLayers: 0, totalLayers: 3, weights: 'GGUF F32' });
    expect(cpu.tokens).toHaveLength(16);
    const ours = await generate(home, '--engine', 'tfjs');
    expect(ours.engine.name).toBe('tfjs');
    expect(cpu.tokens).toEqual(ours.tokens);
  }, 300_000);

  it.runIf(existsSync(llvmpipe))(
    'Vulkan build on llvmpipe: every layer offloaded, greedy tokens identical to the CPU build',
    async () => {
      const home = tempDir();
      const cpu = await generate(home, '--engine', 'llamacpp', '--gpu', 'off');
      const vk = await generate(home, '--engine', 'llamacpp', '--gpu', 'vulkan');
      expect(vk.engine.gpu).toBe('vulkan');
      expect(vk.engine.device).toMatch(/^vulkan: llvmpipe/);
      expect(vk.engine.offloadedLayers).toBe(vk.engine.totalLayers);
      expect(vk.tokens).toEqual(cpu.tokens);
    },
    300_000,
  );

  it('acbench export --format gguf writes a file llama.cpp tooling reads, and refuses a bad type', async () => {
    const dir = tempDir();
    const out = join(dir, 'tiny-q8.gguf');
    const { stdout } = await run(process.execPath, [cli, 'export', '--model', tiny, '--format', 'gguf', '--type', 'q8_0', '--out', out, '--json'], { env: { ...process.env, ACBENCH_HOME: dir } });
    const res = JSON.parse(stdout) as { exact: boolean; main_type: string; bytes: number };
    expect(res).toMatchObject({ exact: false, main_type: 'Q8_0' }); // dense F32 weights rounded to Q8_0 blocks: said so
    expect(statSync(out).size).toBe(res.bytes);
    const info = await readGgufFileInfo(out, { sourceType: 'filesystem', logWarnings: false });
    expect(info.fullTensorInfo!.find((t) => t.name === 'blk.0.attn_q.weight')!.ggmlType).toBe(8);
    const bad = await run(process.execPath, [cli, 'export', '--model', tiny, '--type', 'q5_k', '--out', out], { env: { ...process.env, ACBENCH_HOME: dir } }).catch(
      (e: { code: number; stderr: string }) => e,
    );
    expect((bad as { stderr: string }).stderr).toMatch(/--type: expected one of auto, f32, f16, bf16, q8_0, q4_0, q4_1, found "q5_k"/);
  }, 120_000);
});
