// Issue 20, item 8: every finished evaluation item is fsynced before it counts (eval/<model>.jsonl).
import { describe, expect, it, vi } from 'vitest';
import { join } from 'node:path';
import { tempDir } from '../helpers/tmp.js';

const synced: number[] = [];
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  return { ...fs, fsyncSync: (fd: number) => (synced.push(fd), fs.fsyncSync(fd)) };
});

describe('evaluation results file', () => {
  it('fsyncs each appended record', async () => {
    const { runTask, readResults } = await import('../../main/bench/runner.js');
    const items = ['a', 'bc', 'def'].map((text, i) => ({ id: `q${i}`, text }));
    const task = {
      id: 'toy',
      kind: 'single',
      capability: 'action',
      settings: () => ({ maxNewTokens: 4 }),
      prompt: (it: { text: string }) => ({ kind: 'raw', text: it.text }),
      parse: (o: string) => o,
      score: () => ({ score: 1 }),
      aggregate: () => ({ score: 1, n: 1, metric: 'x', fields: {} }),
    };
    const generator = { id: 'echo', complete: async (text: string) => text, chat: async () => '' };
    const file = join(tempDir(), 'eval', 'c0.jsonl');
    synced.length = 0;
    await runTask({ task: task as never, items, generator: generator as never, resultsFile: file });
    expect(readResults(file)).toHaveLength(3);
    expect(synced).toHaveLength(3);
  });
});
