// Needles and copy drills for acb-tiny: random needles (never the NIAH evaluation needle) and two procedural
// sources drawn fresh for every example index, so an answer can only be read from its prompt, never memorised.
import { Rng, fillerSentence, niahPrompt, type ChatTurn } from '../bench/index.js';
import { exampleRng, type TrainingSource } from './data.js';

const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];

const SYL = ['bar', 'wick', 'mor', 'len', 'ford', 'ash', 'dale', 'tor', 'ven', 'hal', 'crest', 'brook', 'lin', 'mere', 'stow', 'gar', 'ton', 'ric', 'hollow', 'bay'];
const DISHES = ['harbour soup', 'river stew', 'market pie', 'winter broth', 'garden salad', 'night bread', 'festival cake', 'fisher curry'];
const ADJ = ['roasted', 'smoked', 'dried', 'candied', 'pickled', 'toasted', 'crushed', 'salted', 'sweet', 'wild'];
const FOOD = ['ginger root', 'juniper berry', 'orange peel', 'mustard seed', 'sea kelp', 'chestnut flour', 'rose petal', 'black pepper', 'celery leaf', 'pine nut'];
const PLACES = ['vault', 'archive', 'lighthouse', 'boathouse', 'observatory', 'granary'];
const WORDS = ['copper', 'lantern', 'meadow', 'falcon', 'harbor', 'velvet', 'thistle', 'ember', 'quartz', 'willow'];

const CONSONANTS = 'bcdfghklmnprstvwz';
const VOWELS = 'aeiou';

/** A pronounceable made-up word of 2–3 syllables: drawn from ~10⁵ forms, so the model must copy it, not recall it. */
export function pseudoWord(r: () => number): string {
  const n = 2 + Math.floor(r() * 2);
  let s = '';
  for (let i = 0; i < n; i++) s += pick(r, [...CONSONANTS]) + pick(r, [...VOWELS]) + (r() < 0.3 ? pick(r, [...CONSONANTS]) : '');
  return s;
}

function placeName(r: () => number): string {
  const s = r() < 0.5 ? pseudoWord(r) : pick(r, SYL) + pick(r, SYL);
  return s[0].toUpperCase() + s.slice(1);
}

/** An answer word: a made-up word, a word of the haystack (a distractor elsewhere in the context) or one of the themed lists. */
function answerWord(r: () => number, vocabulary: readonly string[], themed: readonly string[]): string {
  const u = r();
  return u < 0.4 ? pseudoWord(r) : u < 0.8 && vocabulary.length ? pick(r, vocabulary) : pick(r, themed);
}

/**
 * A needle whose answer the model has to copy: answers drawn from a vocabulary too large to memorise (a first stage
 * with 100 themed answers learned "toasted mustard seed" as a prior instead of reading the needle). The evaluation
 * needle (the Pellmont soup and its fennel) is never produced.
 */
export function randomNeedle(r: () => number, vocabulary: readonly string[] = []): { needle: string; question: string; keys: string[] } {
  const place = placeName(r);
  const kind = Math.floor(r() * 3);
  if (kind === 0) {
    const dish = pick(r, DISHES);
    const answer = `${answerWord(r, vocabulary, ADJ)} ${answerWord(
      r,
      vocabulary,
      FOOD.map((f) => f.split(' ')[0]),
    )} ${answerWord(
      r,
      vocabulary,
      FOOD.map((f) => f.split(' ')[1]),
    )}`;
    if (/fennel/.test(answer) || place === 'Pellmont') return randomNeedle(r, vocabulary);
    return { needle: `The secret ingredient in the ${place} ${dish} is ${answer}.`, question: `What is the secret ingredient in the ${place} ${dish}?`, keys: answer.split(' ') };
  }
  if (kind === 1) {
    const spot = pick(r, PLACES);
    const answer = `${answerWord(r, vocabulary, WORDS)} ${answerWord(r, vocabulary, WORDS)} ${Math.floor(r() * 90) + 10}`;
    return { needle: `The password of the ${place} ${spot} is ${answer}.`, question: `What is the password of the ${place} ${spot}?`, keys: answer.split(' ') };
  }
  const answer = `${answerWord(r, vocabulary, ADJ)} ${answerWord(r, vocabulary, WORDS)} ${pick(r, ['garden', 'bridge', 'market', 'tower', 'harbour'])}`;
  return { needle: `The best place to visit in ${place} is the ${answer}.`, question: `What is the best place to visit in ${place}?`, keys: answer.split(' ') };
}

