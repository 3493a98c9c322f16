// T-Eval (action execution): instruct, plan, reason, retrieve, understand, review; string and JSON forms.
// Reads the official `*_v2.json` files (one JSON object keyed by id) and our built-in ones alike.
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { BenchDataError } from '../errors.js';
import { longestIncreasingSubsequence, maxWeightMatching, prf } from '../matching.js';
import type { TextSimilarity } from '../similarity.js';
import { cleanOutput, parseLooseJson, pythonStr, sliceBetween } from '../text.js';
import type { ChatTurn, ItemScores, SingleTurnTask, TaskContext, TaskItem, TaskScore } from '../types.js';
import { groupFields, meanFields } from '../types.js';
import { isRecord, readJsonFile, RecordReader } from '../util.js';

export type TEvalAbility = 'instruct' | 'plan' | 'reason' | 'retrieve' | 'understand' | 'review' | 'rru';
export type TEvalFormat = 'json' | 'str';

export interface TEvalItem extends TaskItem {
  ability: TEvalAbility;
  format: TEvalFormat;
  turns: ChatTurn[];
  groundTruth: unknown;
  template?: Record<string, string>;
  apiList?: string[];
}

/** Official file names → (ability, format); instruct carries its format per record. */
export const TEVAL_FILES: Record<string, { ability: TEvalAbility; format?: TEvalFormat }> = {
  'instruct_v2.json': { ability: 'instruct' },
  'plan_json_v2.json': { ability: 'plan', format: 'json' },
  'plan_str_v2.json': { ability: 'plan', format: 'str' },
  'reason_str_v2.json': { ability: 'reason', format: 'str' },
  'retrieve_str_v2.json': { ability: 'retrieve', format: 'str' },
  'understand_str_v2.json': { ability: 'understand', format: 'str' },
  'review_str_v2.json': { ability: 'review', format: 'str' },
  'reason_retrieve_understand_json_v2.json': { ability: 'rru', format: 'json' },
};

const ROLES = new Set(['system', 'user', 'assistant', 'function', 'tool']);

/** Read one T-Eval file (official or ours) into items. */
export async function loadTEvalFile(file: string, ability: TEvalAbility, fixedFormat?: TEvalFormat): Promise<TEvalItem[]> {
  const data = await readJsonFile(file);
  if (!isRecord(data)) throw new BenchDataError(file, 'whole file', '(root)', 'one JSON object keyed by sample id', Array.isArray(data) ? 'an array' : typeof data);
  const items: TEvalItem[] = [];
  for (const [key, value] of Object.entries(data)) {
    const r = RecordReader.of(file, `record "${key}"`, value);
    const turns = r.array('origin_prompt').map((t, i) => {
      if (!isRecord(t) || typeof t.role !== 'string' || typeof t.content !== 'string' || !ROLES.has(t.role)) {
        throw new BenchDataError(file, `record "${key}"`, `origin_prompt[${i}]`, '{role: system|user|assistant|function, content: string}', JSON.stringify(t).slice(0, 60));
      }
      return { role: t.role as ChatTurn['role'], content: t.content };
    });
    if (!r.has('ground_truth')) r.fail('ground_truth', 'the gold answer');
    let format = fixedFormat;
    const meta = isRecord(r.value.meta_data) ? r.value.meta_data : isRecord(r.value.meta) ? r.value.meta : undefined;
    if (!format) {
      const f = meta?.response_format ?? meta?.prompt_type;
      if (f !== 'json' && f !== 'str') throw new BenchDataError(file, `record "${key}"`, 'meta_data.response_format', '"json" or "str"', JSON.stringify(f));
      format = f;
    }
    let template: Record<string, string> | undefined;
    if (ability === 'instruct') {
      const t = r.object('template');
      template = Object.fromEntries(Object.entries(t).map(([k, v]) => [k, String(v)]));
      const need = format === 'json' ? ['thought', 'action', 'args'] : ['thought_start', 'thought_end', 'action_start', 'action_end', 'args_start', 'args_end'];
      for (const k of need) if (!(k in template)) throw new BenchDataError(file, `record "${key}"`, `template.${k}`, 'a string', 'nothing');
    }
    let apiList: string[] | undefined;
    if (ability === 'plan' && format === 'str') {
      const l = meta?.API_list;
      if (!Array.isArray(l) || l.some((x) => typeof x !== 'string')) throw new BenchDataError(file, `record "${key}"`, 'meta.API_list', 'an array of API names', JSON.stringify(l)?.slice(0, 60) ?? 'nothing');
      apiList = l as string[];
    }
    items.push({ id: `${ability}-${format}:${key}`, group: `${ability}-${format}`, ability, format, turns, groundTruth: r.value.ground_truth, template, apiList });
  }
  return items;
}

