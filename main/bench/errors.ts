// Typed errors a user can cause: each message says what was expected and what was found.
import { ExpectedFoundError } from '../base/index.js';

/** A benchmark file that cannot be read as its format: names the file, the line or record, and the field. */
export class BenchDataError extends ExpectedFoundError {
  override name = 'BenchDataError';
  constructor(
    readonly file: string,
    readonly record: string,
    readonly field: string,
    expected: string,
    found: string,
  ) {
    super(`${file}, ${record}, field "${field}"`, expected, found);
  }
}

/** A bad request from the caller: unknown task, bad suite folder, bad option. */
export class BenchInputError extends ExpectedFoundError {
  override name = 'BenchInputError';
}

/** An OpenAI-compatible endpoint answered with an error the runner cannot retry. */
export class EndpointError extends Error {
  constructor(
    readonly url: string,
    readonly status: number | undefined,
    readonly detail: string,
  ) {
    super(`endpoint ${url}: ${status === undefined ? '' : `HTTP ${status}: `}${detail}`);
    this.name = 'EndpointError';
  }
}

/** The caller's AbortSignal fired; finished items are already in the results file. */
export class BenchCancelledError extends Error {
  constructor() {
    super('benchmark run cancelled; finished items are kept in the results file and a restart resumes');
    this.name = 'BenchCancelledError';
  }
}
