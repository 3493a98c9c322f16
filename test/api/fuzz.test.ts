// Issue 20, item 3: a fuzz family of malformed run specs through the service: every one is refused with a typed
// ServiceError that says what was expected, or accepted, read back, listed and preflighted, never a crash or a hang.
import { afterAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { ServiceError } from '../../main/api/service.js';
import type { Experiment, Preflight } from '../../main/api/contract.js';
import { DEMO_STUDY } from '../../main/spec/index.js';
import { HOSTILE, mutateJson, rng, summary, tally } from '../helpers/fuzz.js';
import { minimalSpec, openTestService } from '../helpers/service.js';
import { tempDir } from '../helpers/tmp.js';

let line = '';
afterAll(() => console.log(line));

describe('fuzz: run specs', () => {
  it('300 specs with hostile fields, special files as paths: typed refusals, or experiments that read back and preflight', async () => {
    const home = tempDir();
    const service = await openTestService(home);
    const fifo = join(tempDir(), 'fifo');
    execFileSync('mkfifo', [fifo]);
    const palette = [
      ...HOSTILE,
      '/dev/zero',
      fifo,
      home,
      'builtin',
      'gptq',
      'rtn',
      'none',
      2,
      4,
      8,
      33,
      0.5,
      -3,
      'base',
      'Base',
      '..',
      '=HYPERLINK("http://x")',
      { kind: 'endpoint', baseUrl: 'http://127.0.0.1:9/v1', model: 'm', apiKey: 'sk-secret' },
    ];
    const base = { ...DEMO_STUDY, model: minimalSpec.model, calibration: { source: 'builtin', samples: 4, seqlen: 32, seed: 0 } };
    const rand = rng(606);
    const t = tally();
    const accepted: string[] = [];
    const cases = 300;
    for (let i = 0; i < cases; i++) {
      const spec = mutateJson(base, rand, palette);
      const result = await service.dispatch('createExperiment', { spec }).then(
        (v) => ({ ok: true as const, v: v as Experiment }),
        (e: unknown) => ({ ok: false as const, e }),
      );
      let pre: Preflight | Error | null = null;
      if (result.ok) {
        accepted.push(result.v.id);
        pre = (await service.dispatch('preflight', { spec: result.v.spec }).catch((e: unknown) => e)) as Preflight | Error;
      }
      let error: unknown = null;
      if (!result.ok) error = result.e;
      else if (pre instanceof Error && !(pre instanceof ServiceError)) error = pre;
      const label = `spec #${i}`;
      if (error) {
        const e = error as Error;
        if (e instanceof ServiceError && e.code === 'invalid_input' && /expected|found/.test(e.message)) t.refused.set(e.code, (t.refused.get(e.code) ?? 0) + 1);
        else t.untyped.push(`${label}: ${e.name}: ${e.message.slice(0, 200)}`);
        continue;
      }
      // accepted: no secret kept, and the stored experiment reads back
      const text = JSON.stringify(result.ok ? result.v : null);
      if (text.includes('sk-secret')) t.bad.push(`${label}: the API key was stored`);
      else t.accepted++;
    }
    const listed = (await service.dispatch('listExperiments', {})) as Experiment[];
    expect(listed.map((e) => e.id).sort()).toEqual(accepted.sort());
    line = summary('fuzz (run specs)', cases, t);
    expect(t.untyped, 'untyped errors').toEqual([]);
    expect(t.bad, 'accepted with bad values').toEqual([]);
    expect(t.accepted).toBeGreaterThan(10);
    expect(t.refused.get('invalid_input') ?? 0).toBeGreaterThan(50);
  }, 60_000);
});
