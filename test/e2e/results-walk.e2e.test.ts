// Browser end-to-end, the researcher's path through the UI: the form refuses every invalid configuration before a run
// starts; a small study (base + two configurations, every capability, two items per task) started from the form; then
// every Results view on a fresh page — for that run, for a run with only some capabilities, for a paper experiment and
// for a compared pair — with no page error, no console error, no undefined/NaN/[object Object] text, every chart drawn,
// each chart's PNG and SVG export checked for size and text, and a screenshot of each view. A view that throws shows
// its error boundary (what failed, Copy details) while the rest of the app keeps working.
import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { chromiumMissing, SCREENSHOTS, useBrowserShell } from './shell.js';
import { decodePng, inkIn } from './png.js';

const env = useBrowserShell();
const BAD_TEXT = /\bundefined\b|\bNaN\b|\[object Object\]/;
const TABS = ['overview', 'tasks', 'niah', 'stats', 'budget', 'items'] as const;
type Tab = (typeof TABS)[number];
/** Charts every tab must draw for a run with every capability, two configurations and the statistics. */
const FULL_RUN_CHARTS: Record<Tab, string[]> = {
  overview: ['drop-chart', 'radar-chart'],
  tasks: ['task-heatmap'],
  niah: ['niah-base', 'niah-compressed'],
  stats: ['topk-k', 'topk-position', 'energy-hist', 'erank-bars'],
  budget: ['budget-chart'],
  items: [],
};

/** A page that records every page error and console error. */
async function watchedPage(browser: Browser, extra: Parameters<Browser['newPage']>[0] = {}): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 }, acceptDownloads: true, ...extra });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`page error: ${String(e)}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console error: ${m.text()}`);
  });
  return { page, errors };
}

async function api<T>(name: string, input: unknown = {}): Promise<T> {
  const res = await fetch(`${env.shell().base}/api/${name}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${env.shell().token}`, 'content-type': 'application/json' },
    body: JSON.stringify(input),
  });
  expect(res.ok).toBe(true);
  return (await res.json()) as T;
}

async function download(page: Page, click: () => Promise<void>): Promise<{ name: string; bytes: Buffer }> {
  const [d] = await Promise.all([page.waitForEvent('download'), click()]);
  return { name: d.suggestedFilename(), bytes: readFileSync((await d.path())!) };
}

/** The chart's SVG and 89 mm / 300 DPI PNG exports: the right size, readable text, nothing undefined. */
async function checkExports(page: Page, chart: string, mustName: string[], saveAs: string) {
  const card = page.locator('section.chart-card', { has: page.getByTestId(chart) });
  const svg = (await download(page, () => card.getByTestId('export-svg').click())).bytes.toString('utf8');
  expect(svg, chart).toMatch(/^(<\?xml[^>]*>\s*)?<svg[\s>]/);
  const width = Number(/<svg[^>]*\swidth="(\d+(?:\.\d+)?)"/.exec(svg)?.[1]);
  expect(width, `${chart} SVG width (89 mm at 96 px/in)`).toBe(336);
  const texts = [...svg.matchAll(/<text[^>]*>(.*?)<\/text>/gs)].map((m) => m[1].replace(/<[^>]+>/g, '').trim()).filter(Boolean);
  expect(texts.length, `${chart} SVG has text (ticks, titles, legend)`).toBeGreaterThanOrEqual(3);
  for (const name of mustName) expect(texts.join(' | '), `${chart} SVG names ${name}`).toContain(name);
  expect(texts.join(' | '), chart).not.toMatch(BAD_TEXT);
  const png = await download(page, () => card.getByTestId('export-png').click());
  expect(png.name).toMatch(/-89mm-300dpi\.png$/);
  writeFileSync(join(SCREENSHOTS, `${saveAs}.png`), png.bytes);
  const pixels = decodePng(png.bytes);
  expect(pixels.width, `${chart} PNG width`).toBe(1051);
  // 0.68 of the width, or the figure's own height where it sets one (a row per task)
  expect(pixels.height, `${chart} PNG height`).toBeGreaterThanOrEqual(Math.floor(Math.round(336 * 0.68) * (1051 / 336)));
  // text: ink left of the y axis (tick labels, axis title; the radar's left label) and in the band under the plot
  expect(inkIn(pixels, { x0: 0, x1: 0.14, y0: 0, y1: 1 }), `${chart} PNG: text left of the plot`).toBeGreaterThan(60);
  expect(inkIn(pixels, { x0: 0.15, x1: 1, y0: 0.8, y1: 1 }), `${chart} PNG: text under the plot`).toBeGreaterThan(60);
}

