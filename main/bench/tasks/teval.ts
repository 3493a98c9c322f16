// T-Eval (action execution): instruct, plan, reason, retrieve, understand, review; string and JSON forms.
// Reads the official `*_v2.json` files (one JSON object keyed by id) and our built-in ones alike.
import { join } from 'node:path';
import { BenchDataError } from '../errors.js';
import { matchedLis, prf } from '../matching.js';
import { jsonLoads, literalEval, npRound, PyDict, PyFloat, pyEquals, pyStr, pyStrip, type PyValue } from '../python.js';
import type { TextSimilarity } from '../similarity.js';
import type { ChatTurn, ItemScores, SingleTurnTask, TaskContext, TaskItem, TaskScore } from '../types.js';
import { groupFields, meanFields } from '../types.js';
import { benchmarkFolder, isRecord, loadPresent, readTextLimited, RecordReader } from '../util.js';

export type TEvalAbility = 'instruct' | 'plan' | 'reason' | 'retrieve' | 'understand' | 'review' | 'rru';
export type TEvalFormat = 'json' | 'str';

export interface TEvalItem extends TaskItem {
  ability: TEvalAbility;
  format: TEvalFormat;
  turns: ChatTurn[];
  /** the gold as Python's json.load gives it (ints apart from floats, dicts in file order) */
  groundTruth: PyValue;
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
  const text = await readTextLimited(file);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new BenchDataError(file, 'whole file', '(json)', 'valid JSON', (e as Error).message);
  }
  if (!isRecord(data)) throw new BenchDataError(file, 'whole file', '(root)', 'one JSON object keyed by sample id', Array.isArray(data) ? 'an array' : typeof data);
  // the same file as Python values, in file order, for the gold answers
  const py = jsonLoads(text) as PyDict;
  const items: TEvalItem[] = [];
  for (const pyKey of py.keys) {
    const key = pyKey as string;
    const value = data[key];
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
      // official instruct records say "json" or "string" (the evaluator keys its metrics by this word)
      const f = meta?.response_format ?? meta?.prompt_type;
      if (f !== 'json' && f !== 'string' && f !== 'str') throw new BenchDataError(file, `record "${key}"`, 'meta_data.response_format', '"json" or "string"', JSON.stringify(f));
      format = f === 'json' ? 'json' : 'str';
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
      if (!Array.isArray(l) || l.some((x) => typeof x !== 'string'))
        throw new BenchDataError(file, `record "${key}"`, 'meta.API_list', 'an array of API names', JSON.stringify(l)?.slice(0, 60) ?? 'nothing');
      apiList = l as string[];
    }
    items.push({ id: `${ability}-${format}:${key}`, group: `${ability}-${format}`, ability, format, turns, groundTruth: (py.get(key) as PyDict).get('ground_truth')!, template, apiList });
  }
  return items;
}

// ---------- parsing (teval/utils, teval/evaluators, test.py) ----------

/** test.py's split_special_tokens: cut at end markers and fake next turns, strip a ```json fence and backticks. */
export const TEVAL_CUT_MARKERS = ['<eoa>', '<TOKENS_UNUSED_1>', '<|im_end|>', '\nuser', '\nassistant', '\nUSER', '[INST]', '<|user|>'];

export function splitSpecialTokens(text: string): string {
  let t = text;
  for (const m of TEVAL_CUT_MARKERS) t = t.split(m)[0];
  t = pyStrip(t);
  if (t.startsWith('```json')) t = t.slice('```json'.length);
  return pyStrip(pyStrip(t, '`'));
}

/**
 * teval/utils/format_load: after a ```json fence, slice from the first `start` to the last `end`
 * (Python slicing: a missing start keeps the last character), then ast.literal_eval, json.loads,
 * json.loads with ' → ". A non-string (already parsed gold) is returned as it is.
 */
