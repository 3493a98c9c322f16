// Type-checks each runtime's tsconfig. The Electron shell is checked only where the electron
// package is installed (its installer downloads the binary, so on offline machines npm drops it).
import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const tsc = require.resolve('typescript/bin/tsc');
const run = (project) => execFileSync(process.execPath, [tsc, '-p', project, '--noEmit'], { stdio: 'inherit' });
run('tsconfig.json');
if (existsSync('node_modules/electron/electron.d.ts')) run('tsconfig.electron.json');
else console.log('typecheck: electron/ skipped — the optional electron package is not installed here (its binary download is unavailable offline)');
