import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EndpointError } from '../../main/bench/errors.js';
import { OpenAIEndpointGenerator, truncateMiddle, cutAtStop } from '../../main/bench/generator.js';

type Handler = (path: string, body: Record<string, unknown>, req: IncomingMessage, res: ServerResponse) => void;

let server: Server;
let base = '';
let handler: Handler = () => {};
const seen: { path: string; body: Record<string, unknown>; auth?: string }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let data = '';
    req.on('data', (c) => (data += c));
    req.on('end', () => {
      const body = JSON.parse(data || '{}') as Record<string, unknown>;
      seen.push({ path: req.url ?? '', body, auth: req.headers.authorization });
      handler(req.url ?? '', body, req, res);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

function reply(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
}

/** A minimal OpenAI-compatible server: echoes the last message / prompt reversed. */
const protocol: Handler = (path, body, _req, res) => {
  if (path === '/v1/chat/completions') {
    const msgs = body.messages as { role: string; content: string }[];
    return reply(res, 200, { choices: [{ index: 0, message: { role: 'assistant', content: `chat:${msgs[msgs.length - 1].content}\nsecond line` }, finish_reason: 'stop' }] });
  }
  if (path === '/v1/completions') return reply(res, 200, { choices: [{ index: 0, text: `raw:${String(body.prompt)}`, finish_reason: 'stop' }] });
  reply(res, 404, { error: { message: 'no route' } });
};

describe('OpenAI-compatible endpoint generator', () => {
  it('chat and completions with temperature 0, max_tokens, stop, model and key', async () => {
    handler = protocol;
    seen.length = 0;
    const g = new OpenAIEndpointGenerator({ baseUrl: base + '/', model: 'tiny', apiKey: 'sekret', retries: 0 });
    expect(
      await g.chat(
        [
          { role: 'system', content: 's' },
          { role: 'user', content: 'hi' },
        ],
        { maxNewTokens: 7, stop: ['\n'] },
      ),
    ).toBe('chat:hi');
    expect(await g.complete('abc', { maxNewTokens: 3 })).toBe('raw:abc');
    expect(seen[0]).toMatchObject({ path: '/v1/chat/completions', auth: 'Bearer sekret', body: { model: 'tiny', temperature: 0, max_tokens: 7, stop: ['\n'] } });
    expect(seen[1]).toMatchObject({ path: '/v1/completions', body: { prompt: 'abc', temperature: 0 } });
    // a base URL that already ends in /v1 is not doubled
    const g2 = new OpenAIEndpointGenerator({ baseUrl: `${base}/v1`, model: 'tiny' });
    expect(await g2.complete('x', { maxNewTokens: 1 })).toBe('raw:x');
    expect(g.id).toBe(g2.id);
    expect(
      await g.generateMany(
        [
          { kind: 'raw', text: 'a' },
          { kind: 'chat', turns: [{ role: 'user', content: 'b' }] },
        ],
        { maxNewTokens: 2, stop: ['\n'] },
      ),
    ).toEqual(['raw:a', 'chat:b']);
  });
  it('retries 5xx with backoff, then succeeds', async () => {
    let n = 0;
    handler = (path, body, req, res) => (++n <= 2 ? reply(res, 503, 'busy') : protocol(path, body, req, res));
    const g = new OpenAIEndpointGenerator({ baseUrl: base, model: 'm', retries: 3, backoffMs: 5 });
    expect(await g.complete('ok', { maxNewTokens: 1 })).toBe('raw:ok');
    expect(n).toBe(3);
  });
  it('gives up after the retries with a clear error', async () => {
    let n = 0;
    handler = (_p, _b, _r, res) => {
      n++;
      reply(res, 500, 'boom');
    };
    const g = new OpenAIEndpointGenerator({ baseUrl: base, model: 'm', retries: 2, backoffMs: 1 });
    const e = await g.complete('x', { maxNewTokens: 1 }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(EndpointError);
    expect((e as Error).message).toMatch(/gave up after 3 tries: HTTP 500: boom/);
    expect(n).toBe(3);
  });
  it('4xx is not retried and names the status', async () => {
    let n = 0;
    handler = (_p, _b, _r, res) => {
      n++;
      reply(res, 404, { error: { message: 'model "m" not found' } });
    };
    const g = new OpenAIEndpointGenerator({ baseUrl: base, model: 'm', retries: 3, backoffMs: 1 });
    const e = await g.chat([{ role: 'user', content: 'x' }], { maxNewTokens: 1 }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(EndpointError);
    expect((e as EndpointError).status).toBe(404);
    expect((e as Error).message).toContain('model \\"m\\" not found');
    expect(n).toBe(1);
  });
  it('times out a silent server and retries, then reports the timeout', async () => {
    let n = 0;
    handler = () => {
      n++; // never answers
    };
    const g = new OpenAIEndpointGenerator({ baseUrl: base, model: 'm', retries: 1, backoffMs: 1, timeoutMs: 80 });
    await expect(g.complete('x', { maxNewTokens: 1 })).rejects.toThrow(/no answer within 80 ms/);
    expect(n).toBe(2);
  });
  it('network errors (nothing listening) are retried and reported', async () => {
    const g = new OpenAIEndpointGenerator({ baseUrl: 'http://127.0.0.1:1', model: 'm', retries: 1, backoffMs: 1 });
    await expect(g.complete('x', { maxNewTokens: 1 })).rejects.toThrow(/network error/);
  });
  it('a malformed completion is a clear error', async () => {
    handler = (_p, _b, _r, res) => reply(res, 200, { nothing: true });
    const g = new OpenAIEndpointGenerator({ baseUrl: base, model: 'm', retries: 0 });
    await expect(g.complete('x', { maxNewTokens: 1 })).rejects.toThrow(/non-empty "choices"/);
  });
  it('an aborted signal cancels', async () => {
    handler = () => {};
    const g = new OpenAIEndpointGenerator({ baseUrl: base, model: 'm', retries: 0, timeoutMs: 5000 });
    const ac = new AbortController();
    const p = g.complete('x', { maxNewTokens: 1, signal: ac.signal });
    setTimeout(() => ac.abort(), 20);
    await expect(p).rejects.toThrow(/cancelled/);
  });
});

describe('generator helpers', () => {
  it('middle truncation keeps the first and last halves', () => {
    expect(truncateMiddle([1, 2, 3, 4, 5, 6, 7], 4)).toEqual([1, 2, 6, 7]);
    expect(truncateMiddle([1, 2, 3, 4, 5, 6, 7], 5)).toEqual([1, 2, 5, 6, 7]);
    expect(truncateMiddle([1, 2], 5)).toEqual([1, 2]);
  });
  it('cuts at stop strings', () => {
    expect(cutAtStop('abc\ndef', ['\n'])).toBe('abc');
    expect(cutAtStop('abc', ['x'])).toBe('abc');
  });
});
