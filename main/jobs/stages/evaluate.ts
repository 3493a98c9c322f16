// The evaluate stage: every model under test on the chosen tasks. The benchmark runner keeps one
// resumable JSONL per model (runs/<runId>/eval/<model id>.jsonl); this stage mirrors finished items and
// task scores into the run's results log in the shapes the dashboards read (renderer/results/README.md).
import { join } from 'node:path';
import { itemsUnderLimit, type ExperimentSpec } from '../../spec/index.js';
import {
  CausalLMGenerator,
  DEVIATION_NOTES,
  deviationsFor,
  OpenAIEndpointGenerator,
  bootstrapHeadline,
  compareRuns,
  createTask,
  readResultsReport,
  resolveTaskIds,
  runBenchmarks,
  resolveSuiteDir,
  niahHeatmap,
  selectSimilarity,
  type BenchTask,
  type Capability,
  type PairedTask,
  type ResultRecord as BenchRecord,
  type ScoredTask,
  type TaskItem,
  type TextGenerator,
  type TextSimilarity,
} from '../../bench/index.js';
import { runDir } from '../../store/index.js';
import type { Stage, StageContext } from '../pipeline.js';
import type { ModelUnderTest } from '../models.js';
import type { RunState } from './run.js';
import { openGeneration, preferencesFromEnv } from '../../engines/index.js';

/** Prompts generated side by side: the runner's batch, and llama.cpp's sequences. */
const BENCH_BATCH = 4;

const BOOTSTRAP_ITERATIONS = 1000;

/** The suite's own items behind result records: aggregates group by their fields (NIAH length and depth, AgentBoard difficulty). */
function itemsOf(records: BenchRecord[], suite: ReadonlyMap<string, TaskItem> | undefined): TaskItem[] {
  return records.map((r) => suite?.get(r.id) ?? { id: r.id, group: r.group });
}

