// Built-in experiments (`acbench run builtin:demo`, and the New-experiment page's first form: one object for both).
import type { CompressionConfig } from './compression.js';
import type { ExperimentSpecInput } from './experiment.js';

// The demo study: acb-tiny, base + the study's compression methods, all four capabilities and the statistics,
// sized to finish in minutes on two cores.
const demoPrune = (method: 'magnitude' | 'wanda' | 'sparsegpt', pattern: 'unstructured' | '2:4', label: string): CompressionConfig => ({ method, sparsity: 0.5, pattern, label });

/** acb-tiny's widths (hidden 128, MLP 352) are multiples of 32, not of the study's 128: groups of 32 play g128's part. */
export const DEMO_GROUP_SIZE = 32;

export const DEMO_COMPRESSIONS: CompressionConfig[] = [
  { method: 'rtn', bits: 4, groupSize: DEMO_GROUP_SIZE, sym: false, label: 'RTN-W4' },
  { method: 'gptq', bits: 4, groupSize: DEMO_GROUP_SIZE, sym: true, actOrder: true, damp: 0.01, label: 'GPTQ-W4' },
  { method: 'gptq', bits: 3, groupSize: DEMO_GROUP_SIZE, sym: true, actOrder: true, damp: 0.01, label: 'GPTQ-W3' },
  { method: 'awq', bits: 4, groupSize: DEMO_GROUP_SIZE, label: 'AWQ-W4' },
  { method: 'smoothquant', alpha: 0.5, label: 'SmoothQuant-W8A8' },
  { method: 'fp8', fp8Granularity: 'tensor', label: 'FP8-tensor' },
  demoPrune('magnitude', 'unstructured', 'Magnitude-50%'),
  demoPrune('magnitude', '2:4', 'Magnitude-2:4'),
  demoPrune('wanda', 'unstructured', 'Wanda-50%'),
  demoPrune('wanda', '2:4', 'Wanda-2:4'),
  demoPrune('sparsegpt', 'unstructured', 'SparseGPT-50%'),
  demoPrune('sparsegpt', '2:4', 'SparseGPT-2:4'),
];

/** A sample limit keeps the demo to minutes; its results are marked "not for publication". */
export const DEMO_STUDY: ExperimentSpecInput = {
  name: 'Demo study (acb-tiny)',
  model: { kind: 'builtin', id: 'acb-tiny' },
  compressions: DEMO_COMPRESSIONS,
  calibration: { source: 'builtin', samples: 32, seqlen: 256, seed: 0 },
  benchmarks: { suite: 'builtin', tasks: ['t-eval', 'worfbench', 'longbench', 'longgenbench', 'niah', 'agentboard-pddl', 'agentboard-tool'], limit: 6 },
  analysis: { enabled: true, sequences: 8, seqlen: 128 },
  seed: 0,
  tags: ['demo'],
  notes: "The built-in demo: acb-tiny under the study's quantization and pruning methods, every capability, with a 6-item sample per task.",
};

/** The experiments `acbench run` knows by name. */
export const PRESETS: Record<string, ExperimentSpecInput> = { 'builtin:demo': DEMO_STUDY };
