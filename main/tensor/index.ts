// Door of main/tensor: the engine interface and the engine the process uses.
export * from './types.js';
export { JsEngine } from './js/engine.js';
import { JsEngine } from './js/engine.js';
import type { Engine } from './types.js';

let active: Engine | undefined;

/** The process-wide engine: the best backend available (see select.ts once the tfjs engines land). */
export function getEngine(): Engine {
  active ??= new JsEngine();
  return active;
}

/** Replace the process-wide engine (tests, or a user's choice in Settings). */
export function setEngine(engine: Engine): void {
  active?.dispose();
  active = engine;
}
