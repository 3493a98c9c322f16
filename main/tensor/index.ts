// Door of main/tensor: the engine interface and the engine the process uses.
export * from './types.js';
export { JsEngine } from './js/engine.js';
import { JsEngine } from './js/engine.js';
import type { Engine } from './types.js';
import { selectEngine } from './backends.js';
export { selectEngine, createEngine, BACKEND_ORDER, BackendUnavailableError, type EngineOptions } from './backends.js';
export { TfjsEngine, TFJS_MIN_MACS, SPLIT_MIN_MACS, SPLIT_WEIGHT_MIN } from './wasm/engine.js';
export { WorkerFailedError } from './wasm/split.js';
export { benchTensor } from './bench.js';

let active: Engine | undefined;

/** The process-wide engine: plain JS until prepareEngine() has chosen the best backend. */
export function getEngine(): Engine {
  active ??= new JsEngine();
  return active;
}

let prepared: Promise<Engine> | undefined;

/** Select the best backend once for this process (or thread) and make it the process-wide engine. */
export function prepareEngine(): Promise<Engine> {
  prepared ??= selectEngine().then((engine) => {
    setEngine(engine);
    return engine;
  });
  return prepared;
}

/** Replace the process-wide engine (tests, or a user's choice in Settings). */
export function setEngine(engine: Engine): void {
  if (active !== engine) active?.dispose();
  active = engine;
}
