// The one locator of the app's folder and its bundled files, in the sources and in a packaged app's layout.
import { buildSync } from 'esbuild';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { appFolder, bundledPath, builtinModelDir } from '../../main/base/index.js';
import { repoRoot } from '../helpers/bundle.js';
import { tempDir } from '../helpers/tmp.js';

const withResourcesPath = process as NodeJS.Process & { resourcesPath?: string };

describe('the app folder', () => {
  afterEach(() => {
    delete withResourcesPath.resourcesPath;
  });

  it('is the repository when running from the sources, and bundled files are under it', () => {
    expect(appFolder()).toBe(resolve(repoRoot));
    expect(bundledPath('datasets', 'manifest.json')).toBe(join(repoRoot, 'datasets', 'manifest.json'));
    expect(builtinModelDir('acb-tiny')).toBe(join(repoRoot, 'resources', 'models', 'acb-tiny'));
  });

  it('in a packaged app is app.asar, and files electron-builder unpacked are read beside it (resourcesPath/app.asar.unpacked)', async () => {
    const resources = tempDir('acbench-packaged-');
    const asar = join(resources, 'app.asar');
    mkdirSync(join(asar, 'dist', 'main'), { recursive: true });
    writeFileSync(join(asar, 'package.json'), '{}');
    mkdirSync(join(resources, 'app.asar.unpacked', 'resources', 'models', 'acb-tiny'), { recursive: true });
    const bundle = join(asar, 'dist', 'main', 'base.mjs');
    buildSync({ entryPoints: [join(repoRoot, 'main', 'base', 'index.ts')], outfile: bundle, bundle: true, platform: 'node', format: 'esm', logLevel: 'error' });
    const packaged = (await import(pathToFileURL(bundle).href)) as typeof import('../../main/base/index.js');
    withResourcesPath.resourcesPath = resources;
    expect(packaged.appFolder()).toBe(asar);
    expect(packaged.builtinModelDir('acb-tiny')).toBe(join(resources, 'app.asar.unpacked', 'resources', 'models', 'acb-tiny'));
    // not unpacked: read from inside the archive (Electron's fs reads app.asar like a folder)
    expect(packaged.bundledPath('datasets')).toBe(join(asar, 'datasets'));
  });
});
