// The training data of acb-tiny: the built-in suites' own seeded generators run with training seeds
// (never the evaluation seed), loaded and prompted by the benchmark tasks themselves, answered with each
// task's gold answer (or an expert's next action in the multi-step environments). Prompts equal to an
// evaluation prompt are dropped.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  toJs,
  BUILTIN_SEED,
  LexicalSimilarity,
  builtinSuiteDir,
  createTask,
  generateAgentBoard,
  generateSuiteFiles,
  type BenchTask,
  type ChatTurn,
  type EpisodeStep,
  type EpisodeTask,
  type Environment,
  type Prompt,
  type SingleTurnTask,
  type TaskContext,
  type TaskItem,
} from '../bench/index.js';
import { seededRandom } from '../model/index.js';
import { tasksOfBenchmarks } from '../results/index.js';
import type { TrainingExample } from './data.js';
import { randomNeedle } from './needles.js';
// ---------------------------------------------------------------------------------------------------
// configuration

/** Where each training source's examples come from (the training report prints it). */
const ORIGINS: Record<string, string> = {
  't-eval': 'T-Eval generator (instruct, plan, reason, retrieve, understand, review; JSON and string) → gold answer',
  worfbench: 'WorfBench generator (function-call, embodied, problem-solving, open-grounded) → gold workflow',
  'agentboard-pddl':
    "AgentBoard PDDL generator, 6 problems per domain → planner (weighted A*) actions step by step, 15% random detours and 10% invalid actions (left in the history), each followed by the planner's recovery",
  'agentboard-pddl-dagger':
    "DAgger on AgentBoard PDDL (needs --init): the init model's own greedy episodes on training problems, each step executing the planner's action with probability β (0.3) and the model's otherwise; every visited state → the planner's next action",
  'agentboard-tool-query': 'AgentBoard academia tool world → expert tool calls step by step',
  'agentboard-tool-operation': 'AgentBoard to-do tool world → expert tool calls step by step',
  niah: 'NIAH task prompts over the generated haystacks with random needles (never the evaluation needle; answers of made-up words, haystack words and themed words), 64–1024 tokens, random depths → the needle sentence',
  longbench: 'LongBench generator (all 12 datasets) → first gold answer',
  longgenbench: 'LongGenBench GSM8K- and MMLU-style generators → all answers in order',
};

/** Example-level mixture weights (a batch draws each example's source by weight), in the order batches list them. */
const WEIGHTS: Record<string, number> = {
  't-eval': 0.24,
  worfbench: 0.14,
  'agentboard-pddl': 0.16,
  'agentboard-pddl-dagger': 0,
  'agentboard-tool-query': 0.05,
  'agentboard-tool-operation': 0.05,
  niah: 0.14,
  longbench: 0.14,
  longgenbench: 0.08,
};

export const MIXTURE: { source: string; weight: number; origin: string }[] = Object.entries(WEIGHTS).map(([source, weight]) => ({ source, weight, origin: ORIGINS[source] }));

/** The evaluation tasks whose prompts training never sees, in the order pool suites draw them (the order fixes the pool). */
export const EVAL_TASKS = tasksOfBenchmarks(['teval', 'worfbench', 'agentboard', 'longbench', 'longgenbench']);
const sourceOf = (taskId: string) => (taskId.startsWith('longbench') ? 'longbench' : taskId.startsWith('longgenbench') ? 'longgenbench' : taskId);

/** Training suite seeds: far from the evaluation seed, one per pool suite. */
export function suiteSeed(seed: number, k: number): number {
  const s = 1_000_000 + seed * 10_007 + k * 7919;
  if (s === BUILTIN_SEED) throw new Error('a training seed collides with the evaluation seed');
  return s;
}

// ---------------------------------------------------------------------------------------------------
// small helpers

const seeded = seededRandom;
const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];

/** Python's repr of JSON values, as T-Eval prints gold arguments. */
function pyRepr(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') return `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  if (Array.isArray(v)) return `[${v.map(pyRepr).join(', ')}]`;
  return `{${Object.entries(v as Record<string, unknown>)
    .map(([k, x]) => `${pyRepr(k)}: ${pyRepr(x)}`)
    .join(', ')}}`;
}

