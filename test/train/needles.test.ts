import { describe, expect, it } from 'vitest';
import { generateNiah, type ChatTurn } from '../../main/bench/index.js';
import { keyPhraseRecall } from '../../main/bench/tasks/niah.js';
import { PROCEDURAL_SOURCES, randomNeedle, repeatSource, needleSource } from '../../main/train/index.js';
import { seededRandom } from '../../main/model/index.js';

const turnsOf = (ex: unknown): ChatTurn[] => (ex as { turns: ChatTurn[] }).turns;

describe('random needles', () => {
  it('never produce the evaluation needle, and their keys are the words after "is"', () => {
    const evalNeedle = String(generateNiah(20250).config.needle);
    const r = seededRandom(11);
    for (let i = 0; i < 2000; i++) {
      const n = randomNeedle(r, ['copper', 'meadow']);
      expect(n.needle).not.toBe(evalNeedle);
      expect(n.needle).not.toMatch(/fennel|Pellmont/);
      expect(n.needle.endsWith(`${n.keys.join(' ')}.`)).toBe(true);
      expect(keyPhraseRecall(n.needle, n.keys)).toBe(1);
    }
  });
});

describe('short-range needle source', () => {
  const src = needleSource('niah-short', 24);

  it('is the same example for the same (seed, index) and another for another index', () => {
    expect(src.sample(4, 17)).toEqual(src.sample(4, 17));
    expect(src.sample(4, 18)).not.toEqual(src.sample(4, 17));
    expect(src.sample(5, 17)).not.toEqual(src.sample(4, 17));
  });

  it('asks in the NIAH task prompt about a needle that is in the document, and answers with that needle', () => {
    let withTwo = 0;
    for (let i = 0; i < 300; i++) {
      const [user, answer] = turnsOf(src.sample(1, i));
      // the study's raw NIAH prompt, as one user turn
      const m = /^<\|im_start\|> This is a very long story book: <book> ([\s\S]*) <\/book>\.\n Based on the content of the book, Question: (What is [^?]+\?)\nAnswer:$/.exec(user.content);
      expect(m).not.toBeNull();
      const [, doc, question] = m!;
      expect(answer.role).toBe('assistant');
      expect(doc.split(answer.content).length).toBe(2);
      // the question names the needle's subject: "What is X?" ↔ "X is …"
      const subject = question.slice('What is '.length, -1);
      expect(answer.content.startsWith(subject.replace(/^the /, 'The '))).toBe(true);
      const needles = doc.match(/(The secret ingredient in the|The password of the|The best place to visit in) [^.]+\./g) ?? [];
      expect(needles).toContain(answer.content);
      if (needles.length === 2) withTwo++;
    }
    // a quarter carry a second needle about another place
    expect(withTwo).toBeGreaterThan(40);
    expect(withTwo).toBeLessThan(120);
  });
});

describe('long-range needle source', () => {
  it('puts 20–52 filler sentences and the needle(s) in the document, drawn across the whole range', () => {
    const src = PROCEDURAL_SOURCES['niah-long'].make();
    expect(src.name).toBe('niah-long');
    const counts: number[] = [];
    for (let i = 0; i < 200; i++) {
      const [user, answer] = turnsOf(src.sample(3, i));
      const doc = /<book> ([\s\S]*) <\/book>/.exec(user.content)![1];
      expect(doc.split(answer.content).length).toBe(2);
      const needles = (doc.match(/(The secret ingredient in the|The password of the|The best place to visit in) [^.]+\./g) ?? []).length;
      counts.push((doc.match(/[.!?](?= |$)/g) ?? []).length - needles);
    }
    expect(Math.min(...counts)).toBe(20);
    expect(Math.max(...counts)).toBe(52);
    expect(src.sample(3, 7)).toEqual(src.sample(3, 7));
    expect(src.sample(3, 7)).not.toEqual(needleSource('niah-short', 52, 20).sample(3, 7));
  });
});

describe('repeat source', () => {
  it('answers with exactly the words it was given', () => {
    const src = repeatSource(10);
    for (let i = 0; i < 200; i++) {
      const [user, answer] = turnsOf(src.sample(2, i));
      const words = user.content.replace('Repeat these words exactly: ', '').split(' ');
      expect(words.length).toBeGreaterThanOrEqual(3);
      expect(words.length).toBeLessThanOrEqual(10);
      expect(answer.content).toBe(words.join(' '));
    }
  });

  it('is offered to --mix with where its data comes from', () => {
    expect(Object.keys(PROCEDURAL_SOURCES).sort()).toEqual(['niah-long', 'niah-short', 'repeat']);
    for (const p of Object.values(PROCEDURAL_SOURCES)) expect(p.make().sample(1, 0)).toHaveProperty('turns');
  });
});
