// Choosing the engine: tfjs-node-gpu (CUDA) → tfjs-node → tfjs wasm → tfjs cpu → plain JS.
// Every tfjs module is loaded by dynamic import, so a missing one is a skipped backend, not a crash.
// The native tfjs packages are optionalDependencies (their installers download libtensorflow, which
// fails fast without network and leaves them uninstalled). ACBENCH_BACKEND forces one backend,
// ACBENCH_THREADS=1 keeps the wasm engine on one thread.
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { JsEngine } from './js/engine.js';
import { TfjsEngine } from './wasm/engine.js';
import { startWasmBackend, type Tf } from './wasm/init.js';
import { ProductWorker, findWorkerFile } from './wasm/split.js';
import type { BackendName, BackendReport, Engine } from './types.js';

export const BACKEND_ORDER: BackendName[] = ['tfjs-node-gpu', 'tfjs-node', 'tfjs-wasm', 'tfjs-cpu', 'js'];

export class BackendUnavailableError extends Error {
  constructor(
    readonly backend: BackendName,
    readonly why: string,
  ) {
    super(`backend ${backend} is not available here: ${why}`);
    this.name = 'BackendUnavailableError';
  }
}

export interface EngineOptions {
  /** threads for the wasm engine's products: 1, or 2 (main thread + one worker); default min(2, cores), or ACBENCH_THREADS */
  threads?: number;
  /** the built product worker (default: dist/main/tensor-worker.js next to this bundle, or ACBENCH_TENSOR_WORKER) */
  workerPath?: string;
}

const firstLine = (e: unknown) => String((e as Error)?.message ?? e).split('\n')[0];

type Attempt = { tf: Tf; note?: string } | { why: string };

async function tryNative(name: 'tfjs-node-gpu' | 'tfjs-node'): Promise<Attempt> {
  const pkg = `@tensorflow/${name}`;
  let tf: Tf;
  try {
    tf = (await import(/* @vite-ignore */ pkg)) as Tf;
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND')
      return { why: `${pkg} is not installed (optional: its installer downloads libtensorflow, which needs network access to storage.googleapis.com)` };
    return { why: `${pkg} is installed but failed to load (its native libtensorflow is missing or broken): ${firstLine(e)}` };
  }
  await tf.ready();
  // tfjs-node-gpu quietly runs TensorFlow's CPU kernels when the driver loads but no device is present
  if (name === 'tfjs-node-gpu' && process.platform === 'linux' && !existsSync('/dev/nvidia0')) return { why: 'no CUDA device found (no /dev/nvidia0)' };
  return { tf };
}

async function tryBackend(name: Exclude<BackendName, 'js'>): Promise<Attempt> {
  try {
    switch (name) {
      case 'tfjs-node-gpu':
      case 'tfjs-node':
        return await tryNative(name);
      case 'tfjs-wasm': {
        const { tf, simd } = await startWasmBackend();
        return { tf, note: simd ? undefined : 'WebAssembly SIMD is off here, so products run ≈4× slower than they could' };
      }
      case 'tfjs-cpu': {
        const tf = (await import('@tensorflow/tfjs-core')) as Tf;
        await import('@tensorflow/tfjs-backend-cpu');
        if (!(await tf.setBackend('cpu'))) return { why: 'the cpu backend failed to initialise' };
        // its first-use banner ("install our node backend") repeats what the report already says
        const backend = tf.backend() as unknown as { firstUse?: boolean };
        if ('firstUse' in backend) backend.firstUse = false;
        return { tf };
      }
    }
  } catch (e) {
    return { why: firstLine(e) };
  }
}

const REASONS: Record<BackendName, string> = {
  'tfjs-node-gpu': 'CUDA through tfjs-node-gpu',
  'tfjs-node': 'native TensorFlow through tfjs-node',
  'tfjs-wasm': 'tfjs WebAssembly backend with SIMD (≈20–40× the plain-JS matmul here)',
  'tfjs-cpu': 'tfjs cpu backend (slow; the last tfjs resort)',
  js: 'plain JavaScript reference engine',
};

