// Door of main/store: the experiment index (lowdb) and per-run results (JSONL).
export * from './history.js';
export * from './results.js';
export * from './paths.js';
