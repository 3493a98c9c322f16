// Choosing the engine: tfjs-node-gpu (CUDA) → tfjs-node → tfjs wasm → tfjs cpu → plain JS.
// The native tfjs packages are optional (their installers download libtensorflow), so each is tried
// by dynamic import and the report says why a better one was skipped. ACBENCH_BACKEND forces one.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { JsEngine } from './js/engine.js';
import { TfjsEngine } from './wasm/engine.js';
import type { BackendName, BackendReport, Engine } from './types.js';

export const BACKEND_ORDER: BackendName[] = ['tfjs-node-gpu', 'tfjs-node', 'tfjs-wasm', 'tfjs-cpu', 'js'];

type Tf = typeof import('@tensorflow/tfjs-core');

async function tryBackend(name: BackendName): Promise<{ tf: Tf } | { why: string }> {
  const message = (e: unknown) => (e as Error).message.split('\n')[0];
  try {
    switch (name) {
      case 'tfjs-node-gpu':
      case 'tfjs-node': {
        const pkg = name === 'tfjs-node-gpu' ? '@tensorflow/tfjs-node-gpu' : '@tensorflow/tfjs-node';
        let tf: Tf;
        try {
          tf = (await import(/* @vite-ignore */ pkg)) as Tf;
        } catch (e) {
          return { why: `${pkg} is not installed (optional: its installer downloads libtensorflow) — ${message(e)}` };
        }
        await tf.ready();
        if (name === 'tfjs-node-gpu' && !/gpu|cuda/i.test(tf.getBackend() + JSON.stringify(tf.env().features))) return { why: 'no CUDA device found' };
        return { tf };
      }
      case 'tfjs-wasm': {
        const tf = await import('@tensorflow/tfjs-core');
        const wasm = await import('@tensorflow/tfjs-backend-wasm');
        const require = createRequire(import.meta.url);
        wasm.setWasmPaths(join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + '/');
        if (!(await tf.setBackend('wasm'))) return { why: 'the wasm backend failed to initialise' };
        return { tf };
      }
      case 'tfjs-cpu': {
        const tf = await import('@tensorflow/tfjs-core');
        await import('@tensorflow/tfjs-backend-cpu');
        if (!(await tf.setBackend('cpu'))) return { why: 'the cpu backend failed to initialise' };
        return { tf };
      }
      case 'js':
        return { why: 'never skipped' };
    }
  } catch (e) {
    return { why: message(e) };
  }
}

const REASONS: Record<BackendName, string> = {
  'tfjs-node-gpu': 'CUDA through tfjs-node-gpu',
  'tfjs-node': 'native TensorFlow through tfjs-node',
  'tfjs-wasm': 'tfjs WebAssembly backend with SIMD: ≈30× the plain-JS matmul on these machines',
  'tfjs-cpu': 'tfjs cpu backend (slow; the last tfjs resort)',
  js: 'plain JavaScript reference engine',
};

/** The best engine available, or the one ACBENCH_BACKEND names (then the better ones are "skipped: forced"). */
export async function selectEngine(forced: string | undefined = process.env.ACBENCH_BACKEND): Promise<Engine> {
  if (forced && !BACKEND_ORDER.includes(forced as BackendName)) throw new RangeError(`ACBENCH_BACKEND: expected one of ${BACKEND_ORDER.join(', ')}, found ${JSON.stringify(forced)}`);
  const skipped: BackendReport['skipped'] = [];
  for (const name of BACKEND_ORDER) {
    if (forced && name !== forced) {
      if (BACKEND_ORDER.indexOf(name) < BACKEND_ORDER.indexOf(forced as BackendName)) skipped.push({ name, why: `ACBENCH_BACKEND=${forced}` });
      continue;
    }
    if (name === 'js') return new JsEngine({ name, reason: forced ? `forced by ACBENCH_BACKEND (${REASONS.js})` : REASONS.js, skipped, threads: 1 });
    const got = await tryBackend(name);
    if ('tf' in got) return new TfjsEngine(got.tf, { name, reason: forced ? `forced by ACBENCH_BACKEND (${REASONS[name]})` : REASONS[name], skipped, threads: 1 });
    skipped.push({ name, why: got.why });
  }
  throw new Error('unreachable: the js engine is always available');
}
