// A stand-in CausalLM whose logits are set by the test, so every statistic has a hand-computed value.
import type { CausalLM, ForwardOptions, ForwardResult, ModelConfig, Tokenizer } from '../../main/model/types.js';
import { type Matrix, matrix } from '../../main/tensor/index.js';

/** log-probability rows for the sequence ids: rowLogits(ids, t) is the logit row at position t. */
export type RowLogits = (ids: readonly number[], t: number) => number[];

export function charTokenizer(vocab: number): Tokenizer {
  return {
    vocabSize: vocab,
    encode: (text: string) => Array.from(text, (ch) => ch.charCodeAt(0) % vocab),
    decode: (ids: number[]) => ids.map((i) => String.fromCharCode(97 + i)).join(''),
    applyChatTemplate: (turns) => turns.map((t) => t.content).join('\n'),
    eosTokenIds: [],
  };
}

export function fakeModel(name: string, vocab: number, rowLogits: RowLogits, hiddenSize = 6): CausalLM {
  const config = { vocabSize: vocab, hiddenSize } as ModelConfig;
  const unsupported = () => {
    throw new Error('not part of the fake');
  };
  const hiddenOf = (ids: readonly number[]): Matrix => {
    // a deterministic, non-degenerate representation of each token and its position
    const h = new Float32Array(ids.length * hiddenSize);
    ids.forEach((id, t) => {
      for (let j = 0; j < hiddenSize; j++) h[t * hiddenSize + j] = Math.sin((id + 1) * (j + 1) * 0.7 + t * 0.31 * (j + 2));
    });
    return matrix(ids.length, hiddenSize, h);
  };
  const idsOf = new WeakMap<Matrix, readonly number[]>(); // the hidden states a finalHidden() gave, back to their tokens
  const logitsOf = (ids: readonly number[], rows: number): Matrix => {
    const first = ids.length - rows;
    const data = new Float32Array(rows * vocab);
    for (let r = 0; r < rows; r++) data.set(rowLogits(ids, first + r), r * vocab);
    return matrix(rows, vocab, data);
  };
  return {
    dir: `/fake/${name}`,
    config,
    tokenizer: charTokenizer(vocab),
    layers: [],
    hash: `hash-${name}`,
    embed: unsupported,
    head: unsupported,
    forward(ids: number[], opts?: ForwardOptions): ForwardResult {
      const hidden = new Map<number, Matrix>();
      for (const layer of opts?.hiddenLayers ?? []) hidden.set(layer, hiddenOf(ids));
      return { logits: logitsOf(ids, opts?.allLogits ? ids.length : 1), hidden };
    },
    async finalHidden(sequences: number[][]): Promise<Matrix[]> {
      return sequences.map((ids) => {
        const h = hiddenOf(ids);
        idsOf.set(h, ids);
        return h;
      });
    },
    headLogits(normed: Matrix): Matrix {
      const ids = idsOf.get(normed);
      if (!ids) throw new Error('headLogits: expected hidden states from finalHidden()');
      return logitsOf(ids, ids.length);
    },
    generate: unsupported,
    generateBatch: unsupported,
    setActivationTransform() {},
    setOutputTransform() {},
    setKvTransform() {},
    save: async () => unsupported(),
    dispose() {},
  };
}
