import { readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { networkxTopologicalSorts } from '../../main/bench/matching.js';
import type { TextSimilarity } from '../../main/bench/similarity.js';
import { createWorfBenchTask, goldOrders, loadWorfBenchFile, loadWorfExamples, parseWorkflow, pythonAssignment, scoreWorkflow } from '../../main/bench/tasks/worfbench.js';
import { tempDir } from '../helpers/tmp.js';
import { haveSamples, repoRoot, samplesDir } from './helpers.js';

/** Cosine of one-hot embeddings: 1 for equal strings, else 0 — the stand-in both sides of the reference cases use. */
const exact: TextSimilarity = { id: 'exact', matrix: (a, b) => a.map((x) => b.map((y) => (x === y ? 1 : 0))) };

interface RefCase {
  name: string;
  pred: string;
  gold: string;
  reference: number[] | null | 'CRASH';
}

describe('WorfBench scorers against the reference', () => {
  // fixtures/worfbench-reference-cases.json: crafted predictions and golds in the official "Node: … Edge: …" form.
  // `reference` = [node P, R, F1, graph P, R, F1] from running zjunlp/WorfBench's node_eval.workflow_to_graph_list and
  // evaluator/graph_evaluator.t_eval_nodes / t_eval_graph (the study's copies in pprp/ACBench are the same) with
  // networkx 2.8.8 and 3.6.1 and a one-hot sentence-embedding stub; null = the reference skips the item (scores 0),
  // a field the reference cannot compute because it raises is 0 (see each case's note).
  const cases = JSON.parse(readFileSync(join(repoRoot, 'test/bench/fixtures/worfbench-reference-cases.json'), 'utf8')) as RefCase[];
  for (const c of cases) {
    it(`${c.name}`, () => {
      const s = scoreWorkflow(c.pred, c.gold, exact);
      const got = [s.precision, s.recall, s.f1, s.graph_precision, s.graph_recall, s.graph_f1];
      const want = Array.isArray(c.reference) ? c.reference : [0, 0, 0, 0, 0, 0];
      got.forEach((v, k) => expect(v, `field ${k}`).toBeCloseTo(want[k], 12));
    });
  }
  it('parses node lines anywhere in a line and edges with spaces; START/END become 0 and the last index', () => {
    const w = parseWorkflow('Node:\nStep 1: go to shelf 1\n  2.take mug\n3. put mug on table\nEdge: ( START , 1 ) (1 ,3)(3,END)');
    expect(w).toEqual({
      nodes: ['START', 'go to shelf 1', 'put mug on table', 'END'],
      edges: [
        [0, 1],
        [1, 3],
        [3, 3],
      ],
    });
    expect(parseWorkflow('1: a\nEdge: (START,1)')).toBeUndefined();
  });
  it('a gold of ≥ 10 nodes with START and END is one raw order; smaller ones follow networkx', () => {
    const big = parseWorkflow(`Node:\n${Array.from({ length: 8 }, (_, i) => `${i + 1}: s${i + 1}`).join('\n')}\nEdge: (START,1) (8,END)`)!;
    expect(goldOrders(big)).toEqual([big.nodes]);
    // diamond START→1,2→3→END: networkx yields START, 2, 1, 3 before START, 1, 2, 3 (its deque pops from the right)
    expect(goldOrders(parseWorkflow('Node:\n1: a\n2: b\n3: c\nEdge: (START,1) (START,2) (1,3) (2,3) (3,END)')!)).toEqual([
      ['b', 'a', 'c'],
      ['a', 'b', 'c'],
    ]);
    expect(
      networkxTopologicalSorts(
        3,
        [
          [0, 1],
          [1, 0],
        ],
        20,
      ),
    ).toBeUndefined();
  });
});

describe('WorfBench prompts', () => {
  it('reads the reference\'s two_shot_example from prompts/eval_prompt.py and prefixes the task with "Now it\'s your turn."', async () => {
    const dir = tempDir('worf-');
    mkdirSync(join(dir, 'prompts'));
    mkdirSync(join(dir, 'gold_traj', 'os'), { recursive: true });
    writeFileSync(
      join(dir, 'prompts', 'eval_prompt.py'),
      'system_prompt = """x"""\n\ntwo_shot_example = {\n    "os": [\n        {"role": "user", "content": "Here is an example.\\nQ1"},  # first\n        {"role": "assistant", "content": """Node:\n1: a\nEdge: (START,1) (1,END)"""},\n        {"role": "user", "content": "Q2"},\n        {"role": "assistant", "content": "A2"}\n    ]\n}\n',
    );
    writeFileSync(
      join(dir, 'gold_traj', 'os', 'graph_eval.json'),
      JSON.stringify([
        {
          source: 'os',
          conversations: [
            { role: 'system', content: 'S' },
            { role: 'user', content: 'U' },
            { role: 'assistant', content: 'G' },
          ],
          target: 'graph',
          id: 'os_1',
          category: 'eval',
        },
      ]),
    );
    expect(pythonAssignment('a = 1\nb = {"k": [1, (2,)]}\n', 'b')).toBeDefined();
    const ex = await loadWorfExamples(dir);
    expect(ex?.os.map((t) => t.role)).toEqual(['user', 'assistant', 'user', 'assistant']);
    expect(ex?.os[1].content).toBe('Node:\n1: a\nEdge: (START,1) (1,END)');
    const task = createWorfBenchTask({ similarity: exact });
    const items = await task.load(dir);
    expect(task.prompt(items[0])).toEqual({ kind: 'chat', turns: [{ role: 'system', content: 'S' }, ...ex!.os, { role: 'user', content: "Now it's your turn.\nU" }] });
    expect(task.deviations?.()).toEqual([]);
    expect(task.settings(items[0]).maxNewTokens).toBe(1024);
  });
});

describe.skipIf(!haveSamples)('WorfBench on the real-format samples', () => {
  it('reads every sample graph_eval file; a copy of each gold scores what the reference gives (1 for these < 10-node golds)', async () => {
    const files = readdirSync(join(samplesDir, 'worfbench')).filter((f) => f.endsWith('.json'));
    expect(files.length).toBeGreaterThanOrEqual(4);
    for (const f of files) {
      const items = await loadWorfBenchFile(join(samplesDir, 'worfbench', f), f.split('_')[0]);
      expect(items.length).toBeGreaterThan(0);
      for (const it of items) {
        // the reference (same procedure as the cases above) gives 1 for node and graph P/R/F1 on every sample record
        const s = scoreWorkflow(it.gold, it.gold, exact);
        expect([s.f1, s.graph_f1]).toEqual([1, 1]);
        expect(it.fixedExamples).toBe(false);
      }
    }
  });
});
