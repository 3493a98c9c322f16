// Door of main/app: the entry files (the CLI, the web shell, Electron's service host, a run's process, the bench,
// datasets and training scripts) and what tests and scripts reach them through: the service host and the web shell.
export { createService } from './host.js';
export { startWebShell, REQUEST_TIMEOUT_MS, type WebShell, type WebShellOptions } from './server.js';
