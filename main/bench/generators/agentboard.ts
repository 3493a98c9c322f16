// Built-in AgentBoard suite: our own PDDL domain files and generated problems (gripper, blockworld,
// barman, tyreworld), offline tool worlds for Tool-query and Tool-operation, records in
// AgentBoard's JSONL layout and prompt files in its VanillaAgent layout.
import { parseDomain, parseProblem, StripsWorld } from '../agentboard/pddl.js';
import { renderGoal } from '../agentboard/pddl-env.js';
import { toolOutputText, type AcademiaWorld, type TodoWorld } from '../agentboard/tools.js';
import { Rng } from '../util.js';
import { pddlVariant } from './pddl-variants.js';
import { CITIES, ORGS, personName, TOPICS, VENUES } from './words.js';

export const DOMAINS: Record<string, string> = {
  gripper: `(define (domain gripper)
  (:requirements :strips)
  (:predicates (room ?r) (ball ?b) (gripper ?g) (at-robby ?r) (at ?b ?r) (free ?g) (carry ?o ?g))
  (:action move
    :parameters (?from ?to)
    :precondition (and (room ?from) (room ?to) (at-robby ?from))
    :effect (and (at-robby ?to) (not (at-robby ?from))))
  (:action pick
    :parameters (?obj ?room ?gripper)
    :precondition (and (ball ?obj) (room ?room) (gripper ?gripper) (at ?obj ?room) (at-robby ?room) (free ?gripper))
    :effect (and (carry ?obj ?gripper) (not (at ?obj ?room)) (not (free ?gripper))))
  (:action drop
    :parameters (?obj ?room ?gripper)
    :precondition (and (ball ?obj) (room ?room) (gripper ?gripper) (carry ?obj ?gripper) (at-robby ?room))
    :effect (and (at ?obj ?room) (free ?gripper) (not (carry ?obj ?gripper)))))
`,
  blockworld: `(define (domain blockworld)
  (:requirements :strips)
  (:predicates (clear ?x) (on-table ?x) (arm-empty) (holding ?x) (on ?x ?y))
  (:action pickup
    :parameters (?ob)
    :precondition (and (clear ?ob) (on-table ?ob) (arm-empty))
    :effect (and (holding ?ob) (not (clear ?ob)) (not (on-table ?ob)) (not (arm-empty))))
  (:action putdown
    :parameters (?ob)
    :precondition (holding ?ob)
    :effect (and (clear ?ob) (arm-empty) (on-table ?ob) (not (holding ?ob))))
  (:action stack
    :parameters (?ob ?underob)
    :precondition (and (clear ?underob) (holding ?ob))
    :effect (and (arm-empty) (clear ?ob) (on ?ob ?underob) (not (clear ?underob)) (not (holding ?ob))))
  (:action unstack
    :parameters (?ob ?underob)
    :precondition (and (on ?ob ?underob) (clear ?ob) (arm-empty))
    :effect (and (holding ?ob) (clear ?underob) (not (on ?ob ?underob)) (not (clear ?ob)) (not (arm-empty)))))
`,
  barman: `(define (domain barman)
  (:requirements :strips :typing)
  (:types hand container dispenser beverage - object
          shot shaker - container
          ingredient cocktail - beverage)
  (:predicates (ontable ?c - container) (holding ?h - hand ?c - container) (handempty ?h - hand)
               (empty ?c - container) (contains ?c - container ?b - beverage) (clean ?c - container)
               (used ?c - container ?b - beverage) (dispenses ?d - dispenser ?i - ingredient)
               (shaked ?s - shaker) (unshaked ?s - shaker)
               (cocktail-part1 ?c - cocktail ?i - ingredient) (cocktail-part2 ?c - cocktail ?i - ingredient))
  (:action grasp
    :parameters (?h - hand ?c - container)
    :precondition (and (ontable ?c) (handempty ?h))
    :effect (and (not (ontable ?c)) (not (handempty ?h)) (holding ?h ?c)))
  (:action leave
    :parameters (?h - hand ?c - container)
    :precondition (holding ?h ?c)
    :effect (and (not (holding ?h ?c)) (handempty ?h) (ontable ?c)))
  (:action fill-shot
    :parameters (?s - shot ?i - ingredient ?h - hand ?d - dispenser)
    :precondition (and (holding ?h ?s) (empty ?s) (clean ?s) (dispenses ?d ?i))
    :effect (and (not (empty ?s)) (not (clean ?s)) (contains ?s ?i) (used ?s ?i)))
  (:action pour-shot-to-shaker
    :parameters (?s - shot ?i - ingredient ?k - shaker ?h - hand)
    :precondition (and (holding ?h ?s) (contains ?s ?i) (unshaked ?k))
    :effect (and (not (contains ?s ?i)) (empty ?s) (contains ?k ?i) (not (empty ?k))))
  (:action empty-shot
    :parameters (?h - hand ?s - shot ?b - beverage)
    :precondition (and (holding ?h ?s) (contains ?s ?b))
    :effect (and (not (contains ?s ?b)) (empty ?s)))
  (:action clean-shot
    :parameters (?s - shot ?b - beverage ?h - hand)
    :precondition (and (holding ?h ?s) (empty ?s) (used ?s ?b))
    :effect (and (not (used ?s ?b)) (clean ?s)))
  (:action shake
    :parameters (?c - cocktail ?i1 - ingredient ?i2 - ingredient ?k - shaker ?h - hand)
    :precondition (and (holding ?h ?k) (contains ?k ?i1) (contains ?k ?i2) (unshaked ?k)
                       (cocktail-part1 ?c ?i1) (cocktail-part2 ?c ?i2))
    :effect (and (not (unshaked ?k)) (shaked ?k) (not (contains ?k ?i1)) (not (contains ?k ?i2)) (contains ?k ?c)))
  (:action pour-shaker-to-shot
    :parameters (?c - cocktail ?s - shot ?h - hand ?k - shaker)
    :precondition (and (holding ?h ?k) (shaked ?k) (contains ?k ?c) (empty ?s) (clean ?s))
    :effect (and (not (empty ?s)) (not (clean ?s)) (contains ?s ?c) (used ?s ?c))))
`,
  tyreworld: `(define (domain tyreworld)
  (:requirements :strips :typing)
  (:types obj hub nut - object
          tool wheel - obj
          container)
  (:predicates (open ?c - container) (closed ?c - container) (have ?o - obj) (in ?o - obj ?c - container)
               (loose ?n - nut ?h - hub) (tight ?n - nut ?h - hub) (unlocked ?c - container)
               (on-ground ?h - hub) (not-on-ground ?h - hub) (inflated ?w - wheel) (not-inflated ?w - wheel)
               (fastened ?h - hub) (unfastened ?h - hub) (free ?h - hub) (on ?w - wheel ?h - hub)
               (intact ?w - wheel) (is-wrench ?t - tool) (is-jack ?t - tool) (is-pump ?t - tool))
  (:action open
    :parameters (?c - container)
    :precondition (and (unlocked ?c) (closed ?c))
    :effect (and (open ?c) (not (closed ?c))))
  (:action close
    :parameters (?c - container)
    :precondition (open ?c)
    :effect (and (closed ?c) (not (open ?c))))
  (:action fetch
    :parameters (?o - obj ?c - container)
    :precondition (and (in ?o ?c) (open ?c))
    :effect (and (have ?o) (not (in ?o ?c))))
  (:action put-away
    :parameters (?o - obj ?c - container)
    :precondition (and (have ?o) (open ?c))
    :effect (and (in ?o ?c) (not (have ?o))))
  (:action loosen
    :parameters (?n - nut ?h - hub ?t - tool)
    :precondition (and (is-wrench ?t) (have ?t) (tight ?n ?h) (on-ground ?h))
    :effect (and (loose ?n ?h) (not (tight ?n ?h))))
  (:action tighten
    :parameters (?n - nut ?h - hub ?t - tool)
    :precondition (and (is-wrench ?t) (have ?t) (loose ?n ?h) (on-ground ?h))
    :effect (and (tight ?n ?h) (not (loose ?n ?h))))
  (:action jack-up
    :parameters (?h - hub ?t - tool)
    :precondition (and (is-jack ?t) (have ?t) (on-ground ?h))
    :effect (and (not-on-ground ?h) (not (on-ground ?h)) (not (have ?t))))
  (:action jack-down
    :parameters (?h - hub ?t - tool)
    :precondition (and (is-jack ?t) (not-on-ground ?h))
    :effect (and (on-ground ?h) (not (not-on-ground ?h)) (have ?t)))
  (:action undo
    :parameters (?n - nut ?h - hub ?t - tool)
    :precondition (and (is-wrench ?t) (have ?t) (not-on-ground ?h) (fastened ?h) (loose ?n ?h))
    :effect (and (have ?n) (unfastened ?h) (not (fastened ?h)) (not (loose ?n ?h))))
  (:action do-up
    :parameters (?n - nut ?h - hub ?t - tool)
    :precondition (and (is-wrench ?t) (have ?t) (have ?n) (not-on-ground ?h) (unfastened ?h))
    :effect (and (loose ?n ?h) (fastened ?h) (not (unfastened ?h)) (not (have ?n))))
  (:action remove-wheel
    :parameters (?w - wheel ?h - hub)
    :precondition (and (not-on-ground ?h) (on ?w ?h) (unfastened ?h))
    :effect (and (have ?w) (free ?h) (not (on ?w ?h))))
  (:action put-on-wheel
    :parameters (?w - wheel ?h - hub)
    :precondition (and (have ?w) (free ?h) (unfastened ?h) (not-on-ground ?h))
    :effect (and (on ?w ?h) (not (have ?w)) (not (free ?h))))
  (:action inflate
    :parameters (?w - wheel ?t - tool)
    :precondition (and (is-pump ?t) (have ?t) (have ?w) (not-inflated ?w) (intact ?w))
    :effect (and (inflated ?w) (not (not-inflated ?w)))))
`,
};