/** {"a": 1, "b": "x"} with a space after each colon, as the AgentBoard examples write tool inputs. */
function toolJson(args: Record<string, unknown>): string {
  return `{${Object.entries(args)
    .map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)}`)
    .join(', ')}}`;
}

const promptKey = (p: Prompt) => JSON.stringify(p);

export function withAnswer(p: Prompt, answer: string): TrainingExample {
  return p.kind === 'chat' ? { turns: [...p.turns, { role: 'assistant', content: answer } as ChatTurn] } : { prompt: p.text, completion: answer };
}

// ---------------------------------------------------------------------------------------------------
// gold answers of the single-turn tasks

type AnyItem = TaskItem & Record<string, unknown>;

function goldAnswer(taskId: string, item: AnyItem): string | undefined {
  if (taskId === 't-eval') return tevalGold(item);
  if (taskId === 'worfbench') return item.gold as string;
  if (taskId.startsWith('longbench')) return (item.answers as string[])[0];
  if (taskId.startsWith('longgenbench')) return longGenGold(item);
  return undefined;
}

function tevalGold(item: AnyItem): string | undefined {
  const gt = toJs(item.groundTruth as Parameters<typeof toJs>[0]) as Record<string, unknown> | unknown[];
  const g = gt as Record<string, unknown>;
  switch (item.ability as string) {
    case 'instruct': {
      const t = item.template as Record<string, string>;
      if (item.format === 'json') return JSON.stringify({ [t.thought]: g.thought, [t.action]: g.action, [t.args]: g.args });
      return `${t.thought_start}${g.thought}${t.thought_end}${t.action_start}${g.action}${t.action_end}${t.args_start}${JSON.stringify(g.args)}${t.args_end}`;
    }
    case 'plan': {
      const steps = gt as { id: number; name: string; args: Record<string, unknown> }[];
      if (item.format === 'json') return JSON.stringify(steps);
      return steps.map((s) => (s.name === 'FinishAction' ? 'FinishAction' : `${s.name} with ${pyRepr(s.args)}`)).join('\n');
    }
    case 'reason':
      return String(g.thought);
    case 'retrieve':
      return String(g.name);
    case 'understand':
      return typeof g.args === 'string' ? g.args : JSON.stringify(g.args);
    case 'rru':
      return JSON.stringify({ thought: g.thought, name: g.name, args: g.args });
    case 'review':
      return `Answer: ${String(g.answer)}`;
  }
  return undefined;
}

function longGenGold(item: AnyItem): string {
  const answers = item.answers as string[];
  const nums = [...(item.prompt as string).matchAll(/Question_(\d+):/g)].map((m) => Number(m[1]));
  const ids = nums.slice(-answers.length);
  return answers
    .map((a, i) => {
      if (item.style === 'mmlu') return `Answer_${ids[i]}: The answer is (${a.trim()}).`;
      const [work, final] = a.split('####');
      return `Answer_${ids[i]}:\n${work.trim()}\nThe answer is ${final.trim().replace(/,/g, '')}.`;
    })
    .join('\n\n');
}

// ---------------------------------------------------------------------------------------------------
// experts of the multi-step environments

export interface Ground {
  name: string;
  args: string[];
}
/** What the planner needs of the PDDL environment's STRIPS world (duck-typed: the class is internal to bench). */
export interface StripsLike {
  state: Set<string>;
  validActions(): Ground[];
  apply(a: Ground): boolean;
  progress(): number;
}

/** Weighted A* (f = g + 2·unsatisfied goals) over STRIPS states; undefined when no plan within the budget. */
export function planStrips(world: StripsLike, maxExpansions = 20_000): Ground[] | undefined {
  const start = new Set(world.state);
  const key = (s: Set<string>) => [...s].sort().join('|');
  interface Node {
    state: Set<string>;
    g: number;
    f: number;
    plan: Ground[];
  }
  const h = () => 20 * (1 - world.progress()); // 2 × (unsatisfied fraction of the goal) × 10
  const open: Node[] = [{ state: start, g: 0, f: h(), plan: [] }];
  const seen = new Set<string>([key(start)]);
  let expansions = 0;
  try {
    while (open.length && expansions < maxExpansions) {
      let bi = 0;
      for (let i = 1; i < open.length; i++) if (open[i].f < open[bi].f || (open[i].f === open[bi].f && open[i].g < open[bi].g)) bi = i;
      const node = open.splice(bi, 1)[0];
      world.state = new Set(node.state);
      if (world.progress() >= 1) return node.plan;
      expansions++;
      for (const a of world.validActions()) {
        world.state = new Set(node.state);
        if (!world.apply(a)) continue;
        const k = key(world.state);
        if (seen.has(k)) continue;
        seen.add(k);
        open.push({ state: world.state, g: node.g + 1, f: node.g + 1 + h(), plan: [...node.plan, a] });
      }
    }
    return undefined;
  } finally {
    world.state = start;
  }
}

interface Rollout {
  examples: TrainingExample[];
  progress: number;
}

/** A well-formed action the state does not allow: the expert's next action with one argument swapped for another object. */
function invalidAction(world: StripsLike, next: Ground, r: () => number): string | undefined {
  const text = (a: Ground) => [a.name, ...a.args].join(' ');
  const valid = new Set(world.validActions().map(text));
  const objects = [...new Set(world.validActions().flatMap((a) => a.args))];
  for (let tries = 0; tries < 8 && next.args.length && objects.length > 1; tries++) {
    const args = [...next.args];
    args[Math.floor(r() * args.length)] = pick(r, objects);
    const t = [next.name, ...args].join(' ');
    if (!valid.has(t)) return t;
  }
  return undefined;
}

/**
 * The planner's actions step by step. Detours: a random valid action (then a new plan), or a mistake — an
 * action the state does not allow, whose "not valid" observation stays in the history — so the model also
 * learns to go on after an error, which its own episodes contain and the expert's never would.
 */
export function rolloutPddl(task: EpisodeTask<TaskItem>, item: TaskItem, r: () => number, detour = 0.15, mistake = 0.1): Rollout | undefined {
  const env = task.reset(item);
  const world = (env as unknown as { world: StripsLike }).world;
  let plan = planStrips(world);
  if (!plan) return undefined;
  const history: EpisodeStep[] = [];
  const examples: TrainingExample[] = [];
  let progress = 0;
  const text = (a: Ground) => [a.name, ...a.args].join(' ');
  while (history.length < task.maxSteps && plan.length) {
    if (r() < detour && history.length + plan.length + 2 < task.maxSteps) {
      const valid = world.validActions().filter((a) => text(a) !== text(plan![0]));
      if (valid.length) {
        const a = pick(r, valid);
        const res = env.step(text(a));
        history.push({ action: text(a), observation: res.observation, progress: res.progress });
        const again = planStrips(world);
        if (!again) return undefined;
        plan = again;
        if (!plan.length) break;
      }
    }
    if (r() < mistake && history.length + plan.length + 2 < task.maxSteps) {
      const wrong = invalidAction(world, plan[0], r);
      if (wrong) {
        const res = env.step(wrong);
        history.push({ action: wrong, observation: res.observation, progress: res.progress });
      }
    }
    const action = text(plan.shift()!);
    examples.push(withAnswer(task.prompt(item, env, history), action));
    const res = env.step(action);
    history.push({ action, observation: res.observation, progress: res.progress });
    progress = Math.max(progress, res.progress);
    if (res.done) break;
  }
  return { examples, progress };
}

interface ToolWorldJson {
  kind: 'academia' | 'todo';
  papers?: { title: string; authors: string[]; year: number; venue: string; n_citation: number }[];
  authors?: { name: string; org: string }[];
  projects?: { id: string; name: string; tasks: { id: string; content: string; duration: number }[] }[];
}

/** The expert's tool calls for the five goal forms of the built-in tool worlds. */
function toolPlan(goal: string, w: ToolWorldJson): [string, Record<string, unknown>][] | undefined {
  const paper = (t: string) => w.papers?.find((p) => p.title === t);
  let m: RegExpExecArray | null;
  if ((m = /^How many citations does the paper "(.+)" have\?$/.exec(goal)) && paper(m[1])) {
    return [
      ['loadPaperNet', {}],
      ['paperNodeCheck', { node: m[1] }],
      ['finish', { answer: String(paper(m[1])!.n_citation) }],
    ];
  }
  if ((m = /^In which year was "(.+)" published, and at which venue\?/.exec(goal)) && paper(m[1])) {
    const p = paper(m[1])!;
    return [
      ['loadPaperNet', {}],
      ['paperNodeCheck', { node: m[1] }],
      ['finish', { answer: `${p.year}, ${p.venue}` }],
    ];
  }
  if ((m = /^Which organisation is the first author of "(.+)" from\?$/.exec(goal)) && paper(m[1])) {
    const first = paper(m[1])!.authors[0];
    const org = w.authors?.find((a) => a.name === first)?.org;
    if (!org) return undefined;
    return [
      ['loadPaperNet', {}],
      ['paperNodeCheck', { node: m[1] }],
      ['loadAuthorNet', {}],
      ['authorNodeCheck', { node: first }],
      ['finish', { answer: org }],
    ];
  }
  const job = (content: string, project: string) => {
    const p = w.projects?.find((x) => x.name === project);
    const t = p?.tasks.find((x) => x.content === content);
    return p && t ? { p, t } : undefined;
  };
  if ((m = /^Mark the task "(.+)" in project "(.+)" as completed\.$/.exec(goal)) && job(m[1], m[2])) {
    const { p, t } = job(m[1], m[2])!;
    return [
      ['get_projects', {}],
      ['get_tasks', { project_id: p.id }],
      ['complete_task', { task_id: t.id }],
      ['finish', { answer: 'done' }],
    ];
  }
  if ((m = /^How long will the task "(.+)" in project "(.+)" take\?/.exec(goal)) && job(m[1], m[2])) {
    const { p, t } = job(m[1], m[2])!;
    return [
      ['get_projects', {}],
      ['get_tasks', { project_id: p.id }],
      ['get_task_duration', { task_id: t.id }],
      ['finish', { answer: `${t.duration} minutes` }],
    ];
  }
  return undefined;
}

function rolloutTool(task: EpisodeTask<TaskItem>, item: AnyItem): Rollout | undefined {
  const world = (item.additional as { world: ToolWorldJson }).world;
  const calls = toolPlan(item.goal as string, world);
  if (!calls) return undefined;
  const env: Environment = task.reset(item);
  const history: EpisodeStep[] = [];
  const examples: TrainingExample[] = [];
  let progress = 0;
  for (const [name, args] of calls) {
    const action = `${name} with Action Input: ${toolJson(args)}`;
    examples.push(withAnswer(task.prompt(item, env, history), action));
    const res = env.step(task.parseAction(action));
    history.push({ action: task.parseAction(action).replace(/^Action:\s*/, ''), observation: res.observation, progress: res.progress });
    progress = Math.max(progress, res.progress);
  }
  return { examples, progress };
}

// ---------------------------------------------------------------------------------------------------
// the example pool

export interface Pool {
  bySource: Map<string, TrainingExample[]>;
  goldCheck: Record<string, number>;
  dropped: Record<string, number>;
  suiteDirs: string[];
}

export function writeSuite(root: string, seed: number, pddlVariants = 0): string {
  const dir = join(root, `suite-${seed}`);
  const { files } = generateSuiteFiles(seed);
  const ab = generateAgentBoard(seed, 6, 30, pddlVariants); // more PDDL problems and tool episodes than the evaluation suite
  for (const [p, text] of Object.entries(ab.files)) files[`agentboard/${p}`] = text;
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, p)), { recursive: true });
    writeFileSync(join(dir, p), text);
  }
  return dir;
}

/** Keys of every evaluation prompt (single-turn prompts, and episode goals + first observations). */
export async function evaluationKeys(ctx: TaskContext): Promise<Set<string>> {
  const keys = new Set<string>();
  const dir = builtinSuiteDir();
  for (const id of EVAL_TASKS) {
    const task = createTask(id, ctx) as BenchTask;
    let items: TaskItem[];
    try {
      items = await task.load(dir);
    } catch {
      continue;
    }
    for (const it of items) {
      if (task.kind === 'single') keys.add(promptKey(task.prompt(it)));
      else {
        const env = task.reset(it);
        keys.add(`${env.goal}\n${env.initialObservation}`);
      }
    }
  }
  return keys;
}

/** `pddlVariants`: random-walk PDDL problems per domain and suite besides the generator's six. */
export async function buildPool(seed: number, suites: number, log: (s: string) => void, pddlVariants = 0): Promise<Pool> {
  const ctx: TaskContext = { similarity: new LexicalSimilarity() };
  const evalKeys = await evaluationKeys(ctx);
  const root = mkdtempSync(join(tmpdir(), 'acb-tiny-data-'));
  const bySource = new Map<string, TrainingExample[]>();
  const goldSum: Record<string, { sum: number; n: number }> = {};
  const dropped: Record<string, number> = {};
  const suiteDirs: string[] = [];
  const add = (source: string, ex: TrainingExample) => {
    if (!bySource.has(source)) bySource.set(source, []);
    bySource.get(source)!.push(ex);
  };
  const check = (taskId: string, v: number) => {
    const g = (goldSum[taskId] ??= { sum: 0, n: 0 });
    g.sum += v;
    g.n++;
  };
  for (let k = 0; k < suites; k++) {
    const s = suiteSeed(seed, k);
    const dir = writeSuite(root, s, pddlVariants);
    suiteDirs.push(dir);
    const r = seeded(s);
    for (const id of EVAL_TASKS) {
      const task = createTask(id, ctx) as BenchTask;
      const items = (await task.load(dir)) as AnyItem[];
      for (const item of items) {
        if (task.kind === 'single') {
          const t = task as SingleTurnTask<TaskItem, unknown>;
          const prompt = t.prompt(item);
          if (evalKeys.has(promptKey(prompt))) {
            dropped[id] = (dropped[id] ?? 0) + 1;
            continue;
          }
          const gold = goldAnswer(id, item);
          if (gold === undefined) continue;
          check(id, t.score(item, t.parse(gold, item)).score ?? 0);
          add(sourceOf(id), withAnswer(prompt, gold));
        } else {
          const t = task as EpisodeTask<TaskItem>;
          const env = t.reset(item);
          if (evalKeys.has(`${env.goal}\n${env.initialObservation}`)) {
            dropped[id] = (dropped[id] ?? 0) + 1;
            continue;
          }
          const roll = id === 'agentboard-pddl' ? rolloutPddl(t, item, r) : rolloutTool(t, item);
          if (!roll) {
            dropped[`${id} (no expert plan)`] = (dropped[`${id} (no expert plan)`] ?? 0) + 1;
            continue;
          }
          check(id, roll.progress);
          for (const ex of roll.examples) add(id, ex);
        }
      }
    }
    if ((k + 1) % 8 === 0 || k + 1 === suites) log(`data: ${k + 1}/${suites} suites, ${[...bySource.values()].reduce((a, b) => a + b.length, 0)} examples`);
  }
  const goldCheck = Object.fromEntries(Object.entries(goldSum).map(([t, g]) => [t, g.sum / g.n]));
  return { bySource, goldCheck, dropped, suiteDirs };
}

// ---------------------------------------------------------------------------------------------------
// NIAH with random needles (the evaluation needle is fixed for every seed, so it is never used)

export async function buildNiahPool(seed: number, suiteDirs: readonly string[], perSuite: number, countTokens: (t: string) => number): Promise<{ examples: TrainingExample[]; goldCheck: number }> {
  const examples: TrainingExample[] = [];
  let gold = 0,
    n = 0;
  const r = seeded(seed * 31 + 7);
  for (const dir of suiteDirs) {
    const vocabulary = [
      ...new Set(
        ['essay_1.txt', 'essay_2.txt', 'essay_3.txt'].flatMap(
          (f) =>
            readFileSync(join(dir, 'niah', 'haystack', f), 'utf8')
              .toLowerCase()
              .match(/[a-z]{4,}/g) ?? [],
        ),
      ),
    ];
    for (let j = 0; j < perSuite; j++) {
      const nd = randomNeedle(r, vocabulary);
      const lengths = [64 + Math.floor(r() * 961), 64 + Math.floor(r() * 961)];
      const depths = [Math.floor(r() * 101), Math.floor(r() * 101)];
      const cfg = { needle: nd.needle, retrieval_question: nd.question, key_phrases: nd.keys, context_lengths: lengths, document_depth_percents: depths, final_context_length_buffer: 48 };
      const niahDir = join(dir, 'niah-train');
      mkdirSync(join(niahDir, 'haystack'), { recursive: true });
      if (j === 0) for (const f of ['essay_1.txt', 'essay_2.txt', 'essay_3.txt']) writeFileSync(join(niahDir, 'haystack', f), readFileSync(join(dir, 'niah', 'haystack', f)));
      writeFileSync(join(niahDir, 'niah.json'), JSON.stringify(cfg));
      const task = createTask('niah', { similarity: new LexicalSimilarity(), countTokens }) as SingleTurnTask<TaskItem, unknown>;
      const items = await task.load(niahDir);
      for (const it of items) {
        const p = task.prompt(it);
        gold += task.score(it, task.parse(nd.needle, it)).score ?? 0;
        n++;
        examples.push(withAnswer(p, nd.needle));
      }
    }
  }
  return { examples, goldCheck: n ? gold / n : 0 };
}
