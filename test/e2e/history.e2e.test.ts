// Browser end-to-end: the web shell in Debian's Chromium — create an experiment, reload, find it in History.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { chromiumMissing, launchChromium, startShell, type RunningShell } from './shell.js';
import { repoRoot } from '../helpers/bundle.js';

const screenshots = join(repoRoot, 'test-output', 'screenshots');
let shell: RunningShell | undefined;
let browser: Browser | undefined;

beforeAll(async () => {
  if (chromiumMissing) return;
  mkdirSync(screenshots, { recursive: true });
  shell = await startShell();
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await shell?.stop();
});

describe('web shell in Chromium', () => {
  it('creates an experiment, survives a reload, and lists it in History', async (ctx) => {
    if (chromiumMissing) return ctx.skip(chromiumMissing);
    const page = await browser!.newPage({ viewport: { width: 1400, height: 900 } });
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    await page.goto(shell!.url);
    await expect.poll(() => page.url()).not.toContain('token='); // the token leaves the address bar
    const name = `e2e experiment ${Date.now()}`;
    await page.getByTestId('field-name').fill(name);
    await page.screenshot({ path: join(screenshots, 'new-experiment.png') });
    await page.getByTestId('create-only').click();
    await page.reload();
    await page.getByRole('link', { name: 'History' }).click();
    const row = page.getByTestId('history-row').filter({ hasText: name });
    await row.waitFor({ timeout: 15_000 });
    expect(await row.count()).toBe(1);
    await page.screenshot({ path: join(screenshots, 'history.png') });
    expect(pageErrors).toEqual([]);
    await page.close();
  });
});