export function formatLoad(raw: PyValue, start = '', end = ''): PyValue | undefined {
  if (typeof raw !== 'string') return raw;
  let t = raw;
  if (t.includes('```json')) t = pyStrip(t.slice(t.indexOf('```json') + '```json'.length), '`');
  if (start) t = t.slice(t.indexOf(start));
  if (end) t = t.slice(0, t.lastIndexOf(end) + end.length);
  return literalEval(t) ?? jsonLoads(t) ?? jsonLoads(t.replaceAll("'", '"'));
}

/** Field names of a str.format template, as string.Formatter().parse yields them; undefined where it raises. */
function formatFields(template: string): string[] | undefined {
  const names: string[] = [];
  for (let i = 0; i < template.length; i++) {
    const c = template[i];
    if (c === '}') {
      if (template[i + 1] !== '}') return undefined;
      i++;
    } else if (c === '{') {
      if (template[i + 1] === '{') {
        i++;
        continue;
      }
      const close = template.indexOf('}', i);
      if (close < 0) return undefined;
      names.push(template.slice(i + 1, close).split(/[!:]/)[0]);
      i = close;
    }
  }
  return names;
}

/**
 * teval/utils/template.parse_string with allow_newline: each {field} becomes an unanchored greedy
 * `(.*)` in a pattern whose literal text is used as a regex as it stands (not escaped), DOTALL;
 * the first match of re.findall fills the fields in order.
 */
export function parseTemplate(template: string, text: string): Record<string, string> | undefined {
  const keys = formatFields(template);
  if (!keys) return undefined;
  let pattern = template;
  for (const k of keys) pattern = pattern.split(`{${k}}`).join('(.*)');
  let re: RegExp;
  try {
    re = new RegExp(pattern, 's');
  } catch {
    return undefined; // Python would raise re.error here
  }
  const m = re.exec(text);
  if (!m) return undefined;
  const out: Record<string, string> = {};
  keys.forEach((k, i) => {
    if (!(k in out)) out[k] = m[i + 1] ?? '';
  });
  return out;
}

export interface InstructParsed {
  thought: PyValue;
  action: PyValue;
  args: PyDict;
}

/** InstructEvaluator.json_format_parse / string_format_parse on the cleaned prediction; undefined → format 0. */
export function parseInstruct(output: string, item: TEvalItem): InstructParsed | undefined {
  const t = item.template!;
  const pred = splitSpecialTokens(output);
  if (item.format === 'json') {
    // the whole text must be one literal: text around the JSON fails here
    const v = formatLoad(pred);
    if (!(v instanceof PyDict) || !v.has(t.thought) || !v.has(t.action) || !v.has(t.args)) return undefined;
    const args = v.get(t.args)!;
    return { thought: v.get(t.thought)!, action: v.get(t.action)!, args: args instanceof PyDict ? args : new PyDict() };
  }
  const tpl = `${t.thought_start}{thought}${t.thought_end}${t.action_start}{action}${t.action_end}${t.args_start}{args}${t.args_end}`;
  const res = parseTemplate(tpl, pred);
  if (!res) return undefined;
  // an args text that is not a dict literal still counts as parsed, with args {}
  const args = literalEval(pyStrip(res.args ?? ''));
  return { thought: res.thought ?? '', action: pyStrip(res.action ?? ''), args: args instanceof PyDict ? args : new PyDict() };
}

/** args_em = (action == gold action) + Σ over gold args [pred.get(k, "") == gold[k]], over (gold args + 1); Python ==. */
export function argsExactMatch(goldAction: PyValue, predAction: PyValue, goldArgs: PyDict, predArgs: PyDict): number {
  let count = pyEquals(goldAction, predAction) ? 1 : 0;
  goldArgs.keys.forEach((k, i) => {
    if (pyEquals(predArgs.get(k) ?? '', goldArgs.values[i])) count++;
  });
  return count / (goldArgs.size + 1);
}

export interface PlanStep {
  id: number;
  name: string;
  args: string;
}

/** Python int(x) for the values a plan id can hold; undefined where int() raises. */
function pyInt(v: PyValue): number | undefined {
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof PyFloat) return Number.isFinite(v.value) ? Math.trunc(v.value) : undefined;
  if (typeof v === 'string') {
    const m = /^[+-]?\d(?:_?\d)*$/.exec(pyStrip(v));
    return m ? Number(m[0].replace(/_/g, '')) : undefined;
  }
  return undefined;
}