function problemText(name: string, domain: string, objects: string, init: string[], goal: string[]): string {
  return `(define (problem ${name})\n  (:domain ${domain})\n  (:objects ${objects})\n  (:init\n    ${init.join('\n    ')})\n  (:goal (and\n    ${goal.join('\n    ')})))\n`;
}

function gripperProblem(rng: Rng, k: number): string {
  const n = 2 + k;
  const balls = Array.from({ length: n }, (_, i) => `ball${i + 1}`);
  const init = ['(room rooma)', '(room roomb)', '(gripper left)', '(gripper right)', '(free left)', '(free right)', '(at-robby rooma)', ...balls.flatMap((b) => [`(ball ${b})`, `(at ${b} rooma)`])];
  const goal = balls.filter(() => true).map((b) => `(at ${b} roomb)`);
  void rng;
  return problemText(`gripper-${n}`, 'gripper', `rooma roomb left right ${balls.join(' ')}`, init, goal);
}

function blockworldProblem(rng: Rng, k: number): string {
  const n = 3 + (k % 3);
  const blocks = Array.from({ length: n }, (_, i) => `b${i + 1}`);
  const stacksOf = (order: string[]) => {
    const facts: string[] = [];
    const cut = rng.int(1, n - 1);
    for (const part of [order.slice(0, cut), order.slice(cut)]) {
      if (!part.length) continue;
      facts.push(`(on-table ${part[0]})`);
      for (let i = 1; i < part.length; i++) facts.push(`(on ${part[i]} ${part[i - 1]})`);
      facts.push(`(clear ${part[part.length - 1]})`);
    }
    return facts;
  };
  const init = ['(arm-empty)', ...stacksOf(rng.shuffle(blocks))];
  const target = rng.shuffle(blocks);
  const goal = target
    .slice(1)
    .map((b, i) => `(on ${b} ${target[i]})`)
    .slice(0, Math.max(1, n - 2));
  return problemText(`blockworld-${k + 1}`, 'blockworld', blocks.join(' '), init, goal);
}

