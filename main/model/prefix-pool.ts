// Finished generations' KV caches, kept so that a later prompt sharing their first tokens prefills only the rest.
import type { KvCache } from './kv-cache.js';

/** Memory the prefix caches of one model may hold. */
export const PREFIX_POOL_BYTES = 256 * 2 ** 20;

/**
 * Finished sequences' KV caches, keyed by the tokens they hold. A later prompt that starts with the same tokens (an agent
 * episode's next step: the same instructions and history plus one more action and observation) prefills only the rest.
 */
export class PrefixCachePool {
  private entries: { ids: number[]; caches: KvCache[]; bytes: number }[] = [];
  private bytes = 0;
  constructor(
    readonly maxBytes: number,
    /** shorter shared prefixes are not worth a copy */
    readonly minShared = 16,
  ) {}
  get size(): number {
    return this.entries.length;
  }
  /** Removes and returns the entry sharing the longest prefix with `prompt` (at most prompt.length − 1 tokens, so one is left to prefill). */
  take(prompt: readonly number[], capacity: number): { caches: KvCache[]; shared: number } | null {
    let best = -1;
    let bestShared = 0;
    this.entries.forEach((e, i) => {
      const limit = Math.min(e.ids.length, prompt.length - 1);
      let n = 0;
      while (n < limit && e.ids[n] === prompt[n]) n++;
      if (n > bestShared) [best, bestShared] = [i, n];
    });
    if (best < 0 || bestShared < this.minShared) return null;
    const [e] = this.entries.splice(best, 1);
    this.bytes -= e.bytes;
    return { caches: e.caches.map((c) => c.reuse(bestShared, capacity)), shared: bestShared };
  }
  put(ids: number[], caches: KvCache[]): void {
    const bytes = caches.reduce((n, c) => n + c.bytes, 0);
    if (bytes > this.maxBytes || ids.length < this.minShared) return;
    this.entries.push({ ids, caches, bytes });
    this.bytes += bytes;
    while (this.bytes > this.maxBytes) this.bytes -= this.entries.shift()!.bytes; // oldest first
  }
  clear(): void {
    this.entries = [];
    this.bytes = 0;
  }
}
