// Training data: sources of examples (chat turns or plain text), their tokenization in the chat
// template with a loss mask on the answer, a seeded mixture, and token-budget batches.
import { seededRandom } from '../model/index.js';
import type { ChatTurn } from '../model/index.js';
import type { Batch } from './network.js';

/**
 * One training example: chat turns (the last assistant turn is the answer the loss sees), a raw prompt and its
 * completion (no chat template; the loss sees the completion), or plain text (every token counts).
 */
export type TrainingExample = { turns: ChatTurn[]; allAssistantTurns?: boolean } | { prompt: string; completion: string } | { text: string };

/** A seeded, indexable stream of examples: the same (seed, index) always gives the same example. */
export interface TrainingSource {
  readonly name: string;
  sample(seed: number, index: number): TrainingExample;
}

export interface MixtureEntry {
  source: TrainingSource;
  weight: number;
}

export interface TextEncoding {
  encode(text: string): number[];
}

export interface TokenizedExample {
  ids: number[];
  /** loss weight of predicting ids[t] (0 for prompt tokens) */
  targetMask: Uint8Array;
}

export class TrainingDataError extends Error {
  constructor(source: string, detail: string) {
    super(`training data (${source}): ${detail}`);
    this.name = 'TrainingDataError';
  }
}

/** ChatML rendering, byte for byte what CHAT_TEMPLATE renders: <|im_start|>role\ncontent<|im_end|>\n per turn. */
export function renderChatML(turns: readonly ChatTurn[], addGenerationPrompt: boolean): string {
  return turns.map((t) => `<|im_start|>${t.role}\n${t.content}<|im_end|>\n`).join('') + (addGenerationPrompt ? '<|im_start|>assistant\n' : '');
}

/**
 * Token ids as inference sees them: the prompt (everything before the answer, with the generation prompt)
 * encoded whole, then the answer encoded on its own, then <|im_end|>. Answer tokens and <|im_end|> carry the loss.
 */
export function tokenizeExample(ex: TrainingExample, enc: TextEncoding, ids: { imEnd: number; endOfText: number }): TokenizedExample {
  if ('text' in ex) {
    const t = [...enc.encode(ex.text), ids.endOfText];
    return { ids: t, targetMask: new Uint8Array(t.length).fill(1) };
  }
  if ('prompt' in ex) {
    const p = enc.encode(ex.prompt);
    const c = [...enc.encode(ex.completion), ids.endOfText];
    return { ids: [...p, ...c], targetMask: Uint8Array.from([...p.map(() => 0), ...c.map(() => 1)]) };
  }
  const turns = ex.turns;
  if (!turns.length || turns[turns.length - 1].role !== 'assistant')
    throw new TrainingDataError('chat', `expected turns ending with an assistant answer, found ${turns.length ? `a last turn by ${turns[turns.length - 1].role}` : 'no turns'}`);
  const out: number[] = [];
  const mask: number[] = [];
  let start = 0;
  for (let i = 0; i < turns.length; i++) {
    if (turns[i].role !== 'assistant' || (!ex.allAssistantTurns && i !== turns.length - 1)) continue;
    const prompt = enc.encode((start > 0 ? '\n' : '') + renderChatML(turns.slice(start, i), true));
    // the "\n" closing the previous answer belongs to the prompt of this one
    for (const id of prompt) {
      out.push(id);
      mask.push(0);
    }
    for (const id of enc.encode(turns[i].content)) {
      out.push(id);
      mask.push(1);
    }
    out.push(ids.imEnd);
    mask.push(1);
    start = i + 1;
  }
  return { ids: out, targetMask: Uint8Array.from(mask) };
}

/** Fit in maxLen tokens: cut the middle of the prompt (as the runtime does), keep the answer; an over-long answer loses its end. */
export function fitExample(t: TokenizedExample, maxLen: number): TokenizedExample {
  if (t.ids.length <= maxLen) return t;
  let firstTarget = t.targetMask.indexOf(1);
  if (firstTarget < 0) firstTarget = t.ids.length;
  const answer = t.ids.length - firstTarget;
  const keepAnswer = Math.min(answer, Math.floor(maxLen / 2));
  const promptBudget = maxLen - keepAnswer;
  const head = Math.floor(promptBudget / 2);
  const promptIdx = [...Array(firstTarget).keys()];
  const keptPrompt = firstTarget <= promptBudget ? promptIdx : [...promptIdx.slice(0, head), ...promptIdx.slice(firstTarget - (promptBudget - head))];
  const idx = [...keptPrompt, ...Array.from({ length: keepAnswer }, (_, i) => firstTarget + i)];
  return { ids: idx.map((i) => t.ids[i]), targetMask: Uint8Array.from(idx.map((i) => t.targetMask[i])) };
}

/** Per-example source choice by weight, from a generator seeded with (seed, index): the stream is a pure function of the seed. */
export function pickSource(mix: readonly MixtureEntry[], seed: number, index: number): MixtureEntry {
  const total = mix.reduce((a, m) => a + m.weight, 0);
  const u = seededRandom((Math.imul(seed, 0x9e3779b1) ^ Math.imul(index + 1, 0x85ebca6b)) >>> 0)() * total;
  let acc = 0;
  for (const m of mix) {
    acc += m.weight;
    if (u < acc) return m;
  }
  return mix[mix.length - 1];
}

export interface BatchPlan {
  batch: Batch;
  /** examples consumed (the cursor advances by this) */
  examples: number;
  perSource: Record<string, number>;
  /** the source of each segment */
  segmentSources: string[];
}

/**
 * Fill a batch with whole examples from the stream starting at `cursor` until the next one would pass `maxTokens`
 * (at least one example). Each example is its own segment (attention never crosses examples).
 */
