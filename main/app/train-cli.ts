// npm run train:tiny — train the built-in model acb-tiny from scratch and save it as a Hugging Face folder.
//
//   node dist/main/train-tiny.js [--out DIR] [--steps N] [--seed S] [--resume] [--size NAME]
//        [--batch-tokens N] [--checkpoint-every N] [--checkpoint-dir DIR] [--max-minutes M] [--check]
//
// Data: main/train/pool.ts.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { BUILTIN_SEED, CausalLMGenerator, runBenchmarks } from '../bench/index.js';
import { loadModel, seededRandom } from '../model/index.js';
import {
  BpeEncoder,
  DEFAULT_OPTIM,
  bpeModelFromJson,
  engineProducts,
  exampleTexts,
  hasCheckpoint,
  modelCard,
  paramsFromHf,
  parameterCount,
  poolSource,
  TINY_SIZES,
  saveHfModel,
  tokenizeExample,
  tokenizerFiles,
  train,
  trainBpe,
  writeJson,
  MIXTURE,
  PROCEDURAL_SOURCES,
  buildDaggerPddl,
  daggerSummary,
  buildNiahPool,
  buildPool,
  suiteSeed,
  type CardInfo,
  type MixtureEntry,
  type Pool,
  type TrainingExample,
  type TinyConfig,
} from '../train/index.js';
import { prepareEngine } from '../tensor/index.js';
import { UsageError } from '../base/index.js';

/** Model sizes, measured by `main/train/bench.ts` (`npm run bench training`). */
const SIZES: Record<string, Omit<TinyConfig, 'vocabSize'>> = TINY_SIZES;
const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
const seeded = seededRandom;
const TOKENIZER_CORPUS_EXAMPLES = 4000;
/** The card's data (CardInfo) beside the weights, so --eval-only can rewrite the card. */
const TRAINING_JSON = 'acb-tiny-training.json';
type CachedPool = Pick<Pool, 'bySource' | 'goldCheck' | 'dropped'> & { dagger?: string };
const DAGGER = 'agentboard-pddl-dagger';

