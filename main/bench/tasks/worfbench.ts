// WorfBench (workflow generation): node F1 (what the study reports) and graph F1.
// Reads `gold_traj/<task>/graph_eval.json` (a JSON array of conversation records).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { BenchDataError } from '../errors.js';
import { longestIncreasingSubsequence, maxWeightMatching, prf } from '../matching.js';
import type { TextSimilarity } from '../similarity.js';
import type { ChatTurn, ItemScores, SingleTurnTask, TaskContext, TaskItem, TaskScore } from '../types.js';
import { groupFields, meanFields } from '../types.js';
import { readJsonFile, RecordReader } from '../util.js';

export const WORFBENCH_TASKS = ['toolbench', 'toolalpaca', 'alfworld', 'webshop', 'os', 'lumos', 'wikihow'] as const;
export type WorfScenario = 'function-call' | 'embodied' | 'problem-solving' | 'open-grounded';
export const WORF_SCENARIO: Record<string, WorfScenario> = {
  toolbench: 'function-call', toolalpaca: 'function-call',
  alfworld: 'embodied', webshop: 'embodied',
  os: 'problem-solving', lumos: 'problem-solving',
  wikihow: 'open-grounded',
};

export interface WorfItem extends TaskItem {
  source: string;
  scenario: WorfScenario;
  system: string;
  user: string;
  gold: string;
  /** two worked examples for the task type: [user, assistant] pairs */
  examples: [string, string][];
}

export async function loadWorfBenchFile(file: string, task?: string): Promise<WorfItem[]> {
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
    const others = raw.filter((_, j) => j !== i).slice(0, 2);
    return { ...x, group: x.source, scenario: WORF_SCENARIO[x.source] ?? 'problem-solving', examples: others.map((o) => [o.user, o.gold] as [string, string]) };
  });
}

export interface Workflow {
  nodes: string[];
  /** edges by node label: "START", "END" or the 1-based node number as a string */
  edges: [string, string][];
}

/** Nodes by `^\d+[:.] (.+)` — quirk (original): a space after ":" or "." is required; edges by `(a,b)`. */
export function parseWorkflow(text: string): Workflow {
  const nodes: { n: number; text: string }[] = [];
  for (const m of text.matchAll(/^(\d+)[:.] (.+)$/gm)) nodes.push({ n: Number(m[1]), text: m[2].trim() });
  const edges: [string, string][] = [];
  for (const m of text.matchAll(/\((\d+|START),\s*(\d+|END)\)/g)) edges.push([m[1], m[2]]);
  return { nodes: nodes.map((x) => x.text), edges };
}

/** Topological orders of nodes 1..n under the edges (START/END ignored), at most `cap`. */
export function topologicalOrders(n: number, edges: readonly [string, string][], cap = 20): number[][] {
  const succ: number[][] = Array.from({ length: n }, () => []);
  const indeg = new Array<number>(n).fill(0);
  for (const [a, b] of edges) {
    const x = Number(a) - 1;
    const y = Number(b) - 1;
    if (!Number.isInteger(x) || !Number.isInteger(y) || x < 0 || y < 0 || x >= n || y >= n || a === 'START' || b === 'END') continue;
    succ[x].push(y);
    indeg[y]++;
  }
  const out: number[][] = [];
  const order: number[] = [];
  const used = new Array<boolean>(n).fill(false);
  const rec = (): void => {
    if (out.length >= cap) return;
    if (order.length === n) {
      out.push(order.slice());
      return;
    }
    for (let v = 0; v < n; v++) {
      if (used[v] || indeg[v] !== 0) continue;
      used[v] = true;
      order.push(v);
      for (const s of succ[v]) indeg[s]--;
      rec();
      for (const s of succ[v]) indeg[s]++;
      order.pop();
      used[v] = false;
      if (out.length >= cap) return;
    }
  };
  rec();
  if (out.length === 0) out.push(Array.from({ length: n }, (_, i) => i)); // cyclic gold: numeric order
  return out;
}

/**
 * Node F1: for each topological order of the gold DAG (cap 20), similarity matrix between predicted
 * and gold node texts (clipped ≥ 0), pairs > 0.6, maximum-weight matching, count = LIS of matched
 * gold positions in prediction order; P = count/|pred|, R = count/|gold|; the order with the best F1.
 */
