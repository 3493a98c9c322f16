// The models a run evaluates.
import type { CompressionConfig } from '../spec/index.js';

export interface ModelUnderTest {
  /** what the run's files are named by: "base", or "c<i>" for the spec's i-th configuration (never the user's label) */
  id: string;
  /** display text: results, charts and record keys (unique after normalisation, "base" reserved: the spec's rule) */
  label: string;
  /** null for the base model */
  config: CompressionConfig | null;
  dir: string;
}

/** The file-name id of the spec's i-th compression configuration. */
export const compressedModelId = (index: number): string => `c${index}`;
