// `npm run bench` part for the bench room: the whole built-in study against an instant generator —
// generation calls, prompt sizes and the framework's own time per task (prompting, parsing, scoring,
// environments, JSONL). Prints a table; the model's time is what a real run adds on top.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GenerateCallOptions, TextGenerator } from './generator.js';
import { runBenchmarks } from './suite.js';
import type { ChatTurn } from './types.js';

class InstantGenerator implements TextGenerator {
  readonly id = 'instant';
  calls = 0;
  promptChars = 0;
  maxPromptChars = 0;
  newTokenBudget = 0;
  async chat(turns: ChatTurn[], opts: GenerateCallOptions): Promise<string> {
    return this.complete(turns.map((t) => t.content).join('\n'), opts);
  }
  async complete(prompt: string, opts: GenerateCallOptions): Promise<string> {
    this.calls++;
    this.promptChars += prompt.length;
    this.maxPromptChars = Math.max(this.maxPromptChars, prompt.length);
    this.newTokenBudget += opts.maxNewTokens;
    return 'check valid actions';
  }
}

export async function benchBenchmarks(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'acbench-bench-'));
  const rows: string[] = [];
  const t0 = performance.now();
  let before = { calls: 0, chars: 0, budget: 0, max: 0 };
  const g = new InstantGenerator();
  const { TASKS } = await import('../results/index.js');
  for (const t of TASKS.filter((x) => x.runnable)) {
    const s = performance.now();
    g.maxPromptChars = 0;
    const r = await runBenchmarks({ generator: g, tasks: [t.id], resultsFile: join(dir, 'results.jsonl'), cacheFile: join(dir, `${t.id}.cache.jsonl`) });
    const ms = performance.now() - s;
    const calls = g.calls - before.calls;
    rows.push(
      `${t.id.padEnd(28)} ${String(r.tasks[0].n).padStart(5)} ${String(calls).padStart(6)} ${String(Math.round((g.promptChars - before.chars) / 4 / Math.max(1, calls))).padStart(9)} ${String(Math.round(g.maxPromptChars / 4)).padStart(9)} ${String(g.newTokenBudget - before.budget).padStart(9)} ${ms.toFixed(0).padStart(8)}`,
    );
    before = { calls: g.calls, chars: g.promptChars, budget: g.newTokenBudget, max: 0 };
  }
  const total = performance.now() - t0;
  process.stdout.write(`bench room: built-in study against an instant generator (≈ tokens = chars/4)\n`);
  process.stdout.write(
    `${'task'.padEnd(28)} ${'items'.padStart(5)} ${'calls'.padStart(6)} ${'≈prompt'.padStart(9)} ${'≈max'.padStart(9)} ${'new≤'.padStart(9)} ${'ms'.padStart(8)}\n${rows.join('\n')}\n`,
  );
  process.stdout.write(`total: ${g.calls} generation calls, ≤ ${g.newTokenBudget} new tokens, framework time ${(total / 1000).toFixed(1)} s\n`);
  rmSync(dir, { recursive: true, force: true });
}
