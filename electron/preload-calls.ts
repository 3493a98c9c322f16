// The contract calls the preload exposes, kept literal so the sandboxed preload bundle stays small;
// a test checks it equals the contract's call names.
export const PRELOAD_CALLS = [
  'info',
  'engineStatus',
  'updateEngineSettings',
  'listExperiments',
  'getExperiment',
  'createExperiment',
  'updateExperiment',
  'deleteExperiment',
  'startRun',
  'listTasks',
  'preflight',
  'importBundle',
  'cancelRun',
  'getRunResults',
  'exportRun',
] as const;