// ---------------------------------------------------------------------------------------------------
// main

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      out: { type: 'string', default: 'resources/models/acb-tiny' },
      steps: { type: 'string', default: '1200' },
      seed: { type: 'string', default: '1' },
      resume: { type: 'boolean', default: false },
      size: { type: 'string', default: 'tiny' },
      vocab: { type: 'string', default: '4096' },
      'batch-tokens': { type: 'string', default: '8192' },
      lr: { type: 'string', default: String(DEFAULT_OPTIM.lr) },
      'warmup-steps': { type: 'string', default: '60' },
      'checkpoint-every': { type: 'string', default: '25' },
      'checkpoint-dir': { type: 'string' },
      'max-minutes': { type: 'string' },
      'pool-suites': { type: 'string', default: '48' },
      'log-every': { type: 'string', default: '5' },
      'prompt-loss-weight': { type: 'string', default: '0' },
      'prompt-loss-fraction': { type: 'string', default: '0.25' },
      check: { type: 'boolean', default: false },
      'skip-eval': { type: 'boolean', default: false },
      init: { type: 'string' },
      mix: { type: 'string' },
      'dagger-episodes': { type: 'string', default: '240' },
      'niah-per-suite': { type: 'string', default: '6' },
      'pddl-variants': { type: 'string', default: '0' },
      'eval-only': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    allowPositionals: false,
  });
  if (values.help) {
    console.log(
      'usage: train-tiny [--out DIR] [--steps N] [--seed S] [--resume] [--size tiny|small|base] [--vocab N] [--batch-tokens N] [--lr X] [--checkpoint-every N] [--checkpoint-dir DIR] [--max-minutes M] [--pool-suites N] [--niah-per-suite N] [--pddl-variants N] [--init MODEL_DIR] [--mix source=w,...] [--dagger-episodes N] [--check] [--skip-eval] [--eval-only]',
    );
    return 0;
  }
  const int = (name: string, v: string | undefined): number => {
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0) throw new UsageError(`--${name}: expected a non-negative number, found ${JSON.stringify(v)}`);
    return n;
  };
  const seed = int('seed', values.seed);
  const steps = int('steps', values.steps);
  const variants = int('pddl-variants', values['pddl-variants']);
  const size = SIZES[values.size!];
  if (!size) throw new UsageError(`--size: expected one of ${Object.keys(SIZES).join(', ')}, found ${JSON.stringify(values.size)}`);
  const out = resolve(values.out!);
  const ckDir = resolve(values['checkpoint-dir'] ?? join('dist', 'train-checkpoints', `${values.size}-seed${seed}`));
  const log = (s: string) => console.log(`[train:tiny] ${s}`);
  const t0 = Date.now();

  // --init: continue from a finished model (its weights, tokenizer and configuration) as a second stage
  const initDir = values.init ? resolve(values.init) : undefined;
  const initInfo = initDir ? readInitInfo(initDir) : undefined;
  const mixWeights = parseMix(values.mix);
  const engine = await prepareEngine();
  if (values['eval-only']) {
    await evaluateAndCard(out, join(ckDir, 'eval'), log);
    return 0;
  }
  log(`engine: ${engine.report.name} (${engine.report.threads} thread${engine.report.threads > 1 ? 's' : ''}) — ${engine.report.reason}`);

  // data pool and tokenizer (deterministic in the seed), cached in the checkpoint folder for --resume
  mkdirSync(ckDir, { recursive: true });
  const tokFile = join(ckDir, 'tokenizer.json');
  const poolFile = join(ckDir, 'pool.json');
  let pool: CachedPool;
  let bpe;
  const initBpe = initDir ? bpeModelFromJson(readFileSync(join(initDir, 'tokenizer.json'), 'utf8')) : undefined;
  if (values.resume && existsSync(tokFile) && existsSync(poolFile)) {
    bpe = bpeModelFromJson(readFileSync(tokFile, 'utf8'));
    const cached = JSON.parse(readFileSync(poolFile, 'utf8')) as { bySource: [string, TrainingExample[]][]; goldCheck: Record<string, number>; dropped: Record<string, number>; dagger?: string };
    pool = { bySource: new Map(cached.bySource), goldCheck: cached.goldCheck, dropped: cached.dropped, dagger: cached.dagger };
    log(`data and tokenizer: reused ${poolFile} and ${tokFile} (${bpe.vocab.size + 3} tokens)`);
  } else {
    const built = await buildPool(seed, int('pool-suites', values['pool-suites']), log, variants);
    const r = seeded(seed * 977 + 3);
    const corpus: string[] = [];
    const all = [...built.bySource.values()];
    for (let i = 0; i < TOKENIZER_CORPUS_EXAMPLES; i++) corpus.push(...exampleTexts(pick(r, pick(r, all))));
    for (const dir of built.suiteDirs.slice(0, 4)) for (const f of ['essay_1.txt', 'essay_2.txt', 'essay_3.txt']) corpus.push(readFileSync(join(dir, 'niah', 'haystack', f), 'utf8'));
    const tb = Date.now();
    bpe = initBpe ?? trainBpe(corpus, int('vocab', values.vocab));
    log(
      initBpe
        ? `tokenizer: ${bpe.vocab.size + 3} tokens, kept from ${initDir}`
        : `tokenizer: ${bpe.vocab.size + 3} tokens (${bpe.merges.length} merges) learned in ${((Date.now() - tb) / 1000).toFixed(1)} s`,
    );
    const enc = new BpeEncoder(bpe);
    const niah = await buildNiahPool(seed, built.suiteDirs, int('niah-per-suite', values['niah-per-suite']), (t) => enc.encode(t).length);
    built.bySource.set('niah', niah.examples);
    built.goldCheck.niah = niah.goldCheck;
    for (const d of built.suiteDirs) rmSync(d, { recursive: true, force: true });
    rmSync(dirname(built.suiteDirs[0]), { recursive: true, force: true });
    pool = { bySource: built.bySource, goldCheck: built.goldCheck, dropped: built.dropped };
    savePool(poolFile, pool);
  }
  // DAgger examples come from the init model's own episodes, once per checkpoint folder (cached with the pool)
  if (mixWeights?.[DAGGER] && !pool.bySource.get(DAGGER)?.length) {
    if (!initDir) throw new UsageError(`--mix ${DAGGER}: expected --init MODEL_DIR (its episodes are the data), found none`);
    const m = await loadModel(initDir);
    try {
      const res = await buildDaggerPddl(seed, int('dagger-episodes', values['dagger-episodes']), new CausalLMGenerator(m), log, { pddlVariants: variants });
      pool.bySource.set(DAGGER, res.examples);
      pool.dagger = daggerSummary(res);
    } finally {
      m.dispose();
    }
    savePool(poolFile, pool);
  }
  const { files: tokFiles, ids } = tokenizerFiles(bpe);
  writeFileSync(tokFile, tokFiles['tokenizer.json']);
  const encoder = new BpeEncoder(bpe);

  for (const [src, exs] of pool.bySource) log(`pool: ${src}: ${exs.length} examples`);
  log(
    `gold self-check (1 = full marks): ${Object.entries(pool.goldCheck)
      .map(([t, v]) => `${t} ${v.toFixed(3)}`)
      .join(', ')}`,
  );
  if (Object.keys(pool.dropped).length)
    log(
      `dropped: ${Object.entries(pool.dropped)
        .map(([t, v]) => `${t} ${v}`)
        .join(', ')}`,
    );
  if (values.check) {
    const r = seeded(5);
    let mean = 0;
    for (const m of MIXTURE) {
      const exs = pool.bySource.get(m.source) ?? [];
      const lens = exs
        .slice(0, 200)
        .map((ex) => tokenizeExample(ex, encoder, ids).ids.length)
        .sort((a, b) => a - b);
      const avg = lens.reduce((a, b) => a + b, 0) / Math.max(1, lens.length);
      mean += m.weight * avg;
      log(`tokens per example, ${m.source}: mean ${avg.toFixed(0)}, median ${lens[lens.length >> 1]}, max ${lens[lens.length - 1]}`);
    }
    log(`mixture mean: ${mean.toFixed(0)} tokens per example`);
    for (const src of pool.bySource.keys()) {
      const ex = pick(r, pool.bySource.get(src)!);
      const ids = encoder.encode('turns' in ex ? ex.turns.map((t) => t.content).join('\n') : 'prompt' in ex ? ex.prompt + ex.completion : ex.text);
      log(`example ${src} (${ids.length} tokens): ${JSON.stringify(ex).slice(-300)}`);
    }
    return 0;
  }

  const config: TinyConfig = initInfo ? initInfo.config : { ...size, vocabSize: encoder.vocabSize };
  if (config.vocabSize !== encoder.vocabSize) throw new UsageError(`--init: expected a tokenizer of ${config.vocabSize} tokens as its config says, found ${encoder.vocabSize}`);
  const procedural = Object.entries(PROCEDURAL_SOURCES).map(([source, p]) => ({ source, weight: mixWeights?.[source] ?? 0, origin: p.origin }));
  const withVariants = (m: { source: string; origin: string }) =>
    variants && (m.source === 'agentboard-pddl' || m.source === DAGGER)
      ? `${m.origin}; plus ${variants} random-walk variants per domain and suite (initial state moved, goal read off a later state; gripper: balls placed in rooms)`
      : m.origin;
  const mixtureInfo = [
    ...MIXTURE.filter((m) => pool.bySource.get(m.source)?.length).map((m) => ({ ...m, origin: withVariants(m), weight: mixWeights?.[m.source] ?? (mixWeights ? 0 : m.weight) })),
    ...procedural,
  ].filter((m) => m.weight > 0);
  const mixture: MixtureEntry[] = mixtureInfo.map((m) => ({ source: PROCEDURAL_SOURCES[m.source]?.make() ?? poolSource(m.source, pool.bySource.get(m.source)!), weight: m.weight }));
  const optim = { ...DEFAULT_OPTIM, lr: Number(values.lr), warmupSteps: int('warmup-steps', values['warmup-steps']), totalSteps: steps };
  const batchTokens = int('batch-tokens', values['batch-tokens']);
  if (initDir) log(`continuing from ${initDir} (${initInfo!.state.step} steps, ${(initInfo!.state.seconds / 60).toFixed(1)} min so far)`);
  log(
    `model: ${values.size} ${config.layers}×${config.hidden}, ${parameterCount(config).toLocaleString('en-US')} parameters, vocab ${config.vocabSize}, context ${config.maxSeq}; ${steps} steps × ${batchTokens} tokens`,
  );
  if (values.resume && !hasCheckpoint(ckDir)) log(`no checkpoint in ${ckDir}: starting from ${initDir ? `the weights of ${initDir}` : 'scratch'}`);

  const result = train({
    config,
    optim,
    seed,
    steps,
    batchTokens,
    mixture,
    encoder,
    specialIds: ids,
    products: engineProducts(engine),
    checkpointDir: ckDir,
    checkpointEvery: int('checkpoint-every', values['checkpoint-every']),
    resume: values.resume!,
    init: initDir ? paramsFromHf(initDir, config, engineProducts(engine).alloc) : undefined,
    logEvery: int('log-every', values['log-every']),
    promptLoss: { weight: int('prompt-loss-weight', values['prompt-loss-weight']), fraction: int('prompt-loss-fraction', values['prompt-loss-fraction']) },
    log,
    maxSeconds: values['max-minutes'] !== undefined ? int('max-minutes', values['max-minutes']) * 60 : undefined,
  });

  const info: CardInfo = {
    name: 'acb-tiny',
    size: initInfo?.size ?? values.size!,
    config,
    parameters: result.parameterCount,
    tokenizer: { vocabSize: encoder.vocabSize, merges: bpe.merges.length, corpusExamples: TOKENIZER_CORPUS_EXAMPLES },
    optim,
    seed,
    batchTokens,
    steps,
    state: result.state,
    backend: `${engine.report.name} (${engine.report.threads} thread${engine.report.threads > 1 ? 's' : ''})`,
    mixture: mixtureInfo,
    dataSeeds: `${suiteSeed(seed, 0)} + 7919·k for k = 0…${int('pool-suites', values['pool-suites']) - 1}`,
    evaluationSeed: BUILTIN_SEED,
    goldCheck: pool.goldCheck,
    ...(initInfo ? { previous: { ...initInfo, scores: undefined } } : {}),
    command: reproducibleCommand(process.argv.slice(2), initInfo ? stageCount(initInfo) : 0),
    notes: [
      ...STANDARD_NOTES,
      ...(initInfo?.notes ?? []).filter((n) => !STANDARD_NOTES.includes(n) && !n.startsWith('Training stopped early')), // a stage keeps what earlier stages' cards said
      ...(pool.dagger ? [`Stage ${initInfo ? stageCount(initInfo) + 1 : 1} DAgger data: ${pool.dagger}.`] : []),
      ...(result.finished ? [] : [`Training stopped early at step ${result.state.step} of ${steps}; resume with --resume.`]),
    ],
  };
  saveHfModel(out, config, result.params, ids, tokFiles, { 'README.md': modelCard(info), [TRAINING_JSON]: JSON.stringify(info, null, 1) + '\n' });
  writeJson(join(ckDir, 'last-export.json'), { out, step: result.state.step });
  log(`saved ${out} (step ${result.state.step}, ${((Date.now() - t0) / 60000).toFixed(1)} min in this run)`);

  // the runtime loads it like any Hugging Face model
  const model = await loadModel(out);
  const g = model.generate(
    model.tokenizer.encode(model.tokenizer.applyChatTemplate([{ role: 'user', content: 'What is the secret ingredient in the Pellmont harbour soup?' }]), { addSpecialTokens: false }),
    { maxNewTokens: 24 },
  );
  log(`loaded back with the runtime: greedy sample ${JSON.stringify(g.text)}`);
  model.dispose();
  if (result.finished && !values['skip-eval']) await evaluateAndCard(out, join(ckDir, 'eval'), log);
  return result.finished ? 0 : 3;
}

