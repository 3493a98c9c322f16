import { afterEach, describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'node:http';
import WebSocket from 'ws';
import { startWebShell, type WebShell } from '../../main/app/index.js';
import { openTestService, minimalSpec } from '../helpers/service.js';
import { tempDir } from '../helpers/tmp.js';

let shell: WebShell | undefined;
afterEach(async () => {
  await shell?.close();
  shell = undefined;
});

async function start() {
  const home = tempDir();
  const staticDir = join(home, 'static');
  mkdirSync(staticDir);
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>ACBench</title>');
  writeFileSync(join(home, 'secret.txt'), 'secret');
  const service = await openTestService(home);
  shell = await startWebShell({ service, staticDir });
  return { shell, home, service };
}

function raw(port: number, path: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'GET', headers }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('web shell', () => {
  it('binds to 127.0.0.1 and prints a tokenised URL', async () => {
    const { shell } = await start();
    expect(shell.url).toBe(`http://127.0.0.1:${shell.port}/?token=${shell.token}`);
    expect((shell.server.address() as { address: string }).address).toBe('127.0.0.1');
    expect(shell.token.length).toBeGreaterThanOrEqual(32);
  });

  it('answers 401 to API requests without a valid token, 200 with it', async () => {
    const { shell } = await start();
    const base = `http://127.0.0.1:${shell.port}`;
    const none = await fetch(`${base}/api/info`, { method: 'POST', body: '{}' });
    expect(none.status).toBe(401);
    expect((await none.json()).code).toBe('unauthorized');
    const wrong = await fetch(`${base}/api/info`, { method: 'POST', body: '{}', headers: { authorization: 'Bearer nope' } });
    expect(wrong.status).toBe(401);
    const ok = await fetch(`${base}/api/info`, { method: 'POST', body: '{}', headers: { authorization: `Bearer ${shell.token}` } });
    expect(ok.status).toBe(200);
    expect((await ok.json()).app).toBe('ACBench Studio');
  });

  it('validates bodies and maps errors to status codes with messages', async () => {
    const { shell } = await start();
    const post = (path: string, body: string) => fetch(`http://127.0.0.1:${shell.port}/api/${path}`, { method: 'POST', body, headers: { authorization: `Bearer ${shell.token}` } });
    const bad = await post('createExperiment', JSON.stringify({ spec: { name: 'x', model: { kind: 'local' } } }));
    expect(bad.status).toBe(400);
    expect((await bad.json()).message).toMatch(/spec\.model\.path/);
    expect((await post('createExperiment', '{not json')).status).toBe(400);
    expect((await post('getExperiment', JSON.stringify({ id: 'exp-nope' }))).status).toBe(404);
    const created = await post('createExperiment', JSON.stringify({ spec: minimalSpec }));
    expect(created.status).toBe(200);
    expect((await post('nothing', '{}')).status).toBe(404);
    expect((await post('info', 'x'.repeat(1_100_000))).status).toBe(400);
  });

  it('serves static files without a token, with a strict CSP, and never outside its folder', async () => {
    const { shell } = await start();
    const page = await fetch(`http://127.0.0.1:${shell.port}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const escape = await raw(shell.port, '/../secret.txt', { host: `127.0.0.1:${shell.port}` });
    expect(escape.body).not.toContain('secret');
    const encoded = await raw(shell.port, '/%2e%2e/secret.txt', { host: `127.0.0.1:${shell.port}` });
    expect(encoded.body).not.toContain('secret');
  });

  it('refuses a foreign Host header (DNS rebinding)', async () => {
    const { shell } = await start();
    const res = await raw(shell.port, '/api/info', { host: 'evil.example:80', authorization: `Bearer ${shell.token}` });
    expect(res.status).toBe(403);
  });

  it('streams run progress over an authenticated WebSocket only', async () => {
    const { shell, service } = await start();
    const refused = new WebSocket(`ws://127.0.0.1:${shell.port}/api/events?token=wrong`);
    await new Promise((resolve) => refused.on('error', resolve));
    const ws = new WebSocket(`ws://127.0.0.1:${shell.port}/api/events?token=${shell.token}`);
    await new Promise((resolve) => ws.on('open', resolve));
    const events: { event: string; data: { status: string } }[] = [];
    ws.on('message', (m) => events.push(JSON.parse(String(m))));
    const post = (path: string, body: unknown) =>
      fetch(`http://127.0.0.1:${shell.port}/api/${path}`, { method: 'POST', body: JSON.stringify(body), headers: { authorization: `Bearer ${shell.token}` } }).then((r) => r.json());
    const exp = await post('createExperiment', { spec: minimalSpec });
    await post('startRun', { experimentId: exp.id });
    await new Promise<void>((resolve) => {
      const check = setInterval(() => {
        if (events.some((e) => e.data.status === 'done')) {
          clearInterval(check);
          resolve();
        }
      }, 10);
    });
    expect(events.every((e) => e.event === 'runProgress')).toBe(true);
    ws.close();
    await service.idle(); // the finished run's history write lands before the temporary home is removed (else ENOTEMPTY under load)
  });
});
