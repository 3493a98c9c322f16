// Electron shell: app lifecycle, the window, the service host in a utility process, and IPC wiring.
// The window is sandboxed with context isolation; only the preload's narrow API reaches IPC, and
// every message is checked to come from our own page before it is forwarded. Navigation, redirects, new windows,
// permissions and webviews are refused; links leave for the system browser only to an allow-list of exact addresses.
import { app, BrowserWindow, ipcMain, dialog, safeStorage, session, shell, utilityProcess, type IpcMainInvokeEvent, type UtilityProcess, type WebContents } from 'electron';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONTENT_SECURITY_POLICY, callNames } from '../main/api/contract.js';
import { isOurPage, rendererPrefix } from './links.js';

const root = join(__dirname, '..', '..');
const rendererIndex = join(root, 'dist', 'renderer', 'index.html');
const rendererUrlPrefix = rendererPrefix(join(root, 'dist', 'renderer'));

let host: UtilityProcess | null = null;
let window: BrowserWindow | null = null;
let nextRequest = 1;
const pending = new Map<number, { resolve(v: unknown): void; reject(e: unknown): void }>();
/** runs' utility processes, by the service host's id for them */
const runs = new Map<number, UtilityProcess>();

// --- the OS keychain: API keys encrypted with safeStorage, kept in the user-data folder by id ---------------------
const keychainFile = () => join(app.getPath('userData'), 'keychain.json');
function readKeychain(): Record<string, string> {
  try {
    return existsSync(keychainFile()) ? (JSON.parse(readFileSync(keychainFile(), 'utf8')) as Record<string, string>) : {};
  } catch {
    return {};
  }
}
function saveSecret(value: string): string {
  if (!safeStorage.isEncryptionAvailable()) throw new Error('the system keychain is not available here; give the key as env:NAME or file:PATH instead');
  const id = randomBytes(12).toString('hex');
  const all = { ...readKeychain(), [id]: safeStorage.encryptString(value).toString('base64') };
  writeFileSync(`${keychainFile()}.tmp`, JSON.stringify(all), { mode: 0o600 });
  renameSync(`${keychainFile()}.tmp`, keychainFile());
  return `keychain:${id}`;
}
function readSecret(id: string): string {
  const stored = readKeychain()[id];
  if (!stored) throw new Error(`no key keychain:${id} in this app's keychain`);
  return safeStorage.decryptString(Buffer.from(stored, 'base64'));
}

// --- the service host and the runs it asks for ---------------------------------------------------------------------
type HostMessage = {
  id?: number;
  ok?: boolean;
  value?: unknown;
  error?: unknown;
  event?: string;
  data?: unknown;
  spawnRun?: number;
  file?: string;
  toRun?: number;
  message?: unknown;
  killRun?: number;
  secretRequest?: number;
  keyId?: string;
};

export function onHostMessage(child: UtilityProcess, message: HostMessage): void {
  if (message.event === 'runProgress') return void window?.webContents.send('acbench:runProgress', message.data);
  if (message.spawnRun !== undefined && typeof message.file === 'string') {
    const id = message.spawnRun;
    // a run in its own utility process: a crash or a runaway there never takes the service host or the window down
    const run = utilityProcess.fork(message.file, [], { serviceName: `ACBench run ${id}`, stdio: 'inherit' });
    runs.set(id, run);
    run.on('message', (m: unknown) => child.postMessage({ fromRun: id, message: m }));
    run.on('exit', (code: number) => {
      runs.delete(id);
      child.postMessage({ runExit: id, code, signal: null });
    });
    return;
  }
  if (message.toRun !== undefined) return void runs.get(message.toRun)?.postMessage(message.message);
  if (message.killRun !== undefined) return void runs.get(message.killRun)?.kill();
  if (message.secretRequest !== undefined) {
    try {
      child.postMessage({ secretReply: message.secretRequest, value: readSecret(String(message.keyId ?? '')) });
    } catch (e) {
      child.postMessage({ secretReply: message.secretRequest, error: (e as Error).message });
    }
    return;
  }
  const waiter = message.id === undefined ? undefined : pending.get(message.id);
  if (!waiter) return;
  pending.delete(message.id!);
  if (message.ok) waiter.resolve(message.value);
  else waiter.reject(message.error);
}

