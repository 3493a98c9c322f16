// Adapters from a run's result records (results.jsonl lines) to the dashboards' view model.
// The record shapes read here are documented in renderer/results/README.md.
import type { ResultRecord } from '../../main/api/contract.js';
import { capabilityOfTask } from '../../main/results/index.js';
import { BASE, emptyRunView, type RunView, type TaskScore } from './types.js';

type Data = Record<string, unknown>;
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
/**
 * Text from a record as plain text: Plotly renders markup in labels (<a href>, <b>, …) and fills %{…} in hover
 * templates, so an imported bundle could plant a link in a chart. Tags and template fields are removed here, where every
 * record string enters the dashboards.
 */
export function plainLabel(text: string): string {
  return text.replace(/<[^>]*>?/g, '').replace(/%\{/g, '%\u200b{');
}
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? plainLabel(v) || undefined : undefined);
const numArray = (v: unknown): number[] | undefined => (Array.isArray(v) && v.every((x) => typeof x === 'number' && Number.isFinite(x)) ? (v as number[]) : undefined);

/** The configuration label a record belongs to; "base" for the uncompressed model. */
export function configOf(d: Data): string {
  const c = d.config;
  if (typeof c === 'string' && c) return c === 'none' ? BASE : plainLabel(c);
  if (c && typeof c === 'object' && typeof (c as Data).label === 'string') return plainLabel((c as Data).label as string);
  return BASE;
}

/** A score as a fraction: `scale: "percent"` scores are divided by 100. */
function fraction(d: Data, v: number): number {
  return d.scale === 'percent' ? v / 100 : v;
}

/** Histogram of raw values into `bins` equal-width bins over [min, max]. */
export function histogram(values: number[], bins = 30): { edges: number[]; counts: number[] } {
  if (!values.length) return { edges: [], counts: [] };
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (hi === lo) hi = lo + 1;
  const width = (hi - lo) / bins;
  const edges = Array.from({ length: bins + 1 }, (_, i) => lo + i * width);
  const counts = new Array<number>(bins).fill(0);
  for (const v of values) counts[Math.min(bins - 1, Math.floor((v - lo) / width))]++;
  return { edges, counts };
}

/** A score record's `deviations: [{label, note}]`, merged per label across tasks. */
function collectDeviations(view: RunView, task: string, v: unknown): void {
  if (!Array.isArray(v)) return;
  for (const x of v) {
    const label = str((x as Data | null)?.label);
    if (!label) continue;
    let d = view.deviations.find((e) => e.label === label);
    if (!d) view.deviations.push((d = { label, note: str((x as Data).note) ?? label, tasks: [] }));
    if (!d.tasks.includes(task)) d.tasks.push(task);
  }
}

/** A score record's `engine: {name, version, device, weights?, reason?}`: one row per configuration (the first seen). */
function collectEngine(view: RunView, config: string, v: unknown): void {
  if (!v || typeof v !== 'object' || view.engines.some((e) => e.config === config)) return;
  const e = v as Data;
  const name = str(e.name);
  if (!name) return;
  const layers = num(e.totalLayers) !== undefined && num(e.offloadedLayers) !== undefined ? `${e.offloadedLayers as number}/${e.totalLayers as number} layers offloaded` : undefined;
  view.engines.push({
    config,
    engine: name === 'tfjs' ? `reference decoder (${str(e.version) ?? 'tfjs'})` : `${name}${str(e.version) ? ` (${str(e.version)})` : ''}`,
    device: str(e.device) ?? 'unknown',
    ...(layers ? { layers } : {}),
    ...(str(e.weights) ? { weights: str(e.weights) } : {}),
    ...(str(e.reason) ? { reason: str(e.reason) } : {}),
  });
}