function barmanProblem(rng: Rng, k: number): string {
  const nIng = 3;
  const ings = Array.from({ length: nIng }, (_, i) => `ingredient${i + 1}`);
  const [i1, i2] = rng.sample(ings, 2);
  const init = [
    '(ontable shaker1)',
    '(ontable shot1)',
    '(ontable shot2)',
    '(handempty left)',
    '(handempty right)',
    '(clean shot1)',
    '(clean shot2)',
    '(empty shot1)',
    '(empty shot2)',
    '(empty shaker1)',
    '(clean shaker1)',
    '(unshaked shaker1)',
    ...ings.map((g, i) => `(dispenses dispenser${i + 1} ${g})`),
    `(cocktail-part1 cocktail1 ${i1})`,
    `(cocktail-part2 cocktail1 ${i2})`,
  ];
  const goal = k % 2 === 0 ? ['(contains shot1 cocktail1)'] : ['(contains shaker1 cocktail1)'];
  return problemText(
    `barman-${k + 1}`,
    'barman',
    `left right - hand shot1 shot2 - shot shaker1 - shaker ${ings.join(' ')} - ingredient cocktail1 - cocktail ${ings.map((_, i) => `dispenser${i + 1}`).join(' ')} - dispenser`,
    init,
    goal,
  );
}

