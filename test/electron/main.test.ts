// Issue 20, item 7: the Electron main process's handlers, run against a fake `electron` module (test/fixtures/fake-electron.ts).
import { beforeAll, describe, expect, it } from 'vitest';
import { buildSync } from 'esbuild';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isOurPage, rendererPrefix } from '../../electron/links.js';
import { repoRoot } from '../helpers/bundle.js';
import { tempDir } from '../helpers/tmp.js';
import type { FakeBrowserWindow, FakeElectronState, FakeUtilityProcess, FakeWebContents } from '../fixtures/fake-electron.js';

let fake: FakeElectronState;
let root: string;
let prefix: string;
let win: FakeBrowserWindow;
let host: FakeUtilityProcess;

beforeAll(async () => {
  // the main process bundled as the build bundles it, `electron` swapped for the fake, laid out as dist/electron/main.cjs
  root = tempDir();
  mkdirSync(join(root, 'dist', 'electron'), { recursive: true });
  const outfile = join(root, 'dist', 'electron', 'main.cjs');
  buildSync({
    entryPoints: [join(repoRoot, 'electron', 'main.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    alias: { electron: join(repoRoot, 'test', 'fixtures', 'fake-electron.ts') },
    logLevel: 'error',
  });
  const require = createRequire(outfile);
  require(outfile);
  fake = (globalThis as { __fakeElectron?: FakeElectronState }).__fakeElectron!;
  fake.userData = tempDir();
  await new Promise((r) => setTimeout(r, 10)); // app.whenReady().then(…)
  prefix = pathToFileURL(join(root, 'dist', 'renderer')).href + '/';
  win = fake.windows[0];
  host = fake.forks[0];
});

const ipcEvent = (sender: unknown, url: string) => ({ sender, senderFrame: { url } });

describe('Electron main process', () => {
  it('opens one sandboxed, isolated window without node, webviews or middle-click windows, on our page', () => {
    expect(fake.sandboxEnabled).toBe(true);
    expect(fake.windows).toHaveLength(1);
    expect(win.options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false,
      disableBlinkFeatures: 'Auxclick',
      allowRunningInsecureContent: false,
    });
    expect(win.loaded).toBe(join(root, 'dist', 'renderer', 'index.html'));
    expect(host.file).toBe(join(root, 'dist', 'main', 'service-host.js'));
  });

  it('refuses every permission request and check, and sends the CSP with every response', () => {
    let granted: boolean | undefined;
    fake.permissionRequest!({}, 'media', (g) => (granted = g));
    expect(granted).toBe(false);
    expect(fake.permissionCheck!({}, 'clipboard-read')).toBe(false);
    let headers: Record<string, string[]> = {};
    fake.onHeadersReceived!({ responseHeaders: {} }, (r) => (headers = r.responseHeaders));
    expect(headers['Content-Security-Policy'][0]).toMatch(/script-src 'self'/);
  });

  it('denies new windows, opening only the allow-listed addresses (exactly) in the system browser', () => {
    const wc = win.webContents as FakeWebContents;
    for (const url of [
      'https://evil.example/x',
      'http://github.com/ggml-org/llama.cpp',
      'javascript:alert(1)',
      'file:///etc/passwd',
      'https://user:pw@github.com/ggml-org/llama.cpp',
      'https://github.com.evil.example/ggml-org/llama.cpp',
    ])
      expect(wc.windowOpenHandler!({ url }), url).toEqual({ action: 'deny' });
    expect(fake.openedExternally).toEqual([]);
    expect(wc.windowOpenHandler!({ url: 'https://github.com/ggml-org/llama.cpp/../../evil' })).toEqual({ action: 'deny' });
    expect(fake.openedExternally).toEqual([]);
    expect(wc.windowOpenHandler!({ url: 'https://github.com/ggml-org/llama.cpp' })).toEqual({ action: 'deny' });
    expect(fake.openedExternally).toEqual(['https://github.com/ggml-org/llama.cpp']);
  });

  it('refuses navigation and redirects away from the renderer folder, including a sibling folder with the same prefix', () => {
    const wc = win.webContents as FakeWebContents;
    const attempt = (event: string, url: string) => {
      let prevented = false;
      wc.emit(event, { preventDefault: () => (prevented = true) }, url);
      return prevented;
    };
    expect(attempt('will-navigate', `${prefix}index.html#/results`)).toBe(false);
    expect(attempt('will-navigate', 'https://evil.example/')).toBe(true);
    expect(attempt('will-navigate', prefix.slice(0, -1) + '-evil/index.html')).toBe(true);
    expect(attempt('will-redirect', 'https://evil.example/')).toBe(true);
    let webview = false;
    wc.emit('will-attach-webview', { preventDefault: () => (webview = true) });
    expect(webview).toBe(true);
  });

  it("forwards contract calls from our page only, and answers with the service host's reply", async () => {
    const call = fake.ipc.get('acbench:listExperiments')!;
    await expect(Promise.resolve().then(() => call(ipcEvent(win.webContents, prefix.slice(0, -1) + '-evil/index.html'), {}))).rejects.toThrow(/refused/);
    await expect(Promise.resolve().then(() => call(ipcEvent({}, `${prefix}index.html`), {}))).rejects.toThrow(/refused/);
    const answer = call(ipcEvent(win.webContents, `${prefix}index.html`), {}) as Promise<unknown>;
    const request = host.posted.at(-1) as { id: number; name: string };
    expect(request.name).toBe('listExperiments');
    host.emit('message', { id: request.id, ok: true, value: [] });
    expect(await answer).toEqual({ ok: true, value: [] });
  });

  it('keeps API keys in the OS keychain (safeStorage): the page gets a reference, the service host the key on request', async () => {
    const save = fake.ipc.get('acbench:saveSecret')!;
    await expect(Promise.resolve().then(() => save(ipcEvent({}, `${prefix}index.html`), 'sk-123'))).rejects.toThrow(/refused/);
    const ref = (await save(ipcEvent(win.webContents, `${prefix}index.html`), 'sk-123')) as string;
    expect(ref).toMatch(/^keychain:[0-9a-f]{24}$/);
    expect(readFileSync(join(fake.userData, 'keychain.json'), 'utf8')).not.toContain('sk-123');
    host.emit('message', { secretRequest: 7, keyId: ref.slice('keychain:'.length) });
    expect(host.posted.at(-1)).toEqual({ secretReply: 7, value: 'sk-123' });
    host.emit('message', { secretRequest: 8, keyId: 'nope' });
    expect(host.posted.at(-1)).toMatchObject({ secretReply: 8, error: expect.stringMatching(/no key keychain:nope/) });
  });

  it('starts each run in its own utility process for the service host and relays its messages, kill and exit', () => {
    host.emit('message', { spawnRun: 3, file: '/app/dist/main/run-worker.js' });
    const run = fake.forks.at(-1)!;
    expect(run.file).toBe('/app/dist/main/run-worker.js');
    host.emit('message', { toRun: 3, message: { type: 'cancel' } });
    expect(run.posted).toEqual([{ type: 'cancel' }]);
    run.emit('message', { type: 'event', event: { type: 'headline', headline: {} } });
    expect(host.posted.at(-1)).toEqual({ fromRun: 3, message: { type: 'event', event: { type: 'headline', headline: {} } } });
    host.emit('message', { killRun: 3 });
    expect(run.killed).toBe(true);
    run.emit('exit', 9);
    expect(host.posted.at(-1)).toEqual({ runExit: 3, code: 9, signal: null });
  });
});

describe('link and page rules', () => {
  it('checks the renderer prefix with its trailing separator', () => {
    const p = rendererPrefix('/app/dist/renderer');
    expect(p).toBe('file:///app/dist/renderer/');
    expect(isOurPage('file:///app/dist/renderer/index.html', p)).toBe(true);
    expect(isOurPage('file:///app/dist/renderer-evil/index.html', p)).toBe(false);
  });
});
