// The models a run evaluates, and how a saved one is opened for inference.
import type { CompressionConfig } from '../api/contract.js';
import { loadModel, type CausalLM } from '../model/index.js';
import { restoreRuntimeTransforms } from '../compress/index.js';

export interface ModelUnderTest {
  label: string;
  /** null for the base model */
  config: CompressionConfig | null;
  dir: string;
}

/** Load a model folder with the inference-time transforms its compression recorded. */
export async function openModel(dir: string): Promise<CausalLM> {
  const model = await loadModel(dir);
  restoreRuntimeTransforms(model); // SmoothQuant's activation quantization and KV-cache quantization live at inference
  return model;
}
