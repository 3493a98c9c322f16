import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { capabilityDrops } from '../../renderer/results/drops.js';
import { paperCellScore, paperExperiments, paperOptStats, type PaperCell, type PaperData } from '../../renderer/results/paper.js';
import { recommend } from '../../renderer/results/recommend.js';

const root = join(import.meta.dirname, '..', '..');
const jsonFile = join(root, 'resources', 'paper', 'acbench-paper.json');
const sourceDir = join(root, 'resources', 'paper', 'source');
type Converter = { convertPaperTables(dir?: string): PaperData; serialize(d: PaperData): string };
const converter = () => import(pathToFileURL(join(root, 'build', 'paper-tables.mjs')).href) as Promise<Converter>;
const data = JSON.parse(readFileSync(jsonFile, 'utf8')) as PaperData;

describe('resources/paper/acbench-paper.json', () => {
  it('is exactly what build/paper-tables.mjs generates from the TSVs', async () => {
    const { convertPaperTables, serialize } = await converter();
    expect(serialize(convertPaperTables(sourceDir)) === readFileSync(jsonFile, 'utf8')).toBe(true);
  });

  it('keeps every TSV data row, with the printed text and its number', () => {
    const rows = readdirSync(sourceDir)
      .filter((f) => /^table\d+_.*\.tsv$/.test(f))
      .reduce((n, f) => n + readFileSync(join(sourceDir, f), 'utf8').split('\n').filter(Boolean).length - 1, 0);
    expect(data.cells).toHaveLength(rows);
    for (const c of data.cells) expect(c.value).toBe(Number(c.printed));
  });

  it('resolves aliases and marks UNALIGNED values (README counts: 28 + 15 + 8 + 67)', () => {
    expect(data.cells.filter((c) => !c.aligned)).toHaveLength(118);
    const models = data.models.map((m) => m.name);
    expect(models).toContain('DeepSeek-R1-Distill-Qwen-7B');
    expect(models).not.toContain('DS-Qwen-7b');
    expect(models).not.toContain('InternLM-2.5-7B');
    expect(data.models.find((m) => m.name === 'Megrez-3B')?.printed.sort()).toEqual(['Megrez-3Btruct', 'Megrez-3b']);
    // Table 4 prints "NtrQA" for Table 3's "NrtvQA"
    expect(data.cells.find((c) => c.table === 'Table 4' && c.printedTask === 'NtrQA')?.task).toBe('NrtvQA');
  });

  it('keeps InternLM2.5-7B T-Eval FP16 (72.2) as the base and the printed "Base" row (71.4) apart', () => {
    const overall = data.cells.filter((c) => c.table === 'Table 8' && c.model === 'InternLM2.5-7B' && c.task === 'Overall');
    expect(overall.find((c) => c.config === 'base')?.printed).toBe('72.2');
    expect(overall.find((c) => c.printedConfig === 'Base')?.config).toBe('base (printed "Base")');
  });
});

describe('paper experiments', () => {
  const exps = paperExperiments(data);
  const byModel = (m: string) => exps.find((e) => e.model === m)!;

  it('makes one read-only experiment per model with results (not the OPT statistics)', () => {
    expect(exps.map((e) => e.id)).toContain('paper-qwen2-5-7b');
    expect(exps.some((e) => e.model.startsWith('OPT'))).toBe(false);
    expect(paperOptStats(data).find((s) => s.model === 'OPT-6.7B' && s.metric === 'ERank (4bit)')?.value).toBe(17.877);
  });

  it('scores T-Eval Overall as the action capability: InternLM2.5-7B GPTQ 71.8 vs FP16 72.2 → Δ −0.4 points', () => {
    const rows = capabilityDrops(byModel('InternLM2.5-7B').scores).filter((r) => r.capability === 'action');
    expect(rows.find((r) => r.config === 'GPTQ-W4')!.drop).toBeCloseTo(-0.004, 10);
    expect(rows.find((r) => r.config === 'AWQ-W4')!.drop).toBeCloseTo(0.686 - 0.722, 10);
  });

  it('scores WorfBench Average F1 as workflow: Qwen2.5-32B AWQ 0.71 vs base 0.72', () => {
    const rows = capabilityDrops(byModel('Qwen2.5-32B').scores).filter((r) => r.capability === 'workflow');
    expect(rows.find((r) => r.config === 'AWQ-W4')!.drop).toBeCloseTo(-0.01, 10);
  });

  it('never scores UNALIGNED or Table 2 cells, and splits T-Eval by format as detail', () => {
    const cell = (over: Partial<PaperCell>): PaperCell => ({
      table: 'Table 8',
      model: 'm',
      printedModel: 'm',
      config: 'base',
      printedConfig: 'FP16',
      benchmark: 't-eval',
      capability: 'action',
      task: 'Plan',
      printedTask: 'Plan',
      metric: 'Json',
      value: 50,
      printed: '50',
      scale: 'percent',
      aligned: true,
      ...over,
    });
    expect(paperCellScore(cell({}))).toEqual({ config: 'base', capability: 'action', score: 0.5, task: 't-eval', subtask: 'Plan', format: 'Json', level: 'detail' });
    expect(paperCellScore(cell({ aligned: false, task: 'UNALIGNED' }))).toBeNull();
    expect(paperCellScore(cell({ scale: 'raw', benchmark: 'opt-stats' }))).toBeNull();
    expect(paperCellScore(cell({ benchmark: 'agentboard', capability: 'real-world', task: 'Pddl', metric: 'P' }))?.task).toBe('agentboard/Pddl');
    expect(paperCellScore(cell({ benchmark: 'worfbench', task: 'Average', metric: 'F1', value: 0.72, scale: 'fraction' }))).toMatchObject({ level: 'task', score: 0.72 });
  });

  it('estimates memory from nominal size: Qwen2.5-7B GPTQ-W4 = 7e9 × 4.25 / 8 bytes', () => {
    const gptq = byModel('Qwen2.5-7B').configs.find((c) => c.label === 'GPTQ-W4')!;
    expect(gptq.memoryBytes).toBe(3.71875e9);
    expect(gptq.memoryEstimated).toBe(true);
    const recs = recommend(capabilityDrops(byModel('Qwen2.5-7B').scores), byModel('Qwen2.5-7B').configs);
    expect(recs.every((r) => r.best === null || r.best.memoryBytes > 0)).toBe(true);
  });
});
