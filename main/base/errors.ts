// The shape of an error a user can cause: where, what was expected, what was found (DESIGN, "Style").

/** "<what>: expected <expected>, found <found>"; each room names its own subclass. */
export class ExpectedFoundError extends Error {
  constructor(
    readonly what: string,
    readonly expected: string,
    readonly found: string,
  ) {
    super(`${what}: expected ${expected}, found ${found}`);
  }
}
