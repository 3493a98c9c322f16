import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { attachPddl, createAgentBoardTask, loadAgentBoardJsonl, loadAgentPrompts, loadLoggedEpisodes, scoreEpisode, type AgentBoardItem } from '../../main/bench/agentboard/agentboard.js';
import { actionText, parseDomain, parseProblem, StripsWorld } from '../../main/bench/agentboard/pddl.js';
import { INVALID_ACTION, PddlEnvironment, renderGoal, UNPARSED_ACTION } from '../../main/bench/agentboard/pddl-env.js';
import { parseToolCall, ToolEnvironment, toolOutputText, type TodoWorld } from '../../main/bench/agentboard/tools.js';
import { BenchDataError } from '../../main/bench/errors.js';
import { generateAgentBoard } from '../../main/bench/generators/agentboard.js';
import { GOAL_PREDICATES } from '../../main/bench/generators/pddl-variants.js';
import { haveSamples, samplesDir } from './helpers.js';
import { tempDir } from '../helpers/tmp.js';

/** Breadth-first search over the simulator: shortest plan length, or -1. */
function shortestPlan(world: StripsWorld, maxDepth: number): number {
  const start = [...world.state].sort().join('|');
  let frontier = [world.state];
  const seen = new Set([start]);
  for (let depth = 0; depth <= maxDepth; depth++) {
    const next: Set<string>[] = [];
    for (const s of frontier) {
      world.state = new Set(s);
      if (world.progress() >= 1) return depth;
      for (const a of world.validActions()) {
        world.state = new Set(s);
        world.apply(a);
        const key = [...world.state].sort().join('|');
        if (!seen.has(key)) {
          seen.add(key);
          next.push(world.state);
        }
      }
    }
    frontier = next;
  }
  return -1;
}

const GRIPPER = `(define (domain g) (:predicates (room ?r) (ball ?b) (gripper ?g) (at-robby ?r) (at ?b ?r) (free ?g) (carry ?o ?g))
 (:action move :parameters (?from ?to) :precondition (and (room ?from) (room ?to) (at-robby ?from)) :effect (and (at-robby ?to) (not (at-robby ?from))))
 (:action pick :parameters (?obj ?room ?gripper) :precondition (and (ball ?obj) (room ?room) (gripper ?gripper) (at ?obj ?room) (at-robby ?room) (free ?gripper))
   :effect (and (carry ?obj ?gripper) (not (at ?obj ?room)) (not (free ?gripper))))
 (:action drop :parameters (?obj ?room ?gripper) :precondition (and (ball ?obj) (room ?room) (gripper ?gripper) (carry ?obj ?gripper) (at-robby ?room))
   :effect (and (at ?obj ?room) (free ?gripper) (not (carry ?obj ?gripper)))))`;
const PROB = `(define (problem p) (:domain g) (:objects rooma roomb ball1 ball2 left right)
 (:init (room rooma) (room roomb) (ball ball1) (ball ball2) (gripper left) (gripper right) (free left) (free right) (at-robby rooma) (at ball1 rooma) (at ball2 rooma))
 (:goal (and (at ball1 roomb) (at ball2 roomb))))`;

