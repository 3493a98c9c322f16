// Scoring predictions produced elsewhere: `acbench score --benchmark … --data FILE --predictions FILE`.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { aggregateAgentBoard, loadAgentBoardJsonl, loadLoggedEpisodes, scoreEpisode, type AgentBoardItem } from './agentboard/agentboard.js';
import { BenchDataError, BenchInputError } from './errors.js';
import type { TextSimilarity } from './similarity.js';
import { aggregateLongBench, loadLongBenchJsonl, scoreLongBench, ZH_DATASETS } from './tasks/longbench.js';
import { aggregateLongGen, loadLongGenFile, scoreLongGen } from './tasks/longgenbench.js';
import { aggregateNiah, loadNiahConfig, loadNiahResult, scoreNiah, type NiahItem } from './tasks/niah.js';
import { aggregateTEval, loadTEvalFile, scoreTEval, TEVAL_FILES } from './tasks/teval.js';
import { aggregateWorf, loadWorfBenchFile, scoreWorkflow } from './tasks/worfbench.js';
import type { BenchmarkName, ItemScores, TaskItem, TaskScore } from './types.js';
import { readJsonlFile, RecordReader } from './util.js';

export interface ScoredFile {
  benchmark: BenchmarkName;
  score: TaskScore;
  items: { id: string; scores: ItemScores }[];
  missing: string[];
  unmatched: string[];
  deviations: string[];
}

/** Predictions JSONL: one `{id, prediction}` per line. */
export async function loadPredictions(file: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const { line, value } of await readJsonlFile(file)) {
    const r = RecordReader.of(file, `line ${line}`, value);
    out.set(r.id('id'), r.string('prediction'));
  }
  return out;
}

/** Our item ids carry a prefix ("plan-json:12", "hotpotqa:abc"); predictions may use either form. */
function lookup(preds: Map<string, string>, id: string): string | undefined {
  if (preds.has(id)) return preds.get(id);
  const bare = id.includes(':') ? id.slice(id.indexOf(':') + 1) : id;
  return preds.get(bare);
}

function pair<I extends TaskItem>(items: I[], preds: Map<string, string>): { found: [I, string][]; missing: string[]; unmatched: string[] } {
  const found: [I, string][] = [];
  const missing: string[] = [];
  const used = new Set<string>();
  for (const it of items) {
    const p = lookup(preds, it.id);
    if (p === undefined) missing.push(it.id);
    else {
      found.push([it, p]);
      used.add(preds.has(it.id) ? it.id : it.id.slice(it.id.indexOf(':') + 1));
    }
  }
  return { found, missing, unmatched: [...preds.keys()].filter((k) => !used.has(k)) };
}

/** Each item scored against its prediction (a missing one as the empty output), then the task's aggregate. */
async function scorePredicted<I extends TaskItem>(
  benchmark: BenchmarkName,
  items: I[],
  predictionsFile: string,
  scoreOne: (item: I, output: string) => ItemScores,
  aggregate: (scores: ItemScores[], items: I[]) => TaskScore,
  deviations: string[],
): Promise<ScoredFile> {
  const { found, missing, unmatched } = pair(items, await loadPredictions(predictionsFile));
  const outputs = new Map(found);
  const scores = items.map((it) => scoreOne(it, outputs.get(it) ?? ''));
  return { benchmark, score: aggregate(scores, items), items: items.map((it, i) => ({ id: it.id, scores: scores[i] })), missing, unmatched, deviations };
}

