// Building LongGenBench records from the original pipeline's inputs: the GSM8K few-shot prompt text
// and MMLU dev/test CSV files (question, A, B, C, D, answer).
import { BenchDataError } from '../errors.js';
import { parseCsv } from '../csv.js';
import { readTextLimited } from '../util.js';

export interface McQuestion {
  question: string;
  options: [string, string, string, string];
  answer: 'A' | 'B' | 'C' | 'D';
}

/** Read an MMLU CSV: no header; columns question, A, B, C, D, answer. */
export async function loadMmluCsv(file: string): Promise<McQuestion[]> {
  const rows = parseCsv(await readTextLimited(file, 64 * 1024 * 1024), file);
  return rows
    .filter((r) => r.some((c) => c.trim()))
    .map((r, k) => {
      if (r.length < 6) throw new BenchDataError(file, `line ${k + 1}`, '(columns)', '6 columns: question, A, B, C, D, answer', `${r.length}`);
      const answer = r[5].trim();
      if (!['A', 'B', 'C', 'D'].includes(answer)) throw new BenchDataError(file, `line ${k + 1}`, 'answer', 'A, B, C or D', JSON.stringify(answer));
      return { question: r[0], options: [r[1], r[2], r[3], r[4]], answer: answer as McQuestion['answer'] };
    });
}

export function formatMc(q: McQuestion): string {
  return `${q.question}\n${q.options.map((o, i) => `(${'ABCD'[i]}) ${o}`).join('')}`;
}

/** Count the worked examples of a few-shot prompt (its highest Question_N). */
export function countExamples(prompt: string): number {
  let n = 0;
  for (const m of prompt.matchAll(/Question_(\d+):/g)) n = Math.max(n, Number(m[1]));
  return n;
}

/** One LongGenBench record: the few-shot prompt followed by K questions numbered after the examples. */
export function buildLongGenRecord(fewShot: string, questions: string[], answers: string[], task?: string): Record<string, unknown> {
  const start = countExamples(fewShot) + 1;
  const prompt = `${fewShot.trimEnd()}\n\n${questions.map((q, i) => `Question_${start + i}:\n${q}`).join('\n')}\n`;
  return { ...(task ? { task } : {}), prompt, questions, answers };
}

/** MMLU-style record from dev rows (worked examples) and test rows (questions). */
export function buildMmluRecord(dev: McQuestion[], test: McQuestion[], task: string): Record<string, unknown> {
  const examples = dev.map((q, i) => `Question_${i + 1}:\n${formatMc(q)}`).join('\n\n');
  const answers = dev.map((q, i) => `Answer_${i + 1}: The answer is (${q.answer}).`).join('\n');
  return buildLongGenRecord(
    `Examples: \n${examples}\n\n${answers}`,
    test.map(formatMc),
    test.map((q) => q.answer),
    task,
  );
}

export async function loadGsm8kFewShot(file: string): Promise<string> {
  const text = await readTextLimited(file, 4 * 1024 * 1024);
  if (countExamples(text) === 0) throw new BenchDataError(file, 'whole file', '(examples)', 'worked examples "Question_N:" / "Answer_N:"', 'none');
  return text;
}