describe('STRIPS simulator', () => {
  it('valid actions, application, progress on a hand-checked gripper problem', () => {
    const w = new StripsWorld(parseDomain(GRIPPER), parseProblem(PROB));
    // at rooma: move rooma→roomb, move rooma→rooma (room ?to has no inequality), pick ×2 balls ×2 grippers
    expect(w.validActions().map(actionText).sort()).toEqual([
      'move rooma rooma',
      'move rooma roomb',
      'pick ball1 rooma left',
      'pick ball1 rooma right',
      'pick ball2 rooma left',
      'pick ball2 rooma right',
    ]);
    expect(w.apply({ name: 'drop', args: ['ball1', 'roomb', 'left'] })).toBe(false);
    expect(w.apply({ name: 'pick', args: ['ball1', 'rooma', 'left'] })).toBe(true);
    expect(w.state.has('carry ball1 left')).toBe(true);
    expect(w.state.has('free left')).toBe(false);
    expect(w.apply({ name: 'move', args: ['rooma', 'roomb'] })).toBe(true);
    expect(w.apply({ name: 'drop', args: ['ball1', 'roomb', 'left'] })).toBe(true);
    expect(w.progress()).toBe(0.5);
  });
  it('environment: text → action, invalid actions, check valid actions, done at progress 1', () => {
    const env = new PddlEnvironment('gripper', new StripsWorld(parseDomain(GRIPPER), parseProblem(PROB)));
    // pddl_env.get_goal_and_obs joins the sorted goal sentences with ", "
    expect(env.goal).toBe('The goal is to satisfy the following conditions: ball1 is at roomb., ball2 is at roomb.');
    expect(env.initialObservation).toContain('Ball1 is at rooma.');
    // "drop" is not a valid action in this state → text_to_action finds no action name
    expect(env.step('drop ball1 roomb left').observation).toBe(UNPARSED_ACTION);
    // "check" anywhere lists the valid actions (no trailing period), then "check valid actions"
    expect(env.step('I should check what I can do').observation).toMatch(/^Valid actions are: .*pick ball1 rooma left.*, check valid actions$/);
    // "look around" anywhere shows the whole state
    expect(env.step('let me look around first').observation).toBe(env.initialObservation);
    // objects anywhere, even before the action word; too few objects → unparsed
    expect(env.step('with ball1 pick').observation).toBe(UNPARSED_ACTION);
    // a valid action name whose grounding has no effect → the longer message
    expect(env.step('pick ball1 roomb left').observation).toBe(INVALID_ACTION);
    expect(env.step('Pick up ball1 at rooma with arm right.').observation).toContain('Ball1 is carrying right.');
    expect(env.step('pick ball2 rooma left').progress).toBe(0);
    expect(env.step('Move from rooma to roomb').observation).toContain('Robby is at roomb.');
    expect(env.step('drop ball1 roomb right').progress).toBe(0.5);
    const last = env.step('drop ball2 roomb left');
    expect(last).toMatchObject({ progress: 1, done: true });
    expect(last.observation).toContain('The goal is satisfied.');
  });
  it('barman and tyreworld observations show only the literals an action added', () => {
    const d = parseDomain(`(define (domain t) (:types shot shaker - container hand)
      (:predicates (holding ?h - hand ?c - container) (free ?h - hand) (ontable ?c - container))
      (:action grasp :parameters (?h - hand ?c - container) :precondition (and (free ?h) (ontable ?c)) :effect (and (holding ?h ?c) (not (free ?h)) (not (ontable ?c)))))`);
    const problem = '(define (problem q) (:domain t) (:objects left - hand s1 - shot k1 - shaker) (:init (free left) (ontable s1) (ontable k1)) (:goal (holding left s1)))';
    // objects are taken in the order they appear, wherever they are: left, s1
    const barman = new PddlEnvironment('barman', new StripsWorld(d, parseProblem(problem)));
    expect(barman.step('with left, grasp s1').observation).toBe('Left is holding s1. The goal is satisfied.');
    const gripperLike = new PddlEnvironment('gripper', new StripsWorld(d, parseProblem(problem)));
    expect(gripperLike.step('with left, grasp s1').observation).toBe('Holding left s1. Ontable k1. The goal is satisfied.');
  });
  it('types: a typed parameter accepts only objects of that type or a subtype', () => {
    const d = parseDomain(`(define (domain t) (:types shot shaker - container hand)
      (:predicates (holding ?h - hand ?c - container) (free ?h - hand))
      (:action grasp :parameters (?h - hand ?c - container) :precondition (free ?h) :effect (and (holding ?h ?c) (not (free ?h)))))`);
    const w = new StripsWorld(d, parseProblem('(define (problem q) (:domain t) (:objects left - hand s1 - shot k1 - shaker) (:init (free left)) (:goal (holding left s1)))'));
    expect(w.validActions().map(actionText).sort()).toEqual(['grasp left k1', 'grasp left s1']);
    expect(w.apply({ name: 'grasp', args: ['s1', 'left'] })).toBe(false);
  });
  it('unsupported constructs and broken files are typed errors', () => {
    expect(() => parseDomain('(define (domain x) (:action a :parameters () :effect (forall (?x) (p ?x))))', 'd.pddl')).toThrow(BenchDataError);
    expect(() => parseProblem('(define (problem p) (:goal (and (p a))', 'p.pddl')).toThrow(/unclosed/);
  });
  it('every built-in PDDL problem is solvable within the 30-step budget', () => {
    const { files } = generateAgentBoard(20250);
    for (const domain of ['gripper', 'blockworld', 'barman', 'tyreworld']) {
      const d = parseDomain(files[`pddl/${domain}/domain.pddl`]);
      for (const name of Object.keys(files).filter((f) => f.startsWith(`pddl/${domain}/problem`))) {
        const steps = shortestPlan(new StripsWorld(d, parseProblem(files[name])), 30);
        expect(steps, name).toBeGreaterThan(0);
        expect(steps, name).toBeLessThanOrEqual(30);
      }
    }
  });
  it("training variants: walked initial states, goals of the domain's goal predicates that need 1–30 actions; the generator's own problems unchanged", () => {
    const plain = generateAgentBoard(20250).files;
    const { files, counts } = generateAgentBoard(20250, 2, 6, 6);
    expect(counts.pddl).toBe(4 * 8);
    for (const domain of ['gripper', 'blockworld', 'barman', 'tyreworld']) {
      const d = parseDomain(files[`pddl/${domain}/domain.pddl`]);
      for (const k of ['01', '02']) expect(files[`pddl/${domain}/problem${k}.pddl`]).toBe(plain[`pddl/${domain}/problem${k}.pddl`]);
      const variants = Object.keys(files).filter((f) => f.startsWith(`pddl/${domain}/variant`));
      expect(variants.length, domain).toBe(6);
      let moved = 0;
      for (const name of variants) {
        const p = parseProblem(files[name]);
        const base = parseProblem(files[`pddl/${domain}/problem0${((Number(name.slice(-7, -5)) + 1) % 2) + 1}.pddl`]);
        if (p.init.slice().sort().join('|') !== base.init.slice().sort().join('|')) moved++;
        for (const g of p.goal) expect(GOAL_PREDICATES[domain], `${name}: ${g.predicate}`).toContain(g.predicate);
        const steps = shortestPlan(new StripsWorld(d, p), 30);
        expect(steps, name).toBeGreaterThan(0);
        expect(steps, name).toBeLessThanOrEqual(30);
      }
      expect(moved, `${domain}: variants with a walked initial state`).toBeGreaterThan(0);
    }
    expect(generateAgentBoard(20250, 2, 6, 6).files).toEqual(files);
  });
});

