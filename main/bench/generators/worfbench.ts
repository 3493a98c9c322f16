// Built-in WorfBench suite: invented tasks in four scenario families, written as
// `gold_traj/<task>/graph_eval.json` records with a gold "Node: … Edge: …" workflow.
import { Rng } from '../util.js';
import { CITIES, COLORS, FRUITS, personName } from './words.js';

export const WORF_SYSTEM =
  'You are a planner of workflows.\nYou get a task and the actions you may take. Break the task into subtasks (nodes); some subtasks depend on others and some can run in parallel. Write the nodes, then the edges of the dependency graph, which starts at START and ends at END.\nAnswer in this form:\nNode:\n1: <subtask 1>\n2: <subtask 2>\n...\nEdge: (START,1) (1,2) ... (n,END)';

interface Flow {
  user: string;
  nodes: string[];
  edges: [string, string][];
}

function render(f: Flow): string {
  return `Node:\n${f.nodes.map((n, i) => `${i + 1}: ${n}`).join('\n')}\nEdge: ${f.edges.map(([a, b]) => `(${a},${b})`).join(' ')}`;
}

/** k parallel first steps from START, all feeding step k + 1, then a chain on to step n and END. */
function fanIn(k: number, n: number): [string, string][] {
  const e: [string, string][] = [];
  for (let i = 1; i <= k; i++) e.push(['START', String(i)]);
  for (let i = 1; i <= k; i++) e.push([String(i), String(k + 1)]);
  for (let i = k + 1; i < n; i++) e.push([String(i), String(i + 1)]);
  e.push([String(n), 'END']);
  return e;
}

/** START → 1 → … → n → END (n ≥ 2): one step feeding the next. */
const chain = (n: number) => fanIn(1, n);

const EXTS = ['.txt', '.log', '.csv', '.md'];
const DIRS = ['~/notes', '/var/log/app', '~/data', '/srv/reports'];
const WORDS = ['error', 'timeout', 'invoice', 'draft', 'backup'];

function osFlow(rng: Rng): Flow {
  const ext = rng.pick(EXTS);
  const dir = rng.pick(DIRS);
  const word = rng.pick(WORDS);
  const variant = rng.int(0, 2);
  const actions = 'The actions you can take: bash: run bash code, take bash action\nanswer: you have the answer, take answer action';
  if (variant === 0) {
    const nodes = [
      `execute bash code to list all ${ext} files in ${dir}`,
      `execute bash code to keep the files that contain "${word}"`,
      'execute bash code to count the remaining files',
      'take answer action',
    ];
    return { user: `Here is a problem in a Linux shell:\nHow many ${ext} files in ${dir} contain the word "${word}"?\n${actions}`, nodes, edges: chain(nodes.length) };
  }
  if (variant === 1) {
    const nodes = [
      `execute bash code to find the largest file in ${dir}`,
      `execute bash code to find the oldest file in ${dir}`,
      'execute bash code to compare their sizes in kilobytes',
      'take answer action',
    ];
    return {
      user: `Here is a problem in a Linux shell:\nWhat is the size difference in kilobytes between the largest and the oldest file in ${dir}?\n${actions}`,
      nodes,
      edges: fanIn(2, 4),
    };
  }
  const nodes = [`execute bash code to read the lines of ${dir}/summary${ext}`, `execute bash code to count lines containing "${word}"`, 'take answer action'];
  return { user: `Here is a problem in a Linux shell:\nCount the lines with "${word}" in ${dir}/summary${ext}.\n${actions}`, nodes, edges: chain(nodes.length) };
}

const OBJS = ['mug', 'apple', 'book', 'towel', 'spoon', 'candle', 'vase'];
const RECEPS = ['shelf 1', 'countertop 2', 'drawer 3', 'cabinet 1', 'table 1', 'sidetable 2'];

function alfworldFlow(rng: Rng): Flow {
  const obj = rng.pick(OBJS);
  const from = rng.pick(RECEPS);
  const to = rng.pick(RECEPS.filter((r) => r !== from));
  const variant = rng.int(0, 2);
  const header = `You are in the middle of a room. Looking around you, you see ${RECEPS.join(', ')}, a sinkbasin 1, a microwave 1 and a fridge 1.\nThe actions you can take: go to <place>, take <obj> from <place>, put <obj> in/on <place>, clean <obj> with <place>, heat <obj> with <place>, cool <obj> with <place>.`;
  if (variant === 0) {
    const nodes = [`go to ${from}`, `take ${obj} 1 from ${from}`, `go to ${to}`, `put ${obj} 1 in/on ${to}`];
    return { user: `${header}\nYour task is to: put a ${obj} in ${to}.`, nodes, edges: chain(4) };
  }
  const verb = variant === 1 ? 'clean' : 'heat';
  const tool = variant === 1 ? 'sinkbasin 1' : 'microwave 1';
  const nodes = [`go to ${from}`, `take ${obj} 1 from ${from}`, `go to ${tool}`, `${verb} ${obj} 1 with ${tool}`, `go to ${to}`, `put ${obj} 1 in/on ${to}`];
  return { user: `${header}\nYour task is to: ${verb} some ${obj} and put it in ${to}.`, nodes, edges: chain(6) };
}

