import { afterEach, describe, expect, it, vi } from 'vitest';
import { analyzePair, cliCommands, formatAnalysis } from '../../main/analysis/index.js';
import { JsEngine } from '../../main/tensor/index.js';
import { fakeModel } from './fake-model.js';

function captureStderr() {
  const chunks: string[] = [];
  const spy = vi.spyOn(process.stderr, 'write').mockImplementation((c: string | Uint8Array) => {
    chunks.push(String(c));
    return true;
  });
  return { text: () => chunks.join(''), spy };
}

afterEach(() => vi.restoreAllMocks());

describe('acbench analyze', () => {
  const analyze = cliCommands.find((c) => c.name === 'analyze')!;

  it('is exported as a CLI command with its usage', () => {
    expect(analyze.usage).toMatch(/--base DIR --compressed DIR/);
  });

  it('exits 2 with one line on stderr for bad input', async () => {
    for (const argv of [[], ['--base', 'a'], ['--base', 'a', '--compressed', 'b', '--sequences', 'x'], ['--base', 'a', '--compressed', 'b', '--seqlen', '1'], ['--bogus']]) {
      const err = captureStderr();
      expect(await analyze.run(argv)).toBe(2);
      expect(err.text().trim().split('\n')).toHaveLength(1);
      err.spy.mockRestore();
    }
  });

  it('exits 2 when the text file is missing', async () => {
    const err = captureStderr();
    expect(await analyze.run(['--base', 'a', '--compressed', 'b', '--text', '/nonexistent/probe.txt'])).toBe(2);
    expect(err.text()).toMatch(/no such file/i);
  });
});

describe('formatAnalysis', () => {
  it('prints every statistic in a readable table', async () => {
    const V = 6;
    const base = fakeModel('b', V, (_ids, t) => Array.from({ length: V }, (_, j) => Math.sin(j * 1.3 + t)));
    const comp = fakeModel('c', V, (_ids, t) => Array.from({ length: V }, (_, j) => Math.sin(j * 1.3 + t) + 0.2 * Math.cos(j * 2.1)));
    const a = await analyzePair(base, comp, { text: 'abcdefghijklmnopqrstuvwxyz', sequences: 2, seqlen: 8, engine: new JsEngine(), ks: [1, 3, 5] });
    const out = formatAnalysis(a);
    for (const needle of ['eRank', 'final hidden states', 'logits', 'Diff-eRank', 'k = 1', 'k = 5', 'Kendall', 'Spearman', 'energy', 'perplexity', 'KL(base‖compressed)'])
      expect(out).toContain(needle);
    expect(out).toContain(a.perplexity.base.toFixed(3));
    expect(out).toContain(a.kl.mean.toFixed(6));
    // k = 1 row shows τ and ρ as undefined
    expect(out).toMatch(/k = 1\s+\S+\s+—\s+—/);
  });
});
