// A run's report folder: per-capability scores and drops (paired-bootstrap CIs from the evaluate
// stage), per-task scores and the statistics, as CSV / LaTeX / Markdown tables and SVG / PNG figures.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ResultRecord } from './contract.js';
import { toCsv, toLatex, toMarkdown, type Cell, type Table } from './export.js';
import { groupedBarSvg, svgToPng } from './figures.js';
import { CAPABILITY_ORDER, capabilityScores as scoresByCapability } from '../results/index.js';

interface CapabilityDrop {
  capability: string;
  base: number;
  compressed: number;
  absolute: number;
  absoluteCi95: [number, number];
}

export interface StudySummary {
  configs: string[];
  /** config → capability → score (0–100, mean of its tasks' headline scores) */
  capabilityScores: Map<string, Map<string, number>>;
  /** config → task → score (0–100) */
  taskScores: Map<string, Map<string, number>>;
  /** compressed config → capability → paired drop (points, base − compressed) */
  drops: Map<string, CapabilityDrop[]>;
  statistics: Map<string, Record<string, number | null>>;
  memoryBytes: Map<string, number>;
  notForPublication: boolean;
  /** label → meaning, for every departure from the reference scorers the task scores name */
  deviations: Map<string, string>;
}

const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;

/** Read the records of a finished run into one summary (scores ×100). */
export function summarise(records: ResultRecord[]): StudySummary {
  const configs: string[] = [];
  const see = (c: string) => {
    if (!configs.includes(c)) configs.push(c);
  };
  const taskScores = new Map<string, Map<string, number>>();
  const taskCapability = new Map<string, string>();
  const drops = new Map<string, CapabilityDrop[]>();
  const statistics = new Map<string, Record<string, number | null>>();
  const memoryBytes = new Map<string, number>();
  let notForPublication = false;
  const deviations = new Map<string, string>();
  for (const r of records) {
    const d = r.data;
    if (r.kind === 'score' && r.key.startsWith('score:') && typeof d.score === 'number') {
      const config = String(d.config);
      see(config);
      if (!taskScores.has(config)) taskScores.set(config, new Map());
      taskScores.get(config)!.set(String(d.task), d.score * 100);
      taskCapability.set(String(d.task), String(d.capability));
      if (d.notForPublication) notForPublication = true;
      if (Array.isArray(d.deviations))
        for (const x of d.deviations as { label?: unknown; note?: unknown }[]) if (typeof x?.label === 'string') deviations.set(x.label, typeof x.note === 'string' ? x.note : x.label);
    } else if (r.kind === 'analysis' && d.metric === 'drops') {
      drops.set(String(d.config), (d.capabilities as CapabilityDrop[]) ?? []);
    } else if (r.kind === 'analysis' && d.metric === 'pair') {
      const a = d as unknown as {
        perplexity: { base: number; compressed: number };
        kl: { mean: number };
        energy: { delta: { mean: number } };
        erank: { hidden: { diff: { mean: number | null } }; logits: { diff: { mean: number | null } } };
        topK: { k: number; jaccard: { mean: number }; kendallTau: { mean: number | null }; spearmanRho: { mean: number | null } }[];
      };
      const row: Record<string, number | null> = {
        'PPL base': a.perplexity.base,
        PPL: a.perplexity.compressed,
        KL: a.kl.mean,
        ΔE: a.energy.delta.mean,
        'Diff-eRank (hidden)': a.erank.hidden.diff.mean,
        'Diff-eRank (logits)': a.erank.logits.diff.mean,
      };
      for (const t of a.topK) if (t.k === 3 || t.k === 10) Object.assign(row, { [`Jaccard@${t.k}`]: t.jaccard.mean, [`τ@${t.k}`]: t.kendallTau.mean, [`ρ@${t.k}`]: t.spearmanRho.mean });
      statistics.set(String(d.label), row);
    } else if (r.kind === 'compression' && typeof d.memoryBytes === 'number') {
      memoryBytes.set(String(d.config), d.memoryBytes);
    }
  }
  const capabilityScores = new Map<string, Map<string, number>>(configs.filter((c) => taskScores.has(c)).map((c) => [c, new Map()]));
  const scored = [...taskScores].flatMap(([config, tasks]) => [...tasks].map(([task, score]) => ({ config, capability: taskCapability.get(task)!, score })));
  for (const g of scoresByCapability(scored)) capabilityScores.get(g.config)!.set(g.capability, g.score);
  return { configs, capabilityScores, taskScores, drops, statistics, memoryBytes, notForPublication, deviations };
}

