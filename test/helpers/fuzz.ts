// Seeded malformed inputs for the fuzz families: JSON documents with one or more fields replaced by hostile values,
// byte strings flipped or cut, and a tally that says what was refused with which typed error.
import { seededRandom } from '../../main/model/index.js';

export type Rand = () => number;
export const rng = (seed: number): Rand => seededRandom(seed);
export const pick = <T>(rand: Rand, xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];

/** Values that break parsers that trust their input. */
export const HOSTILE: unknown[] = [
  null,
  undefined,
  0,
  -1,
  -0.5,
  1e-320,
  1e308,
  -1e308,
  2 ** 53,
  2 ** 31,
  1.5,
  'NaN',
  'Infinity',
  '',
  'x'.repeat(5000),
  '\u0000',
  '../../etc/passwd',
  [],
  [1, 'a', null],
  {},
  { nested: { deeper: [] } },
  true,
  false,
  Array.from({ length: 200 }, (_, i) => i),
];

/** Every path (keys and indices) of a JSON value, shallow-first, at most `limit`. */
export function paths(value: unknown, limit = 400): (string | number)[][] {
  const out: (string | number)[][] = [];
  const queue: [unknown, (string | number)[]][] = [[value, []]];
  while (queue.length && out.length < limit) {
    const [v, p] = queue.shift()!;
    if (p.length) out.push(p);
    if (Array.isArray(v)) v.slice(0, 8).forEach((x, i) => queue.push([x, [...p, i]]));
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) queue.push([x, [...p, k]]);
  }
  return out;
}

/** A copy of `doc` with 1–3 fields set to hostile values (or deleted). */
export function mutateJson<T>(doc: T, rand: Rand, palette: unknown[] = HOSTILE): T {
  const copy = structuredClone(doc) as unknown;
  const all = paths(copy);
  for (let n = 1 + Math.floor(rand() * 3); n > 0 && all.length; n--) {
    const path = pick(rand, all);
    let parent = copy as Record<string | number, unknown>;
    for (const k of path.slice(0, -1)) parent = parent[k] as Record<string | number, unknown>;
    if (!parent || typeof parent !== 'object') continue;
    const value = pick(rand, palette);
    if (value === undefined) delete parent[path[path.length - 1]];
    else parent[path[path.length - 1]] = structuredClone(value);
  }
  return copy as T;
}

/** Bytes with a few flipped, cut short, or with garbage spliced in. */
export function mutateBytes(bytes: Uint8Array, rand: Rand): Uint8Array {
  const kind = Math.floor(rand() * 4);
  const out = Uint8Array.from(bytes);
  if (kind === 0) return out.subarray(0, Math.floor(rand() * bytes.length));
  if (kind === 1) {
    for (let i = 0; i < 1 + rand() * 8; i++) out[Math.floor(rand() * out.length)] ^= 1 << Math.floor(rand() * 8);
    return out;
  }
  if (kind === 2) {
    // the 8-byte header length
    const view = new DataView(out.buffer);
    view.setBigUint64(0, pick(rand, [0n, 1n, 2n ** 63n, BigInt(bytes.length), BigInt(Math.floor(rand() * 2 ** 32))]), true);
    return out;
  }
  const at = Math.floor(rand() * out.length);
  return Uint8Array.from([...out.subarray(0, at), ...Array.from({ length: 1 + Math.floor(rand() * 16) }, () => Math.floor(rand() * 256)), ...out.subarray(at)]);
}

export interface Tally {
  accepted: number;
  refused: Map<string, number>;
  /** errors that are not one of the family's typed errors, or say nothing */
  untyped: string[];
  /** inputs accepted with non-finite values, or other wrong results */
  bad: string[];
}

export const tally = (): Tally => ({ accepted: 0, refused: new Map(), untyped: [], bad: [] });

/** Run one case: accepted (then `check` says what is wrong with the result, if anything) or refused with a typed error. */
export function classify<T>(t: Tally, typed: readonly (abstract new (...args: never[]) => Error)[], label: string, run: () => T, check: (result: T) => string | null = () => null): void {
  let result: T;
  try {
    result = run();
  } catch (error) {
    const e = error as Error;
    if (typed.some((C) => e instanceof C) && e.message.length > 10) t.refused.set(e.name, (t.refused.get(e.name) ?? 0) + 1);
    else t.untyped.push(`${label}: ${e?.name}: ${String(e?.message).slice(0, 200)}`);
    return;
  }
  const problem = check(result);
  if (problem) t.bad.push(`${label}: ${problem}`);
  else t.accepted++;
}

export function summary(name: string, cases: number, t: Tally): string {
  return `${name}: ${cases} malformed inputs, ${t.accepted} accepted with sane values, refused ${[...t.refused].map(([k, v]) => `${v} × ${k}`).join(', ')}; ${t.untyped.length} untyped, ${t.bad.length} accepted with bad values`;
}
