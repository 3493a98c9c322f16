// LongBench (long-context understanding): six categories, one template and output length per dataset.
// Reads `longbench/data/<dataset>.jsonl` + `dataset2prompt.json` + `dataset2maxlen.json`.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { BenchDataError } from '../errors.js';
import { pyRoundTo, pySplit } from '../python.js';
import { fuzzRatio, qaF1, rougeL, tokenF1 } from '../text.js';
import type { ItemScores, SingleTurnTask, TaskItem, TaskScore } from '../types.js';
import { groupFields } from '../types.js';
import { benchmarkFolder, isRecord, readJsonFile, readJsonlFile, RecordReader } from '../util.js';

export type LongBenchCategory = 'single-doc' | 'multi-doc' | 'summarization' | 'few-shot' | 'synthetic' | 'code';

export const LONGBENCH_CATEGORIES: Record<LongBenchCategory, string[]> = {
  'single-doc': ['narrativeqa', 'qasper', 'multifieldqa_en', 'multifieldqa_zh'],
  'multi-doc': ['hotpotqa', '2wikimqa', 'musique', 'dureader'],
  summarization: ['gov_report', 'qmsum', 'multi_news', 'vcsum'],
  'few-shot': ['trec', 'triviaqa', 'samsum', 'lsht'],
  synthetic: ['passage_count', 'passage_retrieval_en', 'passage_retrieval_zh'],
  code: ['lcc', 'repobench-p'],
};

export type LongBenchMetric = 'qa_f1' | 'qa_f1_zh' | 'rouge' | 'rouge_zh' | 'classification' | 'retrieval' | 'retrieval_zh' | 'count' | 'code_sim';

export const DATASET_METRIC: Record<string, LongBenchMetric> = {
  narrativeqa: 'qa_f1',
  qasper: 'qa_f1',
  multifieldqa_en: 'qa_f1',
  multifieldqa_zh: 'qa_f1_zh',
  hotpotqa: 'qa_f1',
  '2wikimqa': 'qa_f1',
  musique: 'qa_f1',
  dureader: 'rouge_zh',
  gov_report: 'rouge',
  qmsum: 'rouge',
  multi_news: 'rouge',
  vcsum: 'rouge_zh',
  trec: 'classification',
  triviaqa: 'qa_f1',
  samsum: 'rouge',
  lsht: 'classification',
  passage_retrieval_en: 'retrieval',
  passage_retrieval_zh: 'retrieval_zh',
  passage_count: 'count',
  lcc: 'code_sim',
  'repobench-p': 'code_sim',
};

/** Few-shot and code datasets are not wrapped in the chat template. */
export const NO_CHAT_TEMPLATE = new Set(['trec', 'triviaqa', 'samsum', 'lsht', 'lcc', 'repobench-p']);
/** Only the first output line is scored for these. */
export const FIRST_LINE_ONLY = new Set(['trec', 'triviaqa', 'samsum', 'lsht']);

export interface LongBenchItem extends TaskItem {
  dataset: string;
  input: string;
  context: string;
  answers: string[];
  allClasses?: string[];
  length?: number;
  language?: string;
}

export async function loadLongBenchJsonl(file: string, datasetName?: string): Promise<LongBenchItem[]> {
  const rows = await readJsonlFile(file);
  return rows.map(({ line, value }) => {
    const r = RecordReader.of(file, `line ${line}`, value);
    const dataset = r.optString('dataset') ?? datasetName ?? '';
    if (!DATASET_METRIC[dataset]) r.fail('dataset', `one of ${Object.keys(DATASET_METRIC).join(', ')}`);
    const allClasses = r.has('all_classes') ? r.stringArray('all_classes') : undefined;
    if (DATASET_METRIC[dataset] === 'classification' && !allClasses) r.fail('all_classes', 'the class names (classification dataset)');
    return {
      id: `${dataset}:${r.id('_id')}`,
      group: dataset,
      dataset,
      input: r.string('input'),
      context: r.string('context'),
      answers: r.stringArray('answers'),
      allClasses,
      length: r.has('length') ? r.number('length') : undefined,
      language: r.optString('language'),
    };
  });
}

