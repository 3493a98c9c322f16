// The web shell: the built renderer and the service contract over HTTP + WebSocket, on 127.0.0.1
// only, behind a random per-launch token. Static files need no token; every /api/ request does.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { AcbenchService, ServiceError } from '../api/index.js';
import { CONTENT_SECURITY_POLICY, type ApiError, type RunProgress } from '../api/index.js';

const MAX_BODY_BYTES = 1 << 20;
/** calls that carry a file's content may send more */
const LARGE_BODY_CALLS: Record<string, number> = { importBundle: 64 * 2 ** 20 };

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
  '.map': 'application/json; charset=utf-8',
};

export interface WebShell {
  server: Server;
  port: number;
  token: string;
  url: string;
  close(): Promise<void>;
}

export interface WebShellOptions {
  service: AcbenchService;
  staticDir: string;
  port?: number;
  token?: string;
  /** a request whose headers and body have not arrived by then is answered 408 and its socket closed (Node's default is 300 s) */
  requestTimeoutMs?: number;
}

/** Long enough for a 64 MB bundle over loopback, short enough that slow-body sockets cannot pile up. */
export const REQUEST_TIMEOUT_MS = 30_000;

function tokenMatches(expected: string, given: string | null | undefined): boolean {
  if (!given) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function sendError(res: ServerResponse, status: number, error: ApiError): void {
  sendJson(res, status, error);
}

const STATUS_FOR_CODE: Record<ApiError['code'], number> = { invalid_input: 400, unauthorized: 401, not_found: 404, conflict: 409, unsupported: 422, internal: 500 };

function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolveBody, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk); // past the limit: drain and drop, answer once it ends
    });
    req.on('end', () => {
      if (size > limit) reject(new ServiceError('invalid_input', `request body is ${size} bytes; expected at most ${limit}`));
      else resolveBody(Buffer.concat(chunks).toString('utf8'));
    });
    req.on('error', reject);
  });
}

/** Only our own origin may call: blocks DNS-rebinding pages that point a hostname at 127.0.0.1. */
function hostAllowed(host: string | undefined, port: number): boolean {
  return host === `127.0.0.1:${port}` || host === `localhost:${port}`;
}

export async function startWebShell(opts: WebShellOptions): Promise<WebShell> {
  const token = opts.token ?? randomBytes(24).toString('base64url');
  const root = resolve(opts.staticDir);
  let port = 0;

  const server = createServer({ connectionsCheckingInterval: Math.min(1000, opts.requestTimeoutMs ?? REQUEST_TIMEOUT_MS) }, async (req, res) => {
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('referrer-policy', 'no-referrer');
    res.setHeader('x-frame-options', 'DENY');
    if (!hostAllowed(req.headers.host, port)) return sendError(res, 403, { code: 'unauthorized', message: `host ${req.headers.host ?? '(none)'} is not this server (expected 127.0.0.1:${port})` });
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    if (url.pathname.startsWith('/api/')) return handleApi(req, res, url);
    return serveStatic(req, res, url);
  });

  async function handleApi(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const auth = req.headers.authorization;
    const given = auth?.startsWith('Bearer ') ? auth.slice(7) : null;
    if (!tokenMatches(token, given)) return sendError(res, 401, { code: 'unauthorized', message: 'missing or wrong token: send "Authorization: Bearer <token>" with the token printed at launch' });
    const name = url.pathname.slice('/api/'.length);
    if (req.method !== 'POST') return sendError(res, 405, { code: 'invalid_input', message: `expected POST /api/${name}, found ${req.method}` });
    try {
      const text = await readBody(req, LARGE_BODY_CALLS[name] ?? MAX_BODY_BYTES);
      let input: unknown = {};
      if (text.trim()) {
        try {
          input = JSON.parse(text);
        } catch {
          throw new ServiceError('invalid_input', `expected a JSON body, found ${JSON.stringify(text.slice(0, 40))}`);
        }
      }
      const output = await opts.service.dispatch(name, input);
      sendJson(res, 200, output);
    } catch (error) {
      if (error instanceof ServiceError) return sendError(res, STATUS_FOR_CODE[error.code], { code: error.code, message: error.message });
      sendError(res, 500, { code: 'internal', message: (error as Error).message });
    }
  }

  function serveStatic(req: IncomingMessage, res: ServerResponse, url: URL): void {
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendError(res, 405, { code: 'invalid_input', message: `expected GET, found ${req.method}` });
    let rel: string;
    try {
      rel = decodeURIComponent(url.pathname);
    } catch {
      return sendError(res, 400, { code: 'invalid_input', message: 'malformed path' });
    }
    const file = normalize(join(root, rel === '/' ? 'index.html' : rel));
    if (file !== root && !file.startsWith(root + sep)) return sendError(res, 403, { code: 'unauthorized', message: 'path outside the app' });
    const target = existsSync(file) && statSync(file).isFile() ? file : join(root, 'index.html');
    if (!existsSync(target)) return sendError(res, 404, { code: 'not_found', message: `the renderer is not built (no ${target}); run "npm run build"` });
    res.writeHead(200, {
      'content-type': MIME[extname(target)] ?? 'application/octet-stream',
      'content-security-policy': CONTENT_SECURITY_POLICY,
      'cache-control': target.endsWith('index.html') ? 'no-store' : 'max-age=3600',
    });
    if (req.method === 'HEAD') return void res.end();
    createReadStream(target).pipe(res);
  }

  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  const sockets = new Set<WebSocket>();
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    if (url.pathname !== '/api/events' || !hostAllowed(req.headers.host, port) || !tokenMatches(token, url.searchParams.get('token'))) {
      socket.write('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n');
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      ws.on('close', () => sockets.delete(ws));
      ws.on('message', () => ws.close(1003, 'this socket only sends events'));
    });
  });
  const onProgress = (event: RunProgress) => {
    const text = JSON.stringify({ event: 'runProgress', data: event });
    for (const ws of sockets) if (ws.readyState === ws.OPEN) ws.send(text);
  };
  opts.service.events.on('runProgress', onProgress);

  // slow or stalled clients: headers and the whole body within the request timeout, checked often enough to matter
  const requestTimeout = opts.requestTimeoutMs ?? REQUEST_TIMEOUT_MS;
  server.requestTimeout = requestTimeout;
  server.headersTimeout = Math.min(requestTimeout, 10_000);
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolveListen());
  });
  const address = server.address();
  port = typeof address === 'object' && address ? address.port : 0;
  // the first dashboard after start-up is usually the latest run: parse it while the page loads
  setImmediate(() => opts.service.warmDashboards());
  const url = `http://127.0.0.1:${port}/?token=${token}`;
  return {
    server,
    port,
    token,
    url,
    close: async () => {
      opts.service.events.off('runProgress', onProgress);
      for (const ws of sockets) ws.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