function tyreworldProblem(rng: Rng, k: number): string {
  void rng;
  const init = [
    '(is-wrench wrench)',
    '(is-jack jack)',
    '(is-pump pump)',
    '(in wrench boot)',
    '(in jack boot)',
    '(in pump boot)',
    '(in r1 boot)',
    '(intact r1)',
    '(not-inflated r1)',
    '(unlocked boot)',
    '(closed boot)',
    '(on w1 the-hub1)',
    '(on-ground the-hub1)',
    '(tight nuts1 the-hub1)',
    '(fastened the-hub1)',
  ];
  const goals = [['(have wrench)', '(have jack)'], ['(loose nuts1 the-hub1)'], ['(inflated r1)'], ['(have pump)', '(closed boot)'], ['(have r1)', '(have wrench)']];
  return problemText(`tyreworld-${k + 1}`, 'tyreworld', 'wrench jack pump - tool w1 r1 - wheel the-hub1 - hub nuts1 - nut boot - container', init, goals[k % goals.length]);
}

const PROBLEMS: Record<string, (rng: Rng, k: number) => string> = { gripper: gripperProblem, blockworld: blockworldProblem, barman: barmanProblem, tyreworld: tyreworldProblem };

export const PDDL_PROMPTS: Record<string, { instruction: string; examples: string[]; system_msg: string }> = {
  gripper: {
    system_msg: 'You are a careful planner.',
    instruction:
      'A robot named Robby moves balls between rooms with two grippers, left and right.\nActions:\nmove <room1> <room2>: Robby goes from room1 to room2.\npick <ball> <room> <gripper>: pick up a ball in the room where Robby is, with a free gripper.\ndrop <ball> <room> <gripper>: put down a carried ball in the room where Robby is.\nYou may also say "check valid actions".',
    examples: [
      'Goal: The goal is to satisfy the following conditions: ball1 is at roomb.\nObservation: Ball1 is a ball. Ball1 is at rooma. Left is free. Robby is at rooma.\nAction: pick ball1 rooma left\nObservation: Ball1 is carrying left. Robby is at rooma.\nAction: move rooma roomb\nObservation: Ball1 is carrying left. Robby is at roomb.\nAction: drop ball1 roomb left\nObservation: Ball1 is at roomb. Left is free. Robby is at roomb. The goal is satisfied.',
    ],
  },
  blockworld: {
    system_msg: 'You are a careful planner.',
    instruction:
      'An arm moves blocks on a table. It holds one block at a time.\nActions:\npickup <block>: take a clear block from the table.\nputdown <block>: put the held block on the table.\nstack <block> <block>: put the held block on a clear block.\nunstack <block> <block>: take a clear block off another block.\nYou may also say "check valid actions".',
    examples: [
      'Goal: The goal is to satisfy the following conditions: b2 is on b1.\nObservation: B1 is on the table. B2 is on the table. Robot arm is empty. The b1 is clear. The b2 is clear.\nAction: pickup b2\nObservation: B1 is on the table. The b1 is clear. You are holding b2.\nAction: stack b2 b1\nObservation: B1 is on the table. B2 is on b1. Robot arm is empty. The b2 is clear. The goal is satisfied.',
    ],
  },
  barman: {
    system_msg: 'You are a careful bartender robot.',
    instruction:
      'You have two hands, shots, a shaker and dispensers of ingredients.\nActions:\ngrasp <hand> <container>, leave <hand> <container>, fill-shot <shot> <ingredient> <hand> <dispenser>, pour-shot-to-shaker <shot> <ingredient> <shaker> <hand>, empty-shot <hand> <shot> <beverage>, clean-shot <shot> <beverage> <hand>, shake <cocktail> <ingredient1> <ingredient2> <shaker> <hand>, pour-shaker-to-shot <cocktail> <shot> <hand> <shaker>.\nYou may also say "check valid actions".',
    examples: [
      'Goal: The goal is to satisfy the following conditions: shot1 contains ingredient2.\nObservation: Shot1 is on the table. Shot1 is clean. Shot1 is empty. Left is empty. Dispenser2 dispenses ingredient2.\nAction: grasp left shot1\nObservation: Left is holding shot1. Shot1 is clean. Shot1 is empty.\nAction: fill-shot shot1 ingredient2 left dispenser2\nObservation: Left is holding shot1. Shot1 contains ingredient2. The goal is satisfied.',
    ],
  },
  tyreworld: {
    system_msg: 'You are a careful mechanic robot.',
    instruction:
      'You change tyres. Tools and a spare wheel are in the boot.\nActions: open <container>, close <container>, fetch <obj> <container>, put-away <obj> <container>, loosen <nut> <hub> <tool>, tighten <nut> <hub> <tool>, jack-up <hub> <tool>, jack-down <hub> <tool>, undo <nut> <hub> <tool>, do-up <nut> <hub> <tool>, remove-wheel <wheel> <hub>, put-on-wheel <wheel> <hub>, inflate <wheel> <tool>.\nYou may also say "check valid actions".',
    examples: [
      'Goal: The goal is to satisfy the following conditions: You have pump.\nObservation: Boot is closed. Boot is unlocked. Pump is in boot.\nAction: open boot\nObservation: Boot is open. Boot is unlocked. Pump is in boot.\nAction: fetch pump boot\nObservation: Boot is open. You have pump. The goal is satisfied.',
    ],
  },
};

