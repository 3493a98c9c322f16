// Runs each run's pipeline in a child process, so the service keeps answering (and cancel keeps working) while a
// stage computes, and so a crash of native code (llama.cpp, a backend) or a runaway computation cannot take the
// service down: cancel asks the process to stop between items, and one stuck in a long computation is killed after
// a grace period — every finished item is already fsynced; a process that dies is reported with its exit code or signal.
import { fork, type ChildProcess } from 'node:child_process';
import { ResultsLog } from '../store/index.js';
import { prepareEngine } from '../tensor/index.js';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CancelledError, runPipeline } from './pipeline.js';
import type { Executor, ExecEvent, FinalStatus, RunRequest, StagePlanner } from './queue.js';
import { planStages } from './stages/index.js';

/** One run from plan to its last stage, wherever it runs: its final status, a failure's message. */
async function executeRun(
  plan: StagePlanner,
  req: RunRequest,
  signal: AbortSignal,
  onEvent: (e: ExecEvent) => void,
  prepare?: () => Promise<unknown>,
): Promise<{ status: FinalStatus; error?: string }> {
  const log = new ResultsLog(req.resultsFile);
  try {
    await prepare?.();
    const stages = await plan(req, (headline) => onEvent({ type: 'headline', headline }));
    await runPipeline(stages, log, { signal, onProgress: (progress) => onEvent({ type: 'progress', progress }) });
    return { status: 'done' };
  } catch (error) {
    if (error instanceof CancelledError || signal.aborted) return { status: 'cancelled' };
    return { status: 'failed', error: (error as Error).message };
  } finally {
    log.close();
  }
}

/** Runs the pipeline in this process (tests, CLI). Stages must check ctx.signal between items. */
export function inProcessExecutor(plan: StagePlanner): Executor {
  return (req, onEvent) => {
    const controller = new AbortController();
    return { cancel: () => controller.abort(), result: executeRun(plan, req, controller.signal, onEvent) };
  };
}

/** The run worker when the built file is there (dist/main/run-worker.js), else in this process. */
export function defaultExecutor(spawn?: RunSpawner): Executor {
  // the run's entry (main/app/run-worker.ts) is bundled beside this code in dist/main/; from the sources, runs stay in this process
  const built = fileURLToPath(new URL('./run-worker.js', import.meta.url));
  return existsSync(built) ? workerExecutor(built, undefined, spawn) : inProcessExecutor(planStages);
}

export type WorkerMessage = { type: 'event'; event: ExecEvent } | { type: 'finished'; status: FinalStatus; error?: string };
export type ParentMessage = { type: 'run'; req: RunRequest } | { type: 'cancel' };

/** A run's process as the executor drives it: Node's fork here, an Electron utility process in the desktop app (forking needs ELECTRON_RUN_AS_NODE, which the app's fuses turn off). */
export interface RunProcess {
  send(message: ParentMessage): void;
  /** stop it at once (SIGKILL) */
  kill(): void;
  onMessage(listener: (message: WorkerMessage) => void): void;
  onExit(listener: (code: number | null, signal: string | null) => void): void;
  onError(listener: (error: Error) => void): void;
}

export type RunSpawner = (workerFile: string) => RunProcess;

/** Node's child_process.fork with an IPC channel. */
export const forkRunProcess: RunSpawner = (workerFile) => {
  const child: ChildProcess = fork(workerFile, [], { serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return {
    send: (m) => {
      if (child.connected) child.send(m);
    },
    kill: () => void child.kill('SIGKILL'),
    onMessage: (l) => void child.on('message', l),
    onExit: (l) => void child.on('exit', l),
    onError: (l) => void child.on('error', l),
  };
};

export function workerExecutor(workerFile: string, graceMs = 3000, spawn: RunSpawner = forkRunProcess): Executor {
  return (req, onEvent) => {
    const child = spawn(workerFile);
    let cancelled = false;
    let settled = false;
    let exited = false;
    const result = new Promise<{ status: FinalStatus; error?: string }>((resolve) => {
      const settle = (value: { status: FinalStatus; error?: string }) => {
        if (settled) return;
        settled = true;
        resolve(value);
        if (!exited) setTimeout(() => !exited && child.kill(), graceMs).unref(); // it exits by itself after 'finished'
      };
      child.onMessage((m) => {
        if (m.type === 'event') onEvent(m.event);
        else settle({ status: m.status, error: m.error });
      });
      child.onError((error) => settle(cancelled ? { status: 'cancelled' } : { status: 'failed', error: error.message }));
      child.onExit((code, signal) => {
        exited = true;
        settle(
          cancelled
            ? { status: 'cancelled' }
            : { status: 'failed', error: `the run's worker process stopped unexpectedly (${signal ? `signal ${signal}` : `exit code ${code}`}); finished items are kept and the run can be resumed` },
        );
      });
    });
    child.send({ type: 'run', req });
    return {
      result,
      cancel() {
        cancelled = true;
        child.send({ type: 'cancel' });
        setTimeout(() => {
          if (!settled || !exited) child.kill();
        }, graceMs).unref();
      },
    };
  };
}

/** The channel to the parent: Electron's parentPort in a utility process, else Node's IPC. */
function parentChannel(): { send(m: WorkerMessage): Promise<void>; onMessage(l: (m: ParentMessage) => void): void; connected(): boolean } {
  const port = (process as unknown as { parentPort?: { on(e: 'message', l: (e: { data: unknown }) => void): void; postMessage(m: unknown): void } }).parentPort;
  if (port) return { send: async (m) => port.postMessage(m), onMessage: (l) => port.on('message', (e) => l(e.data as ParentMessage)), connected: () => true };
  if (!process.send) throw new Error('serveRunInWorker runs in a process forked with an IPC channel or an Electron utility process');
  return {
    send: (m) => new Promise<void>((resolve) => process.send!(m, undefined, undefined, () => resolve())),
    onMessage: (l) => void process.on('message', l),
    connected: () => process.connected,
  };
}

/** The worker side: take the request from the parent, run it with the given planner, report, and exit. */
export async function serveRunInWorker(plan: StagePlanner): Promise<void> {
  const parent = parentChannel();
  const send = (m: WorkerMessage) => parent.send(m);
  const controller = new AbortController();
  const req = await new Promise<RunRequest>((resolve) =>
    parent.onMessage((m) => {
      if (m.type === 'run') resolve(m.req);
      else if (m.type === 'cancel') controller.abort();
    }),
  );
  process.on('disconnect', () => controller.abort()); // the service went away: stop at the next item
  // the process's own tensor backend first
  const final: WorkerMessage = { type: 'finished', ...(await executeRun(plan, req, controller.signal, (event) => void send({ type: 'event', event }), prepareEngine)) };
  if (parent.connected()) await send(final);
  process.exit(0); // native engines' threads and handles go with the process
}