export function nodeF1(pred: Workflow, gold: Workflow, sim: TextSimilarity): { precision: number; recall: number; f1: number } {
  if (pred.nodes.length === 0 || pred.edges.length === 0 || gold.nodes.length === 0) return { precision: 0, recall: 0, f1: 0 };
  const s = sim.matrix(pred.nodes, gold.nodes);
  let best = { precision: 0, recall: 0, f1: 0 };
  for (const order of topologicalOrders(gold.nodes.length, gold.edges)) {
    const w = pred.nodes.map((_, i) => order.map((g) => (Math.max(0, s[i][g]) > 0.6 ? s[i][g] : 0)));
    const matched = maxWeightMatching(w).map(([, pos]) => pos);
    const r = prf(longestIncreasingSubsequence(matched), pred.nodes.length, gold.nodes.length);
    if (r.f1 > best.f1) best = r;
  }
  return best;
}

/**
 * Graph F1: nodes matched as for node F1 (START/END match themselves); the predicted edges that
 * exist in the gold graph under the matching form a subgraph; its largest connected component
 * (k nodes) gives P = k/(|pred|+2), R = k/(|gold|+2).
 */
export function graphF1(pred: Workflow, gold: Workflow, sim: TextSimilarity): { precision: number; recall: number; f1: number } {
  if (pred.nodes.length === 0 || pred.edges.length === 0 || gold.nodes.length === 0) return { precision: 0, recall: 0, f1: 0 };
  const s = sim.matrix(pred.nodes, gold.nodes);
  const w = s.map((row) => row.map((x) => (x > 0.6 ? x : 0)));
  const map = new Map<string, string>([['START', 'START'], ['END', 'END']]);
  for (const [p, g] of maxWeightMatching(w)) map.set(String(p + 1), String(g + 1));
  const goldEdges = new Set(gold.edges.map(([a, b]) => `${a}>${b}`));
  const adj = new Map<string, Set<string>>();
  const link = (a: string, b: string) => {
    if (!adj.has(a)) adj.set(a, new Set());
    if (!adj.has(b)) adj.set(b, new Set());
    adj.get(a)!.add(b);
    adj.get(b)!.add(a);
  };
  for (const [a, b] of pred.edges) {
    const ga = map.get(a);
    const gb = map.get(b);
    if (ga && gb && goldEdges.has(`${ga}>${gb}`)) link(ga, gb);
  }
  let k = 0;
  const seen = new Set<string>();
  for (const start of adj.keys()) {
    if (seen.has(start)) continue;
    let size = 0;
    const stack = [start];
    seen.add(start);
    while (stack.length) {
      const v = stack.pop()!;
      size++;
      for (const u of adj.get(v)!) if (!seen.has(u)) {
        seen.add(u);
        stack.push(u);
      }
    }
    k = Math.max(k, size);
  }
  return prf(k, pred.nodes.length + 2, gold.nodes.length + 2);
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
  const byScenario = groupFields(scores, items.map((it) => ({ ...it, group: it.scenario })));
  for (const [k, v] of Object.entries(byScenario)) groups[`scenario:${k}`] = v;
  return { task: 'worfbench', benchmark: 'worfbench', capability: 'workflow', metric: 'node F1', score: fields.f1 ?? 0, fields, groups, n: scores.length };
}

export function createWorfBenchTask(ctx: TaskContext): SingleTurnTask<WorfItem, string> {
  return {
    kind: 'single',
    id: 'worfbench',
    benchmark: 'worfbench',
    capability: 'workflow',
    title: 'WorfBench (function-call, embodied, problem-solving, open-grounded)',
    metric: 'node F1',
    async load(suiteDir: string) {
      const root = existsSync(join(suiteDir, 'worfbench')) ? join(suiteDir, 'worfbench') : suiteDir;
      const items: WorfItem[] = [];
      for (const t of WORFBENCH_TASKS) {
        const f = join(root, 'gold_traj', t, 'graph_eval.json');
        if (existsSync(f)) items.push(...(await loadWorfBenchFile(f, t)));
      }
      if (items.length === 0) throw new BenchDataError(join(root, 'gold_traj'), 'folder', '(files)', `<task>/graph_eval.json for one of ${WORFBENCH_TASKS.join(', ')}`, 'none');
      return items;
    },
    settings: () => ({ maxNewTokens: 192 }),
    prompt(item) {
      const turns: ChatTurn[] = [{ role: 'system', content: item.system }];
      for (const [u, a] of item.examples) turns.push({ role: 'user', content: u }, { role: 'assistant', content: a });
      turns.push({ role: 'user', content: item.user });
      return { kind: 'chat', turns };
    },
    parse: (output) => output,
    score: (item, parsed) => scoreWorkflow(parsed, item.gold, ctx.similarity),
    aggregate: aggregateWorf,
  };
}