export function evaluateStage(run: RunState): Stage {
  const { spec, models, req, emitHeadline } = run;
  const taskIds = resolveTaskIds(spec.benchmarks.tasks);
  const evalDir = join(runDir(req.home, req.runId), 'eval');
  // T-Eval / WorfBench similarity (the spec's sentence-transformers folder, else the labelled lexical fallback) and the
  // tasks scoring with it: made when the stage starts, so a missing encoder folder fails the run there
  let similarity: TextSimilarity;
  let tasks: Map<string, BenchTask>;
  const perModel = new Map<string, Map<string, BenchRecord[]>>();
  const deviationGenerator = new Map<string, TextGenerator>();

  async function generatorFor(m: ModelUnderTest, ctx: StageContext): Promise<{ generator: TextGenerator; close(): Promise<void> | void }> {
    if (spec.model.kind === 'endpoint' && !m.config) {
      const { baseUrl, model } = spec.model;
      return { generator: new OpenAIEndpointGenerator({ baseUrl, model, apiKey: req.apiKey }), close() {} };
    }
    // llama.cpp where it computes this model exactly, else our decoder with the folder's runtime; the record says which and why
    const gen = await openGeneration(m.dir, req.engine ?? preferencesFromEnv(), { home: req.home, owner: req.runId, sequences: BENCH_BATCH, onMessage: (msg) => ctx.message(`${m.label}: ${msg}`) });
    const e = gen.tokens.engine;
    ctx.record(`engine:${m.label}:${Date.now()}`, 'log', {
      message: `${m.label}: generating on ${e.name} (${e.device}${e.totalLayers ? `, ${e.offloadedLayers}/${e.totalLayers} layers offloaded` : ''}${e.weights ? `, ${e.weights}` : ''})${e.reason ? ` — ${e.reason}` : ''}`,
      config: m.label,
      engine: e as unknown as Record<string, unknown>,
    });
    return { generator: new CausalLMGenerator(gen), close: () => gen.close() };
  }

  return {
    name: 'evaluate',
    total: models.length * taskIds.length,
    async run(ctx: StageContext) {
      similarity = await selectSimilarity(spec.benchmarks.similarityModel);
      tasks = new Map(taskIds.map((id) => [id, createTask(id, { similarity })]));
      // one unit per item per model: the benchmark runner's progress drives the count
      const suiteItems = await loadItems(spec, taskIds, tasks);
      ctx.setTotal(models.length * suiteItems.total);
      for (const m of models) {
        const file = join(evalDir, `${m.id}.jsonl`);
        const allDone = taskIds.every((t) => ctx.isDone(`score:${m.label}:${t}`));
        // each task's records and aggregate: as the runner scored them, or (finished in an earlier session) from its file
        let scored: Map<string, ScoredTask>;
        const earlier = readResultsReport(file); // what earlier sessions left: its unreadable lines are logged (the runner skips them)
        for (const u of earlier.unreadable) {
          const key = `unreadable:eval:${m.id}:${u.line}`;
          if (!ctx.isDone(key)) ctx.record(key, 'log', { message: `${m.label}: line ${u.line} of eval/${m.id}.jsonl could not be read and was skipped (${u.reason})`, config: m.label, line: u.line });
        }
        if (allDone) {
          for (let i = 0; i < suiteItems.total; i++) ctx.skip('resumed');
          scored = scoredFromFile(earlier.records, taskIds, tasks, suiteItems.byTask);
        } else {
          scored = new Map();
          const { generator, close } = await generatorFor(m, ctx);
          deviationGenerator.set(m.label, generator);
          try {
            let lastTask = -1;
            let counted = 0;
            await runBenchmarks({
              generator,
              suite: spec.benchmarks.suite,
              tasks: taskIds,
              limit: spec.benchmarks.limit,
              resultsFile: file,
              similarity,
              signal: ctx.signal,
              onTaskScored: (t) => scored.set(t.task.id, t),
              onProgress: (p) => {
                if (p.taskIndex !== lastTask) {
                  lastTask = p.taskIndex;
                  counted = 0;
                  for (; counted < p.done; counted++) ctx.skip('resumed'); // finished in an earlier session
                }
                if (p.done > counted) {
                  ctx.advance(p.done - counted);
                  counted = p.done;
                }
                ctx.message(`${m.label}: ${p.task} ${p.done}/${p.total}${p.etaSeconds !== undefined ? `, ${Math.round(p.etaSeconds)} s left in this task` : ''}`);
              },
            });
          } finally {
            await close();
          }
        }
        perModel.set(m.label, new Map([...scored].map(([id, t]) => [id, t.records])));
        for (const taskId of taskIds) {
          const key = `score:${m.label}:${taskId}`;
          if (ctx.isDone(key) || !scored.has(taskId)) continue;
          const task = tasks.get(taskId)!;
          const { records, items, score: agg } = scored.get(taskId)!;
          const scores = records.map((r) => r.scores);
          for (const r of records) {
            const itemKey = `item:${m.label}:${taskId}:${r.id}`;
            if (ctx.isDone(itemKey)) continue;
            ctx.record(itemKey, 'item', {
              task: taskId,
              config: m.label,
              id: r.id,
              group: r.group ?? null,
              score: r.scores.score ?? 0,
              scores: r.scores,
              prompt: r.prompt,
              output: r.output,
              parsed: r.parsed as unknown,
            });
          }
          if (taskId === 'niah') writeNiahCells(ctx, m.label, task, records);
          const groups = Object.entries(agg.groups ?? {});
          for (const [group, fields] of groups) {
            const [subtask, format] = group.split('/');
            const detailKey = `detail:${m.label}:${taskId}:${group}`;
            if (!ctx.isDone(detailKey))
              ctx.record(detailKey, 'score', {
                task: taskId,
                config: m.label,
                capability: task.capability,
                subtask,
                ...(format ? { format } : {}),
                score: (fields.score ?? fields[agg.metric] ?? 0) / 100,
                n: fields.n ?? 0,
              });
          }
          ctx.record(key, 'score', {
            task: taskId,
            config: m.label,
            capability: task.capability,
            metric: agg.metric,
            // where this task's numbers depart from the reference scorer, with what each label means
            deviations: [...new Set([...deviationsFor([taskId], spec.benchmarks.suite ?? 'builtin', similarity, deviationGenerator.get(m.label)), ...(task.deviations?.() ?? [])])].map((label) => ({
              label,
              note: DEVIATION_NOTES[label] ?? label,
            })),
            similarity: similarity.id,
            score: agg.score / 100,
            ci95: records.length > 1 ? bootstrapHeadline((sc, it) => task.aggregate(sc, it).score, items, scores, spec.seed, BOOTSTRAP_ITERATIONS) : null,
            n: agg.n,
            fields: agg.fields,
            notForPublication: spec.benchmarks.limit !== undefined,
            ...(records[0]?.engine ? { engine: records[0].engine } : {}),
          });
        }
      }
      emitDrops(ctx, models, taskIds, tasks, suiteItems.byTask, perModel, spec.seed, emitHeadline);
    },
  };
}

