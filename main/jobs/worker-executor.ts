// Runs each run's pipeline in a child process, so the service keeps answering (and cancel keeps working) while a
// stage computes, and so a crash of native code (llama.cpp, a backend) or a runaway computation cannot take the
// service down: cancel asks the process to stop between items, and one stuck in a long computation is killed after
// a grace period — every finished item is already fsynced; a process that dies is reported with its exit code or signal.
import { fork, type ChildProcess } from 'node:child_process';
import { ResultsLog } from '../store/index.js';
import { prepareEngine } from '../tensor/index.js';
import { CancelledError, runPipeline } from './pipeline.js';
import type { Executor, ExecEvent, FinalStatus, RunRequest, StagePlanner } from './queue.js';

export type WorkerMessage = { type: 'event'; event: ExecEvent } | { type: 'finished'; status: FinalStatus; error?: string };
type ParentMessage = { type: 'run'; req: RunRequest } | { type: 'cancel' };

export function workerExecutor(workerFile: string, graceMs = 3000): Executor {
  return (req, onEvent) => {
    const child: ChildProcess = fork(workerFile, [], { serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let cancelled = false;
    let settled = false;
    const result = new Promise<{ status: FinalStatus; error?: string }>((resolve) => {
      const settle = (value: { status: FinalStatus; error?: string }) => {
        if (settled) return;
        settled = true;
        resolve(value);
        if (child.exitCode === null && child.signalCode === null) setTimeout(() => child.kill('SIGKILL'), graceMs).unref(); // it exits by itself after 'finished'
      };
      child.on('message', (m: WorkerMessage) => {
        if (m.type === 'event') onEvent(m.event);
        else settle({ status: m.status, error: m.error });
      });
      child.on('error', (error) => settle(cancelled ? { status: 'cancelled' } : { status: 'failed', error: error.message }));
      child.on('exit', (code, signal) =>
        settle(cancelled ? { status: 'cancelled' } : { status: 'failed', error: `the run's worker process stopped unexpectedly (${signal ? `signal ${signal}` : `exit code ${code}`}); finished items are kept and the run can be resumed` }),
      );
    });
    child.send({ type: 'run', req } satisfies ParentMessage);
    return {
      result,
      cancel() {
        cancelled = true;
        if (child.connected) child.send({ type: 'cancel' } satisfies ParentMessage);
        setTimeout(() => {
          if (!settled || (child.exitCode === null && child.signalCode === null)) child.kill('SIGKILL');
        }, graceMs).unref();
      },
    };
  };
}

/** The worker side: take the request from the parent, run it with the given planner, report, and exit. */
export async function serveRunInWorker(plan: StagePlanner): Promise<void> {
  if (!process.send) throw new Error('serveRunInWorker runs in a process forked with an IPC channel');
  const send = (m: WorkerMessage) => new Promise<void>((resolve) => process.send!(m, undefined, undefined, () => resolve()));
  const controller = new AbortController();
  const req = await new Promise<RunRequest>((resolve) =>
    process.on('message', (m: ParentMessage) => {
      if (m.type === 'run') resolve(m.req);
      else if (m.type === 'cancel') controller.abort();
    }),
  );
  process.on('disconnect', () => controller.abort()); // the service went away: stop at the next item
  const log = new ResultsLog(req.resultsFile);
  let final: WorkerMessage;
  try {
    await prepareEngine(); // the process's own tensor backend
    const stages = await plan(req, (headline) => void send({ type: 'event', event: { type: 'headline', headline } }));
    await runPipeline(stages, log, { signal: controller.signal, onProgress: (progress) => void send({ type: 'event', event: { type: 'progress', progress } }) });
    final = { type: 'finished', status: 'done' };
  } catch (error) {
    final = error instanceof CancelledError || controller.signal.aborted ? { type: 'finished', status: 'cancelled' } : { type: 'finished', status: 'failed', error: (error as Error).message };
  } finally {
    log.close();
  }
  if (process.connected) await send(final);
  process.exit(0); // native engines' threads and handles go with the process
}
