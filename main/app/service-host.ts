// Entry of Electron's utility process: the service host. Requests {id, name, input} arrive on the
// parent port; answers go back as {id, ok, value | error}; run progress as {event, data}. Two things only the main
// process can do are asked of it over the same port: start a run's utility process (forking needs ELECTRON_RUN_AS_NODE,
// which the app's fuses turn off) and read a key from the OS keychain (safeStorage lives in the main process).
import { createService } from './host.js';
import { ServiceError } from '../api/index.js';
import type { RunProcess, WorkerMessage } from '../jobs/index.js';

interface ParentPort {
  on(event: 'message', listener: (e: { data: unknown }) => void): void;
  postMessage(message: unknown): void;
}

const port = (process as unknown as { parentPort?: ParentPort }).parentPort;
if (!port) {
  console.error('service-host: no parent port; this file runs inside Electron (use `acbench serve` elsewhere)');
  process.exit(2);
}

let nextRun = 1;
const runs = new Map<number, { message: (m: WorkerMessage) => void; exit: (code: number | null, signal: string | null) => void; error: (e: Error) => void }>();
let nextSecret = 1;
const secrets = new Map<number, { resolve(v: string): void; reject(e: Error): void }>();

/** A run's process, started by the main process as a utility process and relayed through it. */
function spawnRun(workerFile: string): RunProcess {
  const id = nextRun++;
  const listeners = { message: (_m: WorkerMessage) => {}, exit: (_c: number | null, _s: string | null) => {}, error: (_e: Error) => {} };
  runs.set(id, listeners);
  port!.postMessage({ spawnRun: id, file: workerFile });
  return {
    send: (message) => port!.postMessage({ toRun: id, message }),
    kill: () => port!.postMessage({ killRun: id }),
    onMessage: (l) => (listeners.message = l),
    onExit: (l) => (listeners.exit = l),
    onError: (l) => (listeners.error = l),
  };
}

function keychain(id: string): Promise<string> {
  const request = nextSecret++;
  return new Promise((resolve, reject) => {
    secrets.set(request, { resolve, reject });
    port!.postMessage({ secretRequest: request, keyId: id });
  });
}

const service = await createService('electron', { electronVersion: process.versions.electron ?? null, spawn: spawnRun, keychain });
service.events.on('runProgress', (data) => port.postMessage({ event: 'runProgress', data }));
setImmediate(() => service.warmDashboards()); // the latest run's dashboard parsed while the window loads
port.on('message', async ({ data }) => {
  const m = data as {
    id?: number;
    name?: string;
    input?: unknown;
    fromRun?: number;
    message?: WorkerMessage;
    runExit?: number;
    code?: number | null;
    signal?: string | null;
    runError?: number;
    error?: string;
    secretReply?: number;
    value?: string;
  };
  if (m.fromRun !== undefined) return runs.get(m.fromRun)?.message(m.message!);
  if (m.runExit !== undefined) {
    runs.get(m.runExit)?.exit(m.code ?? null, m.signal ?? null);
    return void runs.delete(m.runExit);
  }
  if (m.runError !== undefined) return runs.get(m.runError)?.error(new Error(m.error ?? 'the run process could not start'));
  if (m.secretReply !== undefined) {
    const waiter = secrets.get(m.secretReply);
    secrets.delete(m.secretReply);
    if (m.value !== undefined) waiter?.resolve(m.value);
    else waiter?.reject(new ServiceError('invalid_input', m.error ?? 'the key could not be read from the keychain'));
    return;
  }
  const { id, name, input } = m as { id: number; name: string; input: unknown };
  try {
    port.postMessage({ id, ok: true, value: await service.dispatch(name, input) });
  } catch (error) {
    const e = error as Error;
    port.postMessage({ id, ok: false, error: { code: error instanceof ServiceError ? error.code : 'internal', message: e.message } });
  }
});
