// Sandboxed preload: exposes window.acbench with one method per contract call (no generic invoke),
// plus the native folder picker and print-to-PDF. Inputs are validated again in the service host.
import { contextBridge, ipcRenderer } from 'electron';

import { PRELOAD_CALLS } from './preload-calls.js';

async function invoke(channel: string, input: unknown): Promise<unknown> {
  const reply = (await ipcRenderer.invoke(channel, input)) as { ok: boolean; value?: unknown; error?: { code?: string; message?: string } };
  if (reply.ok) return reply.value;
  const error = new Error(reply.error?.message ?? 'unknown error') as Error & { code?: string };
  error.code = reply.error?.code ?? 'internal';
  throw error;
}

const api: Record<string, unknown> = {};
for (const name of PRELOAD_CALLS) api[name] = (input: unknown) => invoke(`acbench:${name}`, input ?? {});
api.onRunProgress = (listener: (event: unknown) => void) => {
  const wrapped = (_e: unknown, data: unknown) => listener(data);
  ipcRenderer.on('acbench:runProgress', wrapped);
  return () => ipcRenderer.removeListener('acbench:runProgress', wrapped);
};
api.pickFolder = () => ipcRenderer.invoke('acbench:pickFolder') as Promise<string | null>;
api.printToPdf = () => ipcRenderer.invoke('acbench:printToPdf') as Promise<string | null>;
api.saveSecret = (key: string) => ipcRenderer.invoke('acbench:saveSecret', key) as Promise<string>;
api.shell = 'electron';

contextBridge.exposeInMainWorld('acbench', Object.freeze(api));
