// An endpoint's API key is never written into a spec, history.json or a bundle: the spec holds a reference to it.
//   env:NAME      an environment variable of the process that runs the service (CLI, web shell)
//   file:PATH     a file holding the key (whitespace around it ignored)
//   keychain:ID   saved through the desktop app's OS keychain (Electron safeStorage); the app resolves these itself
import { readUserText, UserFileError } from '../model/index.js';
import { BenchInputError } from './errors.js';

/** Keys are short: a key file larger than this is not one. */
const MAX_KEY_FILE_BYTES = 64 * 1024;

/** The key a reference names; `keychain` resolves keychain: references where the app has one. */
export async function resolveSecretRef(ref: string, opts: { env?: NodeJS.ProcessEnv; keychain?: (id: string) => Promise<string> } = {}): Promise<string> {
  const env = opts.env ?? process.env;
  if (ref.startsWith('env:')) {
    const name = ref.slice(4);
    const value = env[name];
    if (!value) throw new BenchInputError('model.apiKeyRef', `the environment variable ${name} to hold the API key`, 'it unset or empty');
    return value;
  }
  if (ref.startsWith('file:')) {
    const file = ref.slice(5);
    let text: string;
    try {
      text = readUserText(file, MAX_KEY_FILE_BYTES);
    } catch (e) {
      if (e instanceof UserFileError) throw new BenchInputError('model.apiKeyRef', `${file} to be a file holding the API key (${e.expected})`, e.found);
      throw e;
    }
    const key = text.trim();
    if (!key) throw new BenchInputError('model.apiKeyRef', `${file} to hold the API key`, 'an empty file');
    return key;
  }
  if (ref.startsWith('keychain:')) {
    if (!opts.keychain)
      throw new BenchInputError(
        'model.apiKeyRef',
        'a key saved in this app (keychain: references are read by the desktop app; in the web shell or CLI use env:NAME or file:PATH)',
        JSON.stringify(ref),
      );
    return opts.keychain(ref.slice('keychain:'.length));
  }
  throw new BenchInputError('model.apiKeyRef', 'env:NAME, file:PATH or keychain:ID', JSON.stringify(ref.slice(0, 40)));
}
