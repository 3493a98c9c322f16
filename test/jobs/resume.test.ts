// Issue 20, item 2: a run SIGKILLed at any point resumes to exactly the results of an uninterrupted run.
import { afterAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { readResultsFile, resultsFile, runDir } from '../../main/store/index.js';
import { workerExecutor, type RunRequest } from '../../main/jobs/index.js';
import { specHash } from '../../main/api/service.js';
import { ExperimentSpec } from '../../main/spec/index.js';
import { createRandomModel, seededRandom } from '../../main/model/index.js';
import { bundleForChild } from '../helpers/bundle.js';
import { tempDir } from '../helpers/tmp.js';
import { runFakeStudy, type FakeStudy } from '../fixtures/resume-stages.js';

const TIME_FIELDS = new Set(['at', 'wallS', 'seconds', 'ms', 'finishedAt', 'createdAt', 'timing']);

/** What a run computed, without the times it took or its folder's name: record key → data, plus every file it wrote under the run folder. */
export function runOutcome(home: string, file = join(home, 'results.jsonl')): Record<string, unknown> {
  const strip = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(strip)
      : v && typeof v === 'object'
        ? Object.fromEntries(
            Object.entries(v)
              .filter(([k]) => !TIME_FIELDS.has(k))
              .map(([k, x]) => [k, strip(x)]),
          )
        : typeof v === 'string'
          ? v.replaceAll(home, '<run>')
          : v;
  const out: Record<string, unknown> = {};
  const read = readResultsFile(file);
  for (const r of read.records) {
    if (r.key.startsWith('engine:') || r.key.startsWith('unreadable:')) continue; // which engine ran, and what a resume repaired, are per session
    out[r.key] = r.key.startsWith('stage:') ? r.data.stage : strip(r.data); // a stage's item count and time are per session
  }
  for (const sub of ['eval', 'models'])
    if (existsSync(join(home, sub)))
      for (const name of readdirSync(join(home, sub), { recursive: true }) as string[]) {
        const path = join(home, sub, name);
        if (!statSync(path).isFile() || name.endsWith('.cache.jsonl')) continue; // a generation cache only saves time
        if (name.endsWith('.jsonl'))
          out[`${sub}/${name}`] = readFileSync(path, 'utf8')
            .split('\n')
            .filter(Boolean)
            .map((l) => strip(JSON.parse(l)))
            .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
        else if (name.endsWith('.json')) out[`${sub}/${name}`] = strip(JSON.parse(readFileSync(path, 'utf8')));
        else out[`${sub}/${name}`] = createHash('sha256').update(readFileSync(path)).digest('hex');
      }
  return out;
}

const child = bundleForChild('test/fixtures/resume-stages.ts');
// the runs fsync every record: on tmpfs, where there is one, that costs nothing (what is tested is what a resume rebuilds)
const scratch = existsSync('/dev/shm') ? mkdtempSync(join('/dev/shm', 'acbench-resume-')) : tempDir();
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
let folders = 0;
const runFolder = () => join(scratch, String(folders++));

function session(home: string, study: FakeStudy, dieAt: number, torn: boolean): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [child, home, JSON.stringify(study), String(dieAt), torn ? '1' : '0'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    p.stderr.on('data', (d) => (stderr += d));
    p.on('exit', (code, signal) => resolve({ code, signal, stderr }));
  });
}

describe('SIGKILL at random points', () => {
  it('every fake-stage run resumes to exactly the uninterrupted results (60 runs, 1–2 kills each)', async () => {
    const rand = seededRandom(20);
    const RUNS = 60; // ≈ 80 SIGKILLs: the sample the suite's time budget allows (spawning a process costs ≈ 0.1 s)
    let kills = 0;
    let torn = 0;
    const queue = Array.from({ length: RUNS }, (_, r) => r);
    const worker = async () => {
      for (let r = queue.shift(); r !== undefined; r = queue.shift()) {
        const study: FakeStudy = { seed: r, configs: 1 + (r % 3), items: 2 + (r % 4), calibration: r % 2 === 0 };
        const reference = runFolder();
        const points = await runFakeStudy(study, reference, null, false); // the write points of an uninterrupted run
        const expected = runOutcome(reference);
        const home = runFolder();
        for (let k = 0, n = rand() < 0.25 ? 2 : 1; k < n; k++) {
          const dieAt = 1 + Math.floor(rand() * points);
          const tornLine = rand() < 0.3;
          const s = await session(home, study, dieAt, tornLine);
          if (s.signal === 'SIGKILL') {
            kills++;
            if (tornLine) torn++;
          } else expect(s, s.stderr).toMatchObject({ code: 0 });
        }
        await runFakeStudy(study, home, null, false); // the resume that finishes
        expect(runOutcome(home), `run ${r}`).toEqual(expected);
      }
    };
    await Promise.all([worker(), worker()]);
    console.log(`resume: ${RUNS} fake-stage runs, ${kills} SIGKILLs (${torn} with a torn line), every run resumed to the uninterrupted results`);
    expect(kills).toBeGreaterThanOrEqual(RUNS);
  }, 120_000);
});

