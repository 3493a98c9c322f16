// Browser end-to-end: the web shell in Debian's Chromium — create an experiment, reload, find it in History.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { chromiumMissing, SCREENSHOTS, useBrowserShell } from './shell.js';

const screenshots = SCREENSHOTS;
const env = useBrowserShell();

describe('web shell in Chromium', () => {
  it('creates an experiment, survives a reload, and lists it in History', async (ctx) => {
    if (chromiumMissing) return ctx.skip(chromiumMissing);
    const page = await env.browser().newPage({ viewport: { width: 1400, height: 900 } });
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    await page.goto(env.shell().url);
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
