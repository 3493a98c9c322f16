// Built-in LongBench suite: invented documents per dataset, JSONL records in LongBench's layout,
// plus our own prompt templates and output lengths (dataset2prompt.json / dataset2maxlen.json).
import { Rng } from '../util.js';
import { ANIMALS, CITIES, COLORS, FRUITS, ORGS, paragraph, personName, THINGS, TOPICS } from './words.js';

export const BUILTIN_LONGBENCH_PROMPTS: Record<string, string> = {
  narrativeqa: 'Read the story and answer the question with a short phrase.\n\nStory: {context}\n\nQuestion: {input}\nAnswer:',
  multifieldqa_en: 'Read the text and answer briefly.\n\n{context}\n\nQuestion: {input}\nAnswer:',
  hotpotqa: 'Answer the question using the passages. Give only the answer.\n\n{context}\n\nQuestion: {input}\nAnswer:',
  '2wikimqa': 'Answer the question using the passages. Give only the answer.\n\n{context}\n\nQuestion: {input}\nAnswer:',
  gov_report: 'Summarise the report in a few sentences.\n\nReport:\n{context}\n\nSummary:',
  qmsum: 'Read the meeting transcript and answer the query in a few sentences.\n\nTranscript:\n{context}\n\nQuery: {input}\nAnswer:',
  trec: 'Label the type of each question.\n\n{context}\n{input}',
  triviaqa: 'Answer each question after reading the passages.\n\n{context}\n\n{input}',
  passage_count: 'Some of the paragraphs below are repeated. How many different paragraphs are there? Give only the number.\n\n{context}\n\nThe number of different paragraphs is:',
  passage_retrieval_en:
    'Here are paragraphs, each with a number, and a summary of one of them. Which paragraph does the summary describe? Answer like "Paragraph 1".\n\n{context}\n\nSummary: {input}\n\nThe answer is:',
  lcc: 'Complete the next line of code.\n{context}',
  'repobench-p': 'Complete the next line of code.\n{context}{input}',
};

export const BUILTIN_LONGBENCH_MAXLEN: Record<string, number> = {
  narrativeqa: 24,
  multifieldqa_en: 24,
  hotpotqa: 16,
  '2wikimqa': 16,
  gov_report: 96,
  qmsum: 96,
  trec: 12,
  triviaqa: 16,
  passage_count: 8,
  passage_retrieval_en: 12,
  lcc: 32,
  'repobench-p': 32,
};

interface LbRecord {
  input: string;
  context: string;
  answers: string[];
  length: number;
  dataset: string;
  language: string;
  all_classes: string[] | null;
  _id: string;
}

function rec(dataset: string, i: number, input: string, context: string, answers: string[], allClasses: string[] | null = null): LbRecord {
  return { input, context, answers, length: context.split(/\s+/).length, dataset, language: 'en', all_classes: allClasses, _id: `${dataset}-${String(i).padStart(4, '0')}` };
}

function narrativeqa(rng: Rng, i: number): LbRecord {
  const hero = personName(rng);
  const animal = rng.pick(ANIMALS);
  const city = rng.pick(CITIES);
  const thing = rng.pick(THINGS);
  const story = [
    paragraph(rng, 3),
    `One winter ${hero} left ${city} with a tame ${animal} and a cart of ${thing}.`,
    paragraph(rng, 3),
    `At the end of the journey ${hero} gave the ${thing} to the keeper of the lighthouse.`,
    paragraph(rng, 2),
  ].join(' ');
  return rng.float() < 0.5
    ? rec('narrativeqa', i, `What animal travelled with ${hero}?`, story, [`a tame ${animal}`, animal])
    : rec('narrativeqa', i, `Who received the ${thing}?`, story, ['the keeper of the lighthouse', 'the lighthouse keeper']);
}

function multifieldqa(rng: Rng, i: number): LbRecord {
  const org = rng.pick(ORGS);
  const year = rng.int(1890, 2015);
  const founder = personName(rng);
  const text = [paragraph(rng, 3), `The ${org} was founded in ${year} by ${founder}.`, paragraph(rng, 4)].join(' ');
  return rng.float() < 0.5 ? rec('multifieldqa_en', i, `In which year was the ${org} founded?`, text, [String(year)]) : rec('multifieldqa_en', i, `Who founded the ${org}?`, text, [founder]);
}