/** PlanningEvaluator.format_load: a list sliced between "[" and "]"; each item → {name: str, id: int, args: str}; any failure → []. */
export function planSteps(data: PyValue): PlanStep[] {
  const v = formatLoad(data, '[', ']');
  if (!Array.isArray(v)) return [];
  const out: PlanStep[] = [];
  for (const s of v) {
    if (!(s instanceof PyDict) || !s.has('name') || !s.has('id') || !s.has('args')) return [];
    const id = pyInt(s.get('id')!);
    if (id === undefined) return [];
    out.push({ name: pyStr(s.get('name')!), id, args: pyStr(s.get('args')!) });
  }
  return out;
}

/** String plan: split at ". " and newlines; each piece names the API of API_list found earliest in it; args = the piece. */
export function parsePlanStr(output: string, apiList: readonly string[]): PlanStep[] {
  const out: PlanStep[] = [];
  for (const piece of output.replaceAll('. ', '\n').split('\n')) {
    let best = Infinity;
    let name = '';
    for (const api of apiList) {
      const at = piece.indexOf(api);
      if (at >= 0 && at < best) {
        best = at;
        name = api;
      }
    }
    if (name) out.push({ id: out.length, name, args: piece });
  }
  return out;
}

/**
 * PlanningEvaluator.bertscore_match: steps sorted by id, a trailing FinishAction dropped from each;
 * pair weight = 0.75·max(sim(name), 0) + 0.25·max(sim(args), 0), edges where > 0.8, maximum-weight
 * matching; count = LIS of matched gold indices, each step's table starting at 1 (so ≥ 1).
 * P = count/|pred|, R = count/|gold|. Where the reference crashes (nothing left after dropping
 * FinishAction) we score 0.
 */
export function scorePlan(pred: PlanStep[], gold: PlanStep[], sim: TextSimilarity): { precision: number; recall: number; f1: number } {
  const zero = { precision: 0, recall: 0, f1: 0 };
  if (pred.length === 0 || gold.length === 0) return zero;
  const byId = (xs: PlanStep[]) =>
    xs
      .map((x, i) => ({ x, i }))
      .sort((a, b) => a.x.id - b.x.id || a.i - b.i)
      .map((e) => e.x);
  const dropFinish = (xs: PlanStep[]) => (xs[xs.length - 1].name === 'FinishAction' ? xs.slice(0, -1) : xs);
  const p = dropFinish(byId(pred));
  const g = dropFinish(byId(gold));
  if (p.length === 0 || g.length === 0) return zero;
  const nameSim = sim.matrix(
    p.map((s) => s.name),
    g.map((s) => s.name),
  );
  const argSim = sim.matrix(
    p.map((s) => s.args),
    g.map((s) => s.args),
  );
  const w = p.map((_, i) => g.map((__, j) => 0.75 * Math.max(0, nameSim[i][j]) + 0.25 * Math.max(0, argSim[i][j])));
  return prf(matchedLis(w, 0.8), p.length, g.length);
}

/** ReasonRetrieveUnderstandEvaluator.format_load: {thought: str, name: str, args: dict (JSON files) or str (string files)}; {} on failure. */
export interface RruFields {
  thought: string;
  name: string;
  args: PyDict | string;
}
export function rruFields(data: PyValue, jsonFile: boolean): RruFields | undefined {
  const v = formatLoad(data, '{', '}');
  if (!(v instanceof PyDict)) return undefined;
  const field = (k: string) => (v.has(k) ? pyStr(v.get(k)!) : '');
  const args = v.get('args');
  return { thought: field('thought'), name: field('name'), args: jsonFile ? (args instanceof PyDict ? args : new PyDict()) : field('args') };
}

