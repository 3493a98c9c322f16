// The project's own calibration corpus: seeded, template-generated English-like prose about tools,
// plans, documents and numbers. `node --import tsx main/compress/corpus.ts` is not needed at runtime:
// the generated text ships as resources/calibration/calibration.txt (regenerate with writeCorpus()).
import { seededRandom } from './rng.js';

const people = [
  'the analyst',
  'our team',
  'the operator',
  'a new engineer',
  'the reviewer',
  'Maria',
  'Kenji',
  'the planner',
  'the assistant',
  'the support desk',
  'Ada',
  'the auditor',
  'Omar',
  'the research group',
  'a customer',
];
const tools = [
  'the calendar tool',
  'a search function',
  'the spreadsheet',
  'the weather service',
  'the file browser',
  'a shell command',
  'the database query',
  'the translation service',
  'the map lookup',
  'a unit converter',
  'the email client',
  'the code interpreter',
  'a web form',
  'the ticket tracker',
  'the billing API',
];
const documents = [
  'the quarterly report',
  'a meeting summary',
  'the design note',
  'an invoice',
  'the user manual',
  'a travel itinerary',
  'the release checklist',
  'a contract draft',
  'the onboarding guide',
  'an incident review',
  'the budget sheet',
  'a lab notebook',
  'the project charter',
];
const verbs = ['checked', 'updated', 'summarised', 'compared', 'archived', 'reviewed', 'rewrote', 'scheduled', 'measured', 'estimated', 'validated', 'merged', 'translated', 'planned', 'recorded'];
const adjectives = ['careful', 'short', 'detailed', 'late', 'urgent', 'routine', 'complicated', 'tidy', 'incomplete', 'final', 'revised', 'shared', 'private', 'noisy', 'clear'];
const places = ['Lisbon', 'the north office', 'Osaka', 'the warehouse', 'Nairobi', 'the lab', 'Toronto', 'the library', 'Santiago', 'the data centre', 'Helsinki', 'the harbour'];
const units = ['kilometres', 'hours', 'euros', 'megabytes', 'litres', 'tickets', 'pages', 'percent', 'minutes', 'dollars', 'requests'];
const connectives = ['Then', 'After that', 'Meanwhile', 'Before lunch', 'On Monday', 'Later', 'In the end', 'First', 'Next', 'Because of the delay', 'As a result', 'Finally'];
const steps = [
  'open the file',
  'read the first section',
  'call the search function with the exact title',
  'write the totals into a table',
  'ask for confirmation',
  'convert the amounts to euros',
  'sort the rows by date',
  'send a short reply',
  'check the arguments against the schema',
  'retry with a smaller page size',
  'save a copy before editing',
  'list the missing fields',
];
const questions = [
  'How many {u} were used in {p}?',
  'Which tool should be called first?',
  'What is the total after tax?',
  'Who approved {d}?',
  'When is the next review?',
  'Why did the request fail?',
  'Where is the latest version stored?',
];

function pick<T>(rand: () => number, xs: readonly T[]): T {
  return xs[Math.floor(rand() * xs.length)];
}

function number(rand: () => number): string {
  const kind = rand();
  if (kind < 0.4) return String(Math.floor(rand() * 100));
  if (kind < 0.7) return (rand() * 1000).toFixed(2);
  if (kind < 0.85) return String(1990 + Math.floor(rand() * 40));
  return `${Math.floor(rand() * 24)}:${String(Math.floor(rand() * 60)).padStart(2, '0')}`;
}

function capital(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function sentence(rand: () => number): string {
  const r = rand();
  const who = pick(rand, people);
  const doc = pick(rand, documents);
  const tool = pick(rand, tools);
  if (r < 0.14) return `${capital(who)} ${pick(rand, verbs)} ${doc} using ${tool}.`;
  if (r < 0.26) return `${pick(rand, connectives)}, ${who} ${pick(rand, verbs)} ${number(rand)} ${pick(rand, units)} of data from ${pick(rand, places)}.`;
  if (r < 0.38) return `The plan has ${2 + Math.floor(rand() * 6)} steps: ${pick(rand, steps)}, ${pick(rand, steps)}, and ${pick(rand, steps)}.`;
  if (r < 0.48) return `${capital(doc)} was ${pick(rand, adjectives)}, so ${who} asked ${tool} to ${pick(rand, steps)}.`;
  if (r < 0.58) {
    const a = Math.floor(rand() * 500);
    const b = Math.floor(rand() * 500);
    return `If ${a} ${pick(rand, units)} are added to ${b}, the total is ${a + b}; half of that is ${(a + b) / 2}.`;
  }
  if (r < 0.66) return pick(rand, questions).replace('{u}', pick(rand, units)).replace('{p}', pick(rand, places)).replace('{d}', doc);
  if (r < 0.74) return `"Please ${pick(rand, steps)}," said ${who}, "and keep ${doc} ${pick(rand, adjectives)}."`;
  if (r < 0.82) return `In ${pick(rand, places)}, the meeting moved to ${number(rand)} because ${tool} returned an error.`;
  if (r < 0.9) return `${capital(tool)} takes ${1 + Math.floor(rand() * 4)} arguments, and ${who} passed ${number(rand)} as the first one.`;
  return `Every ${pick(rand, adjectives)} task starts with a goal, a list of tools, and a check at the end; ${who} wrote this down in ${doc}.`;
}

/** Paragraphs of 3–8 generated sentences until at least minBytes of UTF-8 text. */
export function generateCalibrationCorpus(seed: number, minBytes: number): string {
  const rand = seededRandom(seed);
  const parts: string[] = [];
  let bytes = 0;
  while (bytes < minBytes) {
    const n = 3 + Math.floor(rand() * 6);
    const para: string[] = [];
    for (let i = 0; i < n; i++) para.push(sentence(rand));
    const text = para.join(' ');
    parts.push(text);
    bytes += Buffer.byteLength(text) + 2;
  }
  return parts.join('\n\n') + '\n';
}