const TOOL_PROMPTS = {
  academia: {
    system_msg: 'You are a research assistant who answers questions with tools.',
    instruction:
      'Tools (call one per step as: Action: <tool> with Action Input: {"arg": "value"}):\nloadPaperNet(): load the citation network.\nloadAuthorNet(): load the co-author network.\nneighbourCheck(graph, node): neighbours of a node; graph is "PaperNet" or "AuthorNet".\npaperNodeCheck(node): details of a paper (authors, year, venue, n_citation, keywords, doc_type).\nauthorNodeCheck(node): details of an author (name, org, interests).\nauthorEdgeCheck(node1, node2): papers two authors wrote together.\nfinish(answer): give the final answer.',
    examples: [
      'Goal: Which venue published "Notes on Glass"?\nAction: loadPaperNet with Action Input: {}\nObservation: PaperNet is loaded.\nAction: paperNodeCheck with Action Input: {"node": "Notes on Glass"}\nObservation: {"authors":["Ada Novak"],"year":2019,"venue":"ACL","n_citation":12,"keywords":["glass"],"doc_type":"Conference"}\nAction: finish with Action Input: {"answer": "ACL"}\nObservation: The task is finished.',
    ],
  },
  todo: {
    system_msg: 'You are an assistant who manages a to-do list with tools.',
    instruction:
      'Tools (call one per step as: Action: <tool> with Action Input: {"arg": "value"}):\nget_user_current_date(), get_user_current_location(), get_projects(), get_tasks(project_id), get_task_description(task_id), get_task_duration(task_id), complete_task(task_id), update_task(task_id, due_date), finish(answer).',
    examples: [
      'Goal: Mark the task "buy stamps" in project "Errands" as done.\nAction: get_projects with Action Input: {}\nObservation: [{"id":"p1","name":"Errands","order":1}]\nAction: get_tasks with Action Input: {"project_id": "p1"}\nObservation: [{"id":"t1","content":"buy stamps","due_date":"2025-05-01"}]\nAction: complete_task with Action Input: {"task_id": "t1"}\nObservation: {"message":"success"}\nAction: finish with Action Input: {"answer": "done"}\nObservation: The task is finished.',
    ],
  },
};