/** Score one data file against predictions; missing predictions score as empty outputs. */
export async function scoreFile(benchmark: string, dataFile: string, predictionsFile: string, similarity: TextSimilarity): Promise<ScoredFile> {
  if (!existsSync(dataFile) && benchmark !== 'agentboard') throw new BenchInputError('--data', 'an existing benchmark file', JSON.stringify(dataFile));
  if (!existsSync(predictionsFile)) throw new BenchInputError('--predictions', 'an existing predictions file', JSON.stringify(predictionsFile));
  const simDev = similarity.deviation ? [similarity.deviation] : [];
  switch (benchmark) {
    case 'teval': {
      const spec = TEVAL_FILES[basename(dataFile)];
      if (!spec) throw new BenchInputError('--data', `a T-Eval file named one of ${Object.keys(TEVAL_FILES).join(', ')}`, basename(dataFile));
      const items = await loadTEvalFile(dataFile, spec.ability, spec.format);
      return scorePredicted('teval', items, predictionsFile, (it, out) => scoreTEval(it, out, similarity), aggregateTEval, simDev);
    }
    case 'worfbench': {
      const items = await loadWorfBenchFile(dataFile, basename(dirname(dataFile)));
      return scorePredicted('worfbench', items, predictionsFile, (it, out) => scoreWorkflow(out, it.gold, similarity), aggregateWorf, simDev);
    }
    case 'longbench': {
      const items = await loadLongBenchJsonl(dataFile, basename(dataFile).replace(/\.jsonl$/, ''));
      const zh = items.some((it) => ZH_DATASETS.has(it.dataset)) ? ['zh-char-tokens'] : [];
      return scorePredicted('longbench', items, predictionsFile, scoreLongBench, (scores, its) => aggregateLongBench('longbench', scores, its), zh);
    }
    case 'longgenbench': {
      const items = await loadLongGenFile(dataFile);
      const style = items[0]?.style ?? 'gsm8k';
      return scorePredicted('longgenbench', items, predictionsFile, scoreLongGen, (scores, its) => aggregateLongGen(`longgenbench-${style}`, scores, its), []);
    }
    case 'niah': {
      const config = await loadNiahConfig(dataFile);
      let rows: { item: NiahItem; response: string; needle: string }[];
      if (statSync(predictionsFile).isDirectory()) {
        // the harness's own results JSONs: each cell's response is rescored against the needle it names
        const files = readdirSync(predictionsFile)
          .filter((f) => f.endsWith('.json'))
          .sort();
        rows = [];
        for (const f of files) {
          const r = await loadNiahResult(join(predictionsFile, f));
          rows.push({ item: { id: `len${r.contextLength}-depth${r.depthPercent}`, contextLength: r.contextLength, depthPercent: r.depthPercent }, response: r.response, needle: r.needle });
        }
      } else {
        const preds = await loadPredictions(predictionsFile);
        rows = [...preds].map(([id, response]) => {
          const m = /^len(\d+)-depth([\d.]+)$/.exec(id);
          if (!m) throw new BenchDataError(predictionsFile, `id ${id}`, 'id', '"len<L>-depth<D>"', JSON.stringify(id));
          return { item: { id, contextLength: Number(m[1]), depthPercent: Number(m[2]) }, response, needle: config.needle };
        });
      }
      const scored = rows.map((r) => ({ id: r.item.id, scores: scoreNiah(r.needle, config.keyPhrases, r.response) }));
      return {
        benchmark: 'niah',
        score: aggregateNiah(
          scored.map((i) => i.scores),
          rows.map((r) => r.item),
        ),
        items: scored,
        missing: [],
        unmatched: [],
        deviations: [],
      };
    }
    case 'agentboard': {
      const episodes = await loadLoggedEpisodes(predictionsFile);
      let items: AgentBoardItem[];
      if (dataFile && existsSync(dataFile) && statSync(dataFile).isFile()) {
        const data = await loadAgentBoardJsonl(dataFile);
        items = data;
      } else items = episodes.map((e) => ({ id: `${e.task}:${e.id}`, group: e.task, task: e.task, goal: '', subgoals: [], difficulty: 'easy', subtask: e.task, additional: {} }));
      const preds = new Map(episodes.map((e) => [`${e.task}:${e.id}`, e]));
      const byBare = new Map(episodes.map((e) => [e.id, e]));
      const missing: string[] = [];
      const all = items.map((it) => {
        const e = preds.get(it.id) ?? byBare.get(it.id.slice(it.id.indexOf(':') + 1));
        if (!e) missing.push(it.id);
        return { id: it.id, scores: scoreEpisode(e?.progress ?? []) };
      });
      return {
        benchmark: 'agentboard',
        score: aggregateAgentBoard(
          'agentboard',
          all.map((a) => a.scores),
          items,
        ),
        items: all,
        missing,
        unmatched: [],
        deviations: [],
      };
    }
    default:
      throw new BenchInputError('--benchmark', 'teval, worfbench, longbench, longgenbench, niah or agentboard', JSON.stringify(benchmark));
  }
}
