import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ResultRecord } from '../../main/api/contract.js';
import { summarise, writeReport } from '../../main/api/report.js';
import { tempDir } from '../helpers/tmp.js';

const score = (config: string, task: string, deviations: unknown): ResultRecord => ({
  key: `score:${config}:${task}`,
  kind: 'score',
  at: '2026-01-01T00:00:00.000Z',
  data: { task, config, capability: 'action', score: 0.5, deviations },
});

describe('report', () => {
  it("names the task scores' deviations from the reference scorers, once per label", () => {
    const records = [
      score('base', 't-eval', [{ label: 'lexical-sim', note: 'Lexical fallback.' }]),
      score('RTN-W4', 't-eval', [{ label: 'lexical-sim', note: 'Lexical fallback.' }]),
      score('base', 'niah', []),
    ];
    expect([...summarise(records).deviations]).toEqual([['lexical-sim', 'Lexical fallback.']]);
    const dir = tempDir('report-');
    writeReport(records, dir, 'Study');
    expect(readFileSync(join(dir, 'README.md'), 'utf8')).toContain('> Where these scores depart from the reference scorers:\n> - `lexical-sim`: Lexical fallback.');
  });
});
