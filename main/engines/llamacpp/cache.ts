// Converted GGUF files, cached under ACBENCH_HOME/gguf by the folder's content hash and the conversion target.
// Each entry lists its owners (the runs that evaluated it, or "cli"): deleting a run releases its entries, and an
// entry without owners is removed; entries owned only by the command line expire after CLI_TTL_MS unused.
import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Checkpoint, COMPRESSION_METADATA_FILE } from '../../model/index.js';
import { convertToGguf, type GgufConversion, type GgufTarget } from './convert.js';

/** Bumped when the converter's output changes, so old cached files are not reused. */
export const CONVERTER_VERSION = 1;
export const CLI_OWNER = 'cli';
const CLI_TTL_MS = 7 * 24 * 3600 * 1000;

export interface CacheEntry {
  key: string;
  file: string;
  dir: string;
  hash: string;
  target: GgufTarget;
  conversion: Omit<GgufConversion, 'file'>;
  owners: string[];
  lastUsed: string;
}

export const ggufCacheDir = (home: string) => join(home, 'gguf');

function readIndex(home: string): Record<string, CacheEntry> {
  const f = join(ggufCacheDir(home), 'index.json');
  if (!existsSync(f)) return {};
  try {
    const v = JSON.parse(readFileSync(f, 'utf8')) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, CacheEntry>) : {};
  } catch {
    return {}; // an unreadable index only costs a conversion; the files it named are swept below
  }
}

function writeIndex(home: string, index: Record<string, CacheEntry>): void {
  mkdirSync(ggufCacheDir(home), { recursive: true });
  const f = join(ggufCacheDir(home), 'index.json');
  writeFileSync(`${f}.tmp`, JSON.stringify(index, null, 2));
  renameSync(`${f}.tmp`, f);
}

/** Remove entries without owners, expired command-line entries, and GGUF files no entry names. */
function sweep(home: string, index: Record<string, CacheEntry>, now = Date.now()): void {
  for (const [key, e] of Object.entries(index)) {
    const owners = e.owners.filter((o) => o !== CLI_OWNER || now - Date.parse(e.lastUsed) < CLI_TTL_MS);
    if (owners.length === 0 || !existsSync(e.file)) {
      rmSync(e.file, { force: true });
      delete index[key];
    } else e.owners = owners;
  }
  const dir = ggufCacheDir(home);
  if (!existsSync(dir)) return;
  const named = new Set(Object.values(index).map((e) => e.file));
  for (const f of readdirSync(dir)) if (f.endsWith('.gguf') && !named.has(join(dir, f))) rmSync(join(dir, f), { force: true });
  // partial files of a conversion that died (a live one is younger than a day)
  for (const f of readdirSync(dir)) if (f.endsWith('.partial') && now - statSync(join(dir, f)).mtimeMs > 24 * 3600 * 1000) rmSync(join(dir, f), { force: true });
}

const hashMemo = new Map<string, string>();

/**
 * sha256 of what defines a folder's model: config.json, the runtime record, and every weight file's bytes, in name
 * order. Memoised by the folder's fingerprint (names, sizes, modification times).
 */
export function folderHash(dir: string): string {
  const fp = Checkpoint.open(dir).fingerprint();
  const memo = hashMemo.get(fp);
  if (memo) return memo;
  const h = createHash('sha256');
  const buf = Buffer.alloc(16 * 2 ** 20);
  for (const f of readdirSync(dir).sort()) {
    if (!/\.safetensors$|^config\.json$|^acbench_compression\.json$|^acbench-codes/.test(f)) continue;
    h.update(`${f}\n`);
    if (f === COMPRESSION_METADATA_FILE) {
      // what the folder computes (method, config, runtime), not its report: that holds the compression's timings and date
      const { report: _report, ...computes } = JSON.parse(readFileSync(join(dir, f), 'utf8')) as Record<string, unknown>;
      h.update(JSON.stringify(computes));
      continue;
    }
    const fd = openSync(join(dir, f), 'r');
    try {
      for (let n; (n = readSync(fd, buf, 0, buf.length, null)) > 0;) h.update(buf.subarray(0, n));
    } finally {
      closeSync(fd);
    }
  }
  const out = h.digest('hex');
  hashMemo.set(fp, out);
  return out;
}

/**
 * The GGUF of `dir` for `target`, converted once and reused; `owner` (a run id or "cli") is added to its owners.
 * Returns the cache entry (its file is complete: written under a temporary name and renamed).
 */
export function cachedGguf(home: string, dir: string, target: GgufTarget, owner: string, onConvert?: () => void): CacheEntry {
  const index = readIndex(home);
  sweep(home, index);
  const hash = folderHash(dir);
  const key = createHash('sha256').update(`${hash}\n${target}\n${CONVERTER_VERSION}`).digest('hex').slice(0, 24);
  let entry = index[key];
  if (!entry || !existsSync(entry.file)) {
    onConvert?.();
    mkdirSync(ggufCacheDir(home), { recursive: true });
    const file = join(ggufCacheDir(home), `${key}.gguf`);
    const partial = `${file}.${process.pid}.partial`; // another process converting the same folder writes its own
    const conv = convertToGguf(dir, partial, { target });
    renameSync(partial, file);
    const { file: _f, ...conversion } = { ...conv, file };
    entry = { key, file, dir, hash, target, conversion, owners: [], lastUsed: new Date().toISOString() };
    index[key] = entry;
  }
  if (!entry.owners.includes(owner)) entry.owners.push(owner);
  entry.lastUsed = new Date().toISOString();
  writeIndex(home, index);
  return entry;
}

/** A run was deleted: drop it from every entry's owners and remove what no one owns any more. */
export function releaseGgufOwner(home: string, owner: string): string[] {
  const index = readIndex(home);
  const removed: string[] = [];
  for (const e of Object.values(index)) e.owners = e.owners.filter((o) => o !== owner);
  for (const e of Object.values(index)) if (e.owners.length === 0) removed.push(e.file);
  sweep(home, index);
  writeIndex(home, index);
  return removed;
}

/** Bytes the cache holds on disk. */
export function ggufCacheBytes(home: string): number {
  const dir = ggufCacheDir(home);
  if (!existsSync(dir)) return 0;
  return readdirSync(dir).reduce((n, f) => n + (f.endsWith('.gguf') ? statSync(join(dir, f)).size : 0), 0);
}
