// The one module that knows how the renderer reaches the service: Electron's preload bridge
// (window.acbench) when present, otherwise the web shell's HTTP + WebSocket API.
import { z } from 'zod';
import { calls, ResultRecord, RunProgress, type AcbenchApi, type CallName, type CallOutput } from '../../main/api/contract.js';
import { ApiCallError, backoffMs, errorFromResponse, NotAvailableYetError, takeToken } from './transport.js';

export { ApiCallError, NotAvailableYetError, describeError } from './transport.js';

type CallFn = (input: unknown) => Promise<unknown>;

/** Wraps a client's calls so that once the service said it lacks one, later attempts fail at once (no repeated 404s); a reload asks again. */
function rememberingUnavailable(): (name: string, fn: CallFn) => CallFn {
  const unavailable = new Set<string>();
  return (name, fn) => async (input) => {
    if (unavailable.has(name)) throw new NotAvailableYetError(name);
    try {
      return await fn(input);
    } catch (e) {
      if (e instanceof NotAvailableYetError) unavailable.add(name);
      throw e;
    }
  };
}

export type Client = AcbenchApi & {
  readonly transport: 'electron' | 'web';
  connection(listener: (state: ConnectionState) => void): () => void;
  /** the native folder dialog (Electron's preload pickFolder; not a service call): the chosen path, or null when cancelled */
  pickModelFolder(input: Record<string, never>): Promise<{ path: string | null }>;
  /** PDF of the page as the print stylesheet lays it out: Electron's print-to-PDF with a save dialog, or the browser's print dialog. Resolves when done. */
  printPage(): Promise<void>;
  /** the desktop app only: save an API key in the OS keychain (Electron safeStorage); resolves to its keychain: reference */
  saveSecret?: (key: string) => Promise<string>;
};
export type ConnectionState = 'connecting' | 'open' | 'closed';

/** What the preload exposes as window.acbench: one async method per call, plus onRunProgress. */
export type Bridge = { onRunProgress?: (listener: (e: RunProgress) => void) => () => void; [call: string]: unknown };
const method = (bridge: Bridge, name: string) => (typeof bridge[name] === 'function' ? (bridge[name] as (input: unknown) => Promise<unknown>) : undefined);

const RECORD_KINDS = new Set<string>(ResultRecord.shape.kind.options);
/** getRunResults can carry tens of thousands of records: check the envelope with zod and each record by hand. */
const RunResultsEnvelope = calls.getRunResults.output.extend({ records: z.array(z.unknown()) });

export function parseOutput<N extends CallName>(name: N, value: unknown): CallOutput<N> {
  if (name === 'getRunResults') {
    const env = RunResultsEnvelope.safeParse(value);
    if (!env.success)
      throw new ApiCallError(
        'internal',
        `The service's answer to getRunResults did not have the expected shape (${env.error.issues[0]?.path.join('.') || 'top level'}: ${env.error.issues[0]?.message}).`,
        name,
      );
    const bad = env.data.records.findIndex((r) => {
      const x = r as Partial<ResultRecord> | null;
      return !x || typeof x.key !== 'string' || typeof x.at !== 'string' || !RECORD_KINDS.has(x.kind as string) || !x.data || typeof x.data !== 'object';
    });
    if (bad >= 0) throw new ApiCallError('internal', `Result record ${bad} from getRunResults is not {key, kind, at, data}: ${JSON.stringify(env.data.records[bad])?.slice(0, 120)}`, name);
    return env.data as CallOutput<N>;
  }
  const parsed = calls[name].output.safeParse(value);
  if (!parsed.success)
    throw new ApiCallError(
      'internal',
      `The service's answer to ${name} did not have the expected shape (${parsed.error.issues[0]?.path.join('.') || 'top level'}: ${parsed.error.issues[0]?.message}).`,
      name,
    );
  return parsed.data as CallOutput<N>;
}

/** The Electron transport over the preload's bridge (exported for tests). */
export function electronClient(bridge: Bridge): Client {
  const client: Record<string, unknown> = { transport: 'electron' };
  const remember = rememberingUnavailable();
  for (const name of Object.keys(calls) as CallName[]) {
    client[name] = remember(name, async (input: unknown) => {
      const fn = method(bridge, name);
      if (typeof fn !== 'function') throw new NotAvailableYetError(name);
      try {
        return parseOutput(name, await fn(input ?? {}));
      } catch (e) {
        throw asApiError(name, e);
      }
    });
  }
  client.pickModelFolder = async () => {
    const pickFolder = method(bridge, 'pickFolder');
    if (!pickFolder) throw new NotAvailableYetError('pickModelFolder');
    return { path: ((await pickFolder({})) as string | null) ?? null };
  };
  client.onRunProgress = (listener: (e: RunProgress) => void) => bridge.onRunProgress?.(listener) ?? (() => {});
  const saveSecret = method(bridge, 'saveSecret');
  if (saveSecret) client.saveSecret = async (key: string) => String(await saveSecret(key));
  client.printPage = async () => {
    const printToPdf = method(bridge, 'printToPdf');
    if (printToPdf) await printToPdf({});
    else window.print();
  };
  client.connection = (listener: (s: ConnectionState) => void) => {
    listener('open');
    return () => {};
  };
  return client as unknown as Client;
}