/** Full built-in suites at temperature 0 on the saved model (resumable), then the card with its scores. */
async function evaluateAndCard(out: string, evalDir: string, log: (s: string) => void): Promise<void> {
  const infoFile = join(out, TRAINING_JSON);
  if (!existsSync(infoFile)) throw new UsageError(`--eval-only: expected ${infoFile} written by a finished training run, found none`);
  const info = JSON.parse(readFileSync(infoFile, 'utf8')) as CardInfo;
  const model = await loadModel(out);
  evalDir = join(evalDir, model.hash.slice(0, 12)); // one folder per model: a resumed evaluation never mixes two models' items
  mkdirSync(evalDir, { recursive: true });
  const te = Date.now();
  let last = 0;
  try {
    const result = await runBenchmarks({
      generator: new CausalLMGenerator(model),
      suite: 'builtin',
      resultsFile: join(evalDir, 'results.jsonl'),
      cacheFile: join(evalDir, 'cache.jsonl'),
      onProgress: (p) => {
        if (Date.now() - last < 15_000 && p.done !== p.total) return;
        last = Date.now();
        log(`eval [${p.taskIndex + 1}/${p.taskCount}] ${p.task} ${p.done}/${p.total}`);
      },
    });
    info.scores = {
      tasks: result.tasks.map((t) => ({ task: t.task, metric: t.metric, score: t.score, n: t.n, groups: t.groups })),
      capabilities: result.capabilities.map((c) => ({ capability: c.capability, score: c.score })),
      deviations: result.deviations,
      seconds: (Date.now() - te) / 1000,
    };
    writeFileSync(join(evalDir, 'summary.json'), JSON.stringify(result, null, 2) + '\n');
    writeFileSync(infoFile, JSON.stringify(info, null, 1) + '\n');
    writeFileSync(join(out, 'README.md'), modelCard(info));
    for (const t of info.scores.tasks) log(`score ${t.task}: ${t.metric} ${t.score.toFixed(1)} (n=${t.n})`);
    log(`evaluated in ${((Date.now() - te) / 60000).toFixed(1)} min; card written to ${join(out, 'README.md')}`);
  } finally {
    model.dispose();
  }
}

