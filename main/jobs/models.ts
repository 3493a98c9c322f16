// The models a run evaluates.
import type { CompressionConfig } from '../api/contract.js';

export interface ModelUnderTest {
  label: string;
  /** null for the base model */
  config: CompressionConfig | null;
  dir: string;
}