/** Classification (trec, lsht), as LongBench's code does it. */
export function classificationScore(prediction: string, gold: string, allClasses: readonly string[]): number {
  const list = allClasses.filter((c) => prediction.includes(c));
  // Quirk (original): names that are substrings of the *gold* name (but not the gold itself) are removed
  // with list.remove (the first equal element) while a for loop walks the same list, so the element that
  // slides into the current position is skipped.
  for (let i = 0; i < list.length; i++) {
    const term = list[i];
    if (gold.includes(term) && term !== gold) list.splice(list.indexOf(term), 1);
  }
  return list.includes(gold) ? 1 / list.length : 0;
}

/** passage_retrieval: numbers in the output equal to the gold paragraph number, over all numbers. */
export function retrievalScore(prediction: string, gold: string, zh = false): number {
  const m = (zh ? /段落(\p{Nd}+)/u : /Paragraph (\p{Nd}+)/u).exec(gold);
  const goldId = m ? m[1] : '';
  const numbers = prediction.match(/\p{Nd}+/gu) ?? [];
  if (numbers.length === 0) return 0;
  return numbers.filter((n) => n === goldId).length / numbers.length;
}

/** passage_count: numbers in the output equal to the gold count, over all numbers. */
export function countScore(prediction: string, gold: string): number {
  const numbers = prediction.match(/\p{Nd}+/gu) ?? [];
  if (numbers.length === 0) return 0;
  return numbers.filter((n) => n === String(gold)).length / numbers.length;
}

/** Code: fuzzy ratio/100 on the first line that has no "`", "#" or "//". */
export function codeSimScore(prediction: string, gold: string): number {
  const lines = prediction.replace(/^\n+/, '').split('\n');
  const line = lines.find((l) => !l.includes('`') && !l.includes('#') && !l.includes('//')) ?? '';
  return fuzzRatio(line, gold) / 100;
}

/** normalize_zh_answer's punctuation: string.punctuation plus its Chinese list. */
const ZH_PUNCTUATION = new Set([
  ...'!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~！？｡。＂＃＄％＆＇（）＊＋，－／：；＜＝＞＠［＼］＾＿｀｛｜｝～｟｠｢｣､、〃》「」『』【】〔〕〖〗〘〙〚〛〜〝〞〟〰〾〿–—‘’‛“”„‟…‧﹏.',
]);

/**
 * qa_f1_zh_score with characters for jieba words (deviation `zh-char-tokens`): each token lower-cased,
 * the punctuation above and whitespace removed, empty tokens dropped, then token F1.
 */
function qaF1Zh(prediction: string, gold: string): number {
  const tokens = (s: string) => [...s.toLowerCase()].filter((c) => !ZH_PUNCTUATION.has(c) && pySplit(c).length > 0);
  return tokenF1(tokens(prediction), tokens(gold));
}

/** Datasets scored with jieba words in the original, characters here. */
export const ZH_DATASETS = new Set(
  Object.entries(DATASET_METRIC)
    .filter(([, m]) => m === 'qa_f1_zh' || m === 'rouge_zh')
    .map(([d]) => d),
);

export function longBenchMetric(dataset: string, prediction: string, gold: string, allClasses?: readonly string[]): number {
  switch (DATASET_METRIC[dataset]) {
    case 'qa_f1':
      return qaF1(prediction, gold);
    case 'qa_f1_zh':
      return qaF1Zh(prediction, gold);
    case 'rouge':
      return rougeL(prediction, gold);
    case 'rouge_zh':
      return rougeL(prediction, gold, true);
    case 'classification':
      return classificationScore(prediction, gold, allClasses ?? []);
    case 'retrieval':
      return retrievalScore(prediction, gold);
    case 'retrieval_zh':
      return retrievalScore(prediction, gold, true);
    case 'count':
      return countScore(prediction, gold);
    case 'code_sim':
      return codeSimScore(prediction, gold);
    default:
      return 0;
  }
}

/** Item score = max over gold answers; first line only for trec/triviaqa/samsum/lsht. */
export function scoreLongBench(item: LongBenchItem, output: string): ItemScores {
  const pred = FIRST_LINE_ONLY.has(item.dataset) ? output.replace(/^\n+/, '').split('\n')[0] : output;
  let best = 0;
  for (const a of item.answers) best = Math.max(best, longBenchMetric(item.dataset, pred, a, item.allClasses));
  return { score: best };
}