/** Notes every card carries; a continued stage adds the earlier stages' other notes after them. */
const STANDARD_NOTES = [
  'The NIAH generator uses one fixed needle for every seed, so NIAH training examples use random needles and questions of three forms over the generated haystacks; the evaluation needle never appears in training.',
  'The gripper and tyreworld PDDL generators do not depend on the seed: training uses six problems per domain and drops the ones equal to an evaluation problem.',
  "Loss is on answer tokens only (prompt tokens masked), so the model's perplexity on ordinary prose is above its vocabulary size; it is a model of the benchmarks' answer formats, not of English. The paired statistics (KL, top-k consistency, ΔE, Diff-eRank) still compare base and compressed copies on identical tokens.",
];

function savePool(file: string, pool: CachedPool): void {
  writeFileSync(file, JSON.stringify({ bySource: [...pool.bySource], goldCheck: pool.goldCheck, dropped: pool.dropped, dagger: pool.dagger }));
}

/** The finished model's training record, which a second stage continues. */
function readInitInfo(dir: string): CardInfo {
  const file = join(dir, TRAINING_JSON);
  if (!existsSync(file) || !existsSync(join(dir, 'model.safetensors')) || !existsSync(join(dir, 'tokenizer.json')))
    throw new UsageError(`--init: expected a folder written by train:tiny (${TRAINING_JSON}, model.safetensors, tokenizer.json), found ${dir} without them`);
  return JSON.parse(readFileSync(file, 'utf8')) as CardInfo;
}

