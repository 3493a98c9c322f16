// Errors a user can cause in the analysis room: each message says what was expected and what was found.

/** eRank is defined only for a non-zero matrix after centring (at least two distinct token rows). */
export class ERankUndefinedError extends Error {
  constructor(expected: string) {
    super(`eRank is undefined: expected ${expected}`);
    this.name = 'ERankUndefinedError';
  }
}

/** The probe text does not yield even one sequence of the requested length. */
export class ProbeTooShortError extends Error {
  constructor(
    readonly neededTokens: number,
    readonly foundTokens: number,
  ) {
    super(`probe text too short: expected at least ${neededTokens} tokens for one sequence, found ${foundTokens}`);
    this.name = 'ProbeTooShortError';
  }
}

/** Base and compressed models must score the same token ids over the same vocabulary. */
export class ModelPairMismatchError extends Error {
  constructor(what: string, base: string | number, compressed: string | number) {
    super(`base and compressed models differ in ${what}: expected equal, found ${base} (base) and ${compressed} (compressed)`);
    this.name = 'ModelPairMismatchError';
  }
}

/** Bad analysis options (sequence count, length, k values, positions). */
export class AnalysisOptionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AnalysisOptionError';
  }
}
