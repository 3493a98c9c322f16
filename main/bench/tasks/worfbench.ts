// WorfBench (workflow generation): node F1 (what the study reports) and graph F1.
// Reads `gold_traj/<task>/graph_eval.json` (a JSON array of conversation records).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { BenchDataError } from '../errors.js';
import { matchedLis, maxWeightMatching, networkxTopologicalSorts, prf } from '../matching.js';
import { literalEval, PY_SPACE, pyStrip, toJs, type PyValue } from '../python.js';
import type { TextSimilarity } from '../similarity.js';
import type { ChatTurn, ItemScores, SingleTurnTask, TaskContext, TaskItem, TaskScore } from '../types.js';
import { groupFields, meanFields } from '../types.js';
import { benchmarkFolder, isRecord, loadPresent, readJsonFile, readTextLimited, RecordReader } from '../util.js';

export const WORFBENCH_TASKS = ['toolbench', 'toolalpaca', 'alfworld', 'webshop', 'os', 'lumos', 'wikihow'] as const;
export type WorfScenario = 'function-call' | 'embodied' | 'problem-solving' | 'open-grounded';
export const WORF_SCENARIO: Record<string, WorfScenario> = {
  toolbench: 'function-call',
  toolalpaca: 'function-call',
  alfworld: 'embodied',
  webshop: 'embodied',
  os: 'problem-solving',
  lumos: 'problem-solving',
  wikihow: 'open-grounded',
};

export interface WorfItem extends TaskItem {
  source: string;
  scenario: WorfScenario;
  system: string;
  user: string;
  gold: string;
  /** the two worked examples for the task type, as user/assistant turns */
  examples: ChatTurn[];
  /** whether they are the reference's fixed two-shot example (else two records of the file stand in) */
  fixedExamples: boolean;
}

/** One task type's fixed two-shot example, as chat turns (user, assistant, user, assistant). */
export type WorfExamples = ChatTurn[];

/**
 * Read a graph_eval.json. The prompt's two worked examples come from `examples` (the reference's fixed
 * two-shot example for the task type); without them, the first two other records of the file stand in.
 */
export async function loadWorfBenchFile(file: string, task?: string, examples?: Record<string, WorfExamples>): Promise<WorfItem[]> {
  const data = await readJsonFile(file);
  if (!Array.isArray(data)) throw new BenchDataError(file, 'whole file', '(root)', 'a JSON array of records', typeof data);
  const raw = data.map((v, i) => {
    const r = RecordReader.of(file, `record ${i}`, v);
    const conv = r.array('conversations');
    const turn = (k: number, role: string): string => {
      const t = conv[k];
      if (typeof t !== 'object' || t === null || (t as { role?: unknown }).role !== role || typeof (t as { content?: unknown }).content !== 'string') {
        throw new BenchDataError(file, `record ${i}`, `conversations[${k}]`, `a ${role} turn {role:"${role}", content}`, JSON.stringify(t)?.slice(0, 60) ?? 'nothing');
      }
      return (t as { content: string }).content;
    };
    if (conv.length < 3) r.fail('conversations', 'system, user and assistant turns');
    const source = r.optString('source') ?? task ?? 'unknown';
    return { id: r.id('id'), source, system: turn(0, 'system'), user: turn(1, 'user'), gold: turn(2, 'assistant') };
  });
  return raw.map((x, i) => {
    const fixed = examples?.[task ?? x.source] ?? examples?.[x.source];
    const others = raw.filter((_, j) => j !== i).slice(0, 2);
    const shots: ChatTurn[] =
      fixed ??
      others.flatMap(
        (o) =>
          [
            { role: 'user', content: o.user },
            { role: 'assistant', content: o.gold },
          ] as ChatTurn[],
      );
    return { ...x, group: x.source, scenario: WORF_SCENARIO[x.source] ?? 'problem-solving', examples: shots, fixedExamples: fixed !== undefined };
  });
}

