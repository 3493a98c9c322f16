// One run at a time (two cores are shared by every stage); queued runs wait their turn.
// Cancel works at any moment: a queued run is dropped, a running one is asked to stop and, if its
// executor does not stop within the grace period, it is terminated — finished items are already on disk.
import type { ExperimentSpec } from '../spec/index.js';
import type { PipelineProgress, Stage } from './pipeline.js';

export interface RunRequest {
  runId: string;
  experimentId: string;
  /** parsed with the spec's rules when the run was started */
  spec: ExperimentSpec;
  specHash: string;
  home: string;
  resultsFile: string;
  /** the endpoint's API key, resolved from the spec's apiKeyRef when the run starts: passed to the run, never stored */
  apiKey?: string;
  /** engine and GPU preference for local-model generation (Settings with the environment's overrides) */
  engine?: { engine: 'auto' | 'llamacpp' | 'tfjs'; gpu: 'auto' | 'cuda' | 'vulkan' | 'metal' | 'off' };
}

export type ExecEvent = { type: 'progress'; progress: PipelineProgress } | { type: 'headline'; headline: Record<string, number> };

export type FinalStatus = 'done' | 'failed' | 'cancelled';

export interface Execution {
  cancel(): void;
  result: Promise<{ status: FinalStatus; error?: string }>;
}

export type Executor = (req: RunRequest, onEvent: (e: ExecEvent) => void) => Execution;

export interface QueueCallbacks {
  onStart(runId: string): void;
  onEvent(runId: string, event: ExecEvent): void;
  onFinish(runId: string, status: FinalStatus, error?: string): void;
}

/** Builds the stages of a run; `emitHeadline` publishes headline scores as they become known. */
export type StagePlanner = (req: RunRequest, emitHeadline: (h: Record<string, number>) => void) => Stage[] | Promise<Stage[]>;

export class RunQueue {
  private readonly waiting: RunRequest[] = [];
  private current: { req: RunRequest; execution: Execution } | null = null;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly executor: Executor,
    private readonly callbacks: QueueCallbacks,
  ) {}

  enqueue(req: RunRequest): void {
    if (this.current?.req.runId === req.runId || this.waiting.some((w) => w.runId === req.runId)) throw new Error(`run ${req.runId} is already queued or running`);
    this.waiting.push(req);
    queueMicrotask(() => this.pump());
  }

  isActive(runId: string): boolean {
    return this.current?.req.runId === runId || this.waiting.some((w) => w.runId === runId);
  }

  get runningId(): string | null {
    return this.current?.req.runId ?? null;
  }

  /** returns false when the run is neither queued nor running */
  cancel(runId: string): boolean {
    const i = this.waiting.findIndex((w) => w.runId === runId);
    if (i >= 0) {
      this.waiting.splice(i, 1);
      this.callbacks.onFinish(runId, 'cancelled');
      this.notifyIdle();
      return true;
    }
    if (this.current?.req.runId === runId) {
      this.current.execution.cancel();
      return true;
    }
    return false;
  }

  /** resolves when nothing is queued or running */
  idle(): Promise<void> {
    if (!this.current && this.waiting.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private notifyIdle(): void {
    if (this.current || this.waiting.length) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }

  private pump(): void {
    if (this.current) return;
    const req = this.waiting.shift();
    if (!req) return this.notifyIdle();
    this.callbacks.onStart(req.runId);
    const execution = this.executor(req, (event) => this.callbacks.onEvent(req.runId, event));
    this.current = { req, execution };
    execution.result
      .catch((error: Error) => ({ status: 'failed' as const, error: error.message }))
      .then(({ status, error }) => {
        this.current = null;
        this.callbacks.onFinish(req.runId, status, error);
        this.pump();
      });
  }
}
