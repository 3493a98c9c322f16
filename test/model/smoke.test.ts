import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { createRandomModel, loadModel } from '../../main/model/index.js';
import { tempDir } from '../helpers/tmp.js';

describe('model smoke', () => {
  it('generates, saves and reloads to the same logits', async () => {
    const m = createRandomModel({ architecture: 'Qwen2ForCausalLM', numKvHeads: 2 }, 1);
    const ids = m.tokenizer.encode('hello world');
    const a = m.forward(ids, { allLogits: true });
    const g = m.generate(ids, { maxNewTokens: 5, ignoreEos: true });
    expect(g.tokens).toHaveLength(5);
    const dir = join(tempDir(), 'm');
    await m.save(dir);
    const m2 = await loadModel(dir);
    const b = m2.forward(ids, { allLogits: true });
    expect(Array.from(b.logits.data)).toEqual(Array.from(a.logits.data));
    expect(m2.hash).toBe(m.hash);
    expect(m2.generate(ids, { maxNewTokens: 5, ignoreEos: true }).tokens).toEqual(g.tokens);
  });
});
