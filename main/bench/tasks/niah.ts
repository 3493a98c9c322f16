// Needle in a Haystack: a grid of context lengths × needle depths over a haystack folder of .txt files.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { BenchDataError } from '../errors.js';
import type { ItemScores, Prompt, SingleTurnTask, TaskContext, TaskItem, TaskScore } from '../types.js';
import { meanFields } from '../types.js';
import { pyStrip } from '../python.js';
import { rouge1F } from '../rouge-score.js';
import { benchmarkFolder, readJsonFile, readTextLimited, RecordReader } from '../util.js';

/** The harness parameters (the original takes them as arguments; we keep them in niah.json). */
export interface NiahConfig {
  needle: string;
  retrievalQuestion: string;
  /** words whose presence in the answer is scored (default: needle words that are not stop words) */
  keyPhrases: string[];
  contextLengths: number[];
  depthPercents: number[];
  /** tokens kept free for the question and answer (the original's final_context_length_buffer) */
  buffer: number;
}

export interface NiahItem extends TaskItem {
  contextLength: number;
  depthPercent: number;
}

const STOP = new Set('the a an is are was were of in on at to and or for with by from that this it its be as do does what which who whom how'.split(' '));

export function defaultKeyPhrases(needle: string): string[] {
  return [...new Set((needle.toLowerCase().match(/[\p{L}\p{N}']+/gu) ?? []).filter((w) => !STOP.has(w)))];
}

/** A needle or question is a sentence; contexts are built up to a million tokens; a grid is at most this many values a side. */
const MAX_NEEDLE_CHARS = 10_000;
const MAX_CONTEXT_TOKENS = 2 ** 20;
const MAX_GRID = 1000;

export async function loadNiahConfig(file: string): Promise<NiahConfig> {
  const r = RecordReader.of(file, 'whole file', await readJsonFile(file));
  const needle = r.string('needle', MAX_NEEDLE_CHARS);
  const lengths = r.array('context_lengths');
  const depths = r.array('document_depth_percents');
  const nums = (xs: unknown[], field: string, max: number) => {
    if (xs.length > MAX_GRID) throw new BenchDataError(file, 'whole file', field, `at most ${MAX_GRID} values`, `${xs.length}`);
    return xs.map((x, i) => {
      if (typeof x !== 'number' || !Number.isFinite(x) || x < 0 || x > max) throw new BenchDataError(file, 'whole file', `${field}[${i}]`, `a number from 0 to ${max}`, JSON.stringify(x));
      return x;
    });
  };
  return {
    needle,
    retrievalQuestion: r.string('retrieval_question', MAX_NEEDLE_CHARS),
    keyPhrases: r.has('key_phrases') ? r.stringArray('key_phrases') : defaultKeyPhrases(needle),
    contextLengths: nums(lengths, 'context_lengths', MAX_CONTEXT_TOKENS),
    depthPercents: nums(depths, 'document_depth_percents', 100),
    buffer: r.has('final_context_length_buffer') ? r.number('final_context_length_buffer') : 64,
  };
}

/**
 * Build the context: haystack text repeated to the target token length (minus the buffer), needle
 * inserted at depth% of it, moved back to the nearest sentence end (depth 100 → appended at the end).
 */
export function buildHaystack(haystack: string, needle: string, targetTokens: number, depthPercent: number, countTokens: (t: string) => number): string {
  if (!haystack.trim()) throw new BenchDataError('(haystack)', 'folder', '(text)', 'some haystack text', 'empty files');
  const sample = haystack.slice(0, 4000);
  const charsPerToken = sample.length / Math.max(1, countTokens(sample));
  let want = Math.max(0, Math.floor(targetTokens * charsPerToken));
  let text = haystack;
  while (text.length < want) text += ' ' + haystack;
  text = text.slice(0, want);
  // trim to the token budget exactly when the counter disagrees with the ratio
  while (want > 0 && countTokens(text) > targetTokens) {
    want = Math.floor(want * 0.97);
    text = text.slice(0, want);
  }
  const n = needle.trim();
  if (depthPercent >= 100) return `${text} ${n}`;
  let at = Math.floor((text.length * depthPercent) / 100);
  while (at > 0 && text[at - 1] !== '.') at--;
  return at === 0 ? `${n} ${text}` : `${text.slice(0, at)} ${n}${text.slice(at)}`;
}

/**
 * The study's needle score (KVCache-Factory's run_needle_in_haystack.py): ROUGE-1 F of the needle vs the
 * stripped response, Porter-stemmed, on a 0–1 scale here (the harness multiplies by 10); an empty response → 0.
 */
export function needleScore(needle: string, response: string): number {
  const r = pyStrip(response);
  return r.length ? rouge1F(needle, r) : 0;
}

/** Item scores: ROUGE-1 F (headline; ×100 in aggregates = the study's 0–10 score ×10) and key-phrase recall as a labelled extra. */
export function scoreNiah(needle: string, keyPhrases: readonly string[], response: string): ItemScores {
  const f = needleScore(needle, response);
  return { rouge1_f: f, key_phrase_recall: keyPhraseRecall(response, keyPhrases), score: f };
}

/** Task score ×100 (= the study's 0–10 score ×10), `study_score` on the study's 0–10 scale, per length and depth. */
export function aggregateNiah(scores: readonly ItemScores[], items: readonly NiahItem[]): TaskScore {
  const fields = meanFields(scores);
  fields.study_score = (fields.score ?? 0) / 10;
  const groups: Record<string, Record<string, number>> = {};
  items.forEach((it, i) => {
    for (const key of [`len${it.contextLength}`, `depth${it.depthPercent}`]) {
      const g = (groups[key] ??= { score: 0, n: 0 });
      g.score += 100 * scores[i].score;
      g.n++;
    }
  });
  for (const g of Object.values(groups)) g.score /= g.n;
  return { task: 'niah', benchmark: 'niah', capability: 'long-context', metric: 'ROUGE-1 F', score: fields.score ?? 0, fields, groups, n: scores.length };
}

/** Key-phrase recall (an extra, not the study's metric): fraction of key phrases found (as whole words, case-insensitive) in the response. */
export function keyPhraseRecall(response: string, keyPhrases: readonly string[]): number {
  if (keyPhrases.length === 0) return 0;
  const words = new Set(response.toLowerCase().match(/[\p{L}\p{N}']+/gu) ?? []);
  const hit = keyPhrases.filter((p) => {
    const parts = p.toLowerCase().match(/[\p{L}\p{N}']+/gu) ?? [];
    return parts.length > 0 && (parts.length === 1 ? words.has(parts[0]) : response.toLowerCase().includes(parts.join(' ')));
  });
  return hit.length / keyPhrases.length;
}

/** One results JSON per grid cell, in the original harness's shape; `score` (0–1) is written on its 0–10 scale. */
export function niahResultJson(model: string, item: NiahItem, needle: string, response: string, score: number): Record<string, unknown> {
  return {
    model,
    context_length: item.contextLength,
    depth_percent: item.depthPercent,
    version: 1,
    needle,
    model_response: response,
    score: score * 10,
    file_name: `${model.replace(/[^\w.-]+/g, '_')}_len_${item.contextLength}_depth_${Math.round(item.depthPercent * 100)}`,
  };
}

export interface NiahResult {
  model: string;
  contextLength: number;
  depthPercent: number;
  needle: string;
  response: string;
  score: number;
}

/** Read an original results JSON (one grid cell). */
export async function loadNiahResult(file: string): Promise<NiahResult> {
  const r = RecordReader.of(file, 'whole file', await readJsonFile(file));
  return {
    model: r.optString('model') ?? '',
    contextLength: r.number('context_length'),
    depthPercent: r.number('depth_percent'),
    needle: r.string('needle'),
    response: r.string('model_response'),
    score: r.number('score'),
  };
}

export function niahHeatmap(items: readonly NiahItem[], scores: readonly ItemScores[]): { lengths: number[]; depths: number[]; z: (number | null)[][] } {
  const lengths = [...new Set(items.map((i) => i.contextLength))].sort((a, b) => a - b);
  const depths = [...new Set(items.map((i) => i.depthPercent))].sort((a, b) => a - b);
  const z = depths.map((d) =>
    lengths.map((l) => {
      const idx = items.findIndex((it) => it.contextLength === l && it.depthPercent === d);
      return idx >= 0 ? scores[idx].score : null;
    }),
  );
  return { lengths, depths, z };
}

/**
 * The study's prompt for local models, a raw completion (no chat template):
 * "<|im_start|> This is a very long story book: <book> {context} </book>.\n Based on the content of the book, Question: {q}\nAnswer:".
 */
export function niahPrompt(context: string, question: string): Prompt {
  return { kind: 'raw', text: `<|im_start|> This is a very long story book: <book> ${context} </book>.\n Based on the content of the book, Question: ${question}\nAnswer:` };
}

/** The study's sampling: vLLM SamplingParams(temperature=1.0, max_tokens=30), seeded here so runs repeat. */
export const NIAH_SETTINGS = { maxNewTokens: 30, temperature: 1.0, seed: 0 };

export function createNiahTask(ctx: TaskContext): SingleTurnTask<NiahItem, string> & { config(): NiahConfig | undefined } {
  let config: NiahConfig | undefined;
  let haystack = '';
  const count = ctx.countTokens ?? ((t: string) => Math.ceil(t.length / 4));
  return {
    kind: 'single',
    id: 'niah',
    benchmark: 'niah',
    capability: 'long-context',
    title: 'Needle in a Haystack (lengths × depths)',
    metric: 'ROUGE-1 F',
    config: () => config,
    async load(suiteDir: string) {
      const root = benchmarkFolder(suiteDir, 'niah');
      config = await loadNiahConfig(join(root, 'niah.json'));
      const dir = join(root, 'haystack');
      const files = existsSync(dir)
        ? readdirSync(dir)
            .filter((f) => f.endsWith('.txt'))
            .sort()
        : [];
      if (files.length === 0) throw new BenchDataError(dir, 'folder', '(files)', 'haystack .txt files', 'none');
      const texts: string[] = [];
      for (const f of files) texts.push(await readTextLimited(join(dir, f), 64 * 1024 * 1024));
      haystack = texts.join(' ').replace(/\s+/g, ' ').trim();
      const items: NiahItem[] = [];
      for (const l of config.contextLengths) for (const d of config.depthPercents) items.push({ id: `len${l}-depth${d}`, group: `len${l}`, contextLength: l, depthPercent: d });
      return items;
    },
    settings: () => NIAH_SETTINGS,
    prompt(item) {
      const c = config!;
      const context = buildHaystack(haystack, c.needle, Math.max(16, item.contextLength - c.buffer), item.depthPercent, count);
      return niahPrompt(context, c.retrievalQuestion);
    },
    parse: (output) => output,
    score: (_item, parsed) => scoreNiah(config?.needle ?? '', config?.keyPhrases ?? [], parsed),
    aggregate: aggregateNiah,
  };
}