function threadsWanted(options: EngineOptions): number {
  const env = process.env.ACBENCH_THREADS;
  const n = options.threads ?? (env ? Number(env) : Math.min(2, availableParallelism()));
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`threads: expected a whole number ≥ 1, found ${JSON.stringify(options.threads ?? env)}`);
  return Math.min(n, 2);
}

/** Build the engine for one backend once its module is loaded: the wasm one gets a product worker when asked for two threads. */
async function build(name: Exclude<BackendName, 'js'>, tf: Tf, reason: string, skipped: BackendReport['skipped'], options: EngineOptions): Promise<Engine> {
  if (name === 'tfjs-cpu') return new TfjsEngine(tf, { name, reason, skipped, threads: 1 });
  if (name !== 'tfjs-wasm') return new TfjsEngine(tf, { name, reason: `${reason}; TensorFlow's own thread pool`, skipped, threads: availableParallelism() });
  const wanted = threadsWanted(options);
  if (wanted === 1) return new TfjsEngine(tf, { name, reason: `${reason}; one thread (asked for one)`, skipped, threads: 1 });
  const file = options.workerPath ? { path: options.workerPath } : findWorkerFile();
  if (!file.path) return new TfjsEngine(tf, { name, reason: `${reason}; one thread: ${file.why}`, skipped, threads: 1 });
  try {
    const worker = await ProductWorker.start(file.path);
    return new TfjsEngine(tf, { name, reason: `${reason}; large products split between the main thread and a worker (2 threads)`, skipped, threads: 2 }, { worker });
  } catch (e) {
    return new TfjsEngine(tf, { name, reason: `${reason}; one thread: ${firstLine(e)}`, skipped, threads: 1 });
  }
}

/** The engine of one named backend; throws BackendUnavailableError (with the reason) when it cannot start here. */
export async function createEngine(name: BackendName, options: EngineOptions = {}): Promise<Engine> {
  if (!BACKEND_ORDER.includes(name)) throw new RangeError(`backend: expected one of ${BACKEND_ORDER.join(', ')}, found ${JSON.stringify(name)}`);
  if (name === 'js') return new JsEngine({ name, reason: REASONS.js, skipped: [], threads: 1 });
  const got = await tryBackend(name);
  if ('why' in got) throw new BackendUnavailableError(name, got.why);
  return build(name, got.tf, REASONS[name] + (got.note ? ` (${got.note})` : ''), [], options);
}

/**
 * The best engine available, trying BACKEND_ORDER from the top; its report says why each better one was
 * skipped. `forced` (default ACBENCH_BACKEND) names one backend: the better ones are skipped as forced,
 * and if it cannot start the next available one is used, saying so.
 */
export async function selectEngine(forced: string | undefined = process.env.ACBENCH_BACKEND, options: EngineOptions = {}): Promise<Engine> {
  if (forced && !BACKEND_ORDER.includes(forced as BackendName)) throw new RangeError(`ACBENCH_BACKEND: expected one of ${BACKEND_ORDER.join(', ')}, found ${JSON.stringify(forced)}`);
  const skipped: BackendReport['skipped'] = [];
  const start = forced ? BACKEND_ORDER.indexOf(forced as BackendName) : 0;
  for (const name of BACKEND_ORDER.slice(0, start)) skipped.push({ name, why: `ACBENCH_BACKEND=${forced}` });
  for (const name of BACKEND_ORDER.slice(start)) {
    const prefix = forced ? (name === forced ? 'forced by ACBENCH_BACKEND: ' : `ACBENCH_BACKEND=${forced} is unavailable, next best: `) : '';
    if (name === 'js') return new JsEngine({ name, reason: prefix + REASONS.js, skipped, threads: 1 });
    const got = await tryBackend(name);
    if ('why' in got) {
      skipped.push({ name, why: got.why });
      continue;
    }
    return build(name, got.tf, prefix + REASONS[name] + (got.note ? ` (${got.note})` : ''), skipped, options);
  }
  throw new Error('unreachable: the js engine is always available');
}
