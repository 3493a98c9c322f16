// Entry of Electron's utility process: the service host. Requests {id, name, input} arrive on the
// parent port; answers go back as {id, ok, value | error}; run progress as {event, data}.
import { createService } from './host.js';
import { ServiceError } from './api/service.js';

interface ParentPort {
  on(event: 'message', listener: (e: { data: unknown }) => void): void;
  postMessage(message: unknown): void;
}

const port = (process as unknown as { parentPort?: ParentPort }).parentPort;
if (!port) {
  console.error('service-host: no parent port; this file runs inside Electron (use `acbench serve` elsewhere)');
  process.exit(2);
}

const service = await createService('electron', { electronVersion: process.versions.electron ?? null });
service.events.on('runProgress', (data) => port.postMessage({ event: 'runProgress', data }));
setImmediate(() => service.warmDashboards()); // the latest run's dashboard parsed while the window loads
port.on('message', async ({ data }) => {
  const { id, name, input } = data as { id: number; name: string; input: unknown };
  try {
    port.postMessage({ id, ok: true, value: await service.dispatch(name, input) });
  } catch (error) {
    const e = error as Error;
    port.postMessage({ id, ok: false, error: { code: error instanceof ServiceError ? error.code : 'internal', message: e.message } });
  }
});
