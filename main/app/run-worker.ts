// Entry of a run's process (a forked child, or an Electron utility process): runs one run's pipeline with the real stages.
import { planStages, serveRunInWorker } from '../jobs/index.js';

await serveRunInWorker(planStages);
