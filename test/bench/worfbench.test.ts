import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LexicalSimilarity } from '../../main/bench/similarity.js';
import { graphF1, loadWorfBenchFile, nodeF1, parseWorkflow, scoreWorkflow, topologicalOrders } from '../../main/bench/tasks/worfbench.js';
import { haveSamples, samplesDir } from './helpers.js';

const sim = new LexicalSimilarity();

describe('WorfBench parsing and scoring', () => {
  it('parses nodes (space after ":" or "." required — quirk) and edges', () => {
    const w = parseWorkflow('Node:\n1: go to shelf 1\n2.take mug\n3. put mug on table\nEdge: (START,1) (1,3) (3,END)');
    expect(w.nodes).toEqual(['go to shelf 1', 'put mug on table']);
    expect(w.edges).toEqual([['START', '1'], ['1', '3'], ['3', 'END']]);
  });
  it('enumerates topological orders (diamond has 2)', () => {
    const orders = topologicalOrders(4, [['START', '1'], ['1', '2'], ['1', '3'], ['2', '4'], ['3', '4'], ['4', 'END']]);
    expect(orders).toEqual([[0, 1, 2, 3], [0, 2, 1, 3]]);
    expect(topologicalOrders(9, [], 20)).toHaveLength(20);
  });
  const gold = 'Node:\n1: find the files\n2: count the lines\n3: take answer action\nEdge: (START,1) (1,2) (2,3) (3,END)';
  it('a copy of the gold scores 1 (node and graph)', () => {
    const s = scoreWorkflow(gold, gold, sim);
    expect(s.f1).toBeCloseTo(1, 9);
    expect(s.graph_f1).toBeCloseTo(1, 9);
  });
  it('no edges or no nodes → 0 (still counted)', () => {
    expect(scoreWorkflow('Node:\n1: find the files', gold, sim).f1).toBe(0);
    expect(scoreWorkflow('', gold, sim)).toMatchObject({ f1: 0, precision: 0, recall: 0 });
  });
  it('hand-worked partial case: 2 of 3 gold nodes predicted plus 2 unrelated ones', () => {
    const pred = 'Node:\n1: find the files\n2: bake a cake quickly\n3: take answer action\n4: paint the zebra\nEdge: (START,1) (1,2) (2,3) (3,4) (4,END)';
    // matched gold positions in prediction order [0, 2] → LIS 2; P = 2/4, R = 2/3, F1 = 4/7
    const n = nodeF1(parseWorkflow(pred), parseWorkflow(gold), sim);
    expect(n.precision).toBeCloseTo(0.5, 12);
    expect(n.recall).toBeCloseTo(2 / 3, 12);
    expect(n.f1).toBeCloseTo(4 / 7, 12);
    // graph: only (START,1) exists in gold among mapped edges → component {START,1}: k=2; P = 2/6, R = 2/5
    const g = graphF1(parseWorkflow(pred), parseWorkflow(gold), sim);
    expect(g.precision).toBeCloseTo(2 / 6, 12);
    expect(g.recall).toBeCloseTo(2 / 5, 12);
  });
  it('node F1 keeps the best topological order for parallel gold branches', () => {
    const g = 'Node:\n1: call weather api\n2: call events api\n3: combine and answer\nEdge: (START,1) (START,2) (1,3) (2,3) (3,END)';
    const p = 'Node:\n1: call events api\n2: call weather api\n3: combine and answer\nEdge: (START,1) (1,2) (2,3) (3,END)';
    expect(scoreWorkflow(p, g, sim).f1).toBeCloseTo(1, 9);
  });
});

describe.skipIf(!haveSamples)('WorfBench importer on the real-format samples', () => {
  it('reads every sample graph_eval file and the gold workflows parse and score 1 against themselves', async () => {
    const files = readdirSync(join(samplesDir, 'worfbench')).filter((f) => f.endsWith('.json'));
    expect(files.length).toBeGreaterThanOrEqual(4);
    for (const f of files) {
      const items = await loadWorfBenchFile(join(samplesDir, 'worfbench', f), f.split('_')[0]);
      expect(items.length).toBeGreaterThan(0);
      for (const it of items) {
        const w = parseWorkflow(it.gold);
        expect(w.nodes.length).toBeGreaterThan(0);
        expect(w.edges.length).toBeGreaterThan(0);
        expect(scoreWorkflow(it.gold, it.gold, sim).f1).toBeCloseTo(1, 9);
        expect(it.examples.length).toBe(Math.min(2, items.length - 1));
      }
    }
  });
});