export interface PromptLoss {
  /** loss weight of a sampled prompt token (answers weigh 1) */
  weight: number;
  /** fraction of prompt positions sampled (seeded by the example's index) */
  fraction: number;
}

export function buildBatch(
  mix: readonly MixtureEntry[],
  seed: number,
  cursor: number,
  maxTokens: number,
  maxSeq: number,
  enc: TextEncoding,
  ids: { imEnd: number; endOfText: number },
  promptLoss?: PromptLoss,
): BatchPlan {
  if (!mix.length) throw new TrainingDataError('mixture', 'expected at least one source, found none');
  const examples: TokenizedExample[] = [];
  const perSource: Record<string, number> = {};
  const segmentSources: string[] = [];
  let tokens = 0;
  let i = cursor;
  for (;;) {
    const entry = pickSource(mix, seed, i);
    const tok = fitExample(tokenizeExample(entry.source.sample(seed, i), enc, ids), maxSeq);
    if (examples.length > 0 && tokens + tok.ids.length > maxTokens) break;
    examples.push(tok);
    perSource[entry.source.name] = (perSource[entry.source.name] ?? 0) + 1;
    segmentSources.push(entry.source.name);
    tokens += tok.ids.length;
    i++;
    if (tokens >= maxTokens) break;
  }
  const N = tokens;
  const batch: Batch = { ids: new Int32Array(N), targets: new Int32Array(N).fill(-1), weights: new Float32Array(N), segments: [], answer: new Uint8Array(N) };
  let at = 0;
  examples.forEach((ex, k) => {
    const r = promptLoss && promptLoss.weight > 0 ? seededRandom((Math.imul(seed ^ 0x5bd1e995, 31) + cursor + k) >>> 0) : undefined;
    batch.segments.push({ start: at, len: ex.ids.length });
    for (let t = 0; t < ex.ids.length; t++) {
      batch.ids[at + t] = ex.ids[t];
      if (t + 1 < ex.ids.length) {
        batch.targets[at + t] = ex.ids[t + 1];
        if (ex.targetMask[t + 1]) {
          batch.weights[at + t] = 1;
          batch.answer![at + t] = 1;
        } else if (r && r() < promptLoss!.fraction) batch.weights[at + t] = promptLoss!.weight;
      }
    }
    at += ex.ids.length;
  });
  return { batch, examples: i - cursor, perSource, segmentSources };
}

// --- toy sources (tests, smoke runs, and the pipeline before the benchmark generators plug in) ------------

const LETTERS = 'abcdefghijklmnopqrstuvwxyz';

function randomWord(r: () => number, min: number, max: number): string {
  const n = min + Math.floor(r() * (max - min + 1));
  let w = '';
  for (let i = 0; i < n; i++) w += LETTERS[Math.floor(r() * LETTERS.length)];
  return w;
}

/** The random stream of example `index` of source `name` (independent of the other sources and examples). */
export const exampleRng = (name: string, seed: number, index: number) => {
  let h = seed >>> 0;
  for (const ch of name) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  return seededRandom((h ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0);
};

/** A toy chat task over 2…words random words: "<Label>: w1 w2 …" → answer(words). */
function wordTask(name: string, label: string, answer: (ws: string[]) => string[], words: number): TrainingSource {
  return {
    name,
    sample(seed, index) {
      const r = exampleRng(name, seed, index);
      const ws = Array.from({ length: 2 + Math.floor(r() * (words - 1)) }, () => randomWord(r, 1, 4));
      return {
        turns: [
          { role: 'user', content: `${label}: ${ws.join(' ')}` },
          { role: 'assistant', content: answer(ws).join(' ') },
        ],
      };
    },
  };
}

/** "Copy: w1 w2 …" → the same words (a chat task a tiny model learns in a few hundred steps). */
export const copySource = (words = 6): TrainingSource => wordTask('toy-copy', 'Copy', (ws) => ws, words);

/** "Reverse: w1 w2 …" → the words in reverse order. */
export const reverseSource = (words = 6): TrainingSource => wordTask('toy-reverse', 'Reverse', (ws) => [...ws].reverse(), words);

/** "a + b" → the sum, for small numbers (digits are single tokens). */
export function additionSource(maxValue = 99): TrainingSource {
  return {
    name: 'toy-add',
    sample(seed, index) {
      const r = exampleRng('toy-add', seed, index);
      const a = Math.floor(r() * (maxValue + 1)),
        b = Math.floor(r() * (maxValue + 1));
      return {
        turns: [
          { role: 'user', content: `What is ${a} + ${b}?` },
          { role: 'assistant', content: `${a + b}` },
        ],
      };
    },
  };
}

/** Plain sentences (language-model loss on every token). */
export function sentenceSource(): TrainingSource {
  return {
    name: 'toy-text',
    sample(seed, index) {
      const r = exampleRng('toy-text', seed, index);
      return { text: Array.from({ length: 3 + Math.floor(r() * 5) }, () => randomWord(r, 2, 7)).join(' ') + '.' };
    },
  };
}

/** Every text of an example (for tokenizer training). */
export function exampleTexts(ex: TrainingExample): string[] {
  if ('text' in ex) return [ex.text];
  if ('prompt' in ex) return [ex.prompt, ex.completion];
  return ex.turns.map((t) => t.content).concat(ex.turns.map((t) => t.role));
}

/** A fixed list of examples drawn with replacement: example = pool[hash(seed, index) mod n]. */
export function poolSource(name: string, pool: readonly TrainingExample[]): TrainingSource {
  if (!pool.length) throw new TrainingDataError(name, 'expected a non-empty example pool, found none');
  return {
    name,
    sample(seed, index) {
      return pool[Math.floor(exampleRng(name, seed, index)() * pool.length)];
    },
  };
}