interface Walk {
  /** what is walked, for file names and messages */
  name: string;
  /** the hash of the Results page to open */
  hash: string;
  charts?: Partial<Record<Tab, string[]>>;
  /** charts whose exports are checked, with names their SVG must show */
  exports?: Record<string, string[]>;
  before?: (page: Page) => Promise<void>;
}

/** Each tab on a fresh page: drawn, no error, no bad text; a screenshot to look at. */
async function walk(browser: Browser, w: Walk): Promise<void> {
  for (const tab of TABS) {
    const { page, errors } = await watchedPage(browser);
    await page.goto(`${env.shell().url}${w.hash}`);
    await page.getByTestId('results-title').waitFor({ timeout: 30_000 });
    await w.before?.(page);
    await page.getByTestId(`tab-${tab}`).click();
    const panel = page.locator(`#panel-${tab}`);
    await panel.waitFor();
    const expected = w.charts?.[tab] ?? [];
    for (const id of expected) await expect.poll(() => page.getByTestId(id).getAttribute('data-ready'), { timeout: 30_000, message: `${w.name} · ${tab}: ${id} drawn` }).toBe('true');
    // any chart on the tab (expected or not) is drawn: its traces are in Plotly's SVG
    for (const plot of await panel.locator('.plot').all()) {
      const id = await plot.getAttribute('data-testid');
      await expect.poll(() => plot.getAttribute('data-ready'), { timeout: 30_000, message: `${w.name} · ${tab}: ${id} drawn` }).toBe('true');
      expect(await plot.locator('.main-svg .trace, .main-svg .hm, .main-svg image').count(), `${w.name} · ${tab}: ${id} has traces`).toBeGreaterThan(0);
      // readable: every tick label, axis title and legend entry lies inside the chart (none cut at an edge)
      const clipped = await plot.evaluate((el) => {
        const box = el.querySelector('.main-svg')!.getBoundingClientRect();
        return [...el.querySelectorAll('.xtick text, .ytick text, .g-xtitle text, .g-ytitle text, .legendtext')]
          .filter((t) => (t.textContent ?? '').trim() && (t as SVGGraphicsElement).getBoundingClientRect().width > 0)
          .filter((t) => {
            const r = t.getBoundingClientRect();
            return r.left < box.left - 1 || r.right > box.right + 1 || r.top < box.top - 1 || r.bottom > box.bottom + 1;
          })
          .map((t) => t.textContent);
      });
      expect(clipped, `${w.name} · ${tab}: ${id} labels cut at the chart's edge`).toEqual([]);
    }
    if (tab === 'items' && w.hash.startsWith('#/results/run-')) {
      // a run's items load when the tab opens: base and compressed outputs paired, the counter says how many
      const counter = page.getByText(/items? compared/);
      await expect.poll(async () => Number(/of (\d+) items? compared/.exec((await counter.textContent().catch(() => '')) ?? '')?.[1] ?? 0), { timeout: 30_000 }).toBeGreaterThan(0);
    }
    const text = await page.locator('main').innerText();
    expect(text.trim().length, `${w.name} · ${tab}: not blank`).toBeGreaterThan(80);
    expect(await panel.innerText(), `${w.name} · ${tab}: the view shows something`).not.toBe('');
    expect(text, `${w.name} · ${tab}: no undefined/NaN/[object Object]`).not.toMatch(BAD_TEXT);
    expect(await page.getByTestId('view-error').count(), `${w.name} · ${tab}: no error boundary shown`).toBe(0);
    for (const [chart, names] of Object.entries(w.exports ?? {})) if (await panel.getByTestId(chart).count()) await checkExports(page, chart, names, `export-${w.name}-${chart}`);
    await page.screenshot({ path: join(SCREENSHOTS, `walk-${w.name}-${tab}.png`), fullPage: true });
    expect(errors, `${w.name} · ${tab}`).toEqual([]);
    await page.close();
  }
}

