// DAgger for the PDDL environments (Ross et al., 2011): the model's own episodes, each visited state
// labelled with the planner's next action. Imitation of the expert's states alone leaves the model lost
// in the states its own mistakes lead to (it repeats an action the state no longer allows); here those
// states are in the data, with the way out.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LexicalSimilarity, createTask, generateFor, type EpisodeStep, type EpisodeTask, type TaskContext, type TaskItem, type TextGenerator } from '../bench/index.js';
import { seededRandom } from '../model/index.js';
import type { TrainingExample } from './data.js';
import { evaluationKeys, planStrips, suiteSeed, withAnswer, writeSuite, type Ground, type StripsLike } from './pool.js';

/** β of the shipped stage: the planner acts in 30 % of the steps, so the model's own mistakes fill most episodes. */
export const DAGGER_BETA = 0.3;

export interface DaggerOptions {
  /** probability that a step executes the expert's action instead of the model's (β of DAgger) */
  beta: number;
  /** episodes run side by side in one batched generation */
  batch: number;
  r: () => number;
  signal?: AbortSignal;
}

export interface DaggerResult {
  examples: TrainingExample[];
  /** mean progress rate of the mixed policy's episodes */
  progress: number;
  /** share of steps where the model's own action equalled the expert's */
  agreement: number;
  steps: number;
  /** episodes run */
  episodes: number;
  beta: number;
}

/** One line for the log and the model card. */
export function daggerSummary(res: DaggerResult): string {
  return `${res.episodes} PDDL episodes of the init model (β ${res.beta}) → ${res.examples.length} labelled states; model agrees with the planner on ${(100 * res.agreement).toFixed(1)}% of ${res.steps} steps, mixed-policy progress ${(100 * res.progress).toFixed(1)}%`;
}

const actionText = (a: Ground) => [a.name, ...a.args].join(' ');

interface Episode {
  item: TaskItem;
  env: ReturnType<EpisodeTask<TaskItem>['reset']>;
  world: StripsLike;
  history: EpisodeStep[];
  progress: number;
  done: boolean;
}

/** Runs the mixed policy on every item; every state where the planner finds a plan becomes an example (prompt → its first action). */
export async function daggerEpisodes(task: EpisodeTask<TaskItem>, items: readonly TaskItem[], generator: TextGenerator, o: DaggerOptions): Promise<DaggerResult> {
  const examples: TrainingExample[] = [];
  let progressSum = 0,
    agree = 0,
    steps = 0;
  for (let i = 0; i < items.length; i += o.batch) {
    const eps: Episode[] = items.slice(i, i + o.batch).map((item) => {
      const env = task.reset(item);
      return { item, env, world: (env as unknown as { world: StripsLike }).world, history: [], progress: 0, done: false };
    });
    for (let t = 0; t < task.maxSteps; t++) {
      const active = eps.filter((e) => !e.done);
      if (!active.length) break;
      const prompts = active.map((e) => task.prompt(e.item, e.env, e.history));
      const settings = { ...task.settings(active[0].item), signal: o.signal };
      const outs = generator.generateMany ? await generator.generateMany(prompts, settings) : await Promise.all(prompts.map((p) => generateFor(generator, p, settings)));
      active.forEach((e, j) => {
        const plan = planStrips(e.world);
        if (!plan?.length) {
          e.done = true; // no plan within the planner's budget (or already solved): nothing to label
          return;
        }
        const expert = actionText(plan[0]);
        examples.push(withAnswer(prompts[j], expert));
        const own = task.parseAction(outs[j]);
        steps++;
        if (own.trim().toLowerCase() === expert) agree++;
        const action = o.r() < o.beta ? expert : own;
        const res = e.env.step(action);
        e.history.push({ action, observation: res.observation, progress: res.progress });
        e.progress = Math.max(e.progress, res.progress);
        if (res.done) e.done = true;
      });
    }
    progressSum += eps.reduce((a, e) => a + e.progress, 0);
  }
  return { examples, progress: progressSum / Math.max(1, items.length), agreement: agree / Math.max(1, steps), steps, episodes: items.length, beta: o.beta };
}

/**
 * DAgger data from training suites (seeds suiteSeed(seed, 1000 + k), never an evaluation problem):
 * `episodes` PDDL problems taken round-robin over the domains.
 */
export async function buildDaggerPddl(
  seed: number,
  episodes: number,
  generator: TextGenerator,
  log: (s: string) => void,
  opts: { beta?: number; batch?: number; signal?: AbortSignal; pddlVariants?: number } = {},
): Promise<DaggerResult> {
  const ctx: TaskContext = { similarity: new LexicalSimilarity() };
  const task = createTask('agentboard-pddl', ctx) as EpisodeTask<TaskItem>;
  const evalKeys = await evaluationKeys(ctx);
  const root = mkdtempSync(join(tmpdir(), 'acb-tiny-dagger-'));
  const items: TaskItem[] = [];
  try {
    for (let k = 0; items.length < episodes && k < 200; k++) {
      const dir = writeSuite(root, suiteSeed(seed, 1000 + k), opts.pddlVariants ?? 0);
      const loaded = await task.load(dir);
      for (const it of loaded) {
        const env = task.reset(it);
        if (!evalKeys.has(`${env.goal}\n${env.initialObservation}`)) items.push({ ...it, id: `dagger-${k}:${it.id}` });
      }
      rmSync(dir, { recursive: true, force: true });
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  // round-robin over domains so that a short run still sees every domain
  const byGroup = new Map<string, TaskItem[]>();
  for (const it of items) byGroup.set(it.group ?? '', [...(byGroup.get(it.group ?? '') ?? []), it]);
  const chosen: TaskItem[] = [];
  for (let j = 0; chosen.length < episodes && j < items.length; j++) for (const g of byGroup.values()) if (g[j] && chosen.length < episodes) chosen.push(g[j]);
  const t0 = Date.now();
  const res = await daggerEpisodes(task, chosen, generator, { beta: opts.beta ?? DAGGER_BETA, batch: opts.batch ?? 16, r: seededRandom(seed * 131 + 17), signal: opts.signal });
  log(`dagger: ${daggerSummary(res)} (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
  return res;
}
