// Where the app is: its folder (the repository, or app.asar in a packaged Electron app) and the files bundled with it.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let folder: string | undefined;

/** The app's folder: the nearest folder above this module that holds package.json (main/base/ in the sources, dist/main/ built, app.asar/dist/main/ packaged). */
export function appFolder(): string {
  if (folder) return folder;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return (folder = dir);
    const up = dirname(dir);
    if (up === dir) throw new Error(`expected the app's package.json in a folder above ${fileURLToPath(import.meta.url)}, found none`);
    dir = up;
  }
}

/**
 * A file or folder bundled with the app (resources/…, datasets/…). In a packaged app, electron-builder's unpacked copy beside
 * app.asar when there is one (native code and memory maps cannot read inside the archive), else the path in the app's folder.
 */
export function bundledPath(...parts: string[]): string {
  const resources = (process as NodeJS.Process & { resourcesPath?: string }).resourcesPath;
  if (resources) {
    const unpacked = join(resources, 'app.asar.unpacked', ...parts);
    if (existsSync(unpacked)) return unpacked;
  }
  return join(appFolder(), ...parts);
}

/** The bundled model of a built-in id (resources/models/<id>). */
export const builtinModelDir = (id: string): string => bundledPath('resources', 'models', id);
