import { describe, expect, it } from 'vitest';
import { CausalLMGenerator } from '../../main/bench/generator.js';
import type { CausalLM, ChatTurn, GenerateOptions, GenerateResult } from '../../main/model/types.js';

/** A character-level fake model: the "generation" is the last 6 prompt characters, upper-cased, then "\nrest". */
function fakeModel(window: number) {
  const seen: { ids: number[]; opts: GenerateOptions }[] = [];
  const tokenizer = {
    vocabSize: 256,
    eosTokenIds: [0],
    encode: (t: string, o?: { addSpecialTokens?: boolean }) => [...(o?.addSpecialTokens ? '^' : ''), ...t].map((c) => c.charCodeAt(0)),
    decode: (ids: number[]) => String.fromCharCode(...ids),
    applyChatTemplate: (turns: ChatTurn[]) => turns.map((t) => `[${t.role}]${t.content}`).join('') + '[assistant]',
  };
  const gen = (ids: number[], opts: GenerateOptions): GenerateResult => {
    seen.push({ ids, opts });
    const text = String.fromCharCode(...ids.slice(-6)).toUpperCase() + '\nrest';
    return { text, tokens: [], finishReason: 'length', stats: { prefillTokens: ids.length, decodeTokens: 0, prefillTokensPerS: 0, decodeTokensPerS: 0, peakMemoryBytes: 0, backend: 'fake' } };
  };
  const model = {
    dir: '/m',
    hash: 'abc123',
    tokenizer,
    config: { maxPositionEmbeddings: window },
    generate: gen,
    generateBatch: (ps: number[][], o: GenerateOptions) => ps.map((p) => gen(p, o)),
  } as unknown as CausalLM;
  return { model, seen };
}

describe('CausalLM generator', () => {
  it('chat uses the model chat template; raw prompts get special tokens; stop strings cut the text', async () => {
    const { model, seen } = fakeModel(1000);
    const g = new CausalLMGenerator(model);
    expect(g.id).toBe('model:abc123');
    expect(new CausalLMGenerator(model, { variant: 'w8a8-act' }).id).toBe('model:abc123+w8a8-act');
    expect(await g.chat([{ role: 'user', content: 'hello' }], { maxNewTokens: 4, stop: ['\n'] })).toBe('STANT]');
    expect(String.fromCharCode(...seen[0].ids)).toBe('[user]hello[assistant]');
    expect(seen[0].opts).toMatchObject({ maxNewTokens: 4, stop: ['\n'] });
    expect(await g.complete('xyz', { maxNewTokens: 2 })).toBe('^XYZ\nrest');
    expect(g.countTokens('abcd')).toBe(4);
  });
  it('a prompt is cut in the middle only when it would leave less than a quarter of the window for the answer', async () => {
    const { model, seen } = fakeModel(20);
    const g = new CausalLMGenerator(model);
    await g.complete('abcdefghijklmnopqrstuvwxyz', { maxNewTokens: 10 });
    // window 20, 27 prompt tokens: the answer keeps ⌈20/4⌉ = 5, the prompt 15 — first 7 ("^abcdef") and last 8 ("stuvwxyz")
    expect(String.fromCharCode(...seen[0].ids)).toBe('^abcdefstuvwxyz');
    expect(seen[0].opts.maxNewTokens).toBe(5);
    await g.complete('abcdefghijkl', { maxNewTokens: 10 });
    // 13 prompt tokens + 10 > 20, but 13 + 5 fits: the prompt stays whole, the answer gets the 7 tokens left
    expect(String.fromCharCode(...seen[1].ids)).toBe('^abcdefghijkl');
    expect(seen[1].opts.maxNewTokens).toBe(7);
    await g.complete('abc', { maxNewTokens: 10 });
    expect(seen[2].opts.maxNewTokens).toBe(10); // fits: the task's own budget
  });
  it('generateMany batches through generateBatch', async () => {
    const { model, seen } = fakeModel(100);
    const g = new CausalLMGenerator(model);
    expect(
      await g.generateMany(
        [
          { kind: 'raw', text: 'aa' },
          { kind: 'chat', turns: [{ role: 'user', content: 'b' }] },
        ],
        { maxNewTokens: 1, stop: ['\n'] },
      ),
    ).toEqual(['^AA', 'STANT]']);
    expect(seen).toHaveLength(2);
  });
});