function startServiceHost(): UtilityProcess {
  const child = utilityProcess.fork(join(root, 'dist', 'main', 'service-host.js'), [], { serviceName: 'ACBench service host', stdio: 'inherit' });
  child.on('message', (message: HostMessage) => onHostMessage(child, message));
  child.on('exit', (code) => {
    for (const waiter of pending.values()) waiter.reject({ code: 'internal', message: `the service host stopped (exit code ${code})` });
    pending.clear();
    for (const run of runs.values()) run.kill();
    runs.clear();
    host = null;
  });
  return child;
}

export function fromOurPage(event: IpcMainInvokeEvent): boolean {
  const url = event.senderFrame?.url ?? '';
  return event.sender === window?.webContents && isOurPage(url, rendererUrlPrefix);
}

function callHost(name: string, input: unknown): Promise<unknown> {
  host ??= startServiceHost();
  const id = nextRequest++;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    host!.postMessage({ id, name, input });
  });
}

function wireIpc(): void {
  for (const name of callNames) {
    ipcMain.handle(`acbench:${name}`, async (event, input: unknown) => {
      if (!fromOurPage(event)) throw new Error('refused: the request did not come from the ACBench Studio window');
      try {
        return { ok: true, value: await callHost(name, input) };
      } catch (error) {
        return { ok: false, error };
      }
    });
  }
  ipcMain.handle('acbench:pickFolder', async (event) => {
    if (!fromOurPage(event) || !window) throw new Error('refused');
    const result = await dialog.showOpenDialog(window, { properties: ['openDirectory'] });
    return result.canceled ? null : result.filePaths[0];
  });
  ipcMain.handle('acbench:printToPdf', async (event) => {
    if (!fromOurPage(event) || !window) throw new Error('refused');
    const pdf = await window.webContents.printToPDF({ printBackground: true, pageSize: 'A4' });
    const target = await dialog.showSaveDialog(window, { defaultPath: 'acbench-figure.pdf', filters: [{ name: 'PDF', extensions: ['pdf'] }] });
    if (target.canceled || !target.filePath) return null;
    const { writeFile } = await import('node:fs/promises');
    await writeFile(target.filePath, pdf);
    return target.filePath;
  });
  ipcMain.handle('acbench:saveSecret', async (event, value: unknown) => {
    if (!fromOurPage(event)) throw new Error('refused');
    if (typeof value !== 'string' || !value || value.length > 4096) throw new Error('expected an API key of 1–4096 characters');
    return saveSecret(value);
  });
}

/**
 * The addresses the app's pages may open in the system browser: exactly these, each opened with its own literal, so no
 * text from a page or a record (an imported bundle's label) ever reaches shell.openExternal.
 */
export function openAllowedExternal(url: string): boolean {
  switch (url) {
    case 'https://github.com/ggml-org/llama.cpp':
      void shell.openExternal('https://github.com/ggml-org/llama.cpp');
      return true;
    case 'https://github.com/withcatai/node-llama-cpp':
      void shell.openExternal('https://github.com/withcatai/node-llama-cpp');
      return true;
    default:
      return false;
  }
}

/** Every web contents (the window, and any other the renderer could make): no navigation away, no redirects, no new windows, no webviews. */
export function lockDown(contents: WebContents): void {
  contents.setWindowOpenHandler(({ url }) => {
    openAllowedExternal(url);
    return { action: 'deny' };
  });
  contents.on('will-navigate', (event, url) => {
    if (!isOurPage(url, rendererUrlPrefix)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!isOurPage(url, rendererUrlPrefix)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

function createWindow(): void {
  window = new BrowserWindow({
    width: 1400,
    height: 900,
    title: 'ACBench Studio',
    webPreferences: {
      preload: join(__dirname, 'preload.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      // middle-click opens links in new windows without the window-open handler
      disableBlinkFeatures: 'Auxclick',
      spellcheck: false,
    },
  });
  void window.loadFile(rendererIndex);
  window.on('closed', () => (window = null));
}

app.enableSandbox();
app.whenReady().then(() => {
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
  });
  // the app asks for no permission (camera, notifications, clipboard …): every request and every check is refused
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
  host = startServiceHost();
  wireIpc();
  createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
});

app.on('web-contents-created', (_event, contents) => lockDown(contents));

app.on('window-all-closed', () => {
  host?.kill();
  if (process.platform !== 'darwin') app.quit();
});
