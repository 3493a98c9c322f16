// Built-in Needle-in-a-Haystack: our own haystack essays, needle and grid (niah.json).
import { Rng } from '../util.js';
import { paragraph } from './words.js';

export function generateNiah(seed: number): { config: Record<string, unknown>; haystack: Record<string, string> } {
  const rng = new Rng(seed * 4099 + 1);
  const haystack: Record<string, string> = {};
  for (let f = 0; f < 3; f++) haystack[`essay_${f + 1}.txt`] = Array.from({ length: 12 }, () => paragraph(rng, 6)).join('\n\n') + '\n';
  return {
    config: {
      needle: 'The secret ingredient in the Pellmont harbour soup is roasted fennel seed.',
      retrieval_question: 'What is the secret ingredient in the Pellmont harbour soup?',
      key_phrases: ['roasted', 'fennel', 'seed'],
      context_lengths: [128, 256, 512, 768, 1024],
      document_depth_percents: [0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100],
      final_context_length_buffer: 48,
    },
    haystack,
  };
}