/** Retrieve (string): the gold name appears, and every \w+.\w+ token and every "FinishAction" equals it. */
export function retrieveStrCorrect(response: string, goldName: string): number {
  if (!response.includes(goldName)) return 0;
  const names = [...(response.match(/[\p{L}\p{N}_]+\.[\p{L}\p{N}_]+/gu) ?? []), ...(response.match(/FinishAction/g) ?? [])];
  return names.every((n) => n === goldName) ? 1 : 0;
}

/** Understand (JSON): gold keys present with str-equal values, over (gold keys + 1e-5); both empty → 1; gold empty, prediction not → 0. */
export function understandJson(pred: PyDict, gold: PyDict): number {
  let n = 0;
  gold.keys.forEach((k, i) => {
    if (pred.has(k) && pyStr(pred.get(k)!) === pyStr(gold.values[i])) n++;
  });
  let score = n / (gold.size + 1e-5);
  if (gold.size === 0) score = pred.size === 0 ? 1 : 0;
  return score;
}

/** Review: the text after the first ":" (all of it when there is none), stripped; its first character, if A–E, must equal the gold answer. */
export function reviewCorrect(response: string, gold: PyValue): number {
  const after = pyStrip(response.slice(response.indexOf(':') + 1));
  const choice = after.length > 0 && 'ABCDE'.includes(after[0]) ? after[0] : undefined;
  return choice !== undefined && pyEquals(choice, gold) ? 1 : 0;
}

function cosine(sim: TextSimilarity, a: string, b: string): number {
  return Math.max(0, sim.matrix([a], [b])[0][0]);
}

export function scoreTEval(item: TEvalItem, output: string, sim: TextSimilarity): ItemScores {
  const pred = splitSpecialTokens(output);
  const gt = item.groundTruth;
  switch (item.ability) {
    case 'instruct': {
      const parsed = parseInstruct(output, item);
      if (!parsed) return { format: 0, args_em: 0, score: 0 };
      const g = gt instanceof PyDict ? gt : new PyDict();
      const gArgs = g.get('args');
      const em = argsExactMatch(g.get('action') ?? null, parsed.action, gArgs instanceof PyDict ? gArgs : new PyDict(), parsed.args);
      return { format: 1, args_em: em, score: (1 + em) / 2 };
    }
    case 'plan': {
      const p = item.format === 'json' ? planSteps(pred) : parsePlanStr(pred, item.apiList ?? []);
      const g = planSteps(gt);
      const r = scorePlan(p, g, sim);
      return { precision: r.precision, recall: r.recall, f1: r.f1, parse_rate: p.length > 0 && g.length > 0 ? 1 : 0, score: r.f1 };
    }
    case 'review': {
      const answer = gt instanceof PyDict ? (gt.get('answer') ?? null) : gt;
      const c = reviewCorrect(pred, answer);
      return { correct: c, score: c };
    }
    case 'reason': {
      const g = rruFields(gt, false);
      const s = g ? cosine(sim, pred, g.thought) : 0;
      return { thought: s, score: s };
    }
    case 'retrieve': {
      const g = rruFields(gt, false);
      const c = g ? retrieveStrCorrect(pred, g.name) : 0;
      return { name: c, score: c };
    }
    case 'understand': {
      // string form: the prediction, ' then " stripped from both ends, equals str(gold args)
      const g = rruFields(gt, false);
      const c = g && pyStrip(pyStrip(pred, "'"), '"') === g.args ? 1 : 0;
      return { args: c, score: c };
    }
    case 'rru': {
      const g = rruFields(gt, true);
      const p = rruFields(pred, true);
      if (!g || !p) return { thought: 0, name: 0, args: 0, parse_rate: 0, score: 0 };
      const thought = cosine(sim, p.thought, g.thought);
      const name = p.name === g.name ? 1 : 0;
      const args = understandJson(p.args as PyDict, g.args as PyDict);
      return { thought, name, args, parse_rate: 1, score: (thought + name + args) / 3 };
    }
  }
}

/**
 * T-Eval aggregation as convert_results.py: instruct per format = (format + args_em)/2 and review
 * from means rounded to 4 decimals (np.round in the evaluators); plan = F1; each ability = mean of
 * its string and JSON values (the JSON bundle feeds reason/retrieve/understand); overall = mean of abilities.
 */
