import { describe, expect, it } from 'vitest';
import { createRandomModel, DecoderModel } from '../../main/model/index.js';
import { PrefixCachePool } from '../../main/model/prefix-pool.js';

const ids = (n: number, seed: number) => Array.from({ length: n }, (_, i) => 40 + ((i * 7 + seed * 13) % 80));

describe('prefix KV cache reuse (agent episodes)', () => {
  it('gives the same tokens as a fresh prefill while computing only the new part of a growing prompt', () => {
    const model = createRandomModel({ architecture: 'Qwen2ForCausalLM', hiddenSize: 32, numHeads: 4, numKvHeads: 2, numLayers: 2 }, 5) as DecoderModel;
    const opts = { maxNewTokens: 6, ignoreEos: true };
    let prompt = ids(40, 1);
    for (let step = 0; step < 4; step++) {
      const fresh = model.generate(prompt, opts);
      const reused = model.generate(prompt, { ...opts, reusePrefix: true });
      expect(reused.tokens).toEqual(fresh.tokens);
      if (step === 0) expect(reused.stats.reusedTokens).toBe(0);
      else {
        // the previous step's prompt + its generated tokens but the last (never fed) are shared
        expect(reused.stats.reusedTokens).toBeGreaterThanOrEqual(prompt.length - 10);
        expect(reused.stats.prefillTokens).toBe(prompt.length - reused.stats.reusedTokens!);
      }
      prompt = [...prompt, ...reused.tokens, ...ids(5, step + 2)]; // the action, then an observation
    }
  });

  it('reuses a prefix up to the first differing token (a history window that slid), and keeps batches exact', () => {
    const model = createRandomModel({ architecture: 'LlamaForCausalLM', hiddenSize: 32, numHeads: 4, numKvHeads: 2, numLayers: 2 }, 9) as DecoderModel;
    const opts = { maxNewTokens: 5, ignoreEos: true };
    const head = ids(30, 3);
    const a = [...head, ...ids(20, 4)];
    const b = [...head, ...ids(12, 5)];
    model.generateBatch([a, b], { ...opts, reusePrefix: true });
    expect(model.prefixPool.size).toBe(2);
    const a2 = [...head, ...ids(25, 6)];
    const b2 = [...b, 1, 2, 3];
    const [ra, rb] = model.generateBatch([a2, b2], { ...opts, reusePrefix: true });
    expect(ra.tokens).toEqual(model.generate(a2, opts).tokens);
    expect(rb.tokens).toEqual(model.generate(b2, opts).tokens);
    // (batch totals) each entry goes to one sequence: a2 shares only the 30-token head with either and takes the first;
    // b2 still finds b's entry: b's 42 tokens and at most 2 more (one token of b2 is always left to prefill)
    expect(ra.stats.reusedTokens).toBeGreaterThanOrEqual(30 + b.length);
    expect(ra.stats.reusedTokens).toBeLessThanOrEqual(30 + b2.length - 1);
  });

  it('is emptied when the weights or transforms change, and never used for a prompt without reusePrefix', () => {
    const model = createRandomModel({ architecture: 'LlamaForCausalLM', hiddenSize: 32, numHeads: 4, numKvHeads: 2, numLayers: 2 }, 3) as DecoderModel;
    model.generate(ids(30, 1), { maxNewTokens: 3, ignoreEos: true });
    expect(model.prefixPool.size).toBe(0);
    model.generate(ids(30, 1), { maxNewTokens: 3, ignoreEos: true, reusePrefix: true });
    expect(model.prefixPool.size).toBe(1);
    model.setKvTransform(undefined);
    expect(model.prefixPool.size).toBe(0);
    model.generate(ids(30, 1), { maxNewTokens: 3, ignoreEos: true, reusePrefix: true });
    expect(model.prefixPool.size).toBe(1);
    model.invalidateHash(); // what a compression's in-place weight edit calls
    expect(model.prefixPool.size).toBe(0);
  });
});

describe('PrefixCachePool', () => {
  it('hands out the longest shared prefix once, leaves one token to prefill, and evicts the oldest past its byte limit', () => {
    const model = createRandomModel({ architecture: 'LlamaForCausalLM', hiddenSize: 16, numHeads: 2, numKvHeads: 1, numLayers: 1 }, 1) as DecoderModel;
    const p = ids(20, 2);
    model.generate(p, { maxNewTokens: 1, ignoreEos: true, reusePrefix: true });
    const entry = model.prefixPool.take(p, 40);
    // the cache holds the 20 prompt tokens (the one generated token was never fed); at most 19 are handed out for p itself
    expect(entry?.shared).toBe(19);
    expect(model.prefixPool.size).toBe(0);
    expect(model.prefixPool.take(p, 40)).toBeNull();

    const pool = new PrefixCachePool(1, 4);
    pool.put(p, entry!.caches);
    expect(pool.size).toBe(0); // larger than the whole pool: not kept
    const roomy = new PrefixCachePool(entry!.caches.reduce((n, c) => n + c.bytes, 0) * 2, 4);
    roomy.put(ids(10, 1), entry!.caches);
    roomy.put(ids(10, 2), entry!.caches);
    roomy.put(ids(10, 3), entry!.caches);
    expect(roomy.size).toBe(2);
    expect(roomy.take(ids(10, 1), 40)).toBeNull(); // the oldest went first
    expect(roomy.take([...ids(10, 3), 1], 40)?.shared).toBe(10);
    expect(roomy.take([...ids(3, 2), 9, 9], 40)).toBeNull(); // 3 shared tokens < minShared 4
  });
});
