import { describe, expect, it } from 'vitest';
import { callNames, calls } from '../../main/api/contract.js';
import { describeZodError, ExperimentSpec } from '../../main/spec/index.js';
import { PRELOAD_CALLS } from '../../electron/preload-calls.js';

describe('contract', () => {
  it('fills defaults for a minimal experiment spec', () => {
    const spec = ExperimentSpec.parse({ name: 'x', model: { kind: 'builtin', id: 'acb-tiny' } });
    expect(spec.calibration).toEqual({ source: 'builtin', samples: 128, seqlen: 512, seed: 0 });
    expect(spec.analysis.enabled).toBe(true);
    expect(spec.compressions).toEqual([]);
  });

  it('rejects bad input with a message naming the field, the expectation and what was found', () => {
    const input = { name: 'x', model: { kind: 'local', path: '' }, calibration: { samples: 0 } };
    const result = ExperimentSpec.safeParse(input);
    expect(result.success).toBe(false);
    const message = describeZodError(result.error!, input);
    expect(message).toContain('model.path');
    expect(message).toContain('a model folder path');
    expect(message).toContain('found ""');
    expect(message).toContain('calibration.samples');
    expect(message).toContain('found 0');
  });

  it('rejects unknown keys on call inputs (strict)', () => {
    expect(calls.getExperiment.input.safeParse({ id: 'exp-1', extra: 1 }).success).toBe(false);
    expect(calls.getExperiment.input.safeParse({ id: '../../etc' }).success).toBe(false);
  });

  it('exposes exactly the contract calls in the Electron preload', () => {
    expect([...PRELOAD_CALLS].sort()).toEqual([...callNames].sort());
  });
});
