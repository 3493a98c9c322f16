// The real stages of an experiment run: load → calibrate → compress → evaluate → analyse.
// Each unit of work is one keyed record in the run's results.jsonl, so a resumed run skips it.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { configLabel, modelFolder } from '../spec/index.js';
import { BpeTokenizer, Checkpoint, loadModel, residencyFor, type CausalLM } from '../model/index.js';
import { modelFolderHash } from '../engines/index.js';
import { compressToFolder, loadCalibration, needsCalibration, shouldStream, type CalibrationSet } from '../compress/index.js';
import { analyzePair, analysisHeadline, type PairAnalysis } from '../analysis/index.js';
import { runDir } from '../store/index.js';
import { builtinModelDir } from '../base/index.js';
import { inProcessExecutor, type Executor, type RunRequest, type StagePlanner } from './queue.js';
import { workerExecutor, type RunSpawner } from './worker-executor.js';
import type { Stage, StageContext } from './pipeline.js';
import { evaluateStage } from './evaluate.js';
import { compressedModelId, type ModelUnderTest } from './models.js';
import { analysisViews, compressionViews } from './views.js';


export class PipelineSpecError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PipelineSpecError';
  }
}



export const planStages: StagePlanner = (req, emitHeadline) => {
  const spec = req.spec; // parsed where it entered: startRun read it from the history with the spec's rules
  const baseDir = modelFolder(spec.model, builtinModelDir);
  const compressions = spec.compressions.map((config, index) => ({ config, index })).filter(({ config }) => config.method !== 'none');
  if (baseDir && !existsSync(join(baseDir, 'config.json')))
    throw new PipelineSpecError(`expected a Hugging Face model folder with config.json at ${baseDir}, found ${existsSync(baseDir) ? 'no config.json' : 'no such folder'}`);
  const modelsDir = join(runDir(req.home, req.runId), 'models');
  // folders are named by an id from the configuration's place in the spec (fixed for a run: the spec hash is), never by its label
  const models: ModelUnderTest[] = [
    { id: 'base', label: 'base', config: null, dir: baseDir ?? '' },
    ...compressions.map(({ config, index }) => ({ id: compressedModelId(index), label: configLabel(config), config, dir: join(modelsDir, compressedModelId(index)) })),
  ];
  let calibration: CalibrationSet | undefined;
  let base: CausalLM | undefined;
  let tokenizer: BpeTokenizer | undefined;
  const baseTokenizer = () => (tokenizer ??= BpeTokenizer.fromDir(baseDir!));
  const needCalibration = compressions.some(({ config: c }) => needsCalibration(c.method as Parameters<typeof needsCalibration>[0]));

  const stages: Stage[] = [];
  if (baseDir)
    stages.push({
      name: 'load',
      total: 1,
      async run(ctx) {
        // the folder is checked and hashed here; the weights load only where a stage computes with them
        ctx.message(`reading ${baseDir}`);
        const ckpt = Checkpoint.open(baseDir);
        baseTokenizer();
        if (!ctx.isDone('load:base')) {
          const c = ckpt.config;
          ctx.finish('load:base', 'log', { message: `read ${baseDir}`, model: baseDir, hash: modelFolderHash(baseDir), architecture: c.architecture, layers: c.numLayers, hidden: c.hiddenSize, vocab: c.vocabSize, bytes: ckpt.bytes });
        } else ctx.skip('load:base');
      },
    });
  if (needCalibration)
    stages.push({
      name: 'calibrate',
      total: 1,
      async run(ctx) {
        ctx.message(`sampling ${spec.calibration.samples} × ${spec.calibration.seqlen} calibration tokens`);
        calibration = loadCalibration(baseTokenizer(), spec.calibration);
        const key = 'calibrate';
        const previous = ctx.recorded(key);
        if (previous && previous.data.hash !== calibration.hash)
          throw new PipelineSpecError(`the calibration set changed since this run started (hash ${String(previous.data.hash).slice(0, 12)} → ${calibration.hash.slice(0, 12)}); start a new run`);
        if (previous) ctx.skip(key);
        else ctx.finish(key, 'log', { message: `calibration: ${calibration.samples.length} × ${calibration.seqlen} tokens from ${calibration.source}`, source: calibration.source, samples: calibration.samples.length, seqlen: calibration.seqlen, seed: spec.calibration.seed, hash: calibration.hash });
      },
    });
  if (compressions.length)
    stages.push({
      name: 'compress',
      total: compressions.length,
      async run(ctx) {
        for (const m of models.slice(1)) {
          const key = `compress:${m.label}`;
          if (ctx.isDone(key) && existsSync(join(m.dir, 'config.json'))) {
            ctx.skip(key);
            continue;
          }
          // compression edits the weights in place: start from the folder each time; layer at a time when float32 would not fit
          const streamed = shouldStream(Checkpoint.open(baseDir!).config);
          const model = await loadModel(baseDir!, { residency: streamed ? 'streamed' : 'resident' });
          calibration ??= needsCalibration(m.config!.method as Parameters<typeof needsCalibration>[0]) ? loadCalibration(baseTokenizer(), spec.calibration) : undefined;
          const outcome = await compressToFolder(model, m.config!, calibration, m.dir, 'fake', {
            streamed,
            signal: ctx.signal,
            onProgress: (p) => ctx.message(`${m.label}: ${p.message}`),
          });
          model.dispose();
          const [own, base] = compressionViews(m.label, outcome.report, !ctx.isDone('view:compression:base'));
          if (base) ctx.record(base.key, base.kind, base.data);
          ctx.finish(key, 'compression', { ...own.data, label: m.label, spec: m.config, dir: m.dir, report: outcome.report as unknown as Record<string, unknown> });
        }
      },
    });
  if (spec.benchmarks.tasks.length) stages.push(evaluateStage(spec, models, req, emitHeadline));
  if (spec.analysis.enabled && compressions.length)
    stages.push({
      name: 'analyse',
      total: compressions.length,
      async run(ctx: StageContext) {
        const residency = residencyFor(Checkpoint.open(baseDir!).config);
        for (const m of models.slice(1)) {
          const key = `analysis:${m.label}`;
          const recorded = ctx.recorded(key);
          if (recorded) {
            ctx.skip(key);
            emitHeadline(Object.fromEntries(Object.entries(analysisHeadline(recorded.data as unknown as PairAnalysis)).map(([k, v]) => [`${m.label}/${k}`, v]))); // in case the session that finished it died before the index was written
            continue;
          }
          base ??= await loadModel(baseDir!, { residency }); // loaded only when a pair is left to analyse
          const compressed = await loadModel(m.dir, { residency });
          const result = await analyzePair(base, compressed, {
            sequences: spec.analysis.sequences,
            seqlen: spec.analysis.seqlen,
            signal: ctx.signal,
            onProgress: (p) => ctx.message(`statistics ${m.label}: ${p.message}`),
          });
          compressed.dispose();
          for (const view of analysisViews(m.label, result, !ctx.isDone('view:perplexity:base'))) if (!ctx.isDone(view.key)) ctx.record(view.key, view.kind, view.data);
          ctx.finish(key, 'analysis', { label: m.label, metric: 'pair', ...(result as unknown as Record<string, unknown>) });
          emitHeadline(Object.fromEntries(Object.entries(analysisHeadline(result)).map(([k, v]) => [`${m.label}/${k}`, v])));
        }
      },
    });
  return stages;
};

/** The run worker when the built file is there (dist/main/run-worker.js), else in this process. */
export function defaultExecutor(spawn?: RunSpawner): Executor {
  // the run's entry (main/app/run-worker.ts) is bundled beside this code in dist/main/; from the sources, runs stay in this process
  const built = fileURLToPath(new URL('./run-worker.js', import.meta.url));
  return existsSync(built) ? workerExecutor(built, undefined, spawn) : inProcessExecutor(planStages);
}

export type { RunRequest };
