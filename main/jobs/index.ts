// Door of main/jobs: the run queue, the stage pipeline, progress and executors.
export * from './progress.js';
export * from './pipeline.js';
export * from './queue.js';
export * from './worker-executor.js';
export { planStages, defaultExecutor, PipelineSpecError } from './stages.js';
