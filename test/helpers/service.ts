import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AcbenchService } from '../../main/api/service.js';
import { inProcessExecutor, type Stage } from '../../main/jobs/index.js';
import type { ResultRecord } from '../../main/api/contract.js';
import { tempDir } from './tmp.js';

/** Stages that finish `n` items with a small real delay, so cancel and progress can be observed. */
export function fakeStages(n = 6, delayMs = 5): Stage[] {
  return (['load', 'evaluate'] as const).map((name, s) => ({
    name,
    total: s === 0 ? 1 : n,
    async run(ctx) {
      const count = s === 0 ? 1 : n;
      for (let i = 0; i < count; i++) {
        const key = `${name}:${i}`;
        if (ctx.isDone(key)) {
          ctx.skip(key);
          continue;
        }
        await new Promise((r) => setTimeout(r, delayMs));
        ctx.finish(key, name === 'evaluate' ? 'score' : 'item', { task: `task-${i}`, score: i / count });
      }
    },
  }));
}

export function openTestService(home: string, stages: () => Stage[] = () => fakeStages()) {
  return AcbenchService.open({ home, shell: 'cli', executor: inProcessExecutor(() => stages()) });
}

/** A model folder that passes startRun's check (the fake stages never read it). */
const fakeModelDir = tempDir('acbench-fake-model-');
writeFileSync(
  join(fakeModelDir, 'config.json'),
  JSON.stringify({ architectures: ['LlamaForCausalLM'], hidden_size: 8, intermediate_size: 16, num_hidden_layers: 1, num_attention_heads: 2, vocab_size: 300 }),
);

export const minimalSpec = { name: 'tiny', model: { kind: 'local', path: fakeModelDir } } as const;

/** Create an experiment, run it to the end and read every record back (integration tests of whole studies). */
export async function runToEnd(service: AcbenchService, spec: unknown) {
  const exp = (await service.dispatch('createExperiment', { spec })) as { id: string };
  const run = (await service.dispatch('startRun', { experimentId: exp.id })) as { id: string };
  await service.idle();
  const { run: summary, records } = (await service.dispatch('getRunResults', { runId: run.id, limit: 10_000 })) as { run: { status: string; error?: string }; records: ResultRecord[] };
  return { runId: run.id, summary, records };
}
