// A study on a Qwen2.5-0.5B-shaped checkpoint (the release's vocabulary, widths, BF16 layout; one layer so the test is
// quick) through the service: the base model generates on llama.cpp, a SmoothQuant W8A8 configuration on the reference
// decoder, and every score record says which engine and device produced it and why.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AcbenchService } from '../../main/api/service.js';
import { inProcessExecutor } from '../../main/jobs/index.js';
import { planStages } from '../../main/jobs/index.js';
import { llamaCppBinding } from '../../main/engines/index.js';
import { RELEASE_SHAPES, writeReleaseCheckpoint } from '../../main/model/index.js';
import { prepareEngine } from '../../main/tensor/index.js';
import type { Experiment, ResultRecord } from '../../main/api/contract.js';
import { tempDir } from '../helpers/tmp.js';

const binding = await llamaCppBinding();
const available = !(binding instanceof Error);
if (!available) console.log(`[skipped] study on llama.cpp: ${(binding as Error).message}`);

describe.runIf(available)('a study on a 0.5B-shaped checkpoint', () => {
  it('generates the base on llama.cpp and SmoothQuant W8A8 on the reference decoder, recording both', async () => {
    await prepareEngine(); // the run worker's backend (wasm), not the plain-JS fallback a bare test process has
    const home = tempDir();
    const modelDir = join(home, 'qwen2.5-0.5b-1layer');
    writeReleaseCheckpoint(modelDir, RELEASE_SHAPES['qwen2.5-0.5b'], { layers: 1 });
    const service = await AcbenchService.open({ home, shell: 'cli', executor: inProcessExecutor(planStages) });
    await service.dispatch('updateEngineSettings', { engine: 'auto', gpu: 'off' });
    const spec = {
      name: '0.5B shape',
      model: { kind: 'local', path: modelDir },
      compressions: [{ method: 'smoothquant', alpha: 0.5, label: 'SQ-W8A8' }],
      calibration: { source: 'builtin', samples: 2, seqlen: 32, seed: 0 },
      benchmarks: { suite: 'builtin', tasks: ['longbench-code'], limit: 1 },
      analysis: { enabled: false },
    };
    const exp = (await service.dispatch('createExperiment', { spec })) as Experiment;
    const run = (await service.dispatch('startRun', { experimentId: exp.id })) as { id: string };
    await service.idle();
    const { run: summary, records } = (await service.dispatch('getRunResults', { runId: run.id, limit: 10000 })) as { run: { status: string; error?: string }; records: ResultRecord[] };
    console.log(
      `stages: ${records
        .filter((r) => r.kind === 'stage')
        .map((r) => `${r.data.stage} ${Number(r.data.wallS).toFixed(1)} s`)
        .join(', ')}`,
    );
    expect(summary.error).toBeUndefined();
    expect(summary.status).toBe('done');
    const engineOf = (config: string) =>
      records.find((r) => r.kind === 'score' && r.data.config === config && r.data.engine)?.data.engine as { name: string; device: string; weights?: string; reason?: string };
    // one layer of the 0.5B shape is 0.15 B parameters: under the 1 GiB float32 limit, so llama.cpp computes in float32 as the reference does
    expect(engineOf('base')).toMatchObject({ name: 'llama.cpp', device: 'cpu', weights: 'GGUF F32' });
    expect(engineOf('SQ-W8A8')).toMatchObject({ name: 'tfjs', reason: expect.stringMatching(/8-bit per-token activations/) });
    const logs = records.filter((r) => r.kind === 'log' && String(r.data.message).includes('generating on')).map((r) => String(r.data.message));
    expect(logs.some((m) => m.startsWith('base: generating on llama.cpp (cpu'))).toBe(true);
    // the converted GGUF belongs to the run: deleting the experiment removes it
    const status = await service.dispatch('engineStatus', {});
    expect(status).toMatchObject({ settings: { engine: 'auto', gpu: 'off' }, llamaCpp: { available: true } });
    await service.dispatch('deleteExperiment', { id: exp.id });
    const { readdirSync, existsSync } = await import('node:fs');
    expect(existsSync(join(home, 'gguf')) ? readdirSync(join(home, 'gguf')).filter((f) => f.endsWith('.gguf')) : []).toEqual([]);
  }, 300_000);
});