describe.skipIf(!haveSamples)('AgentBoard samples', () => {
  it('parses the sample domain and problem files; the gripper goal renders as the record subgoals', async () => {
    const d = parseDomain(readFileSync(join(samplesDir, 'agentboard/pddl_gripper_domain.pddl'), 'utf8'));
    const p = parseProblem(readFileSync(join(samplesDir, 'agentboard/pddl_gripper_prob01.pddl'), 'utf8'));
    const records = await loadAgentBoardJsonl(join(samplesDir, 'agentboard/pddl_test.first5.jsonl'));
    expect(records).toHaveLength(5);
    expect(renderGoal('gripper', p.goal)).toEqual(records[0].subgoals);
    expect(shortestPlan(new StripsWorld(d, p), 12)).toBe(11);
    const bd = parseDomain(readFileSync(join(samplesDir, 'agentboard/pddl_blockworld_domain.pddl'), 'utf8'));
    const bp = parseProblem(readFileSync(join(samplesDir, 'agentboard/pddl_blockworld_problem1.pddl'), 'utf8'));
    // b2 on b3 on b1, goal b3 on b2 on b1: unstack b2 b3, putdown b2, unstack b3 b1, putdown b3,
    // pickup b2, stack b2 b1, pickup b3, stack b3 b2 = 8 actions
    expect(shortestPlan(new StripsWorld(bd, bp), 10)).toBe(8);
  });
  it('attaches problem files by order within the subtask and reads the prompt files', async () => {
    const root = tempDir('ab-');
    mkdirSync(join(root, 'gripper'));
    copyFileSync(join(samplesDir, 'agentboard/pddl_gripper_domain.pddl'), join(root, 'gripper/domain.pddl'));
    copyFileSync(join(samplesDir, 'agentboard/pddl_gripper_prob01.pddl'), join(root, 'gripper/prob01.pddl'));
    const records = (await loadAgentBoardJsonl(join(samplesDir, 'agentboard/pddl_test.first5.jsonl'))).slice(0, 1);
    await attachPddl(records, root);
    expect(records[0].problemFile).toContain('prob01.pddl');
    const more = await loadAgentBoardJsonl(join(samplesDir, 'agentboard/pddl_test.first5.jsonl'));
    await expect(attachPddl(more, root)).rejects.toThrow(/problem file/);
    const prompts = await loadAgentPrompts(join(samplesDir, 'agentboard/pddl_vanilla_prompt.json'), true);
    expect(Object.keys(prompts).sort()).toEqual(['barman', 'blockworld', 'gripper', 'tyreworld']);
    expect((await loadAgentPrompts(join(samplesDir, 'agentboard/academia_prompt.json'), false)).default.instruction).toContain('loadPaperNet');
    expect((await loadAgentPrompts(join(samplesDir, 'agentboard/jericho_vanilla_prompt.json'), false)).default.system_msg).toContain('game');
  });
});

