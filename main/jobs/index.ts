// Door of main/jobs: a run's plan (every check before it starts, and the pre-flight), its stages, the executors that
// run them (in this process or a run process of its own), the queue, progress.
export * from './progress.js';
export * from './pipeline.js';
export * from './queue.js';
export * from './executors.js';
export * from './plan.js';
export { planStages, PipelineSpecError } from './stages/index.js';