// ---------- parsing ----------

/** T-Eval's format_load: the text between the first `start` and last `end`, as JSON or a Python literal. */
export function formatLoad(text: string, start = '{', end = '}'): unknown {
  const cleaned = cleanOutput(text);
  const s = sliceBetween(cleaned, start, end);
  if (s === undefined) return undefined;
  return parseLooseJson(s);
}

/** Fill a format template such as "Thought:{thought}\nAction:{action}" by matching the whole text. */
export function parseTemplate(template: string, text: string): Record<string, string> | undefined {
  const names: string[] = [];
  let re = '^';
  let last = 0;
  const fieldRe = /\{(\w+)\}/g;
  let m: RegExpExecArray | null;
  while ((m = fieldRe.exec(template))) {
    re += escapeRe(template.slice(last, m.index)) + '([\\s\\S]*?)';
    names.push(m[1]);
    last = m.index + m[0].length;
  }
  re += escapeRe(template.slice(last)) + '$';
  const mm = new RegExp(re).exec(text);
  if (!mm) return undefined;
  return Object.fromEntries(names.map((n, i) => [n, mm[i + 1]]));
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export interface InstructParsed {
  thought: string;
  action: string;
  args: Record<string, unknown>;
}

export function parseInstruct(output: string, item: TEvalItem): InstructParsed | undefined {
  const t = item.template!;
  if (item.format === 'json') {
    const v = formatLoad(output);
    if (!isRecord(v) || !(t.thought in v) || !(t.action in v) || !(t.args in v)) return undefined;
    const args = v[t.args];
    return { thought: pythonStr(v[t.thought]), action: v[t.action] as string, args: isRecord(args) ? args : {} };
  }
  const tpl = `${t.thought_start}{thought}${t.thought_end}${t.action_start}{action}${t.action_end}${t.args_start}{args}${t.args_end}`;
  const text = cleanOutput(output);
  // the model rarely emits the final delimiter when it is a newline: accept the text with it appended
  const res = parseTemplate(tpl, text) ?? parseTemplate(tpl, text + t.args_end);
  if (!res) return undefined;
  // quirk (original): an args string that is not a literal dict still counts as parsed, with args {}
  const args = parseLooseJson(res.args.trim());
  return { thought: res.thought, action: res.action.trim(), args: isRecord(args) ? args : {} };
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a === 'number' && typeof b === 'number') return a === b;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isRecord(a) && isRecord(b)) {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    return ka.length === kb.length && ka.every((k) => k in b && deepEqual(a[k], b[k]));
  }
  return false;
}

/** args_em = (name matches + gold args with exactly equal values) / (number of gold args + 1). */
export function argsExactMatch(goldAction: string, predAction: string, goldArgs: Record<string, unknown>, predArgs: Record<string, unknown>): number {
  let count = goldAction === predAction ? 1 : 0;
  const keys = Object.keys(goldArgs);
  for (const k of keys) if (deepEqual(k in predArgs ? predArgs[k] : '', goldArgs[k])) count++;
  return count / (keys.length + 1);
}

export interface PlanStep {
  name: string;
  args: string;
}

function goldPlan(gt: unknown): PlanStep[] {
  const v = typeof gt === 'string' ? formatLoad(gt, '[', ']') : gt;
  if (!Array.isArray(v)) return [];
  const steps: { id: number; step: PlanStep }[] = [];
  for (const s of v) {
    if (!isRecord(s) || s.name === undefined || s.id === undefined || s.args === undefined) return [];
    steps.push({ id: Number(s.id), step: { name: String(s.name), args: pythonStr(s.args) } });
  }
  return steps.sort((a, b) => a.id - b.id).map((s) => s.step);
}

/** JSON plan: text from the first "[" to the last "]", items with name, id, args; a malformed item empties the plan. */
export function parsePlanJson(output: string): PlanStep[] {
  return goldPlan(formatLoad(output, '[', ']') ?? []);
}

/** String plan: split at ". " and newlines; each piece names the API from API_list that occurs first in it; args = the piece. */
export function parsePlanStr(output: string, apiList: readonly string[]): PlanStep[] {
  const out: PlanStep[] = [];
  for (const piece of cleanOutput(output).replace(/\. /g, '\n').split('\n')) {
    let best = Infinity;
    let name = '';
    for (const api of apiList) {
      const at = piece.indexOf(api);
      if (at >= 0 && at < best) {
        best = at;
        name = api;
      }
    }
    if (name) out.push({ name, args: piece });
  }
  return out;
}

