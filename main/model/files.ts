// Reading files a user points us at: only regular files (never /dev/zero, a FIFO or a socket, whose reads never end or
// block), never more than a size limit, and every failure a typed error naming the file. Every room reads user files
// through here (model folders, calibration sources, benchmark data, spec files).
import { ExpectedFoundError } from '../base/index.js';
import { closeSync, constants, fstatSync, openSync, readSync, statSync, type Stats } from 'node:fs';

/** A file a user named that cannot be read as what was expected: names the file and the field (or "(file)"). */
export class UserFileError extends ExpectedFoundError {
  override name = 'UserFileError';
  constructor(
    readonly file: string,
    readonly field: string,
    expected: string,
    found: string,
  ) {
    super(`${file}${field === '(file)' ? '' : `, field "${field}"`}`, expected, found);
  }
}

/** Limits by kind of file (bytes): configs are small, tokenizers and datasets can be large. */
export const FILE_LIMITS = {
  config: 16 * 2 ** 20,
  tokenizer: 256 * 2 ** 20,
  data: 256 * 2 ** 20,
} as const;

function kindOf(s: Stats): string {
  if (s.isDirectory()) return 'a folder';
  if (s.isFIFO()) return 'a named pipe (FIFO)';
  if (s.isCharacterDevice()) return 'a character device';
  if (s.isBlockDevice()) return 'a block device';
  if (s.isSocket()) return 'a socket';
  return 'a special file';
}

/** Why `file` is not a regular file of at most `maxBytes` (following links), or null when it is one. */
export function regularFileProblem(file: string, maxBytes: number): string | null {
  let s: Stats;
  try {
    s = statSync(file);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : `an unreadable path (${(error as Error).message})`;
  }
  if (!s.isFile()) return kindOf(s);
  if (s.size > maxBytes) return `${s.size} bytes (the limit is ${maxBytes})`;
  return null;
}

/** Throw a UserFileError unless `file` is a regular file of at most `maxBytes`. */
export function expectRegularFile(file: string, maxBytes: number): void {
  const problem = regularFileProblem(file, maxBytes);
  if (problem) throw new UserFileError(file, '(file)', `a regular file of at most ${maxBytes} bytes`, problem);
}

/** The bytes of a regular file of at most `maxBytes`; checked again on the open descriptor (the path may change in between). */
export function readUserFile(file: string, maxBytes: number): Buffer {
  expectRegularFile(file, maxBytes);
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0)); // a FIFO swapped in after the check cannot block the open
  } catch (error) {
    throw new UserFileError(file, '(file)', 'a readable file', `an error opening it (${(error as Error).message})`);
  }
  try {
    const s = fstatSync(fd);
    if (!s.isFile()) throw new UserFileError(file, '(file)', 'a regular file', kindOf(s));
    if (s.size > maxBytes) throw new UserFileError(file, '(file)', `at most ${maxBytes} bytes`, `${s.size} bytes`);
    const buf = Buffer.alloc(s.size);
    for (let done = 0; done < buf.length;) {
      const got = readSync(fd, buf, done, buf.length - done, done);
      if (got <= 0) return buf.subarray(0, done); // shrank while we read
      done += got;
    }
    return buf;
  } finally {
    closeSync(fd);
  }
}

export function readUserText(file: string, maxBytes: number): string {
  return readUserFile(file, maxBytes).toString('utf8');
}

/** A JSON file parsed, or a UserFileError naming the file and what the parser found. */
export function readUserJson(file: string, maxBytes: number = FILE_LIMITS.config): unknown {
  const text = readUserText(file, maxBytes);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UserFileError(file, '(file)', 'JSON', `invalid text (${(error as Error).message})`);
  }
}

/** A JSON object file (config.json, tokenizer_config.json …). */
export function readUserJsonObject(file: string, maxBytes: number = FILE_LIMITS.config): Record<string, unknown> {
  const raw = readUserJson(file, maxBytes);
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new UserFileError(file, '(file)', 'a JSON object', Array.isArray(raw) ? 'an array' : raw === null ? 'null' : typeof raw);
  return raw as Record<string, unknown>;
}