/** Waits until the run page says done; returns its id. */
async function runToEnd(page: Page): Promise<string> {
  await page.waitForURL(/#\/runs\/run-/, { timeout: 30_000 });
  const runId = /#\/runs\/(run-[A-Za-z0-9_-]+)/.exec(page.url())![1];
  await expect.poll(() => page.getByTestId('run-status').textContent(), { timeout: 240_000, interval: 500 }).toMatch(/done/);
  return runId;
}

const state: { fullRun?: string; partialRun?: string; fullName?: string } = {};

describe('the researcher’s path through the UI (web shell, Chromium)', () => {
  it('opens the paper’s experiments on a first look at Results, and sends frame-ancestors in the header only', async (ctx) => {
    if (chromiumMissing) return ctx.skip(chromiumMissing);
    const res = await fetch(`${env.shell().base}/`);
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    const html = await res.text();
    expect(html).toMatch(/<meta http-equiv="Content-Security-Policy" content="[^"]*script-src &#39;self&#39;/);
    expect(html).not.toContain('frame-ancestors');
    const { page, errors } = await watchedPage(env.browser());
    await page.goto(`${env.shell().url}#/results`);
    await expect.poll(() => page.getByTestId('results-title').textContent(), { timeout: 30_000 }).toMatch(/^Paper · /);
    await expect.poll(() => page.getByTestId('drop-chart').getAttribute('data-ready'), { timeout: 30_000 }).toBe('true');
    expect(await page.getByTestId('results-note').textContent()).toMatch(/no runs yet/);
    await page.screenshot({ path: join(SCREENSHOTS, 'walk-first-look.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);

  it('refuses every invalid configuration in the form, at its field, before anything is created', async (ctx) => {
    if (chromiumMissing) return ctx.skip(chromiumMissing);
    const { page, errors } = await watchedPage(env.browser());
    // a draft kept from an earlier session with AWQ set symmetric (the form itself no longer offers it)
    await page.goto(env.shell().url);
    await page.evaluate(() =>
      localStorage.setItem(
        'acbench.newExperimentDraft',
        JSON.stringify({
          name: 'draft',
          model: { kind: 'builtin', id: 'acb-tiny' },
          compressions: [{ method: 'awq', bits: 4, groupSize: 32, sym: true }],
          benchmarks: { suite: 'builtin', tasks: ['t-eval'], limit: 2 },
        }),
      ),
    );
    await page.reload();
    const submit = page.getByTestId('submit-experiment');
    const fieldError = (id: string) => page.locator(`#${id}-error`);
    await expect.poll(() => fieldError('config-0-sym').textContent()).toBe('expected false for awq (zero-point quantization); found true');
    expect(await submit.isDisabled()).toBe(true);
    await page.getByTestId('config-0-sym').uncheck();
    await expect.poll(() => fieldError('config-0-sym').textContent()).toBe('');
    expect(await page.getByTestId('config-0-sym').isDisabled()).toBe(true); // not offered for AWQ
    await expect.poll(() => submit.isDisabled()).toBe(false);

    // the demo preset, cut to base + GPTQ-W4 and Wanda-2:4
    await page.getByTestId('preset-demo').click();
    for (const label of ['RTN-W4', 'GPTQ-W3', 'AWQ-W4', 'SmoothQuant-W8A8', 'FP8-tensor', 'Magnitude-50%', 'Magnitude-2:4', 'Wanda-50%', 'SparseGPT-50%', 'SparseGPT-2:4'])
      await page
        .getByRole('button', { name: `Remove configuration`, exact: false })
        .and(page.locator(`[aria-label$="(${label})"]`))
        .click();
    await expect.poll(() => page.getByTestId('config-row').count()).toBe(2);
    await expect.poll(() => page.locator('legend strong').allTextContents()).toEqual(['GPTQ-W4', 'Wanda-2:4']);

    const refusals: [string, () => Promise<void>, string, RegExp, () => Promise<void>][] = [
      [
        'SmoothQuant at 4 bits',
        async () => {
          await page.getByTestId('config-0-method').selectOption('smoothquant');
          await page.getByTestId('config-0-bits').fill('4');
        },
        'config-0-bits',
        /^expected 8 for smoothquant \(W8A8\); found 4$/,
        async () => {
          await page.getByTestId('config-0-method').selectOption('gptq');
        },
      ],
      [
        'a group size that does not divide acb-tiny’s widths (the compress stage’s shape rule, from the service)',
        async () => {
          await page.getByTestId('config-0-group').fill('128');
        },
        'config-0-group',
        /^group size 128: expected intermediate_size .* divisible by 128; found 352 \(try 32\)$/,
        async () => {
          await page.getByTestId('config-0-group').fill('32');
        },
      ],
      [
        '2:4 at 60 % sparsity',
        async () => {
          await page.getByTestId('config-1-sparsity').fill('0.6');
        },
        'config-1-sparsity',
        /^expected 0\.5 for pattern 2:4 \(or leave it out\); found 0\.6$/,
        async () => {
          await page.getByTestId('config-1-sparsity').fill('0.5');
        },
      ],
      [
        'two configurations with one label',
        async () => {
          await page.getByTestId('config-1-label').fill('GPTQ-W4');
        },
        'config-1-label',
        /^expected a label no other configuration has \(configuration 1 is labelled "GPTQ-W4" too\)/,
        async () => {
          await page.getByTestId('config-1-label').fill('');
        },
      ],
      [
        'a calibration file that does not exist',
        async () => {
          await page.getByTestId('field-cal-source').fill('/nowhere/calibration.txt');
        },
        'field-cal-source',
        /^expected an existing text file, JSONL file or folder of \.txt files; found no such path$/,
        async () => {
          await page.getByTestId('field-cal-source').fill('builtin');
        },
      ],
      [
        'statistics for a model behind an endpoint',
        async () => {
          await page.getByTestId('field-model-endpoint').check();
          await page.getByTestId('field-endpoint-model').fill('served');
        },
        'field-analysis',
        /^expected the statistics off for a model behind an endpoint/,
        async () => {
          await page.getByTestId('field-model-builtin').check();
        },
      ],
    ];
    for (const [what, breakIt, field, message, fix] of refusals) {
      await breakIt();
      await expect.poll(() => fieldError(field).textContent(), { message: what }).toMatch(message);
      expect(await submit.isDisabled(), what).toBe(true);
      expect(await page.getByTestId('form-errors').textContent(), what).toMatch(/needs? attention/);
      await fix();
      await expect.poll(() => fieldError(field).textContent(), { message: `${what}, fixed` }).toBe('');
    }
    expect(await page.getByTestId('compressions-error').count()).toBe(0);
    // nothing reached the service while the form refused
    expect(await api<unknown[]>('listExperiments')).toEqual([]);
    await page.screenshot({ path: join(SCREENSHOTS, 'walk-new-experiment.png'), fullPage: true });

    // then the valid study: every capability, two items per task, the statistics
    state.fullName = `walk study ${Date.now()}`;
    await page.getByTestId('field-name').fill(state.fullName);
    await page.locator('#field-limit').fill('2');
    await expect.poll(() => page.getByTestId('preflight').textContent()).toMatch(/^Fits/);
    await expect.poll(() => submit.isDisabled()).toBe(false);
    await submit.click();
    const eta = page.getByTestId('eta');
    await expect.poll(() => eta.textContent(), { timeout: 30_000 }).toMatch(/left|measuring|\d+ s|min/);
    state.fullRun = await runToEnd(page);
    // the log box shows its newest lines
    const log = page.getByTestId('log-tail');
    await expect.poll(() => log.evaluate((el) => el.scrollHeight - el.clientHeight - el.scrollTop)).toBeLessThanOrEqual(2);
    expect(await log.evaluate((el) => el.scrollHeight > el.clientHeight)).toBe(true);
    expect(await page.locator('main').innerText()).not.toMatch(BAD_TEXT);
    await page.screenshot({ path: join(SCREENSHOTS, 'walk-run-monitor.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  }, 300_000);

  it('walks every Results view of that run: drawn, exported, nothing undefined', async (ctx) => {
    if (chromiumMissing) return ctx.skip(chromiumMissing);
    expect(state.fullRun).toBeDefined();
    const configs = ['GPTQ-W4', 'Wanda-2:4'];
    await walk(env.browser(), {
      name: 'run',
      hash: `#/results/${state.fullRun}`,
      charts: FULL_RUN_CHARTS,
      exports: {
        'drop-chart': configs,
        'radar-chart': ['base', ...configs, 'Action'],
        'task-heatmap': ['niah / len', 'difficulty:', 'base'],
        'niah-base': ['context length (tokens)'],
        'niah-compressed': ['needle depth'],
        'topk-k': configs,
        'topk-position': configs,
        'energy-hist': ['base', ...configs],
        'erank-bars': ['base', ...configs],
        'budget-chart': ['weight memory (MiB)', 'base', ...configs],
      },
    });
    // the per-task labels come from the records: no lenundefined / difficulty:undefined
    const { page } = await watchedPage(env.browser());
    await page.goto(`${env.shell().url}#/results/${state.fullRun}`);
    await page.getByTestId('tab-tasks').click();
    const rows = await page.getByTestId('task-table').locator('tbody tr td:first-child').allTextContents();
    expect(rows).toEqual(
      expect.arrayContaining([expect.stringMatching(/^niah \/ len\d+$/), expect.stringMatching(/^niah \/ depth\d+$/), expect.stringMatching(/^agentboard-pddl \/ difficulty:(easy|hard)$/)]),
    );
    await page.close();
  }, 300_000);

  it('walks a run with only some capabilities and no statistics', async (ctx) => {
    if (chromiumMissing) return ctx.skip(chromiumMissing);
    const { page, errors } = await watchedPage(env.browser());
    await page.goto(env.shell().url);
    await page.getByTestId('preset-demo').click();
    while ((await page.getByTestId('config-row').count()) > 1)
      await page
        .getByTestId('config-row')
        .last()
        .getByRole('button', { name: /Remove configuration/ })
        .click();
    await page.getByTestId('field-name').fill('walk partial');
    // action execution, and of long-context only the needle
    for (const capability of ['workflow', 'long-context', 'real-world']) await page.getByTestId(`capability-${capability}`).uncheck();
    await page.getByTestId('task-niah').check();
    expect(await page.locator('[data-testid^="task-"]:checked').evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')))).toEqual(['task-t-eval', 'task-niah']);
    await page.getByTestId('field-analysis').uncheck();
    await page.locator('#field-limit').fill('2');
    await expect.poll(() => page.getByTestId('preflight').textContent()).toMatch(/^Fits/);
    await page.getByTestId('submit-experiment').click();
    state.partialRun = await runToEnd(page);
    expect(errors).toEqual([]);
    await page.close();
    await walk(env.browser(), {
      name: 'partial',
      hash: `#/results/${state.partialRun}`,
      charts: { overview: ['drop-chart', 'radar-chart'], tasks: ['task-heatmap'], niah: ['niah-base', 'niah-compressed'], budget: ['budget-chart'] },
      exports: { 'drop-chart': ['RTN-W4', 'Action'], 'budget-chart': ['base', 'RTN-W4'] },
    });
  }, 300_000);

  it('walks a paper experiment, and a compared pair (the run with the paper overlaid; two runs side by side in History)', async (ctx) => {
    if (chromiumMissing) return ctx.skip(chromiumMissing);
    await walk(env.browser(), { name: 'paper', hash: '#/results/paper/paper-qwen2-5-7b', charts: { overview: ['drop-chart', 'radar-chart'], tasks: ['task-heatmap'], budget: ['budget-chart'] } });
    await walk(env.browser(), {
      name: 'overlay',
      hash: `#/results/${state.fullRun}`,
      charts: FULL_RUN_CHARTS,
      before: async (page) => {
        await page.getByTestId('results-overlay').selectOption('paper-qwen2-5-7b');
      },
      exports: { 'budget-chart': ['Paper · Qwen2.5-7B', 'This run'] },
    });
    // every model of the paper on the budget chart: a log axis in GiB… and acb-tiny's MiB points on the same axis
    const { page, errors } = await watchedPage(env.browser());
    await page.goto(`${env.shell().url}#/results/${state.fullRun}`);
    await page.getByTestId('tab-budget').click();
    await page.getByTestId('budget-all-paper').check();
    await expect.poll(() => page.getByTestId('budget-chart').locator('.xtick text').allTextContents(), { timeout: 30_000 }).toEqual(expect.arrayContaining([expect.stringMatching(/^\d/)]));
    expect((await page.getByTestId('budget-chart').locator('.xtick text').allTextContents()).length).toBeGreaterThanOrEqual(3);
    expect(await page.getByTestId('budget-chart').locator('.g-xtitle').textContent()).toMatch(/log scale/);
    await page.screenshot({ path: join(SCREENSHOTS, 'walk-budget-every-paper-model.png'), fullPage: true });

    await page.getByTestId('nav-history').click();
    for (const name of [state.fullName!, 'walk partial']) await page.getByTestId('history-row').filter({ hasText: name }).getByTestId('history-compare').check();
    const table = page.getByTestId('compare-table');
    await table.waitFor({ timeout: 30_000 });
    const labels = await table.locator('tbody tr td:first-child').allTextContents();
    expect(labels).toEqual(expect.arrayContaining([`${state.fullName} · base`, `${state.fullName} · GPTQ-W4`, `${state.fullName} · Wanda-2:4`, 'walk partial · base', 'walk partial · RTN-W4']));
    expect(await page.locator('main').innerText()).not.toMatch(BAD_TEXT);
    // a long page: the dark sidebar runs its whole height, and its links stay in view when scrolled to the end
    const [pageHeight, sidebarHeight] = await page.evaluate(() => [document.documentElement.scrollHeight, document.querySelector('nav.sidebar')!.getBoundingClientRect().height]);
    expect(pageHeight).toBeGreaterThan(1000 * 1.5);
    expect(sidebarHeight).toBeGreaterThanOrEqual(pageHeight - 1);
    await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
    const link = (await page.getByTestId('nav-history').boundingBox())!; // relative to the viewport (1000 px high)
    expect(link.y).toBeGreaterThanOrEqual(0);
    expect(link.y + link.height).toBeLessThanOrEqual(1000);
    await page.screenshot({ path: join(SCREENSHOTS, 'walk-compare.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  }, 300_000);

  it('shows a failing page or chart in its error boundary, with details to copy, and the rest keeps working', async (ctx) => {
    if (chromiumMissing) return ctx.skip(chromiumMissing);
    // the paper's tables as a damaged build would ship them: first unreadable (the Results page fails), then with a
    // capability that is not text (only the drop chart fails)
    const serve = (page: Page, paper: unknown) =>
      page.route('**/assets/acbench-paper-*.js', (route) => route.fulfill({ contentType: 'text/javascript', body: `export default ${JSON.stringify(paper)};` }));
    const cell = (config: string, value: number) => ({
      table: 'Table 3',
      model: 'Broken-7B',
      printedModel: 'Broken-7B',
      config,
      printedConfig: config,
      benchmark: 't-eval',
      capability: 42,
      task: 'Overall',
      printedTask: 'Overall',
      metric: 'score',
      value,
      printed: String(value),
      scale: 'percent',
      aligned: true,
    });
    const { page } = await watchedPage(env.browser(), { permissions: ['clipboard-read', 'clipboard-write'] });
    await serve(page, { models: null });
    await page.goto(`${env.shell().url}#/results/paper/paper-broken-7b`);
    const boundary = page.getByTestId('view-error');
    await boundary.waitFor({ timeout: 30_000 });
    expect(await boundary.textContent()).toMatch(/The Results page could not be shown/);
    await boundary.getByTestId('copy-error-details').click();
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toMatch(/^The Results page failed at #\/results\/paper\/paper-broken-7b\nTypeError: .*\n[\s\S]*Stack:/);
    await page.getByTestId('nav-settings').click();
    await page.getByTestId('app-info').waitFor();
    expect(await page.getByTestId('view-error').count()).toBe(0);
    await page.close();

    const second = await watchedPage(env.browser());
    await serve(second.page, {
      schemaVersion: 1,
      source: 'damaged',
      notes: [],
      models: [{ name: 'Broken-7B', printed: ['Broken-7B'], params: 7e9, tables: ['Table 3'] }],
      configs: { 'GPTQ-W4': { method: 'gptq', bits: 4, groupSize: 128 } },
      cells: [cell('base', 60), cell('GPTQ-W4', 55)],
    });
    await second.page.goto(`${env.shell().url}#/results/paper/paper-broken-7b`);
    await second.page.getByTestId('view-error').first().waitFor({ timeout: 30_000 });
    expect(await second.page.getByTestId('view-error').allTextContents()).toEqual([expect.stringMatching(/^The chart “Per-capability change vs base” could not be shown/)]);
    expect(await second.page.getByTestId('drop-table').count()).toBe(1); // the rest of the view is there
    await expect.poll(() => second.page.getByTestId('radar-chart').getAttribute('data-ready'), { timeout: 30_000 }).toBe('true');
    await second.page.screenshot({ path: join(SCREENSHOTS, 'walk-chart-error-boundary.png'), fullPage: true });
    await second.page.close();
  }, 120_000);
});
