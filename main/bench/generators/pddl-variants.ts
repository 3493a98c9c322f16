// PDDL problem variants: a base problem's initial state moved by a random walk, and a goal read off a
// state further along a second walk. Gripper and tyreworld problems of the built-in generator do not
// depend on the seed, so a model trained on them alone meets the evaluation's goals for the first time;
// variants cover each domain's goals and states instead (used for training suites only).
import { parseDomain, parseProblem, StripsWorld } from '../agentboard/pddl.js';
import type { Rng } from '../util.js';

/** Predicates a variant's goal may use, per domain (those the evaluation's goals use, and their neighbours). */
export const GOAL_PREDICATES: Record<string, readonly string[]> = {
  gripper: ['at'],
  blockworld: ['on'],
  barman: ['contains'],
  tyreworld: ['have', 'loose', 'inflated', 'closed', 'open', 'in', 'on', 'tight', 'free'],
};

export interface VariantOptions {
  /** longest walk that moves the initial state (0 steps with probability `keepInit`) */
  initWalk: number;
  keepInit: number;
  /** longest walk that the goal is read from */
  goalWalk: number;
  /** most goal literals */
  maxGoals: number;
}

export const VARIANT_DEFAULTS: VariantOptions = { initWalk: 12, keepInit: 0.4, goalWalk: 24, maxGoals: 3 };

function walk(world: StripsWorld, rng: Rng, steps: number): Set<string>[] {
  const states = [new Set(world.state)];
  for (let i = 0; i < steps; i++) {
    const valid = world.validActions();
    if (!valid.length) break;
    world.apply(rng.pick(valid));
    states.push(new Set(world.state));
  }
  return states;
}

/**
 * One variant of `problemText`, or undefined when no walk reached a new goal fact.
 * Goal: 1…maxGoals facts of the domain's goal predicates that hold together in one state of the second
 * walk and not in the variant's initial state (so every goal needs at least one action).
 */
export function pddlVariant(domain: string, domainText: string, problemText: string, name: string, rng: Rng, o: VariantOptions = VARIANT_DEFAULTS): string | undefined {
  const preds = new Set(GOAL_PREDICATES[domain] ?? []);
  const world = new StripsWorld(parseDomain(domainText, domain), parseProblem(problemText, name));
  const objects = /\(:objects([^)]*)\)/.exec(problemText)?.[1]?.trim() ?? '';
  for (let attempt = 0; attempt < 32; attempt++) {
    world.state = new Set(world.problem.init);
    if (rng.float() >= o.keepInit) walk(world, rng, rng.int(1, o.initWalk));
    const init = new Set(world.state);
    const render = (goal: readonly string[]) =>
      `(define (problem ${name})\n  (:domain ${world.problem.domain})\n  (:objects ${objects})\n  (:init\n    ${[...init]
        .sort()
        .map((a) => `(${a})`)
        .join('\n    ')})\n  (:goal (and\n    ${goal.map((a) => `(${a})`).join('\n    ')})))\n`;
    if (domain === 'gripper') {
      const goal = gripperGoal(init, rng);
      if (goal.length) return render(goal);
      continue;
    }
    const later = walk(world, rng, rng.int(1, o.goalWalk)).slice(1);
    const target = later.length ? later[rng.int(Math.floor(later.length / 2), later.length - 1)] : undefined; // the walk's second half: goals a few actions away
    const fresh = target ? [...target].filter((a) => !init.has(a) && preds.has(a.split(' ')[0])).sort() : [];
    if (!fresh.length) continue;
    return render(rng.sample(fresh, rng.int(1, Math.min(o.maxGoals, fresh.length))));
  }
  return undefined;
}

/** Gripper: a random walk seldom moves more than one ball, so the goal places 1…all balls, each in a room (70 % the other one); at least one goal is not yet true. */
function gripperGoal(init: ReadonlySet<string>, rng: Rng): string[] {
  const rooms = [...init].filter((a) => a.startsWith('room ')).map((a) => a.split(' ')[1]);
  const balls = [...init].filter((a) => a.startsWith('ball ')).map((a) => a.split(' ')[1]);
  const where = (b: string) => [...init].find((a) => a.startsWith(`at ${b} `))?.split(' ')[2];
  const goal = rng.sample(balls, rng.int(1, balls.length)).map((b) => {
    const here = where(b);
    const room = here && rng.float() < 0.7 ? (rng.pick(rooms.filter((r) => r !== here)) ?? here) : rng.pick(rooms);
    return `at ${b} ${room}`;
  });
  return goal.some((g) => !init.has(g)) ? goal.sort() : [];
}
