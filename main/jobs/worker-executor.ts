// Runs each run's pipeline in a worker thread, so the service keeps answering (and cancel keeps
// working) while a stage computes. Cancel asks the worker to stop between items; a worker stuck in a
// long computation is terminated after a grace period — every finished item is already fsynced.
import { Worker, parentPort, workerData } from 'node:worker_threads';
import { ResultsLog } from '../store/index.js';
import { prepareEngine } from '../tensor/index.js';
import { CancelledError, runPipeline } from './pipeline.js';
import type { Executor, ExecEvent, FinalStatus, RunRequest, StagePlanner } from './queue.js';

export type WorkerMessage = { type: 'event'; event: ExecEvent } | { type: 'finished'; status: FinalStatus; error?: string };

export function workerExecutor(workerFile: string, graceMs = 3000): Executor {
  return (req, onEvent) => {
    const worker = new Worker(workerFile, { workerData: req });
    let cancelled = false;
    let settled = false;
    const result = new Promise<{ status: FinalStatus; error?: string }>((resolve) => {
      const settle = (value: { status: FinalStatus; error?: string }) => {
        if (settled) return;
        settled = true;
        resolve(value);
        void worker.terminate();
      };
      worker.on('message', (m: WorkerMessage) => {
        if (m.type === 'event') onEvent(m.event);
        else settle({ status: m.status, error: m.error });
      });
      worker.on('error', (error) => settle(cancelled ? { status: 'cancelled' } : { status: 'failed', error: error.message }));
      worker.on('exit', (code) => settle(cancelled ? { status: 'cancelled' } : { status: 'failed', error: `the run's worker stopped unexpectedly (exit code ${code})` }));
    });
    return {
      result,
      cancel() {
        cancelled = true;
        worker.postMessage({ type: 'cancel' });
        setTimeout(() => {
          if (!settled) void worker.terminate();
        }, graceMs).unref();
      },
    };
  };
}

/** The worker side: run the request in workerData with the given planner, report, and exit. */
export async function serveRunInWorker(plan: StagePlanner): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('serveRunInWorker runs inside a worker thread');
  const req = workerData as RunRequest;
  const controller = new AbortController();
  port.on('message', (m: { type: string }) => {
    if (m.type === 'cancel') controller.abort();
  });
  const send = (m: WorkerMessage) => port.postMessage(m);
  const log = new ResultsLog(req.resultsFile);
  try {
    await prepareEngine(); // each worker thread has its own backend
    const stages = await plan(req, (headline) => send({ type: 'event', event: { type: 'headline', headline } }));
    await runPipeline(stages, log, { signal: controller.signal, onProgress: (progress) => send({ type: 'event', event: { type: 'progress', progress } }) });
    send({ type: 'finished', status: 'done' });
  } catch (error) {
    if (error instanceof CancelledError || controller.signal.aborted) send({ type: 'finished', status: 'cancelled' });
    else send({ type: 'finished', status: 'failed', error: (error as Error).message });
  } finally {
    log.close();
    port.close();
  }
}