function toolbenchFlow(rng: Rng): Flow {
  const city = rng.pick(CITIES);
  const person = personName(rng);
  const variant = rng.int(0, 2);
  const apis = 'The APIs you can call: weather_for_city, events_in_city, hotel_prices, contact_lookup, send_message, Finish.';
  if (variant === 0) {
    const nodes = [
      `Call weather_for_city to get the forecast for ${city} this weekend.`,
      `Call events_in_city to list the events in ${city} this weekend.`,
      'Combine the forecast and the events and give the final answer with Finish.',
    ];
    return {
      user: `I am visiting ${city} this weekend. What will the weather be and which events are on?\n${apis}`,
      nodes,
      edges: fanIn(2, 3),
    };
  }
  if (variant === 1) {
    const nodes = [`Call contact_lookup to find the phone number of ${person}.`, `Call send_message to send ${person} the meeting time.`, 'Confirm that the message was sent with Finish.'];
    return { user: `Please tell ${person} that our meeting moved to 3 pm.\n${apis}`, nodes, edges: chain(3) };
  }
  const nodes = [
    `Call hotel_prices to get the hotel prices in ${city}.`,
    `Call weather_for_city to get the forecast for ${city}.`,
    `Call events_in_city to list the events in ${city}.`,
    'Summarise prices, weather and events and answer with Finish.',
  ];
  return {
    user: `Help me decide whether to spend a night in ${city}: hotel prices, weather and events.\n${apis}`,
    nodes,
    edges: fanIn(3, 4),
  };
}

const HOWTO: { title: (r: Rng) => string; steps: string[]; distract: string[] }[] = [
  {
    title: (r) => `Make ${r.pick(FRUITS)} Jam`,
    steps: ['Wash and chop the fruit.', 'Cook the fruit with sugar until it thickens.', 'Pour the jam into clean jars.', 'Seal the jars and let them cool.'],
    distract: ['Sharpen the kitchen knives.', 'Preheat the oven to 200 degrees.'],
  },
  {
    title: (r) => `Paint a Fence ${r.pick(COLORS)}`,
    steps: ['Scrape off the old paint.', 'Sand the rough spots.', 'Apply a coat of primer.', 'Paint the fence with two thin coats.'],
    distract: ['Water the lawn.', 'Wash the brushes and let them dry.'],
  },
  {
    title: () => 'Repot a Houseplant',
    steps: ['Water the plant a day before.', 'Pick a pot one size larger.', 'Loosen the roots and move the plant.', 'Fill the gaps with fresh soil and water it.'],
    distract: ['Trim the hedges.', 'Clean the windows.'],
  },
  {
    title: () => 'Fix a Flat Bicycle Tire',
    steps: ['Remove the wheel from the frame.', 'Take the tube out of the tire.', 'Find the hole and patch it.', 'Refit the tube, inflate it and mount the wheel.'],
    distract: ['Oil the chain.', 'Adjust the seat height.'],
  },
];

function wikihowFlow(rng: Rng): Flow {
  const h = rng.pick(HOWTO);
  const k = rng.int(3, h.steps.length);
  const nodes = h.steps.slice(0, k);
  const options = rng.shuffle([...h.steps, ...h.distract]);
  return { user: `Task: How to ${h.title(rng)}\nThe actions you can take: ${JSON.stringify(options)}`, nodes, edges: chain(k) };
}

export const WORF_GENERATORS: Record<string, (rng: Rng) => Flow> = { toolbench: toolbenchFlow, alfworld: alfworldFlow, os: osFlow, wikihow: wikihowFlow };

/**
 * The fixed two-shot example per task type, as the reference's prompts/eval_prompt.py `two_shot_example`
 * holds it ({task: [user, assistant, user, assistant]}, user turns opening "Here is an example."); drawn
 * from its own seed and never equal to a test task.
 */
export function generateWorfExamples(seed: number, tests: Record<string, unknown[]>): Record<string, { role: string; content: string }[]> {
  const out: Record<string, { role: string; content: string }[]> = {};
  for (const [task, gen] of Object.entries(WORF_GENERATORS)) {
    const rng = new Rng(seed * 53 + task.length * 11 + task.charCodeAt(1));
    const taken = new Set(tests[task].map((r) => (r as { conversations: { content: string }[] }).conversations[1].content));
    const shots: Flow[] = [];
    for (let tries = 0; shots.length < 2 && tries < 200; tries++) {
      const f = gen(rng);
      if (!taken.has(f.user) && !shots.some((x) => x.user === f.user)) shots.push(f);
    }
    out[task] = shots.flatMap((f) => [
      { role: 'user', content: `Here is an example.\n${f.user}` },
      { role: 'assistant', content: render(f) },
    ]);
  }
  return out;
}

/** Records per task file, each `{source, conversations, target, id, category}` as in graph_eval.json. */
export function generateWorfBench(seed: number, perTask = 14): Record<string, unknown[]> {
  const out: Record<string, unknown[]> = {};
  for (const [task, gen] of Object.entries(WORF_GENERATORS)) {
    const rng = new Rng(seed * 31 + task.length * 7 + task.charCodeAt(0));
    const seen = new Set<string>();
    out[task] = Array.from({ length: perTask }, (_, i) => {
      let f = gen(rng);
      // distinct tasks only (a repeated prompt would be a cache hit, not a new sample)
      for (let tries = 0; seen.has(f.user) && tries < 50; tries++) f = gen(rng);
      seen.add(f.user);
      return {
        source: task,
        conversations: [
          { role: 'system', content: WORF_SYSTEM },
          { role: 'user', content: f.user },
          { role: 'assistant', content: render(f) },
        ],
        target: 'graph',
        id: `${task}_${i}`,
        category: 'eval',
      };
    });
  }
  return out;
}
