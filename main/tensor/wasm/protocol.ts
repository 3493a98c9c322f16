// How the main thread and the product worker talk. Jobs go through shared memory: the main thread writes
// a job into the control block and bumps JOB; the worker, blocked in Atomics.wait on JOB, wakes, first
// drains its message port synchronously (new arena, resident weights), runs the job, writes its share
// into the arena, and bumps DONE, on which the main thread is blocked. No event loop is involved on
// either side, so a hand-off costs a few tens of microseconds.
import type { MessagePort } from 'node:worker_threads';

/** Bumped whenever the protocol changes: a built worker of another version is refused (stale dist/). */
export const WORKER_PROTOCOL = 5;

/** Int32 slots of the control block. */
export const CTRL = {
  /** sequence number of the last finished job */
  done: 0,
  /** 0 ok, 1 failed (message in the error bytes) */
  status: 1,
  /** UTF-8 bytes of the error message */
  errorLength: 2,
  /** sequence number of the last posted job; −1 asks the worker to stop */
  job: 3,
  m: 4,
  k: 5,
  n: 6,
  /** float32 index of A in the arena */
  a: 7,
  /** 0: B in the arena at `b`; 1: B is the resident weight with id `b` */
  bKind: 8,
  b: 9,
  /** float32 index of C in the arena */
  c: 10,
} as const;
export const CTRL_INTS = 16;
export const ERROR_BYTES = 1024;

export interface WorkerData {
  /** CTRL_INTS int32 slots followed by ERROR_BYTES bytes */
  control: SharedArrayBuffer;
  /** messages that must reach the worker before the next job */
  port: MessagePort;
}

export interface ArenaMessage {
  kind: 'arena';
  /** float32 scratch shared by both threads; replaced (never resized) when a job needs more */
  arena: SharedArrayBuffer;
}

export interface WeightMessage {
  kind: 'weight';
  id: number;
  /** the worker's share of a resident weight, laid out [inFeatures, cols] */
  rows: number;
  cols: number;
  data: Float32Array;
}

export interface FreeMessage {
  kind: 'free';
  id: number;
}

export type PortMessage = ArenaMessage | WeightMessage | FreeMessage;

/** C [m, n] = A [m, k] · B [k, n]; offsets are float32 indices into the arena. */
export interface ProductJob {
  m: number;
  k: number;
  n: number;
  aOffset: number;
  b: { offset: number } | { weight: number };
  cOffset: number;
}

export interface ReadyMessage {
  kind: 'ready';
  protocol: number;
  simd: boolean;
}

export interface StartFailedMessage {
  kind: 'failed';
  error: string;
}

export type FromWorker = ReadyMessage | StartFailedMessage;
