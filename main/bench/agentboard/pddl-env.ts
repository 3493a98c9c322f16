// The PDDL environment of AgentBoard: text → action, per-domain sentence templates, progress = goal literals true.
import type { Environment, StepResult } from '../types.js';
import { actionText, atom, type GroundAction, type Literal, StripsWorld } from './pddl.js';

/** Per-domain sentence templates: predicate → sentence with {0}, {1}… for arguments. */
export const PDDL_TEMPLATES: Record<string, Record<string, string>> = {
  gripper: {
    room: 'Room {0}', ball: '{0} is a ball.', gripper: '{0} is a gripper.', 'at-robby': 'Robby is at {0}.',
    at: '{0} is at {1}.', free: '{0} is free.', carry: '{0} is carrying {1}.',
  },
  blockworld: {
    clear: 'The {0} is clear.', 'on-table': '{0} is on the table.', 'arm-empty': 'Robot arm is empty.',
    holding: 'You are holding {0}.', on: '{0} is on {1}.',
  },
  barman: {
    ontable: '{0} is on the table.', holding: '{0} is holding {1}.', handempty: '{0} is empty.',
    empty: '{0} is empty.', contains: '{0} contains {1}.', clean: '{0} is clean.', used: '{0} is used with {1}.',
    dispenses: '{0} dispenses {1}.', shaked: '{0} is shaked.', 'cocktail-part1': '{0} part1 ingredient is {1}.',
    'cocktail-part2': '{0} part2 ingredient is {1}.', unshaked: '{0} is unshaked.',
  },
  tyreworld: {
    open: '{0} is open.', closed: '{0} is closed.', 'have': 'You have {0}.', in: '{0} is in {1}.', loose: 'The nut {0} on the hub {1} is loose.',
    tight: 'The nut {0} on the hub {1} is tight.', unlocked: '{0} is unlocked.', 'on-ground': '{0} is on the ground.',
    'not-on-ground': '{0} is not on the ground.', inflated: '{0} is inflated.', 'not-inflated': '{0} is not inflated.',
    fastened: '{0} is fastened.', unfastened: '{0} is unfastened.', free: '{0} is free.', on: '{0} is on {1}.', intact: '{0} is intact.',
  },
};

/** The fixed observation for an action that is not valid (AgentBoard's wording). */
export const INVALID_ACTION = 'The action is not valid and therefore takes no effect. Please remember to satisfy the restriction of actions. You can also check valid actions.';

function capitalise(s: string): string {
  return s.length ? s[0].toUpperCase() + s.slice(1) : s;
}

export function renderLiteral(subtask: string, pred: string, args: readonly string[]): string {
  const t = PDDL_TEMPLATES[subtask]?.[pred];
  if (!t) return `${pred} ${args.join(' ')}.`.replace(/ \./, '.');
  return t.replace(/\{(\d+)\}/g, (_, i: string) => args[Number(i)] ?? '');
}

/** Goal sentences, sorted as AgentBoard's records list them ("ball1 …", "ball10 …", "ball2 …"). */
export function renderGoal(subtask: string, goal: readonly Literal[]): string[] {
  return goal.map((l) => (l.negated ? `Not: ${renderLiteral(subtask, l.predicate, l.args)}` : renderLiteral(subtask, l.predicate, l.args))).sort();
}

export function renderState(subtask: string, world: StripsWorld): string {
  return [...world.state].sort().map((a) => {
    const [p, ...args] = a.split(' ');
    return capitalise(renderLiteral(subtask, p, args));
  }).join(' ');
}

/** Text → action: the first word naming a currently valid action, then object names up to its arity. */
export function parsePddlAction(text: string, world: StripsWorld): GroundAction | 'check' | undefined {
  const lower = text.toLowerCase();
  if (/check\s+valid\s+actions?/.test(lower)) return 'check';
  const words = lower.match(/[a-z0-9_-]+/g) ?? [];
  // the first word naming an action that is currently valid; failing that, any action of the domain
  const validNames = new Set(world.validActions().map((a) => a.name));
  let k = words.findIndex((w) => validNames.has(w));
  if (k < 0) {
    const names = new Set(world.domain.actions.map((a) => a.name));
    k = words.findIndex((w) => names.has(w));
  }
  if (k < 0) return undefined;
  const schema = world.schema(words[k])!;
  const args: string[] = [];
  for (const w of words.slice(k + 1)) {
    if (args.length === schema.params.length) break;
    if (world.objects.has(w)) args.push(w);
  }
  return { name: schema.name, args };
}

export class PddlEnvironment implements Environment {
  readonly goal: string;
  readonly initialObservation: string;
  readonly subgoals: string[];
  constructor(
    readonly subtask: string,
    readonly world: StripsWorld,
  ) {
    this.subgoals = renderGoal(subtask, world.problem.goal);
    this.goal = `The goal is to satisfy the following conditions: ${this.subgoals.join(' ')}`;
    this.initialObservation = renderState(subtask, world);
  }
  step(action: string): StepResult {
    const parsed = parsePddlAction(action, this.world);
    if (parsed === 'check') {
      const valid = this.world.validActions().map(actionText);
      return { observation: `Valid actions are: ${valid.join(', ')}, check valid actions.`, progress: this.world.progress(), done: false };
    }
    const key = parsed ? atom(parsed.name, parsed.args) : '';
    const ok = parsed !== undefined && this.world.validActions().some((v) => actionText(v) === key) && this.world.apply(parsed);
    const progress = this.world.progress();
    const done = progress >= 1;
    if (!ok) return { observation: INVALID_ACTION, progress, done };
    return { observation: renderState(this.subtask, this.world) + (done ? ' The goal is satisfied.' : ''), progress, done };
  }
}
