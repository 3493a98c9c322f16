// Typed errors a user can cause: each message says what was expected and what was found.
import { ExpectedFoundError } from '../base/index.js';

/** A compression configuration that cannot work (bad bits, pattern with a method that has none, …). */
export class CompressionConfigError extends Error {
  constructor(
    readonly field: string,
    readonly expected: string,
    readonly found: string,
  ) {
    super(`compression ${field}: expected ${expected}, found ${found}`);
    this.name = 'CompressionConfigError';
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
export class CalibrationError extends Error {
  constructor(
    readonly source: string,
    readonly expected: string,
    readonly found: string,
  ) {
    super(`calibration ${source}: expected ${expected}, found ${found}`);
    this.name = 'CalibrationError';
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
