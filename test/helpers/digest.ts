// Digests of exact outputs (bytes of typed arrays, text), compared with digests recorded before a refactor.
import { createHash } from 'node:crypto';
import { expect } from 'vitest';

export interface Digest {
  bytes(a: ArrayBufferView): void;
  text(s: string): void;
  /** the first 24 hex digits of the sha256 */
  hex(): string;
}

export function digest(): Digest {
  const h = createHash('sha256');
  return {
    bytes: (a) => void h.update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength)),
    text: (s) => void h.update(s),
    hex: () => h.digest('hex').slice(0, 24),
  };
}

/** The digest must equal the recorded one; with PRINT_GOLDEN=1 the line to record is printed too. */
export function expectRecorded(recorded: Readonly<Record<string, string>>, key: string, hex: string): void {
  if (process.env.PRINT_GOLDEN) console.log(`GOLDEN '${key}': '${hex}',`);
  expect(hex).toBe(recorded[key]);
}
