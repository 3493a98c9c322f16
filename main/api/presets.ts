// Built-in experiment presets (`acbench run builtin:demo`); the demo itself lives in the contract, which
// the renderer shares, so the CLI preset and the UI's first form are the same study.
import { DEMO_STUDY, type ExperimentSpecInput } from './contract.js';

export { DEMO_COMPRESSIONS, DEMO_GROUP_SIZE, DEMO_STUDY } from './contract.js';

export const PRESETS: Record<string, ExperimentSpecInput> = { 'builtin:demo': DEMO_STUDY };
