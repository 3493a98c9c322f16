// Door of main/spec: what an experiment is — its schemas, each configuration's label, the model folder it names, the
// presets. Pure (zod and compress's rule registry only, no node: imports): the service, the jobs and the renderer share it.
export * from './compression.js';
export * from './experiment.js';
export * from './presets.js';