/** A model's records per task from its results file, aggregated as the runner does (for a model finished in an earlier session). */
function scoredFromFile(all: BenchRecord[], taskIds: string[], tasks: Map<string, BenchTask>, suite: Map<string, Map<string, TaskItem>>): Map<string, ScoredTask> {
  const scored = new Map<string, ScoredTask>();
  for (const taskId of taskIds) {
    const task = tasks.get(taskId)!;
    const records = all.filter((r) => r.task === taskId);
    const items = itemsOf(records, suite.get(taskId));
    scored.set(taskId, {
      task,
      items,
      records,
      score: task.aggregate(
        records.map((r) => r.scores),
        items,
      ),
    });
  }
  return scored;
}

/** Each task's items by id, and how many the run evaluates per model (the limit applied). */
async function loadItems(spec: ExperimentSpec, taskIds: string[], tasks: Map<string, BenchTask>): Promise<{ total: number; byTask: Map<string, Map<string, TaskItem>> }> {
  const dir = resolveSuiteDir(spec.benchmarks.suite);
  let total = 0;
  const byTask = new Map<string, Map<string, TaskItem>>();
  for (const id of taskIds) {
    const items = await tasks.get(id)!.load(dir);
    byTask.set(id, new Map(items.map((it) => [it.id, it])));
    total += itemsUnderLimit(items.length, spec.benchmarks.limit);
  }
  return { total, byTask };
}

function writeNiahCells(ctx: StageContext, label: string, task: BenchTask, records: BenchRecord[]): void {
  // NIAH item ids are "len<tokens>-depth<percent>": the grid coordinates of each cell
  const cells = records.map((r) => ({ m: /^len(\d+)-depth(\d+(?:\.\d+)?)$/.exec(r.id), r })).filter((c) => c.m);
  const items = cells.map((c) => ({ id: c.r.id, contextLength: Number(c.m![1]), depthPercent: Number(c.m![2]) }));
  const grid = niahHeatmap(
    items as never,
    cells.map((c) => c.r.scores),
  );
  grid.depths.forEach((depth, di) =>
    grid.lengths.forEach((length, li) => {
      const z = grid.z[di][li];
      const key = `niah:${label}:${length}:${depth}`;
      if (z !== null && !ctx.isDone(key)) ctx.record(key, 'score', { task: task.id, config: label, contextLength: length, depth: depth / 100, score: z, subtask: 'cell' });
    }),
  );
}

/** Paired-bootstrap drops of each compressed model vs base, per task and capability (bench's compareRuns). */
function emitDrops(
  ctx: StageContext,
  models: ModelUnderTest[],
  taskIds: string[],
  tasks: Map<string, BenchTask>,
  suite: Map<string, Map<string, TaskItem>>,
  perModel: Map<string, Map<string, BenchRecord[]>>,
  seed: number,
  emitHeadline: (h: Record<string, number>) => void,
): void {
  const base = perModel.get('base');
  if (!base) return;
  const headline: Record<string, number> = {};
  for (const m of models.slice(1)) {
    const key = `drops:${m.label}`;
    const recorded = ctx.recorded(key);
    if (recorded) {
      // finished in an earlier session: its headline again, in case that session died before the index was written
      for (const cap of (recorded.data.capabilities as { capability: string; absolute: number }[] | undefined) ?? []) headline[`${m.label}/${cap.capability}`] = -cap.absolute / 100;
      continue;
    }
    const mine = perModel.get(m.label)!;
    const paired: PairedTask[] = [];
    for (const taskId of taskIds) {
      const b = new Map((base.get(taskId) ?? []).map((r) => [r.id, r]));
      const c = (mine.get(taskId) ?? []).filter((r) => b.has(r.id));
      if (c.length === 0) continue;
      const task = tasks.get(taskId)!;
      paired.push({
        task: taskId,
        capability: task.capability as Capability,
        headline: (scores, items) => task.aggregate(scores, items).score,
        items: itemsOf(c, suite.get(taskId)),
        base: c.map((r) => b.get(r.id)!.scores),
        compressed: c.map((r) => r.scores),
      });
    }
    const comparison = compareRuns(paired, { iterations: BOOTSTRAP_ITERATIONS, seed });
    ctx.record(key, 'analysis', { metric: 'drops', config: m.label, method: 'paired bootstrap (1000 resamples, seeded)', tasks: comparison.tasks, capabilities: comparison.capabilities });
    for (const cap of comparison.capabilities) headline[`${m.label}/${cap.capability}`] = -cap.absolute / 100; // change vs base, as a fraction
  }
  if (Object.keys(headline).length) emitHeadline(headline);
}
