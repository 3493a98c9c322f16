// AgentBoard (real-world): PDDL, Tool-query, Tool-operation episodes; progress and success rates.
// Jericho and ScienceWorld need external engines: only their logged episodes are imported.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { BenchDataError } from '../errors.js';
import type { EpisodeStep, EpisodeTask, ItemScores, TaskItem, TaskScore } from '../types.js';
import { groupFields, meanFields } from '../types.js';
import { benchmarkFolder, isRecord, readJsonFile, readJsonlFile, readTextLimited, RecordReader } from '../util.js';
import { parseDomain, parseProblem, StripsWorld } from './pddl.js';
import { PddlEnvironment } from './pddl-env.js';
import { ToolEnvironment, type ToolWorld } from './tools.js';

export type AgentBoardTask = 'pddl' | 'tool-query' | 'tool-operation';
export const MAX_STEPS = 30;

export interface AgentBoardItem extends TaskItem {
  task: string;
  goal: string;
  subgoals: string[];
  difficulty: 'easy' | 'hard';
  subtask: string;
  additional: Record<string, unknown>;
  /** PDDL: domain and problem text, resolved at load */
  domainText?: string;
  problemText?: string;
  domainFile?: string;
  problemFile?: string;
}

export async function loadAgentBoardJsonl(file: string): Promise<AgentBoardItem[]> {
  const rows = await readJsonlFile(file);
  return rows.map(({ line, value }) => {
    const r = RecordReader.of(file, `line ${line}`, value);
    const d = r.string('difficulty');
    if (d !== 'easy' && d !== 'hard') r.fail('difficulty', '"easy" or "hard"');
    const difficulty: 'easy' | 'hard' = d === 'hard' ? 'hard' : 'easy';
    const additional = r.object('additional_info');
    const subtask = typeof additional.subtask === 'string' ? additional.subtask : r.string('task');
    const task = r.string('task');
    return { id: `${task}:${r.id('id')}`, group: subtask, task, goal: r.string('goal'), subgoals: r.stringArray('subgoals'), difficulty, subtask, additional };
  });
}

/** Attach domain/problem PDDL: additional_info.problem_file if given, else the n-th problem file of that subtask. */
export async function attachPddl(items: AgentBoardItem[], pddlRoot: string): Promise<void> {
  const seen = new Map<string, number>();
  for (const it of items) {
    const dir = join(pddlRoot, it.subtask);
    const domainFile = join(dir, 'domain.pddl');
    if (!existsSync(domainFile)) throw new BenchDataError(domainFile, 'file', '(file)', `the ${it.subtask} domain for record ${it.id}`, 'no such file');
    const k = seen.get(it.subtask) ?? 0;
    seen.set(it.subtask, k + 1);
    let problemFile: string;
    if (typeof it.additional.problem_file === 'string') problemFile = join(dir, it.additional.problem_file);
    else {
      const problems = readdirSync(dir)
        .filter((f) => f.endsWith('.pddl') && f !== 'domain.pddl')
        .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
      if (k >= problems.length)
        throw new BenchDataError(dir, `record ${it.id}`, 'additional_info.problem_file', `a problem file (record ${k + 1} of ${it.subtask})`, `${problems.length} problem files`);
      problemFile = join(dir, problems[k]);
    }
    it.domainFile = domainFile;
    it.problemFile = problemFile;
    it.domainText = await readTextLimited(domainFile, 4 * 1024 * 1024);
    it.problemText = await readTextLimited(problemFile, 4 * 1024 * 1024);
  }
}

export interface AgentPrompt {
  instruction: string;
  examples: string[];
  system_msg: string;
}

/** Prompt files: pddl_prompt.json keyed by domain, or <subtask>_prompt.json with one prompt. */
export async function loadAgentPrompts(file: string, keyed: boolean): Promise<Record<string, AgentPrompt>> {
  const v = await readJsonFile(file);
  const one = (x: unknown, where: string): AgentPrompt => {
    const r = RecordReader.of(file, where, x);
    return { instruction: r.string('instruction'), examples: r.stringArray('examples'), system_msg: r.string('system_msg') };
  };
  if (!keyed) return { default: one(v, 'whole file') };
  if (!isRecord(v)) throw new BenchDataError(file, 'whole file', '(root)', 'an object keyed by domain', typeof v);
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, one(x, `key "${k}"`)]));
}

/**
 * Episode scores: progress rate = highest progress at any step; success = it reached 1 — and, for the
 * tool tasks (tasks/tool.py: `success = done and reward == 1.0`), the episode ended with a finish action.
 */
export function scoreEpisode(progress: readonly number[], finished = true): ItemScores {
  const pr = progress.length ? Math.max(...progress) : 0;
  return { progress_rate: pr, success_rate: finished && pr >= 1 - 1e-9 ? 1 : 0, steps: progress.length / MAX_STEPS, score: pr };
}

export function aggregateAgentBoard(taskId: string, scores: ItemScores[], items: AgentBoardItem[]): TaskScore {
  const fields = meanFields(scores);
  const groups = groupFields(scores, items);
  const byDiff = groupFields(
    scores,
    items.map((it) => ({ ...it, group: `difficulty:${it.difficulty}` })),
  );
  Object.assign(groups, byDiff);
  return { task: taskId, benchmark: 'agentboard', capability: 'real-world', metric: 'progress rate', score: fields.progress_rate ?? 0, fields, groups, n: scores.length };
}

