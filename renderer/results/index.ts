// The results room's door: view-model adapters and pure computations for the dashboards.
export * from './types.js';
export * from './records.js';
export * from './drops.js';
export * from './recommend.js';
export * from './memory.js';
export * from './items.js';
export * from './paper.js';
export * from './figures.js';
