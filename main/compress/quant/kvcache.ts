// Simulated KV-cache quantization (KV8 / KV4) lives with the runtime (main/model/runtime.ts), which every loader
// applies; the compress room sets it on the model it compresses through the same functions.
export { kvQuantTransform, quantizeKv } from '../../model/index.js';
