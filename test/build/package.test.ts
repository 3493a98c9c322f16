// electron-builder packs the app offline when given an Electron distribution folder; a placeholder
// stands in for the binary (which cannot be downloaded here), so the check is what goes into app.asar.
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { repoRoot } from '../helpers/bundle.js';
import { tempDir } from '../helpers/tmp.js';

const require = createRequire(import.meta.url);
/** Where Electron binaries keep their fuse wire (@electron/fuses): the sentinel, a version byte, a length byte, one '0'/'1' per fuse. */
const FUSE_SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';

describe('packaging', () => {
  it('puts the built main, preload and renderer into app.asar and nothing that should not ship', () => {
    expect(existsSync(join(repoRoot, 'dist', 'electron', 'main.cjs')), 'run npm run build first').toBe(true);
    const work = tempDir('acbench-pack-');
    const electronDist = join(work, 'electron-dist');
    mkdirSync(electronDist);
    // the placeholder carries Electron's fuse wire (sentinel, version 1, 8 fuses, all on) so electron-builder can flip it
    writeFileSync(
      join(electronDist, 'electron'),
      Buffer.concat([Buffer.from('#!/bin/sh\necho placeholder\n# '), Buffer.from(FUSE_SENTINEL), Buffer.from([1, 8]), Buffer.from('11111111'), Buffer.from('\n')]),
    );
    chmodSync(join(electronDist, 'electron'), 0o755);
    const out = join(work, 'out');
    const cli = require.resolve('electron-builder/cli.js');
    execFileSync(process.execPath, [cli, '--linux', 'dir', '--config', 'build/electron-builder.json', `-c.electronDist=${electronDist}`, `-c.directories.output=${out}`], {
      cwd: repoRoot,
      stdio: 'pipe',
      env: { ...process.env, CSC_IDENTITY_AUTO_DISCOVERY: 'false' },
    });
    const asar = require('@electron/asar') as { listPackage(p: string): string[] };
    const files = asar.listPackage(join(out, 'linux-unpacked', 'resources', 'app.asar')).map((f) => f.replace(/\\/g, '/'));
    for (const needed of ['/package.json', '/dist/main/cli.js', '/dist/main/service-host.js', '/dist/electron/main.cjs', '/dist/electron/preload.cjs', '/dist/renderer/index.html'])
      expect(files, needed).toContain(needed);
    const own = files.filter((f) => !f.startsWith('/node_modules/'));
    expect(own.filter((f) => f.endsWith('.ts') || f.endsWith('.tsx'))).toEqual([]);
    expect(own.filter((f) => f.endsWith('.map'))).toEqual([]);
    expect(own.filter((f) => /^\/(test|main|electron|renderer|build|\.ci|\.git)\//.test(f))).toEqual([]);
    for (const devOnly of ['vitest', 'vite', 'playwright-core', 'typescript', 'esbuild', 'electron-builder', 'react'])
      expect(
        files.some((f) => f.startsWith(`/node_modules/${devOnly}/`)),
        `${devOnly} must not ship`,
      ).toBe(false);
    // llama.cpp's native builds load from outside the archive (a .node file cannot be dlopen-ed from app.asar)
    expect(files.some((f) => f.startsWith('/node_modules/node-llama-cpp/dist/'))).toBe(true);
    // the fuses: no ELECTRON_RUN_AS_NODE, NODE_OPTIONS or --inspect; asar integrity checked, the app loaded only from app.asar
    const binary = readFileSync(join(out, 'linux-unpacked', 'acbench-studio'));
    const wire = binary.subarray(binary.indexOf(FUSE_SENTINEL) + FUSE_SENTINEL.length + 2, binary.indexOf(FUSE_SENTINEL) + FUSE_SENTINEL.length + 10).toString('latin1');
    const fuse = (i: number) => (wire[i] === '1' ? 'on' : 'off');
    expect({ runAsNode: fuse(0), cookieEncryption: fuse(1), nodeOptions: fuse(2), nodeCliInspect: fuse(3), asarIntegrity: fuse(4), onlyLoadAppFromAsar: fuse(5) }).toEqual({
      runAsNode: 'off',
      cookieEncryption: 'on',
      nodeOptions: 'off',
      nodeCliInspect: 'off',
      asarIntegrity: 'on',
      onlyLoadAppFromAsar: 'on',
    });
    const unpacked = join(out, 'linux-unpacked', 'resources', 'app.asar.unpacked', 'node_modules', '@node-llama-cpp', `linux-${process.arch}`, 'bins');
    expect(existsSync(unpacked), unpacked).toBe(true);
    expect(execFileSync('find', [unpacked, '-name', '*.node'], { encoding: 'utf8' }).trim().split('\n').filter(Boolean).length).toBeGreaterThan(0);
  }, 300_000);

  it('keeps the Electron main process a shell: the service, tfjs and ESM-only code stay out of its CommonJS bundle', () => {
    const shell = readFileSync(join(repoRoot, 'dist', 'electron', 'main.cjs'), 'utf8');
    // in a CommonJS bundle import.meta is empty, so bundled service code would break at start-up
    for (const outsider of ['@tensorflow', 'AcbenchService', 'import.meta', 'lowdb']) expect(shell.includes(outsider), outsider).toBe(false);
  });
});
