// `acbench eval` and `acbench score`.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { CliCommand } from '../base/index.js';
import { TASKS } from '../results/index.js';
import { resolveTaskIds } from './catalog.js';
import { BenchCancelledError, BenchDataError, BenchInputError, EndpointError } from './errors.js';
import { resolveSecretRef } from './secrets.js';
import { OpenAIEndpointGenerator, type TextGenerator } from './generator.js';
import { scoreFile } from './score-file.js';
import { selectSimilarity, type TextSimilarity } from './similarity.js';
import { resolveSuiteDir, runBenchmarks } from './suite.js';
import { sha256 } from './util.js';
import { readResults } from './runner.js';
import { loadNiahConfig, niahResultJson } from './tasks/niah.js';

const EVAL_USAGE = `acbench eval (--model DIR | --endpoint URL [--endpoint-model NAME] [--api-key-ref env:NAME|file:PATH]) [--suite builtin|PATH]
             [--tasks t-eval,worfbench,longbench,longgenbench,niah,agentboard,…] [--limit N] [--out DIR] [--json]
             [--similarity-model DIR]
  Runs the tasks, appends every finished item to DIR/results.jsonl and writes DIR/summary.json.
  --similarity-model: a sentence-transformers folder (all-mpnet-base-v2, as T-Eval and WorfBench use) for their
  sentence similarity; without it a lexical similarity stands in (deviation lexical-sim).
  Rerunning the same command resumes: finished items are skipped.
  Tasks: ${TASKS.filter((t) => t.runnable)
    .map((t) => t.id)
    .join(', ')}`;

const SCORE_USAGE = `acbench score --benchmark teval|worfbench|longbench|longgenbench|niah|agentboard --data FILE --predictions FILE [--json]
             [--similarity-model DIR]   (a sentence-transformers folder for T-Eval / WorfBench similarity; default lexical)
  predictions: JSONL {"id", "prediction"} (NIAH: also a folder of the harness's results JSON files;
  AgentBoard: logged episodes {"id", "task"?, "progress": [0–1 per step]} — e.g. Jericho or ScienceWorld runs)`;

const USER_ERRORS = [BenchInputError, BenchDataError, EndpointError];

function fail(e: unknown): number {
  if (USER_ERRORS.some((c) => e instanceof c) || (e instanceof TypeError && /parseArgs|option|argument/i.test(e.message)) || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
    process.stderr.write(`${(e as Error).message}\n`);
    return 2;
  }
  if (e instanceof BenchCancelledError) {
    process.stderr.write(`${e.message}\n`);
    return 130;
  }
  throw e;
}

type ModelLoader = (dir: string) => Promise<unknown>;
let registeredLoader: ModelLoader | undefined;

/**
 * Register a model loader for `eval --model DIR` (tests, or a host with its own loading options).
 * Without one, the model room's `loadModel` is imported from its door on first use.
 */
export function setModelLoader(loader: ModelLoader): void {
  registeredLoader = loader;
}

/** The model room's loader: the registered one, or the model door when it exists. */
async function loadModelGenerator(dir: string): Promise<TextGenerator> {
  const { CausalLMGenerator } = await import('./generator.js');
  const load = async (loader: ModelLoader) => {
    try {
      return new CausalLMGenerator((await loader(dir)) as ConstructorParameters<typeof CausalLMGenerator>[0]);
    } catch (e) {
      throw new BenchInputError('--model', 'a model folder the model room can load', `${dir}: ${(e as Error).message}`);
    }
  };
  if (registeredLoader) return load(registeredLoader);
  // the model room's door, loaded only when --model is used (keeps tfjs out of `score` and tests)
  const { loadModel } = await import('../model/index.js');
  return load((d) => loadModel(d));
}

/** --similarity-model DIR: the sentence encoder there, or the lexical fallback without the option; a bad folder is a usage error. */
async function similarityFrom(dir: string | undefined): Promise<TextSimilarity> {
  try {
    return await selectSimilarity(dir === undefined ? undefined : resolve(dir));
  } catch (e) {
    throw new BenchInputError('--similarity-model', 'a sentence-transformers folder (modules.json, config.json, model.safetensors, tokenizer.json)', `${dir}: ${(e as Error).message}`);
  }
}

