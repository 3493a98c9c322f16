// Electron shell: app lifecycle, the window, the service host in a utility process, and IPC wiring.
// The window is sandboxed with context isolation; only the preload's narrow API reaches IPC, and
// every message is checked to come from our own page before it is forwarded.
import { app, BrowserWindow, ipcMain, dialog, session, shell, utilityProcess, type IpcMainInvokeEvent, type UtilityProcess } from 'electron';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CONTENT_SECURITY_POLICY, callNames } from '../main/api/contract.js';

const root = join(__dirname, '..', '..');
const rendererIndex = join(root, 'dist', 'renderer', 'index.html');
const rendererUrlPrefix = pathToFileURL(join(root, 'dist', 'renderer')).href;

let host: UtilityProcess | null = null;
let window: BrowserWindow | null = null;
let nextRequest = 1;
const pending = new Map<number, { resolve(v: unknown): void; reject(e: unknown): void }>();

function startServiceHost(): UtilityProcess {
  const child = utilityProcess.fork(join(root, 'dist', 'main', 'service-host.js'), [], { serviceName: 'ACBench service host', stdio: 'inherit' });
  child.on('message', (message: { id?: number; ok?: boolean; value?: unknown; error?: unknown; event?: string; data?: unknown }) => {
    if (message.event === 'runProgress') {
      window?.webContents.send('acbench:runProgress', message.data);
      return;
    }
    const waiter = message.id === undefined ? undefined : pending.get(message.id);
    if (!waiter) return;
    pending.delete(message.id!);
    if (message.ok) waiter.resolve(message.value);
    else waiter.reject(message.error);
  });
  child.on('exit', (code) => {
    for (const waiter of pending.values()) waiter.reject({ code: 'internal', message: `the service host stopped (exit code ${code})` });
    pending.clear();
    host = null;
  });
  return child;
}

function fromOurPage(event: IpcMainInvokeEvent): boolean {
  const url = event.senderFrame?.url ?? '';
  return event.sender === window?.webContents && url.startsWith(rendererUrlPrefix);
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
      webSecurity: true,
      spellcheck: false,
    },
  });
  window.webContents.setWindowOpenHandler(({ url }) => {
    if (url.startsWith('https://')) void shell.openExternal(url);
    return { action: 'deny' };
  });
  window.webContents.on('will-navigate', (event, url) => {
    if (!url.startsWith(rendererUrlPrefix)) event.preventDefault();
  });
  void window.loadFile(rendererIndex);
  window.on('closed', () => (window = null));
}

app.enableSandbox();
app.whenReady().then(() => {
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
  });
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  host = startServiceHost();
  wireIpc();
  createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
});

app.on('web-contents-created', (_event, contents) => {
  contents.on('will-attach-webview', (event) => event.preventDefault());
});

app.on('window-all-closed', () => {
  host?.kill();
  if (process.platform !== 'darwin') app.quit();
});