function hotpot(dataset: string, rng: Rng, i: number): LbRecord {
  const person = personName(rng);
  const city = rng.pick(CITIES);
  const band = `The ${rng.pick(COLORS)} ${rng.pick(ANIMALS)}s`;
  const passages = rng.shuffle([
    `Passage: ${band}\n${band} is a folk group formed by ${person}. ${paragraph(rng, 1)}`,
    `Passage: ${person}\n${person} was born in ${city} and studied ${rng.pick(TOPICS)}. ${paragraph(rng, 1)}`,
    `Passage: ${rng.pick(CITIES)}\n${paragraph(rng, 2)}`,
    `Passage: ${personName(rng)}\n${paragraph(rng, 2)}`,
  ]);
  return rec(dataset, i, `In which city was the founder of ${band} born?`, passages.join('\n\n'), [city]);
}

function govReport(rng: Rng, i: number): LbRecord {
  const city = rng.pick(CITIES);
  const topic = rng.pick(TOPICS);
  const pct = rng.int(5, 60);
  const key = [`The ${city} office reviewed spending on ${topic}.`, `Spending rose by ${pct} percent over three years.`, `The review recommends a yearly audit of ${topic} programs.`];
  const report = [key[0], paragraph(rng, 3), key[1], paragraph(rng, 3), key[2], paragraph(rng, 2)].join(' ');
  return rec('gov_report', i, '', report, [key.join(' ')]);
}

function qmsum(rng: Rng, i: number): LbRecord {
  const a = personName(rng);
  const b = personName(rng);
  const thing = rng.pick(THINGS);
  const city = rng.pick(CITIES);
  const lines = [
    `${a}: Let us start with the stall at the ${city} fair.`,
    `${b}: We should sell ${thing} this year.`,
    `${a}: ${paragraph(rng, 1)}`,
    `${b}: ${paragraph(rng, 1)}`,
    `${a}: Fine, we agree to sell ${thing} and to share the stall with the bakery.`,
    `${b}: ${paragraph(rng, 1)}`,
  ];
  return rec('qmsum', i, 'What did the group decide about the fair stall?', lines.join('\n'), [`The group decided to sell ${thing} at the ${city} fair and to share the stall with the bakery.`]);
}

const TREC_CLASSES = ['Abbreviation', 'Entity', 'Description', 'Human being', 'Location', 'Numeric value'];
function trec(rng: Rng, i: number): LbRecord {
  const qs: [string, string][] = [
    [`Who founded the ${rng.pick(ORGS)}?`, 'Human being'],
    [`Where is ${rng.pick(CITIES)}?`, 'Location'],
    [`How many ${rng.pick(THINGS)} were sold?`, 'Numeric value'],
    [`What does the abbreviation ${rng.pick(['RSVP', 'ETA', 'DIY', 'FAQ'])} stand for?`, 'Abbreviation'],
    [`Why do ${rng.pick(ANIMALS)}s migrate?`, 'Description'],
    [`What ${rng.pick(FRUITS).slice(0, -1)} variety grows in ${rng.pick(CITIES)}?`, 'Entity'],
    [`Who wrote the guide to ${rng.pick(TOPICS)}?`, 'Human being'],
    [`How far is ${rng.pick(CITIES)} from the sea?`, 'Numeric value'],
    [`Where did ${personName(rng)} study?`, 'Location'],
  ];
  const shots = rng.sample(qs, 6);
  const target = rng.pick(qs.filter((q) => !shots.includes(q)));
  return rec('trec', i, `Question: ${target[0]}\nType:`, shots.map(([q, t]) => `Question: ${q}\nType: ${t}`).join('\n'), [target[1]], TREC_CLASSES);
}

function triviaqa(rng: Rng, i: number): LbRecord {
  const facts = Array.from({ length: 4 }, () => ({ city: rng.pick(CITIES), animal: rng.pick(ANIMALS), color: rng.pick(COLORS) }));
  const shots = facts.slice(0, 3).map((f) => `Passage: The flag of ${f.city} shows a ${f.color} ${f.animal}.\nQuestion: Which animal is on the flag of ${f.city}?\nAnswer: ${f.animal}`);
  const t = facts[3];
  return rec('triviaqa', i, `Passage: The flag of ${t.city} shows a ${t.color} ${t.animal}. ${paragraph(rng, 2)}\nQuestion: Which animal is on the flag of ${t.city}?\nAnswer:`, shots.join('\n\n'), [
    t.animal,
  ]);
}

