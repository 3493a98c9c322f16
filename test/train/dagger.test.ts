import { describe, expect, it } from 'vitest';
import { LexicalSimilarity, builtinSuiteDir, createTask, type BenchTask, type EpisodeTask, type Prompt, type TaskItem, type TextGenerator } from '../../main/bench/index.js';
import { seededRandom } from '../../main/model/index.js';
import { daggerEpisodes, daggerSummary, type TrainingExample } from '../../main/train/index.js';

/** A policy that always says the same thing, and counts what it was asked. */
function scripted(answer: string): TextGenerator & { calls: number; prompts: number } {
  const g = {
    id: 'scripted',
    calls: 0,
    prompts: 0,
    async chat() {
      return answer;
    },
    async complete() {
      return answer;
    },
    async generateMany(ps: Prompt[]) {
      g.calls++;
      g.prompts += ps.length;
      return ps.map(() => answer);
    },
  };
  return g;
}

const turns = (ex: TrainingExample) => ('turns' in ex ? ex.turns : []);
const lastTurn = (ex: TrainingExample) => turns(ex)[turns(ex).length - 1].content;
const userTurn = (ex: TrainingExample) => turns(ex)[turns(ex).length - 2].content;

describe('DAgger on PDDL', async () => {
  const task = createTask('agentboard-pddl', { similarity: new LexicalSimilarity() }) as BenchTask as EpisodeTask<TaskItem>;
  const items = (await task.load(builtinSuiteDir())).slice(0, 4);

  it("labels every state a stuck model visits with the planner's way out", async () => {
    const g = scripted('jump around');
    const res = await daggerEpisodes(task, items, g, { beta: 0, batch: 2, r: seededRandom(1) });
    // β = 0: the model's action always runs, is never valid, so each episode lasts maxSteps and never progresses
    expect(res.steps).toBe(items.length * task.maxSteps);
    expect(res.examples).toHaveLength(items.length * task.maxSteps);
    expect(res.agreement).toBe(0);
    expect(res.progress).toBe(0);
    expect(g.calls).toBe(2 * task.maxSteps); // two batches of two episodes, one call per step
    // the state never changes, so within an episode every label is the same planner action, shown after the failures
    const first = res.examples.slice(0, task.maxSteps);
    expect(new Set(first.map(lastTurn)).size).toBe(1);
    expect(userTurn(first[3])).toContain('not valid');
    expect(daggerSummary(res)).toBe(
      `4 PDDL episodes of the init model (β 0) → ${4 * task.maxSteps} labelled states; model agrees with the planner on 0.0% of ${4 * task.maxSteps} steps, mixed-policy progress 0.0%`,
    );
  });

  it('with β = 1 follows the planner to the goal, one example per step', async () => {
    const res = await daggerEpisodes(task, items, scripted('jump around'), { beta: 1, batch: 3, r: seededRandom(1) });
    expect(res.progress).toBe(1);
    expect(res.examples.length).toBe(res.steps);
    expect(res.steps).toBeLessThan(items.length * task.maxSteps);
    // an expert episode's prompts never contain a failure
    for (const ex of res.examples) expect(userTurn(ex)).not.toContain('not valid');
  });
});
