import { buildSync } from 'esbuild';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Bundle a TypeScript module of ours to one ESM file a child process can import. It is written under
 * node_modules/.cache so that its package imports resolve to the project's node_modules.
 */
export function bundleForChild(entry: string): string {
  const dir = join(repoRoot, 'node_modules', '.cache', 'acbench-test', randomBytes(6).toString('hex'));
  mkdirSync(dir, { recursive: true });
  const outfile = join(dir, entry.replace(/[\\/]/g, '_').replace(/\.ts$/, '.mjs'));
  buildSync({ entryPoints: [join(repoRoot, entry)], outfile, bundle: true, platform: 'node', format: 'esm', packages: 'external', absWorkingDir: repoRoot, logLevel: 'error' });
  return outfile;
}