function passageCount(rng: Rng, i: number): LbRecord {
  const unique = rng.int(2, 5);
  const paras = Array.from({ length: unique }, () => paragraph(rng, 2));
  const shown = rng.shuffle([...paras, ...rng.sample(paras, rng.int(1, 3))]);
  return rec('passage_count', i, '', shown.map((p, k) => `Paragraph ${k + 1}: ${p}`).join('\n\n'), [String(unique)]);
}

function passageRetrieval(rng: Rng, i: number): LbRecord {
  const n = 5;
  const subjects = rng.sample(CITIES, n);
  const things = rng.sample(THINGS, n);
  const colors = rng.sample(COLORS, n);
  const paras = subjects.map((c, j) => `${c} is known for its market of ${things[j]} and its ${colors[j]} roofs. ${paragraph(rng, 1)}`);
  const k = rng.int(0, n - 1);
  return rec('passage_retrieval_en', i, `A town with a market of ${things[k]} and ${colors[k]} roofs.`, paras.map((p, j) => `Paragraph ${j + 1}: ${p}`).join('\n\n'), [`Paragraph ${k + 1}`]);
}

const HELPERS = ['scale', 'shift', 'weigh', 'clip', 'square', 'halve', 'offset', 'bound', 'damp', 'boost'];
const QUANTITIES = ['total', 'count', 'score', 'width', 'budget', 'weight', 'margin', 'volume', 'energy', 'reward'];
const COLLECTIONS: [string, string][] = [
  ['items', 'item'],
  ['values', 'value'],
  ['rows', 'row'],
  ['records', 'record'],
  ['samples', 'sample'],
];

/**
 * A Python file of helpers and parallel accumulator functions; the last function is cut after 1–4 of its lines.
 * The next line repeats the siblings' pattern with this function's own names: its accumulator (from the def),
 * its helper (named in the def's comment) and its collection — so completing it means reading the context.
 */
function codeFile(rng: Rng): { helpers: string[]; functions: string[]; target: string[]; next: string } {
  const names = rng.sample(HELPERS, 4);
  const helpers = names.flatMap((h) => [`def ${h}(x):`, `    return x ${rng.pick(['*', '+', '-'])} ${rng.int(2, 9)}`, '']);
  const [coll, each] = rng.pick(COLLECTIONS);
  const qs = rng.sample(QUANTITIES, rng.int(2, 4));
  const body = (q: string, h: string) => [`def compute_${q}(${coll}):  # accumulates ${h}`, `    ${q} = 0`, `    for ${each} in ${coll}:`, `        ${q} += ${h}(${each})`, `    return ${q}`];
  const functions = qs.slice(0, -1).flatMap((q) => [...body(q, rng.pick(names)), '']);
  const full = body(qs[qs.length - 1], rng.pick(names));
  const cut = rng.int(1, 4);
  return { helpers, functions, target: full.slice(0, cut), next: full[cut] };
}

function lcc(rng: Rng, i: number): LbRecord {
  const f = codeFile(rng);
  return rec('lcc', i, '', [...f.helpers, ...f.functions, ...f.target].join('\n') + '\n', [f.next]);
}

/** RepoBench-P: the helpers live in another file of the repository, the unfinished function in main.py. */
function repobench(rng: Rng, i: number): LbRecord {
  const f = codeFile(rng);
  const other = `# path: utils/helpers.py\n${f.helpers.join('\n')}\n`;
  return rec('repobench-p', i, f.target.join('\n') + '\n', other + '# path: app/main.py\nfrom utils.helpers import *\n\n' + f.functions.join('\n') + '\n', [f.next]);
}

const GENERATORS: Record<string, (rng: Rng, i: number) => LbRecord> = {
  narrativeqa,
  multifieldqa_en: multifieldqa,
  hotpotqa: (r, i) => hotpot('hotpotqa', r, i),
  '2wikimqa': (r, i) => hotpot('2wikimqa', r, i),
  gov_report: govReport,
  qmsum,
  trec,
  triviaqa,
  passage_count: passageCount,
  passage_retrieval_en: passageRetrieval,
  lcc,
  'repobench-p': repobench,
};

/** JSONL lines per dataset, `perDataset` records each. */
export function generateLongBench(seed: number, perDataset = 25): Record<string, LbRecord[]> {
  const out: Record<string, LbRecord[]> = {};
  Object.entries(GENERATORS).forEach(([ds, gen], k) => {
    const rng = new Rng(seed * 1009 + k * 17 + 3);
    out[ds] = Array.from({ length: perDataset }, (_, i) => gen(rng, i));
  });
  return out;
}
