// The models a run evaluates, and how a saved one is opened for computing with it.
import type { CompressionConfig } from '../api/contract.js';
import { loadModel, type CausalLM } from '../model/index.js';

export interface ModelUnderTest {
  label: string;
  /** null for the base model */
  config: CompressionConfig | null;
  dir: string;
}

/** Load a model folder on our engine; loadModel applies the runtime transforms its compression recorded. */
export function openModel(dir: string): Promise<CausalLM> {
  return loadModel(dir);
}