export function fillTemplate(template: string, item: LongBenchItem): string {
  return template.replace(/\{(context|input)\}/g, (_, k: string) => (k === 'context' ? item.context : item.input));
}

/** Dataset score = eval.py's round(100 · mean, 2); task score = mean over the category's datasets. */
export function aggregateLongBench(taskId: string, scores: ItemScores[], items: LongBenchItem[]): TaskScore {
  const groups = groupFields(scores, items);
  for (const g of Object.values(groups)) g.score = pyRoundTo(g.score, 2);
  const ds = Object.values(groups).map((g) => g.score);
  const score = ds.length ? ds.reduce((a, b) => a + b, 0) / ds.length : 0;
  const fields: Record<string, number> = { score };
  for (const [k, g] of Object.entries(groups)) fields[k] = g.score;
  return { task: taskId, benchmark: 'longbench', capability: 'long-context', metric: 'score', score, fields, groups, n: scores.length };
}

interface LongBenchConfig {
  prompts: Record<string, string>;
  maxLen: Record<string, number>;
}

async function readConfig(root: string): Promise<LongBenchConfig> {
  const read = async (name: string): Promise<Record<string, unknown>> => {
    const f = join(root, name);
    const v = await readJsonFile(f);
    if (!isRecord(v)) throw new BenchDataError(f, 'whole file', '(root)', 'an object keyed by dataset name', typeof v);
    return v;
  };
  const p = await read('dataset2prompt.json');
  const m = await read('dataset2maxlen.json');
  const prompts: Record<string, string> = {};
  const maxLen: Record<string, number> = {};
  for (const [k, v] of Object.entries(p)) {
    if (typeof v !== 'string') throw new BenchDataError(join(root, 'dataset2prompt.json'), `key "${k}"`, k, 'a template string', typeof v);
    prompts[k] = v;
  }
  for (const [k, v] of Object.entries(m)) {
    if (typeof v !== 'number') throw new BenchDataError(join(root, 'dataset2maxlen.json'), `key "${k}"`, k, 'a number of tokens', typeof v);
    maxLen[k] = v;
  }
  return { prompts, maxLen };
}

export function createLongBenchTask(category: LongBenchCategory): SingleTurnTask<LongBenchItem, string> {
  let config: LongBenchConfig | undefined;
  let hasZh = false;
  const id = `longbench-${category}`;
  return {
    kind: 'single',
    id,
    benchmark: 'longbench',
    capability: 'long-context',
    title: `LongBench ${category}`,
    metric: 'score',
    async load(suiteDir: string) {
      const root = benchmarkFolder(suiteDir, 'longbench');
      config = await readConfig(root);
      const items: LongBenchItem[] = [];
      for (const ds of LONGBENCH_CATEGORIES[category]) {
        const f = join(root, 'data', `${ds}.jsonl`);
        if (!existsSync(f)) continue;
        if (!config.prompts[ds]) throw new BenchDataError(join(root, 'dataset2prompt.json'), `key "${ds}"`, ds, 'a prompt template', 'nothing');
        items.push(...(await loadLongBenchJsonl(f, ds)));
      }
      hasZh = items.some((it) => ZH_DATASETS.has(it.dataset));
      if (items.length === 0) throw new BenchDataError(join(root, 'data'), 'folder', '(files)', `one of ${LONGBENCH_CATEGORIES[category].map((d) => d + '.jsonl').join(', ')}`, 'none');
      return items;
    },
    settings: (item) => ({ maxNewTokens: config?.maxLen[item.dataset] ?? 64 }),
    deviations: () => (hasZh ? ['zh-char-tokens'] : []),
    prompt(item) {
      const text = fillTemplate(config?.prompts[item.dataset] ?? '{context}\n\n{input}', item);
      return NO_CHAT_TEMPLATE.has(item.dataset) ? { kind: 'raw', text } : { kind: 'chat', turns: [{ role: 'user', content: text }] };
    },
    parse: (output) => output,
    score: (item, parsed) => scoreLongBench(item, parsed),
    aggregate: (scores, items) => aggregateLongBench(id, scores, items),
  };
}
