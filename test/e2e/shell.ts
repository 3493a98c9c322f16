// Starts the real CLI's web shell in a child process and a headless Debian Chromium against it.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { afterAll, beforeAll } from 'vitest';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { repoRoot } from '../helpers/bundle.js';
import { tempDir } from '../helpers/tmp.js';

export const CHROMIUM = '/usr/bin/chromium';
export const chromiumMissing = existsSync(CHROMIUM) ? null : `Debian's Chromium is not installed at ${CHROMIUM} (apt-get install -y chromium; .ci/run does this)`;

export interface RunningShell {
  url: string;
  base: string;
  token: string;
  home: string;
  child: ChildProcess;
  output: () => string;
  stop(): Promise<void>;
}

export const LISTENING_LINE = /^ACBench Studio listening on (http:\/\/127\.0\.0\.1:(\d+)\/\?token=([A-Za-z0-9_-]+))$/m;

export async function startShell(home = tempDir('acbench-e2e-'), extraEnv: Record<string, string> = {}): Promise<RunningShell> {
  const child = spawn(process.execPath, [join(repoRoot, 'bin', 'acbench.mjs'), 'serve', '--no-open'], {
    cwd: repoRoot,
    env: { ...process.env, ACBENCH_HOME: home, ...extraEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const match = await new Promise<RegExpMatchArray>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the web shell did not start within 60 s; output:\n${out}`)), 60_000);
    const check = () => {
      const m = out.match(LISTENING_LINE);
      if (m) {
        clearTimeout(timer);
        resolve(m);
      }
    };
    child.stdout!.on('data', check);
    child.on('exit', (code) => reject(new Error(`the web shell exited with ${code}; output:\n${out}`)));
  });
  return {
    url: match[1],
    base: `http://127.0.0.1:${match[2]}`,
    token: match[3],
    home,
    child,
    output: () => out,
    stop: async () => {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await new Promise((r) => child.on('exit', r));
    },
  };
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

export const SCREENSHOTS = join(repoRoot, 'test-output', 'screenshots');

/** One web shell and one Chromium for a test file (none when Chromium is missing: tests skip, saying why). */
export function useBrowserShell(): { shell(): RunningShell; browser(): Browser } {
  let shell: RunningShell | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    if (chromiumMissing) return;
    mkdirSync(SCREENSHOTS, { recursive: true });
    shell = await startShell();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await shell?.stop();
  });
  return { shell: () => shell!, browser: () => browser! };
}