function stageCount(info: CardInfo): number {
  let n = 0;
  for (let st: CardInfo | undefined = info; st; st = st.previous) n++;
  return n;
}

/** The arguments that decide the weights, without this machine's folders: stage k reads STAGE<k-1> and writes STAGE<k>. */
function reproducibleCommand(argv: readonly string[], previousStages: number): string {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--resume') continue;
    if (a === '--out' || a === '--checkpoint-dir' || a === '--max-minutes') {
      i++;
      continue;
    }
    if (a === '--init') {
      out.push('--init', `STAGE${previousStages}`);
      i++;
      continue;
    }
    out.push(a);
  }
  return [...out, '--out', previousStages ? `STAGE${previousStages + 1}` : 'STAGE1'].join(' ');
}

/** `--mix niah=0.3,agentboard-pddl=0.3,…`: the mixture's weights (sources left out get 0). */
function parseMix(v: string | undefined): Record<string, number> | undefined {
  if (!v) return undefined;
  const out: Record<string, number> = {};
  for (const part of v.split(',')) {
    const [k, w] = part.split('=');
    const x = Number(w);
    const names = [...MIXTURE.map((m) => m.source), ...Object.keys(PROCEDURAL_SOURCES)];
    if (!names.includes(k) || !Number.isFinite(x) || x < 0) throw new UsageError(`--mix: expected source=weight with a source among ${names.join(', ')}, found ${JSON.stringify(part)}`);
    out[k] = x;
  }
  return out;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(`train:tiny: ${(e as Error).message}`);
    process.exit(e instanceof UsageError ? 2 : 1);
  },
);