function academiaWorld(rng: Rng): AcademiaWorld {
  const authors = Array.from({ length: 6 }, () => ({ name: personName(rng), org: rng.pick(ORGS), interests: rng.sample(TOPICS, 2) }));
  const uniq = [...new Map(authors.map((a) => [a.name, a])).values()];
  const titles = rng.sample(TOPICS, 6).map((t) => `Notes on ${t.replace(/\b\w/g, (c) => c.toUpperCase())}`);
  const papers = titles.map((title, i) => ({
    title,
    authors: rng.sample(uniq, rng.int(1, 2)).map((a) => a.name),
    year: rng.int(2012, 2024),
    venue: rng.pick(VENUES),
    n_citation: rng.int(0, 300),
    keywords: [TOPICS[i % TOPICS.length]],
    cites: [] as string[],
  }));
  for (const p of papers)
    p.cites = rng.sample(
      titles.filter((t) => t !== p.title),
      rng.int(0, 2),
    );
  return { kind: 'academia', papers, authors: uniq };
}

function todoWorld(rng: Rng): TodoWorld {
  const names = ['Errands', 'Garden', 'Writing', 'House'];
  const jobs = ['buy stamps', 'water the roses', 'draft chapter two', 'fix the gate', 'call the plumber', 'return library books', 'plant tulips', 'edit the preface'];
  let t = 0;
  const projects = rng.sample(names, 3).map((n, i) => ({
    id: `p${i + 1}`,
    name: n,
    tasks: rng.sample(jobs, 2).map((c) => ({ id: `t${++t}`, content: c, due_date: `2025-0${rng.int(5, 9)}-${String(rng.int(10, 28))}`, duration: rng.pick([15, 30, 45, 60]), completed: false })),
  }));
  return { kind: 'todo', current_date: '2025-05-02', location: rng.pick(CITIES), projects };
}

interface AbRecord {
  id: number;
  task: string;
  goal: string;
  subgoals: string[];
  difficulty: 'easy' | 'hard';
  additional_info: Record<string, unknown>;
}

function queryEpisode(rng: Rng, id: number): AbRecord {
  const w = academiaWorld(rng);
  const p = rng.pick(w.papers);
  const kind = rng.int(0, 2);
  const details = { authors: p.authors, year: p.year, venue: p.venue, n_citation: p.n_citation, keywords: p.keywords, doc_type: 'Conference' };
  if (kind === 0)
    return {
      id,
      task: 'tool-query',
      goal: `How many citations does the paper "${p.title}" have?`,
      subgoals: ['PaperNet is loaded.', toolOutputText(details), String(p.n_citation)],
      difficulty: 'easy',
      additional_info: { subtask: 'academia', world: w },
    };
  if (kind === 1)
    return {
      id,
      task: 'tool-query',
      goal: `In which year was "${p.title}" published, and at which venue? Answer as "<year>, <venue>".`,
      subgoals: ['PaperNet is loaded.', toolOutputText(details), `${p.year}, ${p.venue}`],
      difficulty: 'easy',
      additional_info: { subtask: 'academia', world: w },
    };
  const a = w.authors.find((x) => x.name === p.authors[0])!;
  return {
    id,
    task: 'tool-query',
    goal: `Which organisation is the first author of "${p.title}" from?`,
    subgoals: ['PaperNet is loaded.', toolOutputText(details), 'AuthorNet is loaded.', toolOutputText({ name: a.name, org: a.org, interests: a.interests }), a.org],
    difficulty: 'hard',
    additional_info: { subtask: 'academia', world: w },
  };
}

