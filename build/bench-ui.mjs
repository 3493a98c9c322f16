// npm run bench:ui — how long the results dashboard of a large run takes to draw in the web shell:
// the first open right after start-up (fresh service, fresh page) and later opens from History.
// The run: 100 configurations × 12 tasks × 50 items (≈ 62k records), written into a temporary ACBENCH_HOME.
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (!existsSync(CHROMIUM)) {
  console.log(`bench:ui skipped: no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH)`);
  process.exit(0);
}
const CONFIGS = Number(process.env.BENCH_UI_CONFIGS ?? 100),
  ITEMS = 50,
  COLD_REPEATS = 3,
  WARM_REPEATS = 3;
// The first 12 runnable tasks of the results core's catalogue (bundled here, as the renderer bundles it).
const catalogue = await build({ entryPoints: ['main/results/index.ts'], bundle: true, write: false, format: 'esm', platform: 'neutral', logLevel: 'warning' });
const { TASKS: CATALOGUE, capabilityOfTask: capability } = await import(`data:text/javascript;base64,${Buffer.from(catalogue.outputFiles[0].contents).toString('base64')}`);
const TASKS = CATALOGUE.filter((t) => t.runnable)
  .slice(0, 12)
  .map((t) => t.id);

function writeHome(home) {
  mkdirSync(join(home, 'runs', 'run-big'), { recursive: true });
  const at = new Date(0).toISOString();
  const lines = [];
  for (let c = 0; c <= CONFIGS; c++) {
    const config = c === 0 ? 'base' : `C${c}`;
    lines.push({ key: `m${c}`, kind: 'compression', at, data: { config, memoryBytes: 1e9 / (1 + (c % 4)) } });
    for (const task of TASKS) {
      lines.push({ key: `score:${config}:${task}`, kind: 'score', at, data: { task, config, capability: capability(task), score: 0.5 + ((c * 7) % 10) / 40, ci95: [0.4, 0.7] } });
      for (let i = 0; i < ITEMS; i++)
        lines.push({ key: `item:${config}:${task}:${i}`, kind: 'item', at, data: { task, config, id: String(i), score: (i + c) % 3 ? 1 : 0, prompt: 'p'.repeat(200), output: 'o'.repeat(80) } });
    }
  }
  writeFileSync(join(home, 'runs', 'run-big', 'results.jsonl'), lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
  const spec = {
    name: 'big',
    model: { kind: 'local', path: '/x' },
    compressions: [],
    calibration: { source: 'builtin', samples: 128, seqlen: 512, seed: 0 },
    benchmarks: { suite: 'builtin', tasks: [] },
    analysis: { enabled: true, sequences: 16, seqlen: 128 },
    seed: 0,
    tags: [],
    notes: '',
  };
  writeFileSync(
    join(home, 'history.json'),
    JSON.stringify({
      schemaVersion: 2,
      settings: {},
      experiments: [{ id: 'exp-big', name: 'big', createdAt: at, spec, specHash: 'h', tags: [], notes: '' }],
      runs: [{ id: 'run-big', experimentId: 'exp-big', status: 'done', specHash: 'h', createdAt: at, itemsDone: 0, itemsTotal: 0, headline: {} }],
    }),
  );
  return lines.length;
}

async function serve(home) {
  const child = spawn(process.execPath, ['bin/acbench.mjs', 'serve', '--no-open'], { env: { ...process.env, ACBENCH_HOME: home }, stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise((resolve, reject) => {
    child.stdout.on('data', (d) => {
      const m = String(d).match(/(http\S+)/);
      if (m) resolve(m[1]);
    });
    child.on('exit', (code) => reject(new Error(`acbench serve exited with ${code}`)));
  });
  return { child, url };
}

/** ms from navigation to the drop chart drawn, and when the results call and Plotly arrived. */
/** Records (Date.now) when the drop chart's static preview first enters the page, before any later draw. */
const WATCH_PREVIEW = () => {
  const seen = () => {
    if (window.__acbPreviewAt === undefined && document.querySelector('[data-testid="drop-chart-preview"]')) window.__acbPreviewAt = Date.now();
    if (window.__acbRadarAt === undefined && document.querySelector('[data-testid="radar-chart-preview"]')) window.__acbRadarAt = Date.now();
  };
  new MutationObserver(seen).observe(document, { childList: true, subtree: true });
  addEventListener('hashchange', () => (window.__acbPreviewAt = window.__acbRadarAt = undefined));
};

async function timeOpen(page, go) {
  const t0 = Date.now();
  let results, plotly;
  const onResp = (r) => {
    const u = r.url();
    if (results === undefined && u.includes('/api/getRunResults')) results = Date.now() - t0;
    if (plotly === undefined && /plotly/i.test(u)) plotly = Date.now() - t0;
  };
  page.on('response', onResp);
  await go();
  await page.waitForSelector('[data-testid="drop-chart"][data-ready="true"]', { timeout: 60_000 });
  // when the static preview of the bars entered the page (recorded in the page: the thread may be busy drawing right after)
  const seenAt = await page.evaluate(() => window.__acbPreviewAt);
  const radarAt = await page.evaluate(() => window.__acbRadarAt);
  const radar = radarAt === undefined ? undefined : radarAt - t0;
  const shown = seenAt === undefined ? undefined : seenAt - t0; // same machine, same wall clock
  const total = Date.now() - t0;
  // every chart on the first tab drawn
  await page.waitForFunction(() => [...document.querySelectorAll('.plot')].every((e) => e.getAttribute('data-ready') === 'true'), undefined, { timeout: 60_000 });
  const all = Date.now() - t0;
  const charts = await page.locator('.plot').count();
  page.off('response', onResp);
  return { shown, radar, total, all, charts, results, plotly };
}

const home = mkdtempSync(join(tmpdir(), 'acbench-bench-ui-'));
const records = writeHome(home);
const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
const rows = [];
try {
  for (let rep = 0; rep < COLD_REPEATS; rep++) {
    const { child, url } = await serve(home);
    const ctx = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await ctx.newPage();
    await page.addInitScript(WATCH_PREVIEW);
    const [base, query] = url.split('?');
    rows.push({ what: 'first open after start-up (fresh service and page, straight to the run)', ...(await timeOpen(page, () => page.goto(`${base}?${query}#/results/run-big`))) });
    for (let w = 0; w < (rep === 0 ? WARM_REPEATS : 0); w++) {
      await page.evaluate(() => (location.hash = '#/history'));
      await page.waitForTimeout(400);
      rows.push({ what: 'open again from History', ...(await timeOpen(page, () => page.evaluate(() => (location.hash = '#/results/run-big')))) });
    }
    await ctx.close();
    child.kill();
  }
  // a returning user: the browser keeps its HTTP and compiled-code caches across app starts
  const ctx = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  for (let rep = 0; rep < COLD_REPEATS + 1; rep++) {
    const { child, url } = await serve(home);
    const page = await ctx.newPage();
    await page.addInitScript(WATCH_PREVIEW);
    const [base, query] = url.split('?');
    const r = await timeOpen(page, () => page.goto(`${base}?${query}#/results/run-big`));
    if (rep > 0) rows.push({ what: 'first open after start-up, browser caches kept from an earlier start', ...r });
    await page.close();
    child.kill();
  }
  await ctx.close();
} finally {
  await browser.close();
  rmSync(home, { recursive: true, force: true });
}
const fmt = (v) => (v === undefined ? '—' : String(v));
console.log(`## Results dashboard (web shell, Chromium headless; ${records.toLocaleString('en-US')} records: ${CONFIGS} configurations × ${TASKS.length} tasks × ${ITEMS} items)\n`);
console.log(
  '| open | drop chart shown (ms) | radar shown (ms) | drop chart interactive (ms) | all charts drawn (ms) | results answered (ms) | Plotly loaded (ms) |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
);
for (const r of rows) console.log(`| ${r.what} | ${fmt(r.shown)} | ${fmt(r.radar)} | ${r.total} | ${r.all} (${r.charts}) | ${fmt(r.results)} | ${fmt(r.plotly)} |`);