/** The `name = {...}` dict literal of a Python source file, read with ast.literal_eval; undefined if absent. */
export function pythonAssignment(source: string, name: string): PyValue | undefined {
  const m = new RegExp(`^${name}\\s*=\\s*`, 'm').exec(source);
  if (!m) return undefined;
  const start = m.index + m[0].length;
  let depth = 0;
  let quote = '';
  for (let i = start; i < source.length; i++) {
    const c = source[i];
    if (quote) {
      if (c === '\\') i++;
      else if (source.startsWith(quote, i)) {
        i += quote.length - 1;
        quote = '';
      }
    } else if (c === '"' || c === "'") quote = source.startsWith(c.repeat(3), i) ? c.repeat(3) : c;
    else if (c === '#') while (i < source.length && source[i] !== '\n') i++;
    else if (c === '{' || c === '[' || c === '(') depth++;
    else if (c === '}' || c === ']' || c === ')') {
      depth--;
      if (depth === 0) return literalEval(source.slice(start, i + 1));
    }
  }
  return undefined;
}

/**
 * The reference's fixed two-shot examples (prompts/eval_prompt.py's `two_shot_example`, or our
 * prompts/two_shot_example.json holding the same {task: [turns]}), from the folder above gold_traj/.
 */
export async function loadWorfExamples(root: string): Promise<Record<string, WorfExamples> | undefined> {
  const json = join(root, 'prompts', 'two_shot_example.json');
  const py = join(root, 'prompts', 'eval_prompt.py');
  let value: unknown;
  if (existsSync(json)) value = await readJsonFile(json);
  else if (existsSync(py)) {
    const v = pythonAssignment(await readTextLimited(py, 16 * 1024 * 1024), 'two_shot_example');
    if (v === undefined) throw new BenchDataError(py, 'whole file', 'two_shot_example', 'a dict literal two_shot_example = {task: [turns]}', 'none');
    value = toJs(v);
  } else return undefined;
  const file = existsSync(json) ? json : py;
  if (!isRecord(value)) throw new BenchDataError(file, 'whole file', '(root)', 'an object keyed by task type', typeof value);
  const out: Record<string, WorfExamples> = {};
  for (const [task, turns] of Object.entries(value)) {
    if (!Array.isArray(turns) || turns.some((t) => !isRecord(t) || (t.role !== 'user' && t.role !== 'assistant') || typeof t.content !== 'string')) {
      throw new BenchDataError(file, `task "${task}"`, task, 'a list of {role: user|assistant, content}', JSON.stringify(turns)?.slice(0, 60) ?? 'nothing');
    }
    out[task] = (turns as { role: 'user' | 'assistant'; content: string }[]).map((t) => ({ role: t.role, content: t.content }));
  }
  return out;
}

/** A parsed workflow as node_eval.workflow_to_graph_list gives it: nodes with START first and END last, edges by index. */
export interface Workflow {
  nodes: string[];
  edges: [number, number][];
}

/** Python's int() of a run of Unicode decimal digits (\d matches them all). */
function decimalValue(digits: string): number {
  let v = 0;
  for (const ch of digits) {
    let start = ch.codePointAt(0)!;
    while (/\p{Nd}/u.test(String.fromCodePoint(start - 1))) start--;
    v = v * 10 + ((ch.codePointAt(0)! - start) % 10);
  }
  return v;
}

const NODE_LINE = /\p{Nd}+[:.] ([^\n]+)/gu;
const EDGE = new RegExp(`\\([${PY_SPACE}]*(\\p{Nd}+|START)[${PY_SPACE}]*,[${PY_SPACE}]*(\\p{Nd}+|END)[${PY_SPACE}]*\\)`, 'gu');

/**
 * node_eval.workflow_to_graph_list: no "Node" in the text → nothing; nodes are every `\d+[:.] (.+)`
 * found anywhere in a line (the space is required), stripped; START and END are added; edges
 * `( a , b )` with spaces allowed, START → 0 and END → the last index; no edge → nothing.
 */
