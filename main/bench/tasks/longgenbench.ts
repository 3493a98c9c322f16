// LongGenBench: K questions answered in one long generation (GSM8K- and MMLU-style).
// Reads JSONL records {prompt, questions[K], answers[K]} (MMLU adds `task`).
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { BenchDataError } from '../errors.js';
import type { ItemScores, SingleTurnTask, TaskItem, TaskScore } from '../types.js';
import { groupFields, meanFields } from '../types.js';
import { readJsonlFile, RecordReader } from '../util.js';

export type LongGenStyle = 'gsm8k' | 'mmlu';

export interface LongGenItem extends TaskItem {
  style: LongGenStyle;
  prompt: string;
  questions: string[];
  answers: string[];
  subject?: string;
  maxNewTokens: number;
}

/** Output budget: 4096 new tokens for K = 30, scaled linearly with K. */
export function longGenBudget(k: number): number {
  return Math.ceil((4096 * k) / 30);
}

export async function loadLongGenFile(file: string, style?: LongGenStyle): Promise<LongGenItem[]> {
  const rows = await readJsonlFile(file);
  return rows.map(({ line, value }) => {
    const r = RecordReader.of(file, `line ${line}`, value);
    const questions = r.stringArray('questions');
    const answers = r.stringArray('answers');
    if (answers.length !== questions.length) r.fail('answers', `${questions.length} answers (one per question)`);
    const st: LongGenStyle = style ?? (r.has('task') || answers.every((a) => /^[A-J]$/.test(a.trim())) ? 'mmlu' : 'gsm8k');
    if (st === 'gsm8k') answers.forEach((a, i) => {
      if (goldGsm8k(a) === undefined) throw new BenchDataError(file, `line ${line}`, `answers[${i}]`, 'a GSM8K answer ending "#### N"', JSON.stringify(a.slice(-40)));
    });
    const id = r.has('id') ? r.id('id') : String(line);
    const maxNew = r.has('max_new_tokens') ? r.number('max_new_tokens') : longGenBudget(questions.length);
    return { id: `${st}:${id}`, group: r.optString('task') ?? st, style: st, prompt: r.string('prompt'), questions, answers, subject: r.optString('task'), maxNewTokens: maxNew };
  });
}

/** GSM8K gold: the integer after "####" (commas dropped). */
export function goldGsm8k(answer: string): string | undefined {
  const m = /####\s*(-?[\d,]+)/.exec(answer);
  return m ? String(Number(m[1].replace(/,/g, ''))) : undefined;
}

/** Predictions in order: every `Answer_\d+:.*?answer is (\d+)` (GSM8K) or `answer is \((.)\)` (MMLU); `.` spans lines. */
export function extractLongGenAnswers(output: string, style: LongGenStyle): string[] {
  const re = style === 'gsm8k' ? /Answer_\d+:[\s\S]*?answer is (\d+)/g : /Answer_\d+:[\s\S]*?answer is \((.)\)/g;
  return [...output.matchAll(re)].map((m) => (style === 'gsm8k' ? String(Number(m[1])) : m[1]));
}

/** Accuracy per prompt = (predictions equal to the gold at the same position)/K. */
export function scoreLongGen(item: LongGenItem, output: string): ItemScores {
  const preds = extractLongGenAnswers(output, item.style);
  const golds = item.style === 'gsm8k' ? item.answers.map((a) => goldGsm8k(a) ?? '') : item.answers.map((a) => a.trim());
  let correct = 0;
  for (let i = 0; i < Math.min(preds.length, golds.length); i++) if (preds[i] === golds[i]) correct++;
  return { accuracy: correct / golds.length, answered: Math.min(preds.length, golds.length) / golds.length, score: correct / golds.length };
}

export function createLongGenTask(style: LongGenStyle): SingleTurnTask<LongGenItem, string> {
  const id = `longgenbench-${style}`;
  return {
    kind: 'single',
    id,
    benchmark: 'longgenbench',
    capability: 'long-context',
    title: `LongGenBench ${style === 'gsm8k' ? 'GSM8K' : 'MMLU'}`,
    metric: 'accuracy',
    async load(suiteDir: string) {
      const root = existsSync(join(suiteDir, 'longgenbench')) ? join(suiteDir, 'longgenbench') : suiteDir;
      const files = existsSync(root) ? readdirSync(root).filter((f) => f.startsWith(style) && f.endsWith('.jsonl')).sort() : [];
      if (files.length === 0) throw new BenchDataError(root, 'folder', '(files)', `${style}*.jsonl`, 'none');
      const items: LongGenItem[] = [];
      for (const f of files) items.push(...(await loadLongGenFile(join(root, f), style)));
      return items;
    },
    settings: (item) => ({ maxNewTokens: item.maxNewTokens }),
    prompt: (item) => ({ kind: 'chat', turns: [{ role: 'user', content: item.prompt }] }),
    parse: (output) => output,
    score: (item, parsed) => scoreLongGen(item, parsed),
    aggregate(scores, items): TaskScore {
      const fields = meanFields(scores);
      return { task: id, benchmark: 'longgenbench', capability: 'long-context', metric: 'accuracy', score: fields.accuracy ?? 0, fields, groups: groupFields(scores, items), n: scores.length };
    },
  };
}
