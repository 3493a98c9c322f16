// Built-in LongGenBench suite: K invented questions per prompt answered in one generation,
// GSM8K-style (integer answers, "#### N" golds) and MMLU-style (lettered choices).
import { Rng } from '../util.js';
import { CITIES, FRUITS, personName, THINGS } from './words.js';

interface MathQ {
  q: string;
  steps: string;
  answer: number;
}

function mathQuestion(rng: Rng): MathQ {
  const who = personName(rng).split(' ')[0];
  const thing = rng.pick(THINGS);
  const fruit = rng.pick(FRUITS);
  switch (rng.int(0, 3)) {
    case 0: {
      const a = rng.int(10, 60);
      const b = rng.int(2, 9);
      return { q: `${who} has ${a} ${thing} and buys ${b} more. How many ${thing} does ${who} have now?`, steps: `${who} starts with ${a}. ${a} + ${b} = ${a + b}.`, answer: a + b };
    }
    case 1: {
      const boxes = rng.int(2, 9);
      const per = rng.int(3, 12);
      return { q: `A market stall has ${boxes} boxes with ${per} ${fruit} in each box. How many ${fruit} are there?`, steps: `${boxes} boxes × ${per} = ${boxes * per}.`, answer: boxes * per };
    }
    case 2: {
      const a = rng.int(30, 90);
      const b = rng.int(5, 25);
      const c = rng.int(1, 4);
      return { q: `${who} had ${a} dollars, spent ${b} dollars on lunch and ${c} dollars on a bus ticket. How many dollars are left?`, steps: `${a} - ${b} - ${c} = ${a - b - c}.`, answer: a - b - c };
    }
    default: {
      const per = rng.int(2, 6);
      const days = rng.int(3, 7);
      const extra = rng.int(1, 9);
      return {
        q: `${who} reads ${per} chapters a day for ${days} days and then ${extra} more chapters. How many chapters did ${who} read?`,
        steps: `${per} × ${days} = ${per * days}. ${per * days} + ${extra} = ${per * days + extra}.`,
        answer: per * days + extra,
      };
    }
  }
}

function promptWith(examples: { q: string; a: string }[], questions: string[]): string {
  const parts = ['Examples: '];
  examples.forEach((e, i) => parts.push(`Question_${i + 1}: \n${e.q}\n`));
  examples.forEach((e, i) => parts.push(`Answer_${i + 1}:\n${e.a}\n`));
  parts.push(`Following the examples, answer every question below in order. Start each answer with "Answer_<number>:" and end it with "The answer is ...".`);
  questions.forEach((q, i) => parts.push(`Question_${examples.length + i + 1}:\n${q}`));
  return parts.join('\n');
}

export function generateLongGenGsm8k(seed: number, prompts = 10, k = 5): Record<string, unknown>[] {
  const rng = new Rng(seed * 7919 + 11);
  const shots = Array.from({ length: 3 }, () => mathQuestion(rng)).map((m) => ({ q: m.q, a: `${m.steps}\nThe answer is ${m.answer}.` }));
  return Array.from({ length: prompts }, (_, p) => {
    const qs = Array.from({ length: k }, () => mathQuestion(rng));
    return {
      id: p,
      prompt: promptWith(
        shots,
        qs.map((x) => x.q),
      ),
      questions: qs.map((x) => x.q),
      answers: qs.map((x) => `${x.steps}\n#### ${x.answer}`),
      max_new_tokens: 64 * k,
    };
  });
}

function mcQuestion(rng: Rng): { q: string; answer: string } {
  const letters = ['A', 'B', 'C', 'D'];
  const kind = rng.int(0, 2);
  let stem: string;
  let correct: string;
  let wrong: string[];
  if (kind === 0) {
    const xs = rng.sample([12, 17, 23, 31, 44, 58, 63, 79, 86, 95], 4);
    stem = 'Which number is the largest?';
    correct = String(Math.max(...xs));
    wrong = xs.filter((x) => String(x) !== correct).map(String);
  } else if (kind === 1) {
    const a = rng.int(2, 12);
    const b = rng.int(2, 12);
    stem = `What is ${a} × ${b}?`;
    correct = String(a * b);
    wrong = [a * b + 1, a * b - 2, a * (b + 1)].map(String);
  } else {
    const city = rng.pick(CITIES);
    stem = `A train leaves ${city} at 9:00 and arrives 3 hours later. When does it arrive?`;
    correct = '12:00';
    wrong = ['11:00', '13:00', '10:30'];
  }
  const options = rng.shuffle([correct, ...wrong.slice(0, 3)]);
  const answer = letters[options.indexOf(correct)];
  return { q: `${stem}\n${options.map((o, i) => `(${letters[i]}) ${o}`).join('')}`, answer };
}

export function generateLongGenMmlu(seed: number, prompts = 10, k = 5): Record<string, unknown>[] {
  const rng = new Rng(seed * 6151 + 5);
  const shots = Array.from({ length: 3 }, () => mcQuestion(rng)).map((m) => ({ q: m.q, a: `The answer is (${m.answer}).` }));
  return Array.from({ length: prompts }, (_, p) => {
    const qs = Array.from({ length: k }, () => mcQuestion(rng));
    return {
      id: p,
      task: 'elementary_reasoning',
      prompt: promptWith(
        shots,
        qs.map((x) => x.q),
      ),
      questions: qs.map((x) => x.q),
      answers: qs.map((x) => x.answer),
      max_new_tokens: 32 * k,
    };
  });
}
