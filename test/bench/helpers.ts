// Shared test helpers for the bench room.
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { GenerateCallOptions, TextGenerator } from '../../main/bench/generator.js';
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
