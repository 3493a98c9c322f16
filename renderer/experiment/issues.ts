// zod issues as one message per field path, saying what was expected and what was found.
export interface IssueLike {
  path: PropertyKey[];
  message: string;
  /** a rule's own account of what it found (the spec's refinements set it) */
  params?: { found?: unknown };
}

/** "Too small: expected number to be >=2" → "a number >= 2"; custom messages ("a name") pass through. */
export function expectedPhrase(message: string): string {
  const at = message.indexOf('expected ');
  if (at < 0) return message;
  return message
    .slice(at + 'expected '.length)
    .replace(/, received .*$/, '')
    .replace(/^int$/, 'a whole number')
    .replace(/^number to be ([<>]=?)(.*)$/, 'a number $1 $2')
    .replace(/^number$/, 'a number')
    .replace(/^string$/, 'text');
}

export function describeIssues(issues: readonly IssueLike[], input: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of issues) {
    const key = issue.path.map(String).join('.') || '(form)';
    if (out[key]) continue;
    let found: unknown = input;
    for (const part of issue.path) found = found && typeof found === 'object' ? (found as Record<PropertyKey, unknown>)[part] : undefined;
    const ruleFound = issue.params?.found;
    const shown =
      typeof ruleFound === 'string' ? ruleFound : found === undefined || found === '' || (typeof found === 'number' && Number.isNaN(found)) ? 'nothing' : JSON.stringify(found)?.slice(0, 60);
    out[key] = `expected ${expectedPhrase(issue.message)}; found ${shown}`;
  }
  return out;
}