describe('SIGKILL during real runs', () => {
  it('tiny-model studies (calibrate → GPTQ + RTN → evaluate → analyse) killed at random moments resume to the uninterrupted results', async () => {
    const home = tempDir();
    const modelDir = join(home, 'model');
    await createRandomModel({ architecture: 'Qwen2ForCausalLM', hiddenSize: 32, numLayers: 1, numHeads: 4, numKvHeads: 2, maxPositionEmbeddings: 2048 }, 9).save(modelDir);
    const spec = ExperimentSpec.parse({
      name: 'kill',
      model: { kind: 'local', path: modelDir },
      compressions: [
        { method: 'gptq', bits: 4, groupSize: 32, label: 'GPTQ-W4' },
        { method: 'rtn', bits: 8, groupSize: 32, label: 'RTN-W8' },
      ],
      calibration: { source: 'builtin', samples: 2, seqlen: 32, seed: 0 },
      benchmarks: { suite: 'builtin', tasks: ['t-eval'], limit: 1 },
      analysis: { enabled: true, sequences: 1, seqlen: 16 },
    });
    const request = (runId: string): RunRequest => ({
      runId,
      experimentId: 'exp-kill',
      spec,
      specHash: specHash(spec),
      home,
      resultsFile: resultsFile(home, runId),
      engine: { engine: 'tfjs', gpu: 'off' },
    });
    const worker = bundleForChild('test/fixtures/dying-run-worker.ts');
    // the reference runs in the same kind of process, on the same tensor backend, as the killed runs
    const t0 = Date.now();
    expect(await workerExecutor(worker)(request('run-reference'), () => undefined).result).toEqual({ status: 'done', error: undefined });
    const referenceMs = Date.now() - t0;
    const expected = runOutcome(runDir(home, 'run-reference'));
    // the work's own duration, from its stage records (the child's start-up comes before it)
    const reference = readResultsFile(resultsFile(home, 'run-reference')).records;
    const workMs = reference.filter((r) => r.kind === 'stage').reduce((t, r) => t + (r.data.wallS as number) * 1000, 0);
    const rand = seededRandom(7);
    const kills: string[] = [];
    const runs = ['run-k1', 'run-k2'];
    for (const [j, runId] of runs.entries()) {
      {
        // one kill per run, the runs' moments spread over the work: [0, 0.4) and [0.4, 0.8) of it
        const dieAfterMs = Math.round(((j + rand()) / runs.length) * 0.8 * workMs);
        process.env.ACBENCH_TEST_DIE_AFTER_MS = String(dieAfterMs);
        const killed = await workerExecutor(worker)(request(runId), () => undefined).result;
        delete process.env.ACBENCH_TEST_DIE_AFTER_MS;
        const before = readResultsFile(resultsFile(home, runId)).records;
        if (killed.status === 'failed') {
          expect(killed.error).toMatch(/signal SIGKILL/);
          kills.push(
            `${runId} at ${dieAfterMs} ms of ${Math.round(workMs)} (${
              before
                .filter((r) => r.kind === 'stage')
                .map((r) => r.data.stage)
                .join(', ') || 'no stage'
            } done)`,
          );
        } else expect(killed.status).toBe('done'); // this session may have run faster than the reference
      }
      expect(await workerExecutor(worker)(request(runId), () => undefined).result).toEqual({ status: 'done', error: undefined });
      expect(runOutcome(runDir(home, runId)), runId).toEqual(expected);
    }
    console.log(`resume: 2 real tiny-model runs (reference ${referenceMs} ms), SIGKILLed ${kills.length}×: ${kills.join('; ')}; each resumed to the uninterrupted results`);
    expect(kills.length).toBeGreaterThanOrEqual(1);
  }, 180_000);
});
