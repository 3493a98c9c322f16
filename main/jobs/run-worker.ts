// Worker-thread entry: runs one run's pipeline with the real stages.
import { serveRunInWorker } from './worker-executor.js';
import { planStages } from './stages.js';

await serveRunInWorker(planStages);