describe('offline tools', () => {
  const world: TodoWorld = {
    kind: 'todo',
    current_date: '2025-05-02',
    location: 'Oslo',
    projects: [{ id: 'p1', name: 'Errands', tasks: [{ id: 't1', content: 'buy stamps', due_date: '2025-06-01', duration: 30, completed: false }] }],
  };
  it('parses the original call shape', () => {
    expect(parseToolCall('Action: get_tasks with Action Input: {"project_id": "p1"}')).toEqual({ name: 'get_tasks', args: { project_id: 'p1' } });
    expect(parseToolCall("get_tasks with Action Input: {'project_id': 'p1'}")).toEqual({ name: 'get_tasks', args: { project_id: 'p1' } });
    expect(parseToolCall('hello')).toBeUndefined();
  });
  it('records outputs; progress = fraction of subgoals equal to recorded outputs; the world copy is private', () => {
    const subgoals = [toolOutputText([{ id: 'p1', name: 'Errands', order: 1 }]), toolOutputText({ message: 'success' })];
    const env = new ToolEnvironment('Complete "buy stamps".', subgoals, world);
    expect(env.step('Action: get_projects with Action Input: {}').progress).toBe(0.5);
    expect(env.step('Action: nope with Action Input: {}').observation).toMatch(/^ERROR \| There is no tool/);
    expect(env.step('Action: complete_task with Action Input: {"task_id": "t9"}').observation).toBe('ERROR | task t9 not found');
    expect(env.step('Action: complete_task with Action Input: {"task_id": "t1"}').progress).toBe(1);
    expect(world.projects[0].tasks[0].completed).toBe(false);
    expect(env.step('Action: finish with Action Input: {"answer": "done"}').done).toBe(true);
  });
  it('episode score: best progress at any step; success only at 1', () => {
    expect(scoreEpisode([0, 0.5, 0.25])).toMatchObject({ progress_rate: 0.5, success_rate: 0 });
    expect(scoreEpisode([0.5, 1])).toMatchObject({ progress_rate: 1, success_rate: 1 });
    expect(scoreEpisode([])).toMatchObject({ progress_rate: 0, success_rate: 0 });
  });
  it('tool tasks succeed only when the episode ends with a finish action at progress 1 (tasks/tool.py)', () => {
    const task = createAgentBoardTask('tool-operation');
    const item = { id: 'x', task: 'todo', goal: '', subgoals: [], difficulty: 'easy', subtask: 'todo', additional: {} } as AgentBoardItem;
    const step = (progress: number, done = false) => ({ action: 'a', observation: 'o', progress, done });
    expect(task.score(item, [step(0.5), step(1)])).toMatchObject({ progress_rate: 1, success_rate: 0 });
    expect(task.score(item, [step(0.5), step(1), step(1, true)])).toMatchObject({ progress_rate: 1, success_rate: 1 });
    // an action that mentions "finish" after a call without error ends the episode too
    const env = new ToolEnvironment('g', [], world);
    expect(env.step('Action: get_projects with Action Input: {"note": "then finish"}').done).toBe(true);
    expect(new ToolEnvironment('g', [], world).step('Action: complete_task with Action Input: {"task_id": "finish"}').done).toBe(false);
  });
  it('logged episodes (Jericho / ScienceWorld) import, with typed errors', async () => {
    const f = join(tempDir('ep-'), 'episodes.jsonl');
    writeFileSync(f, '{"id": 1, "task": "jericho", "progress": [0, 0.2, 0.4]}\n{"id": "b", "steps": [{"progress": 1}]}\n');
    expect(await loadLoggedEpisodes(f)).toEqual([
      { id: '1', task: 'jericho', progress: [0, 0.2, 0.4] },
      { id: 'b', task: 'unknown', progress: [1] },
    ]);
    writeFileSync(f, '{"id": 1, "progress": [0, 2]}\n');
    await expect(loadLoggedEpisodes(f)).rejects.toThrow(/line 1, field "progress\[1\]"/);
  });
});
