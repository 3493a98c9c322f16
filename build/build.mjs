// Builds main/ and electron/ with esbuild and renderer/ with Vite into dist/.
// `--if-stale` skips the build when nothing under the source folders is newer than the last build.
import { build as esbuild } from 'esbuild';
import { build as viteBuild } from 'vite';
import { existsSync, readdirSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const stamp = join(root, 'dist', '.build-stamp');
const sourceDirs = ['main', 'electron', 'renderer', 'build', 'resources', 'datasets'];

function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  let newest = s.mtimeMs;
  for (const name of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, name)));
  return newest;
}

const ifStale = process.argv.includes('--if-stale');
if (ifStale && existsSync(stamp)) {
  const built = statSync(stamp).mtimeMs;
  const newest = Math.max(...sourceDirs.map((d) => newestMtime(join(root, d))), newestMtime(join(root, 'package.json')));
  if (newest <= built) process.exit(0);
}

const t0 = Date.now();
// Node entry points (main/app/, and the tensor room's worker): each becomes dist/main/<name>.js (ESM, dependencies stay in node_modules).
export const mainEntries = {
  cli: 'main/app/cli.ts',
  bench: 'main/app/bench-cli.ts',
  datasets: 'main/app/datasets-cli.ts',
  'train-tiny': 'main/app/train-cli.ts',
  'tensor-worker': 'main/tensor/worker.ts',
  'service-host': 'main/app/service-host.ts',
  'run-worker': 'main/app/run-worker.ts',
};
const entryPoints = Object.fromEntries(Object.entries(mainEntries).filter(([, p]) => existsSync(join(root, p))));
await esbuild({
  absWorkingDir: root,
  entryPoints,
  outdir: 'dist/main',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
  banner: { js: "import { createRequire as __acbCreateRequire } from 'node:module'; const require = __acbCreateRequire(import.meta.url);" },
});
// Electron shell: main process and preload are CommonJS (the sandboxed preload must be).
const electronEntries = [
  ['electron/main.ts', 'dist/electron/main.cjs'],
  ['electron/preload.ts', 'dist/electron/preload.cjs'],
].filter(([src]) => existsSync(join(root, src)));
for (const [src, out] of electronEntries) {
  await esbuild({
    absWorkingDir: root,
    entryPoints: [src],
    outfile: out,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['electron'],
    packages: 'external',
    logLevel: 'warning',
  });
}
if (existsSync(join(root, 'renderer', 'index.html'))) {
  await viteBuild({ configFile: join(root, 'renderer', 'vite.config.ts'), logLevel: 'warn' });
}
mkdirSync(dirname(stamp), { recursive: true });
writeFileSync(stamp, new Date().toISOString());
console.log(`build: done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
