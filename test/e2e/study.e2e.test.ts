// Browser end-to-end, as a researcher would: fill the form, run a tiny experiment, watch progress
// reach 100%, open the dashboard, find the drop chart's bars, export SVG and PNG, find the run in History.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { chromiumMissing, SCREENSHOTS, useBrowserShell } from './shell.js';
import { createRandomModel } from '../../main/model/index.js';
import { tempDir } from '../helpers/tmp.js';

const screenshots = SCREENSHOTS;
const env = useBrowserShell();

async function shot(page: Page, name: string) {
  await page.screenshot({ path: join(screenshots, `${name}.png`), fullPage: true });
}

describe('a tiny study in the web shell', () => {
  it('configures, runs, reads the drops, exports figures and finds the run in History', async (ctx) => {
    if (chromiumMissing) return ctx.skip(chromiumMissing);
    const modelDir = join(tempDir(), 'tiny-random');
    await createRandomModel({ architecture: 'Qwen2ForCausalLM', hiddenSize: 32, numLayers: 2, numHeads: 4, numKvHeads: 2, maxPositionEmbeddings: 4096 }, 21).save(modelDir);
    const page = await env.browser().newPage({ viewport: { width: 1400, height: 1000 }, acceptDownloads: true });
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    await page.goto(env.shell().url);

    await page.getByTestId('preset-blank').click();
    const name = `e2e study ${Date.now()}`;
    await page.getByTestId('field-name').fill(name);
    await page.getByTestId('field-model-local').check();
    await page.getByTestId('field-model-path').fill(modelDir);
    await page.getByTestId('add-config').click();
    await page.getByTestId('config-0-method').selectOption('magnitude');
    await page.getByTestId('task-worfbench').waitFor(); // the service's task list is in
    for (const box of await page.locator('[data-testid^="task-"]').all()) await box.uncheck();
    await page.getByTestId('task-t-eval').check();
    expect(await page.locator('[data-testid^="task-"]:checked').count()).toBe(1);
    await page.locator('#field-limit').fill('2');
    await page.locator('#field-cal-samples').fill('2');
    await page.locator('#field-cal-seqlen').fill('32');
    await page.locator('#field-analysis-sequences').fill('2');
    await page.locator('#field-analysis-seqlen').fill('16');
    await expect.poll(() => page.getByTestId('preflight').textContent()).toMatch(/Fits/);
    await shot(page, '1-new-experiment');
    await page.getByTestId('submit-experiment').click();

    const bar = page.getByTestId('run-progress').getByRole('progressbar');
    await expect.poll(() => page.getByTestId('run-status').textContent(), { timeout: 240_000, interval: 500 }).toMatch(/done/i);
    expect(await bar.getAttribute('aria-valuenow')).toBe('100');
    await shot(page, '2-run-monitor');

    await page.getByTestId('open-results').click();
    const chart = page.getByTestId('drop-chart');
    await expect.poll(() => chart.getAttribute('data-ready'), { timeout: 30_000 }).toBe('true');
    expect(await chart.locator('.trace.bars .point').count()).toBeGreaterThan(0);
    await shot(page, '3-results');

    const card = page.locator('section.chart-card', { has: chart });
    const [svgDownload] = await Promise.all([page.waitForEvent('download'), card.getByTestId('export-svg').click()]);
    const svg = readFileSync((await svgDownload.path())!, 'utf8');
    expect(svg).toMatch(/^(<\?xml[^>]*>\s*)?<svg[\s>]/);
    expect(svg).toContain('</svg>');
    const [pngDownload] = await Promise.all([page.waitForEvent('download'), card.getByTestId('export-png').click()]);
    const png = readFileSync((await pngDownload.path())!);
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect(png.readUInt32BE(16)).toBe(1051); // 89 mm at 300 DPI

    await page.reload();
    await page.getByTestId('nav-history').click();
    await page.getByTestId('history-row').filter({ hasText: name }).waitFor({ timeout: 15_000 });
    await shot(page, '4-history');
    await page.getByTestId('nav-settings').click();
    await page.getByTestId('app-info').waitFor();
    await shot(page, '5-settings');
    expect(pageErrors).toEqual([]);
  }, 300_000);
});
