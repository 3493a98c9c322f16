// LongGenBench: K questions answered in one long generation (GSM8K- and MMLU-style).
// Reads JSONL records {prompt, questions[K], answers[K]} (MMLU adds `task`).
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { BenchDataError } from '../errors.js';
import type { ItemScores, SingleTurnTask, TaskItem, TaskScore } from '../types.js';
import { groupFields, meanFields } from '../types.js';
import { npRound, PY_SPACE } from '../python.js';
import { benchmarkFolder, readJsonlFile, RecordReader } from '../util.js';

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
    const id = r.has('id') ? r.id('id') : String(line);
    const maxNew = r.has('max_new_tokens') ? r.number('max_new_tokens') : longGenBudget(questions.length);
    return { id: `${st}:${id}`, group: r.optString('task') ?? st, style: st, prompt: r.string('prompt'), questions, answers, subject: r.optString('task'), maxNewTokens: maxNew };
  });
}

const WS = `[${PY_SPACE}]*`;
/** SCOPE eval_longgenbench.extract_final_answer: re.search(r'####\s*(\d+)') — digits only, so "#### 1,000" gives "1". */
const GSM8K_GOLD = new RegExp(`####${WS}(\\p{Nd}+)`, 'u');
/** extract_predicted_answers: re.findall(r'Answer_\d+:\s*.*?answer is (\d+)', re.DOTALL). */
const GSM8K_PRED = new RegExp(`Answer_\\p{Nd}+:${WS}[\\s\\S]*?answer is (\\p{Nd}+)`, 'gu');
/** extract_predicted_choices: re.findall(r'Answer_\d+:\s*.*?answer is \((.*?)\)') — no DOTALL: "." stops at a newline. */
const MMLU_PRED = new RegExp(`Answer_\\p{Nd}+:${WS}[^\\n]*?answer is \\(([^\\n]*?)\\)`, 'gu');

export function goldGsm8k(answer: string): string | undefined {
  return GSM8K_GOLD.exec(answer)?.[1];
}

/** Predictions in order of appearance (an unparsed answer shifts every later one, as in the reference). */
export function extractLongGenAnswers(output: string, style: LongGenStyle): string[] {
  return [...output.matchAll(style === 'gsm8k' ? GSM8K_PRED : MMLU_PRED)].map((m) => m[1]);
}

/**
 * compare_answers / compare_choices: predictions zipped with the golds by position, compared as
 * strings ("018" ≠ "18"; a gold without "#### N" never matches); accuracy = correct / K.
 */
export function scoreLongGen(item: LongGenItem, output: string): ItemScores {
  const preds = extractLongGenAnswers(output, item.style);
  const golds = item.style === 'gsm8k' ? item.answers.map(goldGsm8k) : item.answers;
  let correct = 0;
  for (let i = 0; i < Math.min(preds.length, golds.length); i++) if (preds[i] === golds[i]) correct++;
  const k = golds.length;
  return { accuracy: k ? correct / k : 0, answered: k ? Math.min(preds.length, k) / k : 0, score: k ? correct / k : 0 };
}

/** scorer(): round(100 · mean accuracy, 4). */
export function aggregateLongGen(id: string, scores: ItemScores[], items: LongGenItem[]): TaskScore {
  const fields = meanFields(scores);
  fields.accuracy = npRound(fields.accuracy ?? 0, 4);
  return { task: id, benchmark: 'longgenbench', capability: 'long-context', metric: 'accuracy', score: fields.accuracy, fields, groups: groupFields(scores, items), n: scores.length };
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
      const root = benchmarkFolder(suiteDir, 'longgenbench');
      const files = existsSync(root)
        ? readdirSync(root)
            .filter((f) => f.startsWith(style) && f.endsWith('.jsonl'))
            .sort()
        : [];
      if (files.length === 0) throw new BenchDataError(root, 'folder', '(files)', `${style}*.jsonl`, 'none');
      const items: LongGenItem[] = [];
      for (const f of files) items.push(...(await loadLongGenFile(join(root, f), style)));
      return items;
    },
    settings: (item) => ({ maxNewTokens: item.maxNewTokens }),
    prompt: (item) => ({ kind: 'chat', turns: [{ role: 'user', content: item.prompt }] }),
    parse: (output) => output,
    score: (item, parsed) => scoreLongGen(item, parsed),
    aggregate: (scores, items) => aggregateLongGen(id, scores, items),
  };
}
