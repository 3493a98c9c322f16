// `acbench`: the service without a window. Subcommands of the rooms plug in through their doors.
import { parseArgs } from 'node:util';
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { appFolder, UsageError, type CliCommand } from '../base/index.js';
import { createService } from './host.js';
import { startWebShell } from './server.js';
import { roomCommands } from './commands.js';
import { prepareEngine } from '../tensor/index.js';
import { readUserJson, UserFileError } from '../model/index.js';
import type { ResultRecord, RunProgress, RunSummary } from '../api/index.js';
import { ExperimentSpec, describeZodError, PRESETS } from '../spec/index.js';
import { writeReport } from '../api/index.js';

const rendererDir = () => join(appFolder(), 'dist', 'renderer');

function openBrowser(url: string): void {
  const [cmd, args] = process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['cmd', ['/c', 'start', '', url]] : ['xdg-open', [url]];
  try {
    const child = spawn(cmd, args as string[], { stdio: 'ignore', detached: true });
    child.on('error', () => console.error(`could not open a browser; open ${url} yourself`));
    child.unref();
  } catch {
    console.error(`could not open a browser; open ${url} yourself`);
  }
}

async function serve(argv: string[], shell: 'web' = 'web'): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { port: { type: 'string' }, 'no-open': { type: 'boolean', default: false } }, strict: true });
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port: expected a whole number 0–65535, found ${values.port}`);
  const service = await createService(shell);
  const shellServer = await startWebShell({ service, staticDir: rendererDir(), port });
  console.log(`ACBench Studio listening on ${shellServer.url}`);
  if (!values['no-open']) openBrowser(shellServer.url);
  const stop = async () => {
    await shellServer.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return new Promise<number>(() => {}); // serve until stopped
}

/** The path of the Electron binary, or why there is none. */
export function electronBinary(): { path: string } | { missing: string } {
  try {
    const require = createRequire(join(appFolder(), 'package.json'));
    const path = require('electron') as unknown;
    if (typeof path === 'string' && existsSync(path)) return { path };
    return { missing: 'the electron package is installed but its binary was not downloaded' };
  } catch (error) {
    return { missing: `the electron package is not usable (${(error as Error).message.split('\n')[0]})` };
  }
}

async function start(argv: string[]): Promise<number> {
  const electron = electronBinary();
  if ('path' in electron) {
    const child = spawn(electron.path, [appFolder(), ...argv], { stdio: 'inherit' });
    return new Promise((r) => child.on('exit', (code) => r(code ?? 0)));
  }
  console.log(`Electron is not available here (${electron.missing}); starting the web shell instead — same UI, in your browser.`);
  return serve(argv);
}

async function info(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { json: { type: 'boolean', default: false } }, strict: true });
  const service = await createService('cli');
  const i = service.info();
  if (values.json) {
    console.log(JSON.stringify(i, null, 2));
    return 0;
  }
  const lines = [
    `${i.app} ${i.version}`,
    `tensor backend  ${i.backend.name} (${i.backend.threads} thread${i.backend.threads === 1 ? '' : 's'}) — ${i.backend.reason}`,
    ...i.backend.skipped.map((s) => `  skipped       ${s.name}: ${s.why}`),
    `node            ${i.node}`,
    `electron        ${i.electron ?? 'not running in Electron'}`,
    `cpu             ${i.cpu.model} × ${i.cpu.cores}`,
    `gpu             ${i.gpu ?? 'none in use'}`,
    `memory          ${(i.memoryBytes / 2 ** 30).toFixed(1)} GiB`,
    `data folder     ${i.dataDir}`,
  ];
  if (i.historyNotice) lines.push(`notice          ${i.historyNotice}`);
  console.log(lines.join('\n'));
  return 0;
}

async function runStudy(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      out: { type: 'string' },
      json: { type: 'boolean', default: false },
      limit: { type: 'string' },
      'allow-over-memory': { type: 'boolean', default: false },
      'similarity-model': { type: 'string' },
    },
    strict: true,
  });
  const target = positionals[0];
  if (!target) throw new UsageError(`expected a preset (${Object.keys(PRESETS).join(', ')}) or an experiment spec JSON file, found nothing`);
  let input: unknown;
  if (PRESETS[target]) input = structuredClone(PRESETS[target]);
  else if (existsSync(target)) {
    try {
      input = readUserJson(target);
    } catch (error) {
      if (error instanceof UserFileError) throw new UsageError(`${target}: expected an experiment spec in JSON (${error.expected}), found ${error.found}`);
      throw error;
    }
  } else throw new UsageError(`expected a preset (${Object.keys(PRESETS).join(', ')}) or an existing spec file, found ${JSON.stringify(target)}`);
  const parsed = ExperimentSpec.safeParse(input);
  if (!parsed.success) throw new UsageError(`${target}: ${describeZodError(parsed.error, input)}`);
  const spec = parsed.data;
  if (values.limit !== undefined) {
    const limit = Number(values.limit);
    if (!Number.isInteger(limit) || limit < 1) throw new UsageError(`--limit: expected a whole number ≥ 1, found ${values.limit}`);
    spec.benchmarks.limit = limit;
  }
  if (values['similarity-model'] !== undefined) {
    const dir = resolve(values['similarity-model']);
    if (!existsSync(join(dir, 'modules.json')))
      throw new UsageError(
        `--similarity-model: expected a sentence-transformers folder with modules.json (e.g. all-mpnet-base-v2), found ${existsSync(dir) ? 'no modules.json in' : 'nothing at'} ${dir}`,
      );
    spec.benchmarks.similarityModel = dir;
  }
  const service = await createService('cli');
  const exp = await service.createExperiment(spec); // parsed above, where the file was read
  const started = Date.now();
  let lastLine = 0;
  service.events.on('runProgress', (p: RunProgress) => {
    if (values.json || Date.now() - lastLine < 1000) return;
    lastLine = Date.now();
    const eta = p.etaS !== null ? `, about ${formatSeconds(p.etaS)} left` : p.stageEtaS !== null && p.stage ? `, about ${formatSeconds(p.stageEtaS)} left in ${p.stage}` : '';
    process.stderr.write(`[${formatSeconds((Date.now() - started) / 1000)}] ${p.stage ?? p.status} ${p.done}/${p.total}${eta} — ${p.message}\n`);
  });
  const run = (await service.dispatch('startRun', { experimentId: exp.id, allowOverMemory: values['allow-over-memory'] })) as RunSummary;
  process.once('SIGINT', () => {
    process.stderr.write('cancelling… (finished items are kept; resume from the app)\n');
    void service.dispatch('cancelRun', { runId: run.id }).catch(() => {});
  });
  await service.idle();
  const { run: done, records } = (await service.dispatch('getRunResults', { runId: run.id, limit: 10_000 })) as { run: RunSummary; records: ResultRecord[] };
  if (done.status !== 'done') {
    console.error(`acbench run: the run ${done.status}${done.error ? `: ${done.error}` : ''} (run ${run.id}; resume it from the app)`);
    return 1;
  }
  const total = (await service.dispatch('getRunResults', { runId: run.id, limit: 1 })) as { total: number };
  const all = total.total > records.length ? ((await service.dispatch('getRunResults', { runId: run.id, limit: total.total })) as { records: ResultRecord[] }).records : records;
  const out = resolve(values.out ?? join(service.info().dataDir, 'reports', run.id));
  const report = writeReport(all, out, spec.name);
  const seconds = (Date.now() - started) / 1000;
  if (values.json) console.log(JSON.stringify({ experimentId: exp.id, runId: run.id, seconds, report: report.dir, files: report.files, headline: done.headline }, null, 2));
  else console.log(`Finished in ${formatSeconds(seconds)}. Report (tables and figures): ${report.dir}`);
  return 0;
}

function formatSeconds(s: number): string {
  if (s < 90) return `${Math.round(s)} s`;
  if (s < 5400) return `${Math.round(s / 60)} min`;
  return `${(s / 3600).toFixed(1)} h`;
}

const builtin: CliCommand[] = [
  {
    name: 'run',
    summary: 'run a whole study (a preset such as builtin:demo, or a spec file) and write its report',
    usage: 'acbench run builtin:demo|SPEC.json [--out DIR] [--limit N] [--allow-over-memory] [--similarity-model DIR] [--json]',
    run: runStudy,
  },
  { name: 'serve', summary: 'start the web shell on 127.0.0.1', usage: 'acbench serve [--port N] [--no-open]', run: (argv) => serve(argv) },
  { name: 'start', summary: 'open the app (Electron where installed, else the web shell)', usage: 'acbench start', run: start },
  { name: 'info', summary: 'versions, tensor backend, hardware, data folder', usage: 'acbench info [--json]', run: info },
];

function help(commands: CliCommand[]): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return ['usage: acbench <command> [options]', '', ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`), '', 'acbench <command> --help shows its options.'].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  await prepareEngine(); // before any model is loaded: weights are uploaded to the chosen backend
  const commands = [...builtin, ...(await roomCommands())];
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(help(commands));
    return name ? 0 : 2;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    console.error(`acbench: unknown command "${name}"; expected one of ${commands.map((c) => c.name).join(', ')}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(`${command.usage}\n\n${command.summary}`);
    return 0;
  }
  try {
    return await command.run(rest);
  } catch (error) {
    const e = error as Error & { code?: string };
    const usage = e instanceof UsageError || (typeof e.code === 'string' && e.code.startsWith('ERR_PARSE_ARGS'));
    console.error(`acbench ${name}: ${e.message}`);
    return usage ? 2 : 1;
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then((code) => process.exit(code));
}
