// The seeded generators of the built-in suites. Same seed → byte-identical files; the project's own
// tiny-model training uses other seeds of the same generators for disjoint data.
import { LONGBENCH_CATEGORIES, type LongBenchCategory } from '../tasks/longbench.js';
import { generateAgentBoard } from './agentboard.js';
import { BUILTIN_LONGBENCH_MAXLEN, BUILTIN_LONGBENCH_PROMPTS, generateLongBench } from './longbench.js';
import { generateLongGenGsm8k, generateLongGenMmlu } from './longgenbench.js';
import { generateNiah } from './niah.js';
import { generateTEval } from './teval.js';
import { generateWorfBench, generateWorfExamples } from './worfbench.js';

export { generateAgentBoard, generateLongBench, generateLongGenGsm8k, generateLongGenMmlu, generateNiah, generateTEval, generateWorfBench };

export const BUILTIN_SEED = 20250;

export interface SuiteFiles {
  /** path relative to datasets/ → file content */
  files: Record<string, string>;
  /** items per built-in task id */
  counts: Record<string, number>;
}

const json = (v: unknown) => JSON.stringify(v, null, 1) + '\n';
const jsonl = (rows: unknown[]) => rows.map((r) => JSON.stringify(r)).join('\n') + '\n';

/** Every built-in dataset file for one seed (the manifest is added by generate-datasets). */
export function generateSuiteFiles(seed = BUILTIN_SEED): SuiteFiles {
  const files: Record<string, string> = {};
  const counts: Record<string, number> = {};

  const teval = generateTEval(seed);
  counts['t-eval'] = 0;
  for (const [name, data] of Object.entries(teval)) {
    files[`t-eval/${name}`] = json(data);
    counts['t-eval'] += Object.keys(data).length;
  }

  const worf = generateWorfBench(seed);
  counts.worfbench = 0;
  for (const [task, rows] of Object.entries(worf)) {
    files[`worfbench/gold_traj/${task}/graph_eval.json`] = json(rows);
    counts.worfbench += rows.length;
  }
  files['worfbench/prompts/two_shot_example.json'] = json(generateWorfExamples(seed, worf));

  const lb = generateLongBench(seed);
  files['longbench/dataset2prompt.json'] = json(BUILTIN_LONGBENCH_PROMPTS);
  files['longbench/dataset2maxlen.json'] = json(BUILTIN_LONGBENCH_MAXLEN);
  for (const [ds, rows] of Object.entries(lb)) files[`longbench/data/${ds}.jsonl`] = jsonl(rows);
  for (const [cat, dss] of Object.entries(LONGBENCH_CATEGORIES) as [LongBenchCategory, string[]][]) {
    counts[`longbench-${cat}`] = dss.reduce((a, d) => a + (lb[d]?.length ?? 0), 0);
  }

  const g = generateLongGenGsm8k(seed);
  const m = generateLongGenMmlu(seed);
  files['longgenbench/gsm8k_5.jsonl'] = jsonl(g);
  files['longgenbench/mmlu_5.jsonl'] = jsonl(m);
  counts['longgenbench-gsm8k'] = g.length;
  counts['longgenbench-mmlu'] = m.length;

  const niah = generateNiah(seed);
  files['niah/niah.json'] = json(niah.config);
  for (const [name, text] of Object.entries(niah.haystack)) files[`niah/haystack/${name}`] = text;
  counts.niah = (niah.config.context_lengths as number[]).length * (niah.config.document_depth_percents as number[]).length;

  const ab = generateAgentBoard(seed);
  for (const [p, text] of Object.entries(ab.files)) files[`agentboard/${p}`] = text;
  counts['agentboard-pddl'] = ab.counts.pddl;
  counts['agentboard-tool-query'] = ab.counts['tool-query'];
  counts['agentboard-tool-operation'] = ab.counts['tool-operation'];
  return { files, counts };
}
