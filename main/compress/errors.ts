// Typed errors a user can cause: each message says what was expected and what was found.
import { ExpectedFoundError } from '../base/index.js';

/** A compression configuration that cannot work (bad bits, pattern with a method that has none, …). */
export class CompressionConfigError extends ExpectedFoundError {
  override name = 'CompressionConfigError';
  constructor(
    readonly field: string,
    expected: string,
    found: string,
  ) {
    super(`compression ${field}`, expected, found);
  }
}

/** A model shape the chosen configuration cannot handle (2:4 on a width not divisible by 4, …): "<where>: expected …". */
export class CompressionShapeError extends ExpectedFoundError {
  override name = 'CompressionShapeError';
}

/** Calibration source that is missing, empty or too short. */
export class CalibrationError extends ExpectedFoundError {
  override name = 'CalibrationError';
  constructor(
    readonly source: string,
    expected: string,
    found: string,
  ) {
    super(`calibration ${source}`, expected, found);
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