/**
 * Plan score: pair sim = 0.75·sim(name) + 0.25·sim(args) (clipped ≥ 0), edges where > 0.8,
 * maximum-weight matching, count = LIS of matched gold indices in prediction order.
 * Quirk (original): the LIS table starts at 1 for every predicted step, matched or not, so a
 * non-empty prediction always counts at least 1. A trailing FinishAction is dropped from both.
 */
export function scorePlan(pred: PlanStep[], gold: PlanStep[], sim: TextSimilarity): { precision: number; recall: number; f1: number } {
  const zero = { precision: 0, recall: 0, f1: 0 };
  if (pred.length === 0 || gold.length === 0) return zero;
  const p = pred[pred.length - 1].name === 'FinishAction' ? pred.slice(0, -1) : pred;
  const g = gold[gold.length - 1].name === 'FinishAction' ? gold.slice(0, -1) : gold;
  if (p.length === 0 || g.length === 0) return zero;
  const nameSim = sim.matrix(p.map((s) => s.name), g.map((s) => s.name));
  const argSim = sim.matrix(p.map((s) => s.args), g.map((s) => s.args));
  const w = p.map((_, i) => g.map((__, j) => {
    const v = 0.75 * Math.max(0, nameSim[i][j]) + 0.25 * Math.max(0, argSim[i][j]);
    return v > 0.8 ? v : 0;
  }));
  const mapping = new Map(maxWeightMatching(w));
  const matched = p.map((_, i) => mapping.get(i)).filter((x): x is number => x !== undefined);
  const count = Math.max(1, longestIncreasingSubsequence(matched));
  return prf(count, p.length, g.length);
}

function goldObject(gt: unknown): Record<string, unknown> {
  const v = typeof gt === 'string' ? formatLoad(gt) : gt;
  return isRecord(v) ? v : {};
}

function strOf(v: unknown): string {
  return v === undefined ? '' : pythonStr(v);
}

/** Retrieve (string): the gold name appears, and every a.b token and every "FinishAction" in the response equals it. */
export function retrieveStrCorrect(response: string, goldName: string): number {
  if (!response.includes(goldName)) return 0;
  const names = [...(response.match(/\w+\.\w+/g) ?? []), ...(response.match(/FinishAction/g) ?? [])];
  return names.every((n) => n === goldName) ? 1 : 0;
}

/** Understand (JSON): fraction of gold keys with str-equal values; both empty → 1; gold empty, prediction not → 0. */
export function understandJson(pred: Record<string, unknown>, gold: Record<string, unknown>): number {
  const keys = Object.keys(gold);
  if (keys.length === 0) return Object.keys(pred).length === 0 ? 1 : 0;
  let n = 0;
  for (const k of keys) if (k in pred && strOf(pred[k]) === strOf(gold[k])) n++;
  return n / keys.length;
}

/** Review: the text after the first ":"; its first character (A–E) must equal the gold. */
export function reviewCorrect(response: string, gold: string): number {
  const text = cleanOutput(response);
  const i = text.indexOf(':');
  const after = (i >= 0 ? text.slice(i + 1) : text).trim();
  return after.length > 0 && /[A-E]/.test(after[0]) && after[0] === gold.trim()[0] ? 1 : 0;
}

