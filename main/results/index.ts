// Door of main/results: what a run's results mean, shared by the service and the renderer — pure TypeScript, no Node
// imports but zod. The record shapes of results.jsonl, the capabilities and their order, capability scores, the series
// palette, the table writers and the task catalogue.
export * from './capabilities.js';
export * from './scores.js';
export * from './palette.js';
export * from './tables.js';
export * from './records.js';
export * from './tasks.js';
