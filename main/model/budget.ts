// Time budgets for work driven by untrusted content (chat templates, pre-tokenizer regexes, tokenization of user
// text): a synchronous call runs under V8's watchdog through node:vm, which interrupts JavaScript and regex backtracking
// alike, so a pathological file costs a typed error after its budget instead of a hung service.
import vm from 'node:vm';

export class BudgetExceededError extends Error {
  constructor(
    readonly what: string,
    readonly budgetMs: number,
  ) {
    super(`${what}: expected to finish within ${budgetMs} ms, found it still running (stopped)`);
    this.name = 'BudgetExceededError';
  }
}

/** Budgets in milliseconds; tests may lower them. */
export const BUDGETS = {
  /** rendering a chat template once */
  templateMs: 2000,
  /** encoding one text, plus per 1,000 characters */
  encodeMs: 2000,
  encodeMsPerKiloChar: 2,
  /** trying a pre-tokenizer regex on probe texts when a tokenizer loads */
  regexProbeMs: 500,
};

const context = vm.createContext({});
const call = new vm.Script('__budgeted()');

/** `fn()` stopped after `ms` milliseconds of synchronous work (nested budgets each keep their own). */
export function withinBudget<T>(what: string, ms: number, fn: () => T): T {
  const previous = (context as { __budgeted?: () => unknown }).__budgeted;
  (context as { __budgeted?: () => unknown }).__budgeted = fn;
  try {
    return call.runInContext(context, { timeout: Math.max(1, Math.round(ms)) }) as T;
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') throw new BudgetExceededError(what, ms);
    throw error;
  } finally {
    (context as { __budgeted?: () => unknown }).__budgeted = previous;
  }
}
