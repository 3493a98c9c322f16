// The PDDL environment of AgentBoard: text → action, per-domain sentence templates, progress = goal literals true.
import type { Environment, StepResult } from '../types.js';
import { actionText, atom, type GroundAction, type Literal, type StripsWorld } from './pddl.js';

/** Per-domain sentence templates: predicate → sentence with {0}, {1}… for arguments. */
export const PDDL_TEMPLATES: Record<string, Record<string, string>> = {
  gripper: {
    room: 'Room {0}',
    ball: '{0} is a ball.',
    gripper: '{0} is a gripper.',
    'at-robby': 'Robby is at {0}.',
    at: '{0} is at {1}.',
    free: '{0} is free.',
    carry: '{0} is carrying {1}.',
  },
  blockworld: {
    clear: 'The {0} is clear.',
    'on-table': '{0} is on the table.',
    'arm-empty': 'Robot arm is empty.',
    holding: 'You are holding {0}.',
    on: '{0} is on {1}.',
  },
  barman: {
    ontable: '{0} is on the table.',
    holding: '{0} is holding {1}.',
    handempty: '{0} is empty.',
    empty: '{0} is empty.',
    contains: '{0} contains {1}.',
    clean: '{0} is clean.',
    used: '{0} is used with {1}.',
    dispenses: '{0} dispenses {1}.',
    shaked: '{0} is shaked.',
    'cocktail-part1': '{0} part1 ingredient is {1}.',
    'cocktail-part2': '{0} part2 ingredient is {1}.',
    unshaked: '{0} is unshaked.',
  },
  tyreworld: {
    open: '{0} is open.',
    closed: '{0} is closed.',
    have: 'You have {0}.',
    in: '{0} is in {1}.',
    loose: 'The nut {0} on the hub {1} is loose.',
    tight: 'The nut {0} on the hub {1} is tight.',
    unlocked: '{0} is unlocked.',
    'on-ground': '{0} is on the ground.',
    'not-on-ground': '{0} is not on the ground.',
    inflated: '{0} is inflated.',
    'not-inflated': '{0} is not inflated.',
    fastened: '{0} is fastened.',
    unfastened: '{0} is unfastened.',
    free: '{0} is free.',
    on: '{0} is on {1}.',
    intact: '{0} is intact.',
  },
};

/** The observation for a named action that takes no effect (pddl_env.step). */
export const INVALID_ACTION = 'The action is not valid and therefore takes no effect. Please remember to satisfy the restriction of actions. You can also check valid actions.';
/** The observation for text that names no valid action or too few objects. */
export const UNPARSED_ACTION = 'The action is not valid and therefore takes no effect. Please check valid actions.';

/** Domains whose observations show only the literals an action added (pddl_env.get_goal_and_obs). */
const CHANGES_ONLY = new Set(['barman', 'tyreworld']);

/** Python's str.capitalize(): first character upper-case, the rest lower-case. */
function capitalise(s: string): string {
  return s.length ? s[0].toUpperCase() + s.slice(1).toLowerCase() : s;
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

/** State text: each atom's sentence capitalised, the sentences sorted, joined by spaces. */
export function renderState(subtask: string, atoms: Iterable<string>): string {
  return [...atoms]
    .map((a) => {
      const [p, ...args] = a.split(' ');
      return capitalise(renderLiteral(subtask, p, args));
    })
    .sort()
    .join(' ');
}

/** nltk.word_tokenize's effect on action text, closely enough: words of letters, digits, "_" and "-". */
function words(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}_-]+/gu) ?? [];
}

/**
 * pddl_env.text_to_action: the first word naming a currently valid action; objects are the words,
 * anywhere in the text, that name objects, the first `arity` of them; too few → undefined.
 */
export function parsePddlAction(text: string, world: StripsWorld): GroundAction | undefined {
  const ws = words(text);
  const validNames = new Set(world.validActions().map((a) => a.name));
  const name = ws.find((w) => validNames.has(w));
  if (name === undefined) return undefined;
  const schema = world.schema(name)!;
  const args = ws.filter((w) => world.objects.has(w)).slice(0, schema.params.length);
  return args.length < schema.params.length ? undefined : { name: schema.name, args };
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
    this.goal = `The goal is to satisfy the following conditions: ${this.subgoals.join(', ')}`;
    this.initialObservation = renderState(subtask, world.state);
  }
  /** pddl_env.step: "check" anywhere lists the valid actions, "look around" anywhere shows the whole state. */
  step(action: string): StepResult {
    const lower = action.toLowerCase();
    const progress = () => this.world.progress();
    if (lower.includes('check')) {
      const extra = CHANGES_ONLY.has(this.subtask) ? ['check valid actions', 'look around'] : ['check valid actions'];
      return { observation: `Valid actions are: ${[...this.world.validActions().map(actionText), ...extra].join(', ')}`, progress: progress(), done: false };
    }
    if (lower.includes('look around')) return { observation: renderState(this.subtask, this.world.state), progress: progress(), done: false };
    const parsed = parsePddlAction(action, this.world);
    if (!parsed) return { observation: UNPARSED_ACTION, progress: progress(), done: false };
    const before = new Set(this.world.state);
    const key = atom(parsed.name, parsed.args);
    const applied = this.world.validActions().some((v) => actionText(v) === key) && this.world.apply(parsed);
    const changed = applied && (this.world.state.size !== before.size || [...this.world.state].some((a) => !before.has(a)));
    const done = progress() >= 1;
    // an action the simulator ignores leaves the state as it was
    if (!changed) return { observation: INVALID_ACTION, progress: progress(), done: false };
    const shown = CHANGES_ONLY.has(this.subtask) ? [...this.world.state].filter((a) => !before.has(a)) : this.world.state;
    return { observation: renderState(this.subtask, shown) + (done ? ' The goal is satisfied.' : ''), progress: progress(), done };
  }
}
