import { describe, expect, it } from 'vitest';
import { ApiCallError, asApiError, electronClient, NotAvailableYetError, parseOutput, type Bridge } from '../../renderer/api/client.js';

const run = { id: 'r1', experimentId: 'e1', status: 'done', specHash: 'h', createdAt: '2026-01-01T00:00:00Z', itemsDone: 1, itemsTotal: 1 };

describe('electron transport', () => {
  it('calls the bridge method of the same name and parses the answer (defaults filled)', async () => {
    const seen: unknown[] = [];
    const bridge: Bridge = { cancelRun: async (input: unknown) => (seen.push(input), run) };
    const out = await electronClient(bridge).cancelRun({ runId: 'r1' });
    expect(seen).toEqual([{ runId: 'r1' }]);
    expect(out.headline).toEqual({});
  });
  it('says "not available yet" for a method the preload lacks, and asks the bridge only once for pending calls', async () => {
    let calls = 0;
    const bridge: Bridge = {
      importBundle: async () => {
        calls++;
        throw new Error(`Error invoking remote method 'importBundle': Error: {"code":"not_found","message":"unknown call \\"importBundle\\""}`);
      },
    };
    const client = electronClient(bridge);
    await expect(client.info({})).rejects.toBeInstanceOf(NotAvailableYetError);
    await expect(client.importBundle({ fileName: 'b.json', content: '{}' })).rejects.toBeInstanceOf(NotAvailableYetError);
    await expect(client.importBundle({ fileName: 'b.json', content: '{}' })).rejects.toBeInstanceOf(NotAvailableYetError);
    expect(calls).toBe(1);
  });
  it('forwards progress subscriptions', () => {
    let listener: ((e: never) => void) | null = null;
    const off = electronClient({ onRunProgress: (l) => ((listener = l as never), () => (listener = null)) }).onRunProgress(() => {});
    expect(listener).not.toBeNull();
    off();
    expect(listener).toBeNull();
  });
});

describe('asApiError', () => {
  it('recovers {code, message} from an IPC error text', () => {
    const e = asApiError('startRun', new Error(`Error invoking remote method 'startRun': Error: {"code":"conflict","message":"run r1 is already running"}`));
    expect([e.code, e.message]).toEqual(['conflict', 'run r1 is already running']);
  });
  it('strips the IPC prefix from plain errors', () => {
    expect(asApiError('info', new Error("Error invoking remote method 'info': Error: disk full")).message).toBe('disk full');
  });
});

describe('parseOutput', () => {
  it('accepts a well-formed getRunResults answer and rejects a bad record, naming it', () => {
    const ok = { run, records: [{ key: 'k', kind: 'score', at: 't', data: { score: 1 } }], total: 1 };
    expect(parseOutput('getRunResults', ok).records).toHaveLength(1);
    const bad = { ...ok, records: [...ok.records, { key: 'k2', kind: 'weird', at: 't', data: {} }] };
    expect(() => parseOutput('getRunResults', bad)).toThrow(ApiCallError);
    expect(() => parseOutput('getRunResults', bad)).toThrow(/Result record 1 from getRunResults/);
  });
  it('names the first wrong field of other answers', () => {
    expect(() => parseOutput('deleteExperiment', { deleted: 'yes' })).toThrow(/deleted/);
  });
});

describe('electron extras', () => {
  it('maps the preload folder dialog to pickModelFolder and keeps the error code the preload sets', async () => {
    const client = electronClient({
      pickFolder: async () => '/models/qwen',
      info: async () => Promise.reject(Object.assign(new Error('disk unreadable'), { code: 'internal' })),
      startRun: async () => Promise.reject(Object.assign(new Error('run r1 is already running'), { code: 'conflict' })),
    });
    expect(await client.pickModelFolder({})).toEqual({ path: '/models/qwen' });
    await expect(client.startRun({ experimentId: 'e1' })).rejects.toMatchObject({ code: 'conflict', message: 'run r1 is already running' });
  });
  it('uses the preload print-to-PDF when present', async () => {
    let printed = 0;
    await electronClient({ printToPdf: async () => (printed++, '/tmp/x.pdf') }).printPage();
    expect(printed).toBe(1);
  });
});