/** Errors crossing the Electron bridge arrive as plain Errors whose message may carry a JSON {code, message}. */
export function asApiError(call: string, e: unknown): ApiCallError {
  if (e instanceof ApiCallError) return e;
  const code = (e as { code?: unknown } | null)?.code;
  const text = e instanceof Error ? e.message : String(e);
  const json = /\{.*\}/s.exec(text)?.[0];
  if (json) {
    try {
      const body = JSON.parse(json) as { code?: string; message?: string };
      if (body.code && body.message) return body.code === 'not_found' && /unknown call/.test(body.message) ? new NotAvailableYetError(call) : new ApiCallError(body.code, body.message, call);
    } catch {
      /* not JSON after all */
    }
  }
  return new ApiCallError(typeof code === 'string' ? code : 'internal', text.replace(/^Error invoking remote method '[^']*': (Error: )?/, ''), call);
}

function webClient(): Client {
  const token = takeToken({ href: location.href, storage: sessionStorage, replaceUrl: (u) => history.replaceState(history.state, '', u) });
  const post = async (name: string, input: unknown): Promise<unknown> => {
    let response: Response;
    try {
      response = await fetch(`/api/${name}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify(input ?? {}),
      });
    } catch {
      throw new ApiCallError('internal', `The service cannot be reached (calling ${name}). Is “acbench serve” still running?`, name);
    }
    const text = await response.text();
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      body = null;
    }
    if (!response.ok) throw errorFromResponse(name, response.status, body);
    return body;
  };
  const client: Record<string, unknown> = { transport: 'web', printPage: async () => window.print() };
  const remember = rememberingUnavailable();
  for (const name of Object.keys(calls) as CallName[]) client[name] = remember(name, async (input: unknown) => parseOutput(name, await post(name, input)));
  // a browser has no native folder dialog: the form asks for the path as text
  client.pickModelFolder = async () => {
    throw new NotAvailableYetError('pickModelFolder');
  };

  // Events: one WebSocket while anyone listens, reconnecting with backoff.
  const listeners = new Set<(e: RunProgress) => void>();
  const stateListeners = new Set<(s: ConnectionState) => void>();
  let state: ConnectionState = 'closed';
  let socket: WebSocket | null = null;
  let attempt = 0;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const setState = (s: ConnectionState) => {
    state = s;
    for (const l of stateListeners) l(s);
  };
  const open = () => {
    if (socket || !listeners.size) return;
    const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
    setState('connecting');
    const ws = new WebSocket(`${proto}//${location.host}/api/events?token=${encodeURIComponent(token ?? '')}`);
    socket = ws;
    ws.onopen = () => {
      attempt = 0;
      setState('open');
    };
    ws.onmessage = (msg) => {
      try {
        const parsed = JSON.parse(String(msg.data)) as { event?: string; data?: unknown };
        if (parsed.event !== 'runProgress') return;
        const event = RunProgress.safeParse(parsed.data);
        if (event.success) for (const l of listeners) l(event.data);
      } catch {
        /* a malformed event is dropped */
      }
    };
    ws.onclose = () => {
      socket = null;
      setState('closed');
      if (listeners.size) timer = setTimeout(open, backoffMs(attempt++));
    };
  };
  client.onRunProgress = (listener: (e: RunProgress) => void) => {
    listeners.add(listener);
    open();
    return () => {
      listeners.delete(listener);
      if (!listeners.size) {
        if (timer) clearTimeout(timer);
        timer = null;
        socket?.close();
        socket = null;
      }
    };
  };
  client.connection = (listener: (s: ConnectionState) => void) => {
    stateListeners.add(listener);
    listener(state);
    return () => stateListeners.delete(listener);
  };
  return client as unknown as Client;
}

let instance: Client | null = null;

/** The client for this window, created on first use. */
export function api(): Client {
  if (!instance) {
    const bridge = (globalThis as { acbench?: Bridge }).acbench;
    instance = bridge ? electronClient(bridge) : webClient();
  }
  return instance;
}

/** All records of a run, paging through getRunResults. */
export async function allRunRecords(runId: string, opts: { kinds?: ResultRecord['kind'][]; pageSize?: number } = {}) {
  const pageSize = opts.pageSize ?? 10_000;
  const kinds = opts.kinds;
  const first = await api().getRunResults({ runId, offset: 0, limit: pageSize, kinds });
  const records = [...first.records];
  while (records.length < first.total) {
    const next = await api().getRunResults({ runId, offset: records.length, limit: pageSize, kinds });
    if (!next.records.length) break;
    for (const r of next.records) records.push(r);
  }
  return { run: first.run, records, unreadable: first.unreadable ?? [] };
}
