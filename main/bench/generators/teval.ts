// Built-in T-Eval suite: an invented API world; every ability in string and JSON forms, written in
// T-Eval's own file format (one JSON object keyed by id per `*_v2.json` file).
import { Rng } from '../util.js';
import { CITIES, FIRST } from './words.js';

interface Param {
  name: string;
  type: 'STRING' | 'NUMBER';
  description: string;
  value: (rng: Rng) => string | number;
}
interface Api {
  name: string;
  description: string;
  purpose: string;
  params: Param[];
}

const DATES = ['2025-03-04', '2025-04-18', '2025-05-22', '2025-06-09', '2025-07-30', '2025-09-12'];
const CURRENCIES = ['EUR', 'USD', 'JPY', 'GBP', 'CHF'];
const LANGS = ['French', 'German', 'Spanish', 'Italian', 'Dutch'];
const PHRASES = ['good morning', 'where is the station', 'thank you very much', 'the soup is hot', 'see you tomorrow'];
const BOOKS = ['The Salt Road', 'Lanterns at Dusk', 'A Map of Small Rivers', 'The Clockmaker', 'Winter Orchard', 'Glass Harbor'];
const INGREDIENTS = ['lentils', 'spinach', 'mushrooms', 'chickpeas', 'pumpkin', 'rice'];
const SYMBOLS = ['ARLN', 'BRDL', 'CSKV', 'DNMR', 'ELKR'];

// A parameter's values: drawn from a list, or made from the generator by a function.
type Values<T> = readonly T[] | ((rng: Rng) => T);
const draw = <T>(v: Values<T>) => (typeof v === 'function' ? v : (rng: Rng) => rng.pick(v));
const str = (name: string, description: string, values: Values<string>): Param => ({ name, type: 'STRING', description, value: draw(values) });
const num = (name: string, description: string, values: Values<number>): Param => ({ name, type: 'NUMBER', description, value: draw(values) });
const api = (name: string, description: string, purpose: string, params: Param[]): Api => ({ name, description, purpose, params });

export const TEVAL_APIS: Api[] = [
  api('WeatherHub.get_forecast', 'Get the weather forecast of a city for one date.', 'check the weather', [str('city', 'The city name.', CITIES), str('date', 'The date as YYYY-MM-DD.', DATES)]),
  api('FlightFinder.search_flights', 'Search flights between two cities on a date.', 'find flights', [
    str('origin', 'The departure city.', CITIES),
    str('destination', 'The arrival city.', CITIES),
    str('date', 'The date as YYYY-MM-DD.', DATES),
  ]),
  api('CurrencyDesk.convert', 'Convert an amount of money between currencies.', 'convert money', [
    num('amount', 'The amount to convert.', (r) => r.int(5, 900)),
    str('from_currency', 'The currency code to convert from.', CURRENCIES),
    str('to_currency', 'The currency code to convert to.', CURRENCIES),
  ]),
  api('BookShelf.find_book', 'Find a book in the library catalogue by its title.', 'look up a book', [str('title', 'The book title.', BOOKS)]),
  api('RecipeBox.search_recipes', 'Search recipes by main ingredient and cooking time.', 'find a recipe', [
    str('ingredient', 'The main ingredient.', INGREDIENTS),
    num('max_minutes', 'The longest cooking time in minutes.', [15, 20, 30, 45, 60]),
  ]),
  api('TransitMap.get_route', 'Get a public transport route between two places.', 'plan a route', [
    str('start', 'Where the trip starts.', (r) => `${r.pick(CITIES)} station`),
    str('end', 'Where the trip ends.', (r) => `${r.pick(CITIES)} museum`),
  ]),
  api('StockTicker.get_quote', 'Get the latest price of a stock symbol.', 'check a stock price', [str('symbol', 'The stock symbol.', SYMBOLS)]),
  api('Translator.translate_text', 'Translate a short text into a target language.', 'translate a text', [
    str('text', 'The text to translate.', PHRASES),
    str('target_language', 'The language to translate into.', LANGS),
  ]),
];