export function parseWorkflow(text: string): Workflow | undefined {
  if (!text.includes('Node')) return undefined;
  const nodes = ['START', ...[...text.matchAll(NODE_LINE)].map((m) => pyStrip(m[1])), 'END'];
  const edges = [...text.matchAll(EDGE)].map((m): [number, number] => [m[1] === 'START' ? 0 : decimalValue(m[1]), m[2] === 'END' ? nodes.length - 1 : decimalValue(m[2])]);
  return edges.length ? { nodes, edges } : undefined;
}

/**
 * graph_evaluator.all_topological_sorts: a gold of ≥ 10 nodes (START and END included) is used as its
 * raw node list, START and END kept; otherwise networkx's first 20 topological orders with START and
 * END removed. Undefined where the reference raises (a cycle, an edge past the nodes).
 */
export function goldOrders(gold: Workflow): string[][] | undefined {
  if (gold.nodes.length >= 10) return [gold.nodes];
  const sorts = networkxTopologicalSorts(gold.nodes.length, gold.edges, 20);
  if (!sorts || sorts.some((o) => o.some((i) => i >= gold.nodes.length))) return undefined;
  return sorts.map((o) => o.map((i) => gold.nodes[i]).filter((t) => t !== 'START' && t !== 'END'));
}

type Prf = { precision: number; recall: number; f1: number };
const ZERO: Prf = { precision: 0, recall: 0, f1: 0 };

/** Clipped similarity of every predicted text with every gold text (each distinct pair computed once). */
function similarityLookup(sim: TextSimilarity, pred: readonly string[], gold: readonly string[]): (i: number, g: string) => number {
  const golds = [...new Set(gold)];
  const s = sim.matrix(pred, golds);
  const col = new Map(golds.map((g, j) => [g, j]));
  return (i, g) => Math.max(0, s[i][col.get(g)!]);
}

/**
 * Node F1 (graph_evaluator.t_eval_nodes): predicted nodes without "START"/"END"; for each gold order,
 * sim > 0.6 edges, networkx's maximum-weight matching, count = LIS with the table starting at 1;
 * P = count/|pred|, R = count/|gold order|; the first order with the highest F1. Where the reference
 * skips an item (unparsed prediction) it counts 0; where it crashes (no predicted node, a bad gold) we score 0.
 */
export function nodeF1(pred: Workflow | undefined, gold: Workflow | undefined, sim: TextSimilarity): Prf {
  if (!pred || !gold) return ZERO;
  const orders = goldOrders(gold);
  const p = pred.nodes.filter((t) => t !== 'START' && t !== 'END');
  if (!orders || p.length === 0 || orders.some((o) => o.length === 0)) return ZERO;
  const s = similarityLookup(sim, p, orders.flat());
  let best = ZERO;
  for (const order of orders) {
    const count = matchedLis(
      p.map((_, i) => order.map((g) => s(i, g))),
      0.6,
    );
    const r = prf(count, p.length, order.length);
    if (r.f1 > best.f1) best = r;
  }
  return best;
}

/** Size of the largest connected component of the undirected graph on `nodes` ∪ edge ends; undefined when empty. */
function largestComponent(nodes: Iterable<number>, edges: readonly [number, number][]): number | undefined {
  const parent = new Map<number, number>();
  const find = (x: number): number => {
    while (parent.get(x)! !== x) x = parent.get(x)!;
    return x;
  };
  const add = (x: number) => parent.has(x) || parent.set(x, x);
  for (const v of nodes) add(v);
  for (const [a, b] of edges) {
    add(a);
    add(b);
    parent.set(find(a), find(b));
  }
  if (parent.size === 0) return undefined;
  const size = new Map<number, number>();
  for (const v of parent.keys()) size.set(find(v), (size.get(find(v)) ?? 0) + 1);
  return Math.max(...size.values());
}

/**
 * Graph F1 (graph_evaluator.t_eval_graph): nodes with START and END matched by text (sim > 0.6,
 * maximum-weight matching); predicted edges between matched predicted nodes that also appear — as the
 * same index pair, as the reference compares them — among gold edges between matched gold nodes;
 * P = largest component over matched predicted nodes / |pred nodes|, R = the same over matched gold
 * nodes (plus those edges' ends) / |gold nodes|. Isolated matched nodes count as components of 1.
 */