export function adaptRecords(records: readonly ResultRecord[]): RunView {
  const view = emptyRunView();
  const skipped = new Map<string, number>();
  const skip = (why: string) => skipped.set(why, (skipped.get(why) ?? 0) + 1);
  const configs = new Map<string, RunView['configs'][number]>();

  for (const rec of records) {
    const d = rec.data;
    switch (rec.kind) {
      case 'score': {
        const task = str(d.task);
        const raw = num(d.score);
        if (!task || raw === undefined) {
          skip('score records without a task name and a numeric score');
          break;
        }
        const score = fraction(d, raw);
        if (score < 0 || score > 1) {
          skip('score records whose score is outside 0–1 (send scale: "percent" for 0–100)');
          break;
        }
        const config = configOf(d);
        const contextLength = num(d.contextLength);
        const depth = num(d.depth);
        if (contextLength !== undefined && depth !== undefined) {
          view.niah.push({ config, contextLength, depth, score });
          break;
        }
        const capability = str(d.capability) ?? capabilityOfTask(task) ?? 'other';
        const ci = numArray(d.ci95);
        const subtask = str(d.subtask);
        const format = str(d.format);
        collectDeviations(view, task, d.deviations);
        collectEngine(view, config, d.engine);
        const row: TaskScore = { config, capability, task, score, level: subtask || format ? 'detail' : 'task' };
        if (subtask) row.subtask = subtask;
        if (format) row.format = format;
        if (ci && ci.length === 2) row.ci95 = [fraction(d, ci[0]), fraction(d, ci[1])];
        const n = num(d.n);
        if (n !== undefined) row.n = n;
        view.scores.push(row);
        break;
      }
      case 'analysis': {
        const metric = str(d.metric);
        const config = configOf(d);
        if (metric === 'topk' && num(d.k) !== undefined && num(d.consistency) !== undefined) view.topkByK.push({ config, x: d.k as number, consistency: d.consistency as number });
        else if (metric === 'topk-position' && num(d.position) !== undefined && num(d.consistency) !== undefined)
          view.topkByPosition.push({ config, x: d.position as number, consistency: d.consistency as number });
        else if (metric === 'energy' && numArray(d.edges) && numArray(d.counts)) view.energy.push({ config, edges: d.edges as number[], counts: d.counts as number[] });
        else if (metric === 'energy' && numArray(d.values)) view.energy.push({ config, ...histogram(d.values as number[]) });
        else if (metric === 'erank' && num(d.erank) !== undefined)
          view.erank.push({ config, erank: d.erank as number, ...(num(d.diffErank) !== undefined ? { diffErank: d.diffErank as number } : {}) });
        else if (metric === 'perplexity' && num(d.perplexity) !== undefined) view.perplexity.push({ config, perplexity: d.perplexity as number });
        else if (metric === 'drops' && Array.isArray(d.capabilities)) {
          // bench's paired bootstrap: absolute = base − compressed in points (×100); the view shows config − base as a fraction
          for (const c of d.capabilities as { capability?: unknown; absolute?: unknown; absoluteCi95?: unknown }[])
            if (typeof c.capability === 'string' && num(c.absolute) !== undefined && numArray(c.absoluteCi95))
              view.pairedDrops.push({ config, capability: c.capability, drop: -(c.absolute as number) / 100, ci95: [-(c.absoluteCi95 as number[])[1] / 100, -(c.absoluteCi95 as number[])[0] / 100] });
        } else if (metric === 'pair')
          break; // the full statistics object; its views come as the records above
        else skip(`analysis records with metric ${JSON.stringify(metric ?? null)} and unexpected fields`);
        break;
      }
      case 'compression': {
        const label = configOf(d);
        const prev = configs.get(label) ?? { label };
        const memoryBytes = num(d.memoryBytes);
        configs.set(label, {
          ...prev,
          ...(str(d.method) ? { method: str(d.method) } : {}),
          ...(num(d.bits) !== undefined ? { bits: d.bits as number } : {}),
          ...(num(d.groupSize) !== undefined ? { groupSize: d.groupSize as number } : {}),
          ...(num(d.sparsity) !== undefined ? { sparsity: d.sparsity as number } : {}),
          ...(str(d.pattern) ? { pattern: str(d.pattern) } : {}),
          ...(memoryBytes !== undefined ? { memoryBytes } : {}),
          ...(num(d.params) !== undefined ? { params: d.params as number } : {}),
          ...(num(d.seconds) !== undefined ? { seconds: d.seconds as number } : {}),
        });
        break;
      }
      case 'item': {
        const task = str(d.task);
        const score = num(d.score);
        const id = d.id ?? d.index;
        if (!task || score === undefined || (typeof id !== 'string' && typeof id !== 'number')) {
          skip('item records without task, id and numeric score');
          break;
        }
        const item: RunView['items'][number] = {
          config: configOf(d),
          task,
          id: String(id),
          score: fraction(d, score),
          correct: typeof d.correct === 'boolean' ? d.correct : fraction(d, score) >= 0.5,
        };
        for (const k of ['prompt', 'output', 'expected'] as const) if (typeof d[k] === 'string') item[k] = d[k] as string;
        view.items.push(item);
        break;
      }
      case 'stage': {
        const stage = str(d.stage);
        if (stage) view.stages.push({ stage, wallS: num(d.wallS) ?? 0, items: num(d.items) ?? 0 });
        break;
      }
      case 'log': {
        view.logs.push({ at: rec.at, level: str(d.level) ?? 'info', message: str(d.message) ?? JSON.stringify(d) });
        break;
      }
    }
  }
  // Configurations seen only in scores still get an entry (without memory).
  for (const s of view.scores) if (!configs.has(s.config)) configs.set(s.config, { label: s.config });
  view.configs = [...configs.values()].sort((a, b) => (a.label === BASE ? -1 : b.label === BASE ? 1 : 0));
  for (const [why, count] of skipped) view.warnings.push(`${count} ${why} were skipped`);
  return view;
}
