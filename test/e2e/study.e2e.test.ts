// Browser end-to-end, as a researcher would: fill the form, run a tiny experiment, watch progress
// reach 100%, read the drops, overlay the paper, drill into regressions, export SVG and PNG, compare the run
// with the paper in History, and round-trip a run bundle.
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

    // compare with the paper: its results overlay the drop chart as hatched bars
    const ownTraces = await chart.locator('.trace.bars').count();
    const overlay = page.getByTestId('results-overlay');
    await overlay.selectOption((await overlay.locator('option').nth(1).getAttribute('value'))!);
    await expect.poll(() => chart.locator('.trace.bars').count(), { timeout: 15_000 }).toBeGreaterThan(ownTraces);
    expect(await chart.locator('.legendtext').allTextContents()).toEqual(expect.arrayContaining([expect.stringMatching(/^Paper · /)]));
    await shot(page, '3b-results-paper-overlay');

    // drill down to the items (regressions only is the default view); all items, then only the regressions again
    await page.getByTestId('tab-items').click();
    const toggle = page.getByTestId('regressions-only');
    await toggle.uncheck();
    const itemRows = page.getByTestId('items-table').locator('tbody tr');
    await expect.poll(() => itemRows.count(), { timeout: 15_000 }).toBeGreaterThan(0);
    const counter = /(\d+) regressions?, (\d+) improvements? of (\d+) items? compared/.exec((await page.getByText(/items? compared/).textContent())!)!;
    expect(await itemRows.count()).toBe(Number(counter[3]));
    await toggle.check();
    expect(await page.getByTestId('items-table').locator('tbody tr.regression').count()).toBe(Number(counter[1]));
    await shot(page, '3c-items');

    await page.reload();
    await page.getByTestId('nav-history').click();
    const row = page.getByTestId('history-row').filter({ hasText: name });
    await row.waitFor({ timeout: 15_000 });
    await shot(page, '4-history');

    // compare with earlier runs and the paper side by side: our run and a paper experiment, Δ against ours
    await row.getByTestId('history-compare').check();
    await page.locator('[data-testid="history-row"][data-paper="true"]').first().getByTestId('history-compare').check();
    const compare = page.getByTestId('compare-table');
    await compare.waitFor({ timeout: 15_000 });
    const labels = await compare.locator('tbody tr td:first-child, tbody tr th:first-child').allTextContents();
    expect(labels.some((l) => l.startsWith(name))).toBe(true);
    expect(labels.some((l) => /paper/i.test(l))).toBe(true);
    await shot(page, '4b-compare');

    // the run bundle (spec, reproducibility card, results) exports as a file and imports back as a new experiment
    await row.getByTestId('history-edit').click();
    const [bundleDownload] = await Promise.all([page.waitForEvent('download'), page.getByTestId('history-details').getByTestId('export-run-bundle').click()]);
    const bundleFile = (await bundleDownload.path())!;
    const bundle = JSON.parse(readFileSync(bundleFile, 'utf8')) as { format: string; experiment: { name: string }; reproducibility: Record<string, unknown>; records: unknown[] };
    expect(bundle.format).toBe('acbench-run-bundle');
    expect(bundle.experiment.name).toBe(name);
    expect(Object.keys(bundle.reproducibility).length).toBeGreaterThan(0);
    expect(bundle.records.length).toBeGreaterThan(0);
    await page.getByTestId('history-import').setInputFiles({ name: bundleDownload.suggestedFilename(), mimeType: 'application/json', buffer: readFileSync(bundleFile) });
    await expect
      .poll(
        () =>
          page
            .getByRole('status')
            .filter({ hasText: /Imported/ })
            .count(),
        { timeout: 15_000 },
      )
      .toBeGreaterThan(0);
    await expect.poll(() => page.getByTestId('history-row').filter({ hasText: name }).count()).toBeGreaterThan(1);
    await page.getByTestId('nav-settings').click();
    await page.getByTestId('app-info').waitFor();
    await shot(page, '5-settings');
    expect(pageErrors).toEqual([]);
  }, 300_000);
});