/** The last steps that fit: AgentBoard drops the oldest history when the prompt is too long. */
export const HISTORY_STEPS = 6;

export function createAgentBoardTask(kind: AgentBoardTask): EpisodeTask<AgentBoardItem> {
  const id = `agentboard-${kind}`;
  let prompts: Record<string, AgentPrompt> = {};
  return {
    kind: 'episode',
    id,
    benchmark: 'agentboard',
    capability: 'real-world',
    title: kind === 'pddl' ? 'AgentBoard PDDL (gripper, blockworld, barman, tyreworld)' : kind === 'tool-query' ? 'AgentBoard Tool-query' : 'AgentBoard Tool-operation',
    metric: 'progress rate',
    maxSteps: MAX_STEPS,
    async load(suiteDir: string) {
      const root = benchmarkFolder(suiteDir, 'agentboard');
      const file = join(root, 'data', kind, 'test.jsonl');
      if (!existsSync(file)) throw new BenchDataError(file, 'file', '(file)', `AgentBoard ${kind} records`, 'no such file');
      const items = await loadAgentBoardJsonl(file);
      const promptDir = join(root, 'prompts', 'VanillaAgent');
      if (kind === 'pddl') {
        await attachPddl(items, join(root, 'pddl'));
        prompts = await loadAgentPrompts(join(promptDir, 'pddl_prompt.json'), true);
      } else {
        for (const st of new Set(items.map((i) => i.subtask))) {
          prompts[st] = (await loadAgentPrompts(join(promptDir, `${st}_prompt.json`), false)).default;
        }
        for (const it of items) {
          const w = it.additional.world;
          if (!isRecord(w) || (w.kind !== 'academia' && w.kind !== 'todo'))
            throw new BenchDataError(file, `record ${it.id}`, 'additional_info.world', 'an offline tool world {kind: "academia"|"todo", …}', JSON.stringify(w)?.slice(0, 40) ?? 'nothing');
        }
      }
      return items;
    },
    settings: () => ({ maxNewTokens: 32, stop: ['\n'] }),
    reset(item) {
      if (kind === 'pddl') {
        const world = new StripsWorld(parseDomain(item.domainText!, item.domainFile), parseProblem(item.problemText!, item.problemFile));
        return new PddlEnvironment(item.subtask, world);
      }
      return new ToolEnvironment(item.goal, item.subgoals, item.additional.world as unknown as ToolWorld);
    },
    prompt(item, env, history: readonly EpisodeStep[]) {
      const p = prompts[item.subtask] ?? { instruction: '', examples: [], system_msg: 'You are a helpful agent.' };
      const shown = history.slice(-HISTORY_STEPS);
      const lines = [`Goal: ${kind === 'pddl' ? env.goal : item.goal}`, `Observation: ${env.initialObservation}`];
      if (shown.length < history.length) lines.push(`(${history.length - shown.length} earlier steps omitted)`);
      for (const s of shown) lines.push(`Action: ${s.action}`, `Observation: ${s.observation}`);
      lines.push('Action:');
      const examples = p.examples.length ? `Here are examples:\n${p.examples.join('\n')}\n` : '';
      return {
        kind: 'chat',
        turns: [
          { role: 'system', content: p.system_msg },
          { role: 'user', content: `${p.instruction}\n${examples}\nNow it's your turn.\n${lines.join('\n')}` },
        ],
      };
    },
    parseAction(output: string) {
      const first = output.replace(/^\s+/, '').split('\n')[0] ?? '';
      return kind === 'pddl' ? first.replace(/^\s*Action:\s*/i, '').trim() : first.trim().startsWith('Action:') ? first.trim() : `Action: ${first.trim()}`;
    },
    score: (_item, history) =>
      scoreEpisode(
        history.map((s) => s.progress),
        kind === 'pddl' || history.some((s) => s.done),
      ),
    aggregate: (scores, items) => aggregateAgentBoard(id, scores, items),
  };
}

export interface LoggedEpisode {
  id: string;
  task: string;
  progress: number[];
}

/**
 * Logged episodes (Jericho, ScienceWorld or any AgentBoard task run elsewhere): JSONL records
 * `{id, task?, progress: number[]}` or `{id, task?, steps: [{progress}]}`; progress per step in 0–1.
 */
export async function loadLoggedEpisodes(file: string): Promise<LoggedEpisode[]> {
  const rows = await readJsonlFile(file);
  return rows.map(({ line, value }) => {
    const r = RecordReader.of(file, `line ${line}`, value);
    let progress: number[];
    if (r.has('progress'))
      progress = r.array('progress').map((x, i) => {
        if (typeof x !== 'number' || x < 0 || x > 1) throw new BenchDataError(file, `line ${line}`, `progress[${i}]`, 'a number in 0–1', JSON.stringify(x));
        return x;
      });
    else
      progress = r.array('steps').map((s, i) => {
        const p = isRecord(s) ? s.progress : undefined;
        if (typeof p !== 'number' || p < 0 || p > 1) throw new BenchDataError(file, `line ${line}`, `steps[${i}].progress`, 'a number in 0–1', JSON.stringify(p));
        return p;
      });
    if (progress.length > MAX_STEPS) throw new BenchDataError(file, `line ${line}`, 'progress', `at most ${MAX_STEPS} steps`, `${progress.length}`);
    return { id: r.id('id'), task: r.optString('task') ?? 'unknown', progress };
  });
}