function operationEpisode(rng: Rng, id: number): AbRecord {
  const w = todoWorld(rng);
  const proj = rng.pick(w.projects);
  const task = rng.pick(proj.tasks);
  const projects = toolOutputText(w.projects.map((p, i) => ({ id: p.id, name: p.name, order: i + 1 })));
  const tasks = toolOutputText(proj.tasks.map((x) => ({ id: x.id, content: x.content, due_date: x.due_date })));
  if (rng.int(0, 1) === 0)
    return {
      id,
      task: 'tool-operation',
      goal: `Mark the task "${task.content}" in project "${proj.name}" as completed.`,
      subgoals: [projects, tasks, toolOutputText({ message: 'success' })],
      difficulty: 'easy',
      additional_info: { subtask: 'todo', world: w },
    };
  return {
    id,
    task: 'tool-operation',
    goal: `How long will the task "${task.content}" in project "${proj.name}" take? Answer with the duration.`,
    subgoals: [projects, tasks, toolOutputText({ id: task.id, duration: `${task.duration} minutes` }), `${task.duration} minutes`],
    difficulty: 'hard',
    additional_info: { subtask: 'todo', world: w },
  };
}

export interface AgentBoardFiles {
  files: Record<string, string>;
  counts: Record<'pddl' | 'tool-query' | 'tool-operation', number>;
}

/** Paths relative to datasets/agentboard/; `variants` more PDDL problems per domain moved by random walks (training suites). */
export function generateAgentBoard(seed: number, perDomain = 2, toolEpisodes = 6, variants = 0): AgentBoardFiles {
  const files: Record<string, string> = {};
  const pddl: AbRecord[] = [];
  let id = 0;
  for (const [domain, gen] of Object.entries(PROBLEMS)) {
    files[`pddl/${domain}/domain.pddl`] = DOMAINS[domain];
    const rng = new Rng(seed * 3301 + domain.length * 13 + domain.charCodeAt(0));
    const dom = parseDomain(DOMAINS[domain], domain);
    const bases: string[] = [];
    const vrng = new Rng(seed * 7717 + domain.length * 31 + domain.charCodeAt(1));
    for (let k = 0; k < perDomain + variants; k++) {
      const text = k < perDomain ? gen(rng, k) : pddlVariant(domain, DOMAINS[domain], bases[k % bases.length], `${domain}-v${k - perDomain + 1}`, vrng);
      if (!text) continue;
      if (k < perDomain) bases.push(text);
      const name = k < perDomain ? `problem${String(k + 1).padStart(2, '0')}.pddl` : `variant${String(k - perDomain + 1).padStart(2, '0')}.pddl`;
      files[`pddl/${domain}/${name}`] = text;
      const world = new StripsWorld(dom, parseProblem(text, name));
      const subgoals = renderGoal(domain, world.problem.goal);
      pddl.push({
        id: id++,
        task: 'pddl',
        goal: `The goal is to satisfy the following conditions: ${subgoals.join(' ')}`,
        subgoals,
        difficulty: subgoals.length > 3 ? 'hard' : 'easy',
        additional_info: { subtask: domain, problem_file: name },
      });
    }
  }
  const distinct = (make: (i: number) => AbRecord): AbRecord[] => {
    const seen = new Set<string>();
    return Array.from({ length: toolEpisodes }, (_, i) => {
      let r = make(i);
      for (let tries = 0; seen.has(r.goal) && tries < 50; tries++) r = make(i);
      seen.add(r.goal);
      return r;
    });
  };
  const rq = new Rng(seed * 5003 + 7);
  const query = distinct((i) => queryEpisode(rq, i));
  const ro = new Rng(seed * 6007 + 9);
  const operation = distinct((i) => operationEpisode(ro, i));
  const jsonl = (rs: AbRecord[]) => rs.map((r) => JSON.stringify(r)).join('\n') + '\n';
  files['data/pddl/test.jsonl'] = jsonl(pddl);
  files['data/tool-query/test.jsonl'] = jsonl(query);
  files['data/tool-operation/test.jsonl'] = jsonl(operation);
  files['prompts/VanillaAgent/pddl_prompt.json'] = JSON.stringify(PDDL_PROMPTS, null, 2) + '\n';
  files['prompts/VanillaAgent/academia_prompt.json'] = JSON.stringify(TOOL_PROMPTS.academia, null, 2) + '\n';
  files['prompts/VanillaAgent/todo_prompt.json'] = JSON.stringify(TOOL_PROMPTS.todo, null, 2) + '\n';
  return { files, counts: { pddl: pddl.length, 'tool-query': query.length, 'tool-operation': operation.length } };
}
