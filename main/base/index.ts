// Door of main/base: what every room may use — where the app and its bundled files are, and the command line's shared words.
export { appFolder, bundledPath, builtinModelDir } from './app-folder.js';
export { UsageError, type CliCommand } from './usage.js';
export { ExpectedFoundError } from './errors.js';