function apiJson(apis: Api[]): string {
  return JSON.stringify(
    apis.map((a) => ({ name: a.name, description: a.description, required_parameters: a.params.map((p) => ({ name: p.name, type: p.type, description: p.description })), optional_parameters: [] })),
    null,
    1,
  );
}

function argValues(api: Api, rng: Rng): Record<string, string | number> {
  return Object.fromEntries(api.params.map((p) => [p.name, p.value(rng)]));
}

function describeArgs(args: Record<string, string | number>): string {
  return Object.entries(args)
    .map(([k, v]) => `${k.replace(/_/g, ' ')} ${v}`)
    .join(', ');
}

type Turn = { role: string; content: string };
type Record_ = Record<string, unknown>;

function request(api: Api, args: Record<string, string | number>): string {
  return `I would like to ${api.purpose}: ${describeArgs(args)}.`;
}

export function generateTEval(seed: number): Record<string, Record<string, Record_>> {
  const rng = new Rng(seed);
  const files: Record<string, Record<string, Record_>> = {};
  const add = (file: string, rec: Record_) => {
    files[file] ??= {};
    files[file][String(Object.keys(files[file]).length)] = rec;
  };
  const toolbox = (k: number, must: Api[]) => {
    const others = rng.sample(
      TEVAL_APIS.filter((a) => !must.includes(a)),
      Math.max(0, k - must.length),
    );
    return rng.shuffle([...must, ...others]);
  };

  // instruct: 8 JSON + 8 string
  for (let i = 0; i < 16; i++) {
    const api = rng.pick(TEVAL_APIS);
    const args = argValues(api, rng);
    const json = i % 2 === 0;
    const tools = toolbox(3, [api]);
    const template = json
      ? { thought: 'thought', action: 'name', args: 'args' }
      : rng.pick([
          // no final delimiter: the reference strips the answer, so a closing newline could never match
          { thought_start: 'Thought: ', thought_end: '\n', action_start: 'Action: ', action_end: '\n', args_start: 'Action Input: ', args_end: '' },
          { thought_start: '<thought>', thought_end: '</thought>\n', action_start: '<name>', action_end: '</name>\n', args_start: '<args>', args_end: '</args>' },
        ]);
    const format = json
      ? 'Reply with one JSON object only: {"thought": "<your reasoning>", "name": "<API name>", "args": {<argument name>: <value>}}.'
      : `Reply in exactly this form:\n${(template as Record<string, string>).thought_start}<your reasoning>${(template as Record<string, string>).thought_end}${(template as Record<string, string>).action_start}<API name>${(template as Record<string, string>).action_end}${(template as Record<string, string>).args_start}<arguments as a dict>${(template as Record<string, string>).args_end}`;
    const turns: Turn[] = [
      { role: 'system', content: `You can call these APIs:\n${apiJson(tools)}\n${format}` },
      { role: 'user', content: `${request(api, args)} Please call ${api.name} for me.` },
    ];
    add('instruct_v2.json', {
      origin_prompt: turns,
      template,
      ground_truth: { thought: `I should call ${api.name}.`, action: api.name, args },
      meta_data: { response_format: json ? 'json' : 'string' },
    });
  }

  // plan: 8 JSON + 8 string; 2–3 calls then FinishAction
  for (let i = 0; i < 16; i++) {
    const json = i % 2 === 0;
    const steps = rng.sample(TEVAL_APIS, rng.int(2, 3));
    const calls = steps.map((a) => ({ api: a, args: argValues(a, rng) }));
    const tools = toolbox(5, steps);
    const goal = calls.map((c, k) => `${k === 0 ? 'First' : k === calls.length - 1 ? 'finally' : 'then'} ${c.api.purpose} (${describeArgs(c.args)})`).join(', ');
    const gt = [...calls.map((c, k) => ({ id: k, name: c.api.name, args: c.args })), { id: calls.length, name: 'FinishAction', args: {} }];
    const format = json
      ? 'Write the whole plan as a JSON list: [{"id": 0, "name": "<API name>", "args": {...}}, ...], ending with {"name": "FinishAction"}.'
      : 'Write the plan one step per line, naming the API each step uses and its arguments.';
    add(json ? 'plan_json_v2.json' : 'plan_str_v2.json', {
      origin_prompt: [
        { role: 'system', content: `You plan tool calls. Available APIs:\n${apiJson(tools)}\n${format}` },
        { role: 'user', content: `${goal}.` },
      ],
      ground_truth: gt,
      meta: { prompt_type: json ? 'json' : 'str', API_list: tools.map((t) => t.name) },
    });
  }

  // reason / retrieve / understand: string forms (8 each) and the JSON bundle (12)
  const rruCase = () => {
    const api = rng.pick(TEVAL_APIS);
    const args = argValues(api, rng);
    const tools = toolbox(4, [api]);
    const user = request(api, args);
    const thought = `The user wants to ${api.purpose}, so I should call ${api.name} with the ${api.params.map((p) => p.name.replace(/_/g, ' ')).join(' and ')} they gave.`;
    return { api, args, tools, user, thought };
  };
  const asks: Record<string, string> = {
    reason: 'Give only your thought about what to do next, in one sentence.',
    retrieve: 'Give only the name of the API to call next.',
    understand: 'Give only the arguments for the next API call, as a dict.',
  };
  for (const ability of ['reason', 'retrieve', 'understand'] as const) {
    for (let i = 0; i < 8; i++) {
      const c = rruCase();
      add(`${ability}_str_v2.json`, {
        origin_prompt: [
          { role: 'system', content: `You help users with these APIs:\n${apiJson(c.tools)}\n${asks[ability]}` },
          { role: 'user', content: c.user },
        ],
        ground_truth: { thought: c.thought, name: c.api.name, args: ability === 'understand' ? JSON.stringify(c.args) : c.args },
        meta_data: { response_format: 'str' },
      });
    }
  }
  for (let i = 0; i < 12; i++) {
    const c = rruCase();
    add('reason_retrieve_understand_json_v2.json', {
      origin_prompt: [
        { role: 'system', content: `You help users with these APIs:\n${apiJson(c.tools)}\nReply with one JSON object: {"thought": "<your reasoning>", "name": "<API name>", "args": {...}}.` },
        { role: 'user', content: c.user },
      ],
      ground_truth: { thought: c.thought, name: c.api.name, args: c.args },
      meta_data: { response_format: 'json' },
    });
  }

  // review: judge a finished call (8)
  const OPTIONS =
    'A: the call succeeded and its result answers the request. B: the right API was called with wrong arguments. C: the wrong API was called. D: the API returned an error. E: the result does not relate to the request.';
  for (let i = 0; i < 8; i++) {
    const c = rruCase();
    const kind = rng.pick(['A', 'B', 'C', 'D'] as const);
    let called = c.api;
    let args = c.args;
    let result = `{"status": "ok", "result": "${c.api.purpose} done for ${Object.values(c.args).join(', ')}"}`;
    if (kind === 'B') {
      args = argValues(c.api, rng);
      const p = c.api.params[0];
      if (args[p.name] === c.args[p.name]) args[p.name] = typeof args[p.name] === 'number' ? Number(args[p.name]) + 7 : `${rng.pick(FIRST)}ville`;
      result = `{"status": "ok", "result": "${c.api.purpose} done for ${Object.values(args).join(', ')}"}`;
    } else if (kind === 'C') {
      called = rng.pick(TEVAL_APIS.filter((a) => a !== c.api));
      args = argValues(called, rng);
      result = `{"status": "ok", "result": "${called.purpose} done"}`;
    } else if (kind === 'D') result = '{"status": "error", "message": "service unavailable"}';
    add('review_str_v2.json', {
      origin_prompt: [
        { role: 'system', content: `You review tool calls. Options: ${OPTIONS} Reply as "Answer: <letter>".` },
        { role: 'user', content: c.user },
        { role: 'assistant', content: `Calling ${called.name} with ${JSON.stringify(args)}.` },
        { role: 'function', content: result },
        { role: 'user', content: 'Which option describes the call above?' },
      ],
      ground_truth: { answer: kind },
      meta_data: { response_format: 'str' },
    });
  }
  return files;
}
