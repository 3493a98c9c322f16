// Typed errors a user can cause: each message says what was expected and what was found.
import { ExpectedFoundError } from '../base/index.js';

/** An ExpectedFoundError class whose message puts its room's word before the subject: "<prefix> <subject>: expected …, found …". */
function prefixedError(name: string, prefix: string) {
  return class extends ExpectedFoundError {
    override name = name;
    constructor(
      readonly subject: string,
      expected: string,
      found: string,
    ) {
      super(`${prefix} ${subject}`, expected, found);
    }
  };
}

/** A compression configuration that cannot work (bad bits, pattern with a method that has none, …). */
export class CompressionConfigError extends prefixedError('CompressionConfigError', 'compression') {
  /** the configuration field at fault */
  get field(): string {
    return this.subject;
  }
}

/** A model shape the chosen configuration cannot handle (2:4 on a width not divisible by 4, …). */
export class CompressionShapeError extends Error {
  constructor(
    readonly where: string,
    readonly expected: string,
    readonly found: string,
  ) {
    super(`${where}: expected ${expected}, found ${found}`);
    this.name = 'CompressionShapeError';
  }
}

/** Calibration source that is missing, empty or too short. */
export class CalibrationError extends prefixedError('CalibrationError', 'calibration') {
  get source(): string {
    return this.subject;
  }
}

/** The caller's AbortSignal fired; the model may be partly compressed and must be reloaded. */
export class CompressionCancelledError extends Error {
  constructor(readonly where: string) {
    super(`compression cancelled at ${where}; the in-memory model is partly compressed (reload it)`);
    this.name = 'AbortError';
  }
}

/** An exported file that does not match what its reader expects. */
export class ExportFormatError extends ExpectedFoundError {
  override name = 'ExportFormatError';
}