export function scoreTEval(item: TEvalItem, output: string, sim: TextSimilarity): ItemScores {
  const text = cleanOutput(output);
  switch (item.ability) {
    case 'instruct': {
      const parsed = parseInstruct(output, item);
      const gt = goldObject(item.groundTruth);
      if (!parsed) return { format: 0, args_em: 0, score: 0 };
      const em = argsExactMatch(String(gt.action ?? ''), parsed.action, isRecord(gt.args) ? gt.args : {}, parsed.args);
      return { format: 1, args_em: em, score: (1 + em) / 2 };
    }
    case 'plan': {
      const pred = item.format === 'json' ? parsePlanJson(output) : parsePlanStr(output, item.apiList ?? []);
      const r = scorePlan(pred, goldPlan(item.groundTruth), sim);
      return { precision: r.precision, recall: r.recall, f1: r.f1, parse_rate: pred.length > 0 ? 1 : 0, score: r.f1 };
    }
    case 'review': {
      const gt = item.groundTruth;
      const gold = typeof gt === 'string' ? gt : isRecord(gt) ? String(gt.answer ?? gt.label ?? '') : '';
      const c = reviewCorrect(output, gold);
      return { correct: c, score: c };
    }
    case 'reason': {
      const gt = goldObject(item.groundTruth);
      const s = Math.max(0, sim.matrix([text], [strOf(gt.thought)])[0][0]);
      return { thought: s, score: s };
    }
    case 'retrieve': {
      const c = retrieveStrCorrect(text, strOf(goldObject(item.groundTruth).name));
      return { name: c, score: c };
    }
    case 'understand': {
      // string form: the whole response, quotes stripped, equals the gold argument string
      const gold = goldObject(item.groundTruth).args;
      const c = text.replace(/^['"]+|['"]+$/g, '') === strOf(gold) ? 1 : 0;
      return { args: c, score: c };
    }
    case 'rru': {
      const gt = goldObject(item.groundTruth);
      const pred = formatLoad(output);
      if (!isRecord(pred) || Object.keys(gt).length === 0) return { thought: 0, name: 0, args: 0, parse_rate: 0, score: 0 };
      const thought = Math.max(0, sim.matrix([strOf(pred.thought)], [strOf(gt.thought)])[0][0]);
      const name = strOf(pred.name) === strOf(gt.name) ? 1 : 0;
      const args = understandJson(isRecord(pred.args) ? pred.args : {}, isRecord(gt.args) ? gt.args : {});
      return { thought, name, args, parse_rate: 1, score: (thought + name + args) / 3 };
    }
  }
}

/**
 * T-Eval aggregation: ability-format means; each ability = mean of its string and JSON values
 * (the JSON bundle feeds reason/retrieve/understand); overall = mean of the abilities present.
 */
export function aggregateTEval(scores: ItemScores[], items: TEvalItem[], taskId = 't-eval'): TaskScore {
  const groups = groupFields(scores, items);
  const g = (name: string, field: string): number | undefined => (groups[name] ? groups[name][field] : undefined);
  const both = (...xs: (number | undefined)[]): number | undefined => {
    const v = xs.filter((x): x is number => x !== undefined);
    return v.length ? v.reduce((a, b) => a + b, 0) / v.length : undefined;
  };
  const fields: Record<string, number> = {};
  const ab: Record<string, number | undefined> = {
    instruct: both(g('instruct-json', 'score'), g('instruct-str', 'score')),
    plan: both(g('plan-json', 'f1'), g('plan-str', 'f1')),
    reason: both(g('rru-json', 'thought'), g('reason-str', 'thought')),
    retrieve: both(g('rru-json', 'name'), g('retrieve-str', 'name')),
    understand: both(g('rru-json', 'args'), g('understand-str', 'args')),
    review: g('review-str', 'correct'),
  };
  const formats: Record<string, number | undefined> = {
    'instruct-json': g('instruct-json', 'score'), 'instruct-str': g('instruct-str', 'score'),
    'plan-json': g('plan-json', 'f1'), 'plan-str': g('plan-str', 'f1'),
    'reason-json': g('rru-json', 'thought'), 'reason-str': g('reason-str', 'thought'),
    'retrieve-json': g('rru-json', 'name'), 'retrieve-str': g('retrieve-str', 'name'),
    'understand-json': g('rru-json', 'args'), 'understand-str': g('understand-str', 'args'),
  };
  for (const [k, v] of Object.entries({ ...ab, ...formats })) if (v !== undefined) fields[k] = v;
  const present = Object.values(ab).filter((x): x is number => x !== undefined);
  const overall = present.length ? present.reduce((a, b) => a + b, 0) / present.length : 0;
  fields.overall = overall;
  fields.item_mean = meanFields(scores).score ?? 0;
  return { task: taskId, benchmark: 'teval', capability: 'action', metric: 'overall', score: overall, fields, groups, n: scores.length };
}

const MAX_NEW: Record<TEvalAbility, number> = { instruct: 128, plan: 160, reason: 96, retrieve: 48, understand: 96, review: 24, rru: 160 };

export function createTEvalTask(ctx: TaskContext): SingleTurnTask<TEvalItem, string> {
  return {
    kind: 'single',
    id: 't-eval',
    benchmark: 'teval',
    capability: 'action',
    title: 'T-Eval (instruct, plan, reason, retrieve, understand, review)',
    metric: 'overall',
    async load(suiteDir: string) {
      const dir = existsSync(join(suiteDir, 't-eval')) ? join(suiteDir, 't-eval') : suiteDir;
      const items: TEvalItem[] = [];
      for (const [name, spec] of Object.entries(TEVAL_FILES)) {
        const f = join(dir, name);
        if (existsSync(f)) items.push(...(await loadTEvalFile(f, spec.ability, spec.format)));
      }
      if (items.length === 0) throw new BenchDataError(dir, 'folder', '(files)', `one of ${Object.keys(TEVAL_FILES).join(', ')}`, 'none of them');
      return items;
    },
    settings: (item) => ({ maxNewTokens: MAX_NEW[item.ability] }),
    prompt: (item) => ({ kind: 'chat', turns: item.turns }),
    parse: (output) => output,
    score: (item, parsed) => scoreTEval(item, parsed, ctx.similarity),
    aggregate: (scores, items) => aggregateTEval(scores, items),
  };
}
