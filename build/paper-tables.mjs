// Converts the transcription of the ACBench paper's result tables (resources/paper/source/*.tsv,
// a copy of the shared paper/ folder; read its README for UNALIGNED rows and name aliases) into
// resources/paper/acbench-paper.json, the read-only reference data the dashboards overlay.
//   node build/paper-tables.mjs            write the JSON
//   node build/paper-tables.mjs --check    exit 1 when the committed JSON differs from a fresh conversion
//   --from DIR                             read the TSVs from DIR instead
import { readFileSync, readdirSync, writeFileSync, existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const defaultSourceDir = join(root, 'resources', 'paper', 'source');
export const outputFile = join(root, 'resources', 'paper', 'acbench-paper.json');

/** printed model name → the paper's full name (README "Name aliases") */
export const MODEL_ALIASES = {
  'DS-Qwen-7B': 'DeepSeek-R1-Distill-Qwen-7B',
  'DS-Qwen-7b': 'DeepSeek-R1-Distill-Qwen-7B',
  'DS-R1-Distill-Qwen-7B': 'DeepSeek-R1-Distill-Qwen-7B',
  'DS-Qwen-1.5B': 'DeepSeek-R1-Distill-Qwen-1.5B',
  'DS-Qwen-1.5b': 'DeepSeek-R1-Distill-Qwen-1.5B',
  'DS-R1-Distill-Qwen-1.5B': 'DeepSeek-R1-Distill-Qwen-1.5B',
  'DS-LLama-8B': 'DeepSeek-R1-Distill-Llama-8B',
  'DS-LLama-8b': 'DeepSeek-R1-Distill-Llama-8B',
  'DS-R1-Distill-Llama-8B': 'DeepSeek-R1-Distill-Llama-8B',
  'Qwen-3b': 'Qwen2.5-3B',
  'Qwen-1.5b': 'Qwen2.5-1.5B',
  'InternLM-2.5-7B': 'InternLM2.5-7B',
  'Mistral-7B-v0.3': 'Mistral-7B',
  'Megrez-3b': 'Megrez-3B',
  'Megrez-3Btruct': 'Megrez-3B',
  'MiniCPM-4b': 'MiniCPM3-4B',
  'Gemma-2b': 'Gemma-2-2B',
  'Phi-3.5': 'Phi-3.5-mini',
};

/** nominal parameter counts (from the model names; Phi-3.5-mini is 3.8B per the README) */
export const MODEL_PARAMS = {
  'Qwen2.5-1.5B': 1.5e9,
  'Qwen2.5-3B': 3e9,
  'Qwen2.5-7B': 7e9,
  'Qwen2.5-14B': 14e9,
  'Qwen2.5-32B': 32e9,
  'InternLM2.5-7B': 7e9,
  'Mistral-7B': 7e9,
  'DeepSeek-R1-Distill-Qwen-1.5B': 1.5e9,
  'DeepSeek-R1-Distill-Qwen-7B': 7e9,
  'DeepSeek-R1-Distill-Llama-8B': 8e9,
  'Megrez-3B': 3e9,
  'MiniCPM3-4B': 4e9,
  'Gemma-2-2B': 2e9,
  'Phi-3.5-mini': 3.8e9,
  'OPT-125M': 1.25e8,
  'OPT-1.3B': 1.3e9,
  'OPT-2.7B': 2.7e9,
  'OPT-6.7B': 6.7e9,
};

/** printed compression label → our configuration label and settings (the paper used default group size 128, ~50% sparsity) */
export const CONFIGS = {
  '-': { label: 'base', method: 'none' },
  Base: { label: 'base', method: 'none' },
  FP16: { label: 'base', method: 'none' },
  AWQ: { label: 'AWQ-W4', method: 'awq', bits: 4, groupSize: 128 },
  'AWQ(INT4)': { label: 'AWQ-W4', method: 'awq', bits: 4, groupSize: 128 },
  GPTQ: { label: 'GPTQ-W4', method: 'gptq', bits: 4, groupSize: 128 },
  'GPTQ(INT4)': { label: 'GPTQ-W4', method: 'gptq', bits: 4, groupSize: 128 },
  'GPTQ(W4)': { label: 'GPTQ-W4', method: 'gptq', bits: 4, groupSize: 128 },
  'GPTQ(INT8)': { label: 'GPTQ-W8', method: 'gptq', bits: 8, groupSize: 128 },
  'GPTQ(W8)': { label: 'GPTQ-W8', method: 'gptq', bits: 8, groupSize: 128 },
  'SmoothQ(W8A8)': { label: 'SmoothQuant-W8A8', method: 'smoothquant', bits: 8 },
  FP8: { label: 'FP8', method: 'fp8', bits: 8 },
  'Mag(2:4)': { label: 'Magnitude-2:4', method: 'magnitude', sparsity: 0.5, pattern: '2:4' },
  'Mag(Un)': { label: 'Magnitude-50%', method: 'magnitude', sparsity: 0.5, pattern: 'unstructured' },
  'Mag(un)': { label: 'Magnitude-50%', method: 'magnitude', sparsity: 0.5, pattern: 'unstructured' },
  'Wanda(2:4)': { label: 'Wanda-2:4', method: 'wanda', sparsity: 0.5, pattern: '2:4' },
  'Wanda(Un)': { label: 'Wanda-50%', method: 'wanda', sparsity: 0.5, pattern: 'unstructured' },
  'Wanda(un)': { label: 'Wanda-50%', method: 'wanda', sparsity: 0.5, pattern: 'unstructured' },
  'SparseGPT(2:4)': { label: 'SparseGPT-2:4', method: 'sparsegpt', sparsity: 0.5, pattern: '2:4' },
  'SparseGPT(Un)': { label: 'SparseGPT-50%', method: 'sparsegpt', sparsity: 0.5, pattern: 'unstructured' },
  'SparseGPT(un)': { label: 'SparseGPT-50%', method: 'sparsegpt', sparsity: 0.5, pattern: 'unstructured' },
  Distilled: { label: 'Distilled', method: 'distilled' },
  unspecified: { label: 'unspecified', method: 'none' },
  '4bit': { label: 'W4', method: 'rtn', bits: 4 },
};
/** when two printed labels of one model in one table map to the same configuration, the earlier here wins */
const PRINTED_PRIORITY = ['FP16', '-', 'Base'];

/** header spellings of the same LongBench task (README: Tables 4 and 5 vs Table 3) */
export const TASK_ALIASES = { NtrQA: 'NrtvQA', HopQA: 'HotpotQA', TRIEC: 'TREC', YCSum: 'VCSum' };

export const BENCHMARKS = {
  'T-Eval': { id: 't-eval', capability: 'action', scale: 'percent' },
  WorfBench: { id: 'worfbench', capability: 'workflow', scale: 'fraction' },
  LongBench: { id: 'longbench', capability: 'long-context', scale: 'percent' },
  LongGenBench: { id: 'longgenbench', capability: 'long-context', scale: 'percent' },
  AgentBoard: { id: 'agentboard', capability: 'real-world', scale: 'percent' },
  'OPT-stats': { id: 'opt-stats', capability: 'statistics', scale: 'raw' },
};

const COLUMNS = ['table', 'model', 'compression', 'benchmark', 'task', 'format_or_metric', 'value', 'note'];

export function parseTsv(text, file) {
  const lines = text.split('\n').filter((l) => l.length > 0);
  const header = lines[0].split('\t');
  if (header.join('|') !== COLUMNS.join('|')) throw new Error(`${file}: expected header ${COLUMNS.join(', ')}; found ${header.join(', ')}`);
  return lines.slice(1).map((line, i) => {
    const f = line.split('\t');
    if (f.length !== COLUMNS.length) throw new Error(`${file} line ${i + 2}: expected ${COLUMNS.length} tab-separated fields; found ${f.length}`);
    return Object.fromEntries(COLUMNS.map((c, j) => [c, f[j]]));
  });
}

export function convertPaperTables(sourceDir = defaultSourceDir) {
  const files = readdirSync(sourceDir)
    .filter((f) => /^table\d+_.*\.tsv$/.test(f))
    .sort((a, b) => Number(/\d+/.exec(a)[0]) - Number(/\d+/.exec(b)[0]));
  const rows = [];
  const fileList = [];
  for (const file of files) {
    const parsed = parseTsv(readFileSync(join(sourceDir, file), 'utf8'), file);
    fileList.push({ file, rows: parsed.length });
    rows.push(...parsed);
  }
  // Resolve printed-label collisions per (table, model, configuration label).
  const owner = new Map();
  for (const r of rows) {
    const cfg = CONFIGS[r.compression];
    if (!cfg) throw new Error(`${r.table}: unknown compression label "${r.compression}"; add it to CONFIGS`);
    const model = MODEL_ALIASES[r.model] ?? r.model;
    const key = `${r.table}|${model}|${cfg.label}`;
    const prev = owner.get(key);
    if (!prev) owner.set(key, r.compression);
    else if (prev !== r.compression) {
      const rank = (p) => PRINTED_PRIORITY.indexOf(p) + 1 || 99;
      if (rank(r.compression) < rank(prev)) owner.set(key, r.compression);
    }
  }
  const cells = rows.map((r) => {
    const cfg = CONFIGS[r.compression];
    const model = MODEL_ALIASES[r.model] ?? r.model;
    const bench = BENCHMARKS[r.benchmark];
    if (!bench) throw new Error(`${r.table}: unknown benchmark "${r.benchmark}"`);
    const value = Number(r.value);
    if (!Number.isFinite(value)) throw new Error(`${r.table} ${r.model} ${r.compression} ${r.task}: value "${r.value}" is not a number`);
    const primary = owner.get(`${r.table}|${model}|${cfg.label}`) === r.compression;
    const cell = {
      table: r.table,
      model,
      printedModel: r.model,
      config: primary ? cfg.label : `${cfg.label} (printed "${r.compression}")`,
      printedConfig: r.compression,
      benchmark: bench.id,
      capability: bench.capability,
      task: TASK_ALIASES[r.task] ?? r.task,
      printedTask: r.task,
      metric: r.format_or_metric,
      value,
      printed: r.value,
      scale: bench.scale,
      aligned: r.task !== 'UNALIGNED',
    };
    if (r.note) cell.note = r.note;
    return cell;
  });
  const models = [...new Set(cells.map((c) => c.model))].map((name) => ({
    name,
    printed: [...new Set(cells.filter((c) => c.model === name).map((c) => c.printedModel))],
    params: MODEL_PARAMS[name] ?? null,
    tables: [...new Set(cells.filter((c) => c.model === name).map((c) => c.table))],
  }));
  const configs = Object.fromEntries(
    [...new Map(Object.values(CONFIGS).map((c) => [c.label, c])).values()].map((c) => [
      c.label,
      {
        method: c.method,
        ...(c.bits ? { bits: c.bits } : {}),
        ...(c.groupSize ? { groupSize: c.groupSize } : {}),
        ...(c.sparsity ? { sparsity: c.sparsity } : {}),
        ...(c.pattern ? { pattern: c.pattern } : {}),
      },
    ]),
  );
  return {
    schemaVersion: 1,
    source:
      'Dong, Tang, Liu, Li, Chu, Li: "Can Compressed LLMs Truly Act? An Empirical Evaluation of Agentic Capabilities in LLM Compression", ICML 2025 (PMLR 267). Tables 2–10, transcribed from the text extraction; see resources/paper/source/README.md.',
    generatedBy: 'build/paper-tables.mjs',
    notes: [
      'Values are as printed. scale "percent" values are 0–100; WorfBench values are 0–1 fractions; Table 2 values are raw statistics.',
      'Cells with aligned=false are printed values whose column could not be determined (README, UNALIGNED); they are shown but never scored.',
      'params are nominal sizes from the model names; memory footprints derived from them are estimates.',
    ],
    files: fileList,
    models,
    configs,
    cells,
  };
}

/** Pretty at the top, one cell per line: readable diffs, compact file. */
export function serialize(data) {
  const { cells, ...head } = data;
  const top = JSON.stringify(head, null, 1);
  return `${top.slice(0, -2)},\n "cells": [\n${cells.map((c) => '  ' + JSON.stringify(c)).join(',\n')}\n ]\n}\n`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  const fromAt = args.indexOf('--from');
  const dir = fromAt >= 0 ? args[fromAt + 1] : defaultSourceDir;
  if (!dir || !existsSync(dir)) {
    console.error(`paper-tables: expected a folder of table*.tsv files; found nothing at ${dir ?? '(no path after --from)'}`);
    process.exit(2);
  }
  const text = serialize(convertPaperTables(dir));
  if (args.includes('--check')) {
    const current = existsSync(outputFile) ? readFileSync(outputFile, 'utf8') : '';
    if (current !== text) {
      console.error('paper-tables: resources/paper/acbench-paper.json is out of date; run node build/paper-tables.mjs');
      process.exit(1);
    }
    console.log('paper-tables: resources/paper/acbench-paper.json is up to date');
  } else {
    writeFileSync(outputFile, text);
    console.log(`paper-tables: wrote ${text.length} bytes to resources/paper/acbench-paper.json`);
  }
}