/** NIAH cells also go out in the original harness's results-JSON shape (one file per cell) under DIR/niah/. */
async function writeNiahResults(out: string, resultsFile: string, model: string, suite: string): Promise<void> {
  const recs = readResults(resultsFile).filter((r) => r.task === 'niah');
  if (recs.length === 0) return;
  const dir = resolveSuiteDir(suite);
  const cfg = await loadNiahConfig(existsSync(join(dir, 'niah', 'niah.json')) ? join(dir, 'niah', 'niah.json') : join(dir, 'niah.json'));
  mkdirSync(join(out, 'niah'), { recursive: true });
  for (const r of recs) {
    const m = /^len(\d+)-depth([\d.]+)$/.exec(r.id);
    if (!m) continue;
    const item = { id: r.id, contextLength: Number(m[1]), depthPercent: Number(m[2]) };
    const j = niahResultJson(model, item, cfg.needle, r.output, r.scores.score);
    writeFileSync(join(out, 'niah', `${String(j.file_name)}_results.json`), JSON.stringify(j) + '\n');
  }
}

export async function runEval(argv: string[]): Promise<number> {
  try {
    const { values } = parseArgs({
      args: argv,
      options: {
        model: { type: 'string' },
        endpoint: { type: 'string' },
        'endpoint-model': { type: 'string' },
        'api-key-ref': { type: 'string' },
        suite: { type: 'string', default: 'builtin' },
        tasks: { type: 'string', default: '' },
        limit: { type: 'string' },
        out: { type: 'string' },
        json: { type: 'boolean', default: false },
        timeout: { type: 'string' },
        help: { type: 'boolean', default: false },
        'similarity-model': { type: 'string' },
      },
      strict: true,
    });
    if (values.help) {
      process.stdout.write(EVAL_USAGE + '\n');
      return 0;
    }
    if (!values.model === !values.endpoint) throw new BenchInputError('eval', 'exactly one of --model DIR or --endpoint URL', values.model ? 'both' : 'neither');
    let limit: number | undefined;
    if (values.limit !== undefined) {
      limit = Number(values.limit);
      if (!Number.isInteger(limit) || limit < 1) throw new BenchInputError('--limit', 'a positive integer', JSON.stringify(values.limit));
    }
    const tasks = values.tasks
      .split(',')
      .map((t) => t.trim())
      .filter(Boolean);
    resolveTaskIds(tasks); // a wrong task name fails here, before a model loads or a folder is made
    const similarity = await similarityFrom(values['similarity-model']);
    let generator: TextGenerator;
    if (values.endpoint) {
      if (!/^https?:\/\//.test(values.endpoint)) throw new BenchInputError('--endpoint', 'an http(s) URL', JSON.stringify(values.endpoint));
      const timeoutMs = values.timeout ? Number(values.timeout) * 1000 : undefined;
      // a key on the command line would be visible to every process listing: it comes from a variable or a file
      const apiKey = values['api-key-ref'] ? await resolveSecretRef(values['api-key-ref']) : process.env.OPENAI_API_KEY;
      generator = new OpenAIEndpointGenerator({ baseUrl: values.endpoint, model: values['endpoint-model'] ?? 'default', apiKey, timeoutMs });
    } else generator = await loadModelGenerator(resolve(values.model!));
    const out = resolve(values.out ?? `acbench-eval-${sha256(`${generator.id}|${values.suite}|${tasks.join(',')}|${limit ?? ''}`).slice(0, 10)}`);
    mkdirSync(out, { recursive: true });
    const earlier = readResults(join(out, 'results.jsonl')).length;
    if (earlier) process.stderr.write(`resuming ${join(out, 'results.jsonl')}: ${earlier} finished items are kept and not run again\n`);
    const ac = new AbortController();
    const onSigint = () => ac.abort();
    process.once('SIGINT', onSigint);
    let last = 0;
    const result = await runBenchmarks({
      generator,
      suite: values.suite,
      tasks,
      limit,
      resultsFile: join(out, 'results.jsonl'),
      cacheFile: join(out, 'cache.jsonl'),
      signal: ac.signal,
      similarity,
      onProgress: (p) => {
        const now = Date.now();
        if (now - last < 1000 && p.done !== p.total) return;
        last = now;
        const eta = p.etaSeconds === undefined ? '' : ` · ETA ${p.etaSeconds.toFixed(0)} s`;
        process.stderr.write(`[${p.taskIndex + 1}/${p.taskCount}] ${p.task} ${p.done}/${p.total} · ${p.itemsPerSecond.toFixed(2)} items/s${eta}\n`);
      },
    }).finally(() => process.off('SIGINT', onSigint));
    writeFileSync(join(out, 'summary.json'), JSON.stringify(result, null, 2) + '\n');
    await writeNiahResults(out, result.resultsFile, generator.id, values.suite);
    if (values.json) process.stdout.write(JSON.stringify(result, null, 2) + '\n');
    else {
      const lines = result.tasks.map((t) => `${t.task.padEnd(28)} ${t.metric.padEnd(18)} ${t.score.toFixed(2).padStart(7)}  (n=${t.n})`);
      lines.push('', ...result.capabilities.map((c) => `${c.capability.padEnd(28)} ${'capability mean'.padEnd(18)} ${c.score.toFixed(2).padStart(7)}`));
      lines.push('', `deviations: ${result.deviations.join(', ') || 'none'}`, `results: ${result.resultsFile}`);
      const e = generator.engine;
      if (e) lines.push(`generated on ${e.name} ${e.version} (${e.device}${e.weights ? `, ${e.weights}` : ''})${e.reason ? `: ${e.reason}` : ''}`);
      if (result.note) lines.push(result.note);
      process.stdout.write(lines.join('\n') + '\n');
    }
    return 0;
  } catch (e) {
    return fail(e);
  }
}

export async function runScore(argv: string[]): Promise<number> {
  try {
    const { values } = parseArgs({
      args: argv,
      options: {
        benchmark: { type: 'string' },
        data: { type: 'string' },
        predictions: { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
        'similarity-model': { type: 'string' },
      },
      strict: true,
    });
    if (values.help) {
      process.stdout.write(SCORE_USAGE + '\n');
      return 0;
    }
    if (!values.benchmark || !values.predictions || (!values.data && values.benchmark !== 'agentboard')) throw new BenchInputError('score', '--benchmark, --data and --predictions', 'missing options');
    const r = await scoreFile(values.benchmark, values.data ? resolve(values.data) : '', resolve(values.predictions), await similarityFrom(values['similarity-model']));
    if (values.json) process.stdout.write(JSON.stringify(r, null, 2) + '\n');
    else {
      const lines = [`${r.benchmark} ${r.score.metric}: ${r.score.score.toFixed(2)} (n=${r.score.n})`];
      for (const [k, v] of Object.entries(r.score.fields)) lines.push(`  ${k.padEnd(24)} ${v.toFixed(2)}`);
      if (r.missing.length) lines.push(`missing predictions (scored as empty): ${r.missing.length}`);
      if (r.unmatched.length) lines.push(`predictions with unknown ids (ignored): ${r.unmatched.length}`);
      if (r.deviations.length) lines.push(`deviations: ${r.deviations.join(', ')}`);
      process.stdout.write(lines.join('\n') + '\n');
    }
    return 0;
  } catch (e) {
    return fail(e);
  }
}

export const cliCommands: CliCommand[] = [
  { name: 'eval', summary: 'run the agentic benchmark suites on a model or an OpenAI-compatible endpoint', usage: EVAL_USAGE, run: runEval },
  { name: 'score', summary: 'score predictions produced elsewhere against a benchmark file', usage: SCORE_USAGE, run: runScore },
];