export function graphF1(pred: Workflow | undefined, gold: Workflow | undefined, sim: TextSimilarity): Prf {
  if (!pred || !gold) return ZERO;
  const s = similarityLookup(sim, pred.nodes, gold.nodes);
  const mapping = maxWeightMatching(pred.nodes.map((_, i) => gold.nodes.map((g) => (s(i, g) > 0.6 ? s(i, g) : 0))));
  const mp = new Set(mapping.map(([i]) => i));
  const mg = new Set(mapping.map(([, j]) => j));
  const goldEdges = new Set(gold.edges.filter(([a, b]) => mg.has(a) && mg.has(b)).map(([a, b]) => `${a},${b}`));
  const common = pred.edges.filter(([a, b]) => mp.has(a) && mp.has(b) && goldEdges.has(`${a},${b}`));
  const kp = largestComponent(mp, common);
  const kg = largestComponent(mg, common);
  if (kp === undefined || kg === undefined) return ZERO; // the reference raises on an empty graph
  const precision = kp / pred.nodes.length;
  const recall = kg / gold.nodes.length;
  return { precision, recall, f1: (2 * precision * recall) / (precision + recall) };
}

export function scoreWorkflow(output: string, goldText: string, sim: TextSimilarity): ItemScores {
  const pred = parseWorkflow(output);
  const gold = parseWorkflow(goldText);
  const n = nodeF1(pred, gold, sim);
  const g = graphF1(pred, gold, sim);
  return { precision: n.precision, recall: n.recall, f1: n.f1, graph_precision: g.precision, graph_recall: g.recall, graph_f1: g.f1, score: n.f1 };
}

export function aggregateWorf(scores: ItemScores[], items: WorfItem[]): TaskScore {
  const fields = meanFields(scores);
  const groups = groupFields(scores, items);
  const byScenario = groupFields(
    scores,
    items.map((it) => ({ ...it, group: it.scenario })),
  );
  for (const [k, v] of Object.entries(byScenario)) groups[`scenario:${k}`] = v;
  return { task: 'worfbench', benchmark: 'worfbench', capability: 'workflow', metric: 'node F1', score: fields.f1 ?? 0, fields, groups, n: scores.length };
}

export function createWorfBenchTask(ctx: TaskContext): SingleTurnTask<WorfItem, string> {
  let stoodIn = false;
  return {
    kind: 'single',
    id: 'worfbench',
    benchmark: 'worfbench',
    capability: 'workflow',
    title: 'WorfBench (function-call, embodied, problem-solving, open-grounded)',
    metric: 'node F1',
    async load(suiteDir: string) {
      const root = benchmarkFolder(suiteDir, 'worfbench');
      const examples = await loadWorfExamples(root);
      const items = await loadPresent(WORFBENCH_TASKS.map((t) => [join(root, 'gold_traj', t, 'graph_eval.json'), (f: string) => loadWorfBenchFile(f, t, examples)] as const));
      stoodIn = items.some((it) => !it.fixedExamples);
      if (items.length === 0) throw new BenchDataError(join(root, 'gold_traj'), 'folder', '(files)', `<task>/graph_eval.json for one of ${WORFBENCH_TASKS.join(', ')}`, 'none');
      return items;
    },
    // node_eval.py's generation settings: greedy, max_tokens 1024
    settings: () => ({ maxNewTokens: 1024 }),
    deviations: () => (stoodIn ? ['worfbench-examples-from-data'] : []),
    // node_eval.build_message: system, the task type's two-shot example, "Now it's your turn.\n" + the task
    prompt: (item) => ({ kind: 'chat', turns: [{ role: 'system', content: item.system }, ...item.examples, { role: 'user', content: `Now it's your turn.\n${item.user}` }] }),
    parse: (output) => output,
    score: (item, parsed) => scoreWorkflow(parsed, item.gold, ctx.similarity),
    aggregate: aggregateWorf,
  };
}
