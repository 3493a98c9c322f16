// Starting the tfjs WebAssembly backend in Node: the .wasm files are loaded from
// node_modules/@tensorflow/tfjs-backend-wasm/dist/ by file path, and SIMD must be on (without it the
// products run ≈4× slower). Shared by the main thread and the product worker.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type * as tfTypes from '@tensorflow/tfjs-core';

export type Tf = typeof tfTypes;

/** Folder holding tfjs-backend-wasm's .wasm binaries, with a trailing slash (what setWasmPaths expects). */
export function wasmDistFolder(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + '/';
}

export interface WasmStart {
  tf: Tf;
  simd: boolean;
}

/** Load tfjs-core and the wasm backend, point it at its binaries and make it the active backend. */
export async function startWasmBackend(): Promise<WasmStart> {
  const tf = (await import('@tensorflow/tfjs-core')) as Tf;
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  wasm.setWasmPaths(wasmDistFolder());
  if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend failed to initialise');
  await tf.ready();
  const simd = Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
  return { tf, simd };
}