export function aggregateTEval(scores: ItemScores[], items: TEvalItem[], taskId = 't-eval'): TaskScore {
  const groups = groupFields(scores, items);
  const g = (name: string, field: string): number | undefined => (groups[name] ? groups[name][field] : undefined);
  const rounded = (name: string, field: string): number | undefined => {
    const v = g(name, field);
    return v === undefined ? undefined : 100 * npRound(v / 100, 4);
  };
  const instruct = (fmt: string): number | undefined => {
    const f = rounded(`instruct-${fmt}`, 'format');
    const e = rounded(`instruct-${fmt}`, 'args_em');
    return f === undefined || e === undefined ? undefined : (f + e) / 2;
  };
  const both = (...xs: (number | undefined)[]): number | undefined => {
    const v = xs.filter((x): x is number => x !== undefined);
    return v.length ? v.reduce((a, b) => a + b, 0) / v.length : undefined;
  };
  const fields: Record<string, number> = {};
  const ab: Record<string, number | undefined> = {
    instruct: both(instruct('json'), instruct('str')),
    plan: both(g('plan-json', 'f1'), g('plan-str', 'f1')),
    reason: both(g('rru-json', 'thought'), g('reason-str', 'thought')),
    retrieve: both(g('rru-json', 'name'), g('retrieve-str', 'name')),
    understand: both(g('rru-json', 'args'), g('understand-str', 'args')),
    review: rounded('review-str', 'correct'),
  };
  const formats: Record<string, number | undefined> = {
    'instruct-json': instruct('json'),
    'instruct-str': instruct('str'),
    'plan-json': g('plan-json', 'f1'),
    'plan-str': g('plan-str', 'f1'),
    'reason-json': g('rru-json', 'thought'),
    'reason-str': g('reason-str', 'thought'),
    'retrieve-json': g('rru-json', 'name'),
    'retrieve-str': g('retrieve-str', 'name'),
    'understand-json': g('rru-json', 'args'),
    'understand-str': g('understand-str', 'args'),
  };
  for (const [k, v] of Object.entries({ ...ab, ...formats })) if (v !== undefined) fields[k] = v;
  const present = Object.values(ab).filter((x): x is number => x !== undefined);
  const overall = present.length ? present.reduce((a, b) => a + b, 0) / present.length : 0;
  fields.overall = overall;
  fields.item_mean = meanFields(scores).score ?? 0;
  return { task: taskId, benchmark: 'teval', capability: 'action', metric: 'overall', score: overall, fields, groups, n: scores.length };
}

/** Every T-Eval file of TEVAL_FILES present in a folder; none present is a BenchDataError. */
export async function loadTEvalFolder(dir: string): Promise<TEvalItem[]> {
  const items = await loadPresent(Object.entries(TEVAL_FILES).map(([name, spec]) => [join(dir, name), (f: string) => loadTEvalFile(f, spec.ability, spec.format)] as const));
  if (items.length === 0) throw new BenchDataError(dir, 'folder', '(files)', `one of ${Object.keys(TEVAL_FILES).join(', ')}`, 'none of them');
  return items;
}

/** test.py's HFTransformerCasualLM(max_new_tokens=512), every ability. */
const MAX_NEW_TOKENS = 512;

export function createTEvalTask(ctx: TaskContext): SingleTurnTask<TEvalItem, string> {
  return {
    kind: 'single',
    id: 't-eval',
    benchmark: 'teval',
    capability: 'action',
    title: 'T-Eval (instruct, plan, reason, retrieve, understand, review)',
    metric: 'overall',
    load: (suiteDir: string) => loadTEvalFolder(benchmarkFolder(suiteDir, 't-eval')),
    settings: () => ({ maxNewTokens: MAX_NEW_TOKENS }),
    prompt: (item) => ({ kind: 'chat', turns: item.turns }),
    parse: (output) => output,
    score: (item, parsed) => scoreTEval(item, parsed, ctx.similarity),
    aggregate: (scores, items) => aggregateTEval(scores, items),
  };
}
