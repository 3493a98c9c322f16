// Shared test helpers for the bench room.
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { vi } from 'vitest';
import type { GenerateCallOptions, TextGenerator } from '../../main/bench/generator.js';
import { cliCommands } from '../../main/bench/index.js';
import type { ChatTurn } from '../../main/bench/types.js';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const samplesDir = resolve(repoRoot, '../shared/samples');
export const haveSamples = existsSync(samplesDir);
if (!haveSamples) console.log(`[bench tests] skipping sample-file tests: ${samplesDir} is absent (the real-format samples live outside the repository)`);

/** A scripted generator: answers by a function of the prompt text; counts calls. */
export class ScriptedGenerator implements TextGenerator {
  calls = 0;
  readonly prompts: string[] = [];
  constructor(
    readonly id: string,
    private readonly answer: (prompt: string, opts: GenerateCallOptions) => string,
  ) {}
  async chat(turns: ChatTurn[], opts: GenerateCallOptions): Promise<string> {
    return this.complete(turns.map((t) => `<${t.role}>${t.content}`).join('\n'), opts);
  }
  async complete(prompt: string, opts: GenerateCallOptions): Promise<string> {
    this.calls++;
    this.prompts.push(prompt);
    return this.answer(prompt, opts);
  }
}

/** Run a bench room command (eval, score) in-process, capturing stdout and stderr. */
export async function runBenchCommand(name: string, argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => ((out += String(s)), true));
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => ((err += String(s)), true));
  try {
    const code = await cliCommands.find((c) => c.name === name)!.run(argv);
    return { code, out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}