/** Lower-case words of four or more letters in the filler sentences the NIAH haystacks are made of. */
function fillerVocabulary(): string[] {
  const rng = new Rng(17);
  const text = Array.from({ length: 400 }, () => fillerSentence(rng))
    .join(' ')
    .toLowerCase();
  return [...new Set(text.match(/[a-z]{4,}/g) ?? [])].sort();
}

/**
 * NIAH over fresh filler: the NIAH task's own prompt over 1–`maxSentences` filler sentences (≈20 tokens each; short
 * counts favoured), or `minSentences`–`maxSentences` drawn uniformly when a minimum is given, a random needle at a
 * random sentence boundary and, in a quarter of the examples, a second needle about another place (so the question's
 * key, not the needle's shape, picks the answer) → the asked needle's sentence.
 */
export function needleSource(name: string, maxSentences: number, minSentences?: number): TrainingSource {
  const vocabulary = fillerVocabulary();
  return {
    name,
    sample(seed, index) {
      const r = exampleRng(name, seed, index);
      const rng = new Rng(Math.floor(r() * 2 ** 31));
      const count = minSentences === undefined ? 1 + Math.floor(r() ** 1.5 * maxSentences) : minSentences + Math.floor(r() * (maxSentences - minSentences + 1));
      const sentences = Array.from({ length: count }, () => fillerSentence(rng));
      const asked = randomNeedle(r, vocabulary);
      const needles = [asked.needle];
      if (r() < 0.25) {
        const other = randomNeedle(r, vocabulary);
        if (other.question !== asked.question) needles.push(other.needle);
      }
      for (const n of needles) sentences.splice(Math.floor(r() * (sentences.length + 1)), 0, n);
      const p = niahPrompt(sentences.join(' '), asked.question);
      // the study's NIAH prompt is a raw completion: it trains as one user turn
      const turns: ChatTurn[] = p.kind === 'chat' ? p.turns : [{ role: 'user', content: p.text }];
      return { turns: [...turns, { role: 'assistant', content: asked.needle }] };
    },
  };
}

/** "Repeat these words exactly: w1 … wn" (made-up words, haystack words, numbers; n = 3…`maxWords`) → the same words: the copy drill behind induction. */
export function repeatSource(maxWords = 30): TrainingSource {
  const vocabulary = fillerVocabulary();
  return {
    name: 'repeat',
    sample(seed, index) {
      const r = exampleRng('repeat', seed, index);
      const n = 3 + Math.floor(r() * (maxWords - 2));
      const words = Array.from({ length: n }, () => {
        const u = r();
        return u < 0.5 ? pseudoWord(r) : u < 0.85 ? pick(r, vocabulary) : String(Math.floor(r() * 1000));
      });
      return {
        turns: [
          { role: 'user', content: `Repeat these words exactly: ${words.join(' ')}` },
          { role: 'assistant', content: words.join(' ') },
        ],
      };
    },
  };
}

/** The procedural sources a mixture may name beside the pools (`--mix niah-short=0.2,repeat=0.1,…`). */
export const PROCEDURAL_SOURCES: Record<string, { make: () => TrainingSource; origin: string }> = {
  'niah-short': {
    make: () => needleSource('niah-short', 24),
    origin: 'NIAH prompts over 1–24 filler sentences (≈20–500 tokens), a fresh random needle per example (a second needle about another place in a quarter of them) → the asked needle',
  },
  'niah-long': {
    make: () => needleSource('niah-long', 52, 20),
    origin: 'NIAH prompts over 20–52 filler sentences (≈450–1100 tokens), a fresh random needle per example (a second needle about another place in a quarter of them) → the asked needle',
  },
  repeat: { make: () => repeatSource(), origin: '"Repeat these words exactly: …" over 3–30 fresh made-up words, haystack words and numbers → the same words (the copy drill behind induction heads)' },
};