export function capabilityTable(s: StudySummary): Table {
  const caps = CAPABILITY_ORDER.filter((c) => s.configs.some((k) => s.capabilityScores.get(k)?.has(c)));
  const columns = ['configuration', 'memory (MiB)', ...caps.flatMap((c) => [c, `Δ ${c}`, `Δ ${c} 95% CI`])];
  const rows = s.configs.map((config) => {
    const mem = s.memoryBytes.get(config);
    const cells: Cell[] = [config, mem === undefined ? null : round(mem / 2 ** 20, 3)];
    for (const c of caps) {
      const score = s.capabilityScores.get(config)?.get(c);
      const drop = s.drops.get(config)?.find((d) => d.capability === c);
      cells.push(score === undefined ? null : round(score), drop ? round(-drop.absolute) : null, drop ? `[${round(-drop.absoluteCi95[1])}, ${round(-drop.absoluteCi95[0])}]` : null);
    }
    return cells;
  });
  return { columns, rows };
}

export function taskTable(s: StudySummary): Table {
  const tasks = [...new Set([...s.taskScores.values()].flatMap((m) => [...m.keys()]))];
  return { columns: ['configuration', ...tasks], rows: s.configs.map((c) => [c, ...tasks.map((t) => (s.taskScores.get(c)?.has(t) ? round(s.taskScores.get(c)!.get(t)!) : null))]) };
}

export function statisticsTable(s: StudySummary): Table {
  const columns = [...new Set([...s.statistics.values()].flatMap((r) => Object.keys(r)))];
  return { columns: ['configuration', ...columns], rows: [...s.statistics].map(([c, r]) => [c, ...columns.map((k) => (r[k] === null || r[k] === undefined ? null : round(r[k]!, 4)))]) };
}

export interface ReportFiles {
  dir: string;
  files: string[];
}

/** Write tables (CSV, LaTeX, Markdown) and figures (SVG, PNG at 300 DPI) for a run into dir. */
export function writeReport(records: ResultRecord[], dir: string, title: string): ReportFiles {
  const s = summarise(records);
  const files: string[] = [];
  const write = (name: string, content: string | Buffer) => {
    const path = join(dir, name);
    writeFileSync(path, content);
    files.push(path);
  };
  mkdirSync(join(dir, 'tables'), { recursive: true });
  mkdirSync(join(dir, 'figures'), { recursive: true });
  const tables: [string, Table, string][] = [
    ['capabilities', capabilityTable(s), `${title}: per-capability scores (×100) and change vs base (points, paired bootstrap 95% CI)`],
    ['tasks', taskTable(s), `${title}: per-task headline scores (×100)`],
    ['statistics', statisticsTable(s), `${title}: statistics of each compressed model against the base`],
  ];
  for (const [name, table, caption] of tables) {
    if (!table.rows.length) continue;
    write(`tables/${name}.csv`, toCsv(table));
    write(`tables/${name}.tex`, toLatex(table, caption));
    write(`tables/${name}.md`, toMarkdown(table));
  }
  const caps = CAPABILITY_ORDER.filter((c) => s.configs.some((k) => s.capabilityScores.get(k)?.has(c)));
  const compressed = s.configs.filter((c) => c !== 'base');
  const figures: [string, string][] = [];
  if (caps.length && compressed.length)
    figures.push([
      'capability-drops',
      groupedBarSvg({
        title: `${title}: change vs base per capability`,
        yLabel: 'Δ score (points)',
        categories: [...caps],
        series: compressed.map((c) => {
          const drops = caps.map((cap) => s.drops.get(c)?.find((d) => d.capability === cap));
          return { name: c, values: drops.map((d) => (d ? -d.absolute : null)), ci: drops.map((d) => (d ? ([-d.absoluteCi95[1], -d.absoluteCi95[0]] as [number, number]) : null)) };
        }),
      }),
    ]);
  if (caps.length)
    figures.push([
      'capability-scores',
      groupedBarSvg({
        title: `${title}: score per capability`,
        yLabel: 'score (×100)',
        categories: [...caps],
        series: s.configs.map((c) => ({ name: c, values: caps.map((cap) => s.capabilityScores.get(c)?.get(cap) ?? null) })),
      }),
    ]);
  for (const [name, svg] of figures) {
    write(`figures/${name}.svg`, svg);
    write(`figures/${name}.png`, svgToPng(svg, 300).png);
  }
  const deviations = [...s.deviations].map(([label, text]) => `> - \`${label}\`: ${text}`).join('\n');
  const note = `${s.notForPublication ? '\n> Not for publication: a sample limit was set, so each task ran only its first items.\n' : ''}${deviations ? `\n> Where these scores depart from the reference scorers:\n${deviations}\n` : ''}`;
  write(
    'README.md',
    `# ${title}\n${note}\n## Per capability\n\n${toMarkdown(tables[0][1])}\n## Per task\n\n${toMarkdown(tables[1][1])}\n${s.statistics.size ? `## Statistics\n\n${toMarkdown(tables[2][1])}` : ''}`,
  );
  return { dir, files };
}
