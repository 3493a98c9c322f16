import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BUILTIN_SEED, LexicalSimilarity, builtinSuiteDir, createTask, type BenchTask, type EpisodeTask, type SingleTurnTask, type TaskItem } from '../../main/bench/index.js';
import { seededRandom } from '../../main/model/index.js';
import { buildPool, modelCard, rolloutPddl, suiteSeed, TINY_SIZES, type CardInfo, type Pool } from '../../main/train/index.js';

let pool: Pool | undefined;
afterAll(() => {
  if (pool?.suiteDirs.length) rmSync(dirname(pool.suiteDirs[0]), { recursive: true, force: true });
});

describe('acb-tiny training data', () => {
  it('answers every single-turn item with full marks under its own scorer and never reuses an evaluation prompt', async () => {
    pool = await buildPool(7, 1, () => {});
    for (const t of ['worfbench', 'agentboard-tool-query', 'agentboard-tool-operation', 'longbench-single-doc', 'longgenbench-gsm8k']) expect(pool.goldCheck[t], t).toBe(1);
    // T-Eval's understand (JSON) divides by (gold keys + 1e-5), so even gold answers score just under 1
    expect(pool.goldCheck['t-eval']).toBeCloseTo(1, 5);
    // the expert planner may miss a goal within its search budget, never by much
    expect(pool.goldCheck['agentboard-pddl']).toBeGreaterThan(0.9);
    expect(pool.bySource.get('t-eval')!.length).toBeGreaterThan(20);
    expect(pool.bySource.get('agentboard-pddl')!.length).toBeGreaterThan(20);

    const ctx = { similarity: new LexicalSimilarity() };
    const task = createTask('t-eval', ctx) as BenchTask as SingleTurnTask<TaskItem, unknown>;
    const promptKey = (it: TaskItem) => {
      const p = task.prompt(it);
      return p.kind === 'chat' ? JSON.stringify(p.turns) : p.text;
    };
    const evalPrompts = new Set((await task.load(builtinSuiteDir())).map(promptKey));
    expect(evalPrompts.size).toBeGreaterThan(20);
    for (const ex of pool.bySource.get('t-eval')!) {
      if (!('turns' in ex)) continue;
      expect(evalPrompts.has(JSON.stringify(ex.turns.slice(0, -1)))).toBe(false);
    }
  }, 120_000);

  it("PDDL rollouts keep invalid actions in the history and answer only with the planner's valid recovery", async () => {
    const task = createTask('agentboard-pddl', { similarity: new LexicalSimilarity() }) as BenchTask as EpisodeTask<TaskItem>;
    const items = await task.load(builtinSuiteDir());
    let mistakes = 0,
      solved = 0;
    for (const item of items) {
      const roll = rolloutPddl(task, item, seededRandom(3), 0, 1)!; // a mistake before every expert step
      expect(roll).toBeDefined();
      const last = roll.examples[roll.examples.length - 1];
      const prompt = 'turns' in last ? last.turns.map((t) => t.content).join('\n') : '';
      mistakes += (prompt.match(/not valid/g) ?? []).length;
      if (roll.progress >= 1) solved++;
    }
    expect(mistakes).toBeGreaterThan(items.length); // several per episode, shown to the model as the environment reports them
    expect(solved).toBeGreaterThanOrEqual(items.length - 1); // mistakes change no state: the planner still reaches the goal
  }, 60_000);

  it('draws training suites from seeds other than the evaluation seed', () => {
    for (let seed = 0; seed < 50; seed++) for (let k = 0; k < 64; k++) expect(suiteSeed(seed, k)).not.toBe(BUILTIN_SEED);
  });
});

describe('model card', () => {
  const info: CardInfo = {
    name: 'acb-tiny',
    size: 'tiny',
    config: { ...TINY_SIZES.tiny, vocabSize: 3000 },
    parameters: 750_000,
    tokenizer: { vocabSize: 3000, merges: 2741, corpusExamples: 4000 },
    optim: { lr: 3e-3, minLrRatio: 0.1, warmupSteps: 60, beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.1, clipNorm: 1, totalSteps: 100 },
    seed: 1,
    batchTokens: 8192,
    steps: 100,
    state: { step: 100, cursor: 1600, seconds: 600, tokensSeen: 819_200, targetTokensSeen: 80_000, history: [{ step: 100, loss: 0.5, lr: 3e-4, tokensPerS: 2500 }] },
    backend: 'tfjs-wasm (2 threads)',
    mixture: [{ source: 't-eval', weight: 1, origin: 'T-Eval generator' }],
    dataSeeds: '1000000',
    evaluationSeed: BUILTIN_SEED,
  };

  it('says it is not evaluated until scores are there, then lists them against the targets', () => {
    expect(modelCard(info)).toContain('Not evaluated yet');
    const card = modelCard({
      ...info,
      scores: {
        tasks: [
          { task: 't-eval', metric: 'overall', score: 64.25, n: 120 },
          { task: 'niah', metric: 'key-phrase recall', score: 80, n: 4, groups: { len512: { score: 100, n: 2 }, len1024: { score: 60, n: 2 }, depth0: { score: 80, n: 2 } } },
        ],
        capabilities: [{ capability: 'action-execution', score: 64.25 }],
        deviations: ['lexical-sim'],
        seconds: 300,
      },
    });
    expect(card).toContain('| t-eval | overall | 64.3 | 120 | ≥ 60 ✓ |');
    expect(card).toContain('| niah | key-phrase recall | 80.0 | 4 | ≥ 90 ✗ |');
    expect(card).toContain('| 512 | 1024 |');
    expect(card).toContain('| 100.0 | 60.0 |');
    expect(card).toContain('--size tiny');
    expect(card).not.toContain('Not evaluated yet');
  });

  it('a continued stage (train:tiny --init) lists both stages, sums their time and tokens, and gives both commands', () => {
    const stage2: CardInfo = {
      ...info,
      seed: 2,
      steps: 50,
      optim: { ...info.optim, lr: 1e-3 },
      state: { step: 50, cursor: 800, seconds: 300, tokensSeen: 409_600, targetTokensSeen: 20_000, history: [{ step: 50, loss: 0.4, lr: 1e-4, tokensPerS: 2400 }] },
      mixture: [
        { source: 't-eval', weight: 0.4, origin: 'T-Eval generator' },
        { source: 'niah', weight: 0.6, origin: 'NIAH prompts' },
      ],
      previous: { ...info, command: '--steps 100' },
      command: '--init STAGE1 --seed 2 --steps 50',
    };
    const card = modelCard(stage2);
    expect(card).toContain("| stages | 1: 100 steps, seed 1, peak lr 0.003, 10.0 min, from scratch; 2: 50 steps, seed 2, peak lr 0.001, 5.0 min, continued from stage 1's weights |");
    expect(card).toContain('| wall time | 15.0 min on tfjs-wasm (2 threads) (all stages) |');
    expect(card).toContain('| tokens seen | 1,228,800 (100,000 of them answer tokens carrying the loss) |');
    expect(card).toContain('| t-eval | 1 → 0.4 | T-Eval generator |');
    expect(card).toContain('| niah | 0 → 0.6 | NIAH prompts |');
    expect(card).toContain('npm run train:tiny -- --steps 100   # stage 1');
    expect(card).toContain('npm run train:tiny -- --init STAGE1 --seed 2 --steps 50   # stage 2');
  });
});
