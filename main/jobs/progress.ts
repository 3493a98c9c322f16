// Progress with rate and ETA. Rate is measured over this session's items only, so a resumed run
// does not count the items it skipped as instantly done.

export interface ProgressSnapshot {
  done: number;
  total: number;
  itemsPerS: number;
  etaS: number | null;
}

export class ProgressMeter {
  private startedAt: number | null = null;
  private measured = 0;
  private doneCount = 0;

  constructor(
    private total: number,
    private readonly now: () => number = () => Date.now(),
  ) {}

  /** items already finished in an earlier session (resume): counted done, not timed */
  skip(n = 1): void {
    this.doneCount += n;
  }

  tick(n = 1): void {
    this.startedAt ??= this.now();
    this.doneCount += n;
    this.measured += n;
  }

  /** mark the moment timing starts (before the first item of this session) */
  begin(): void {
    this.startedAt ??= this.now();
  }

  setTotal(total: number): void {
    this.total = total;
  }

  snapshot(): ProgressSnapshot {
    const elapsedS = this.startedAt === null ? 0 : (this.now() - this.startedAt) / 1000;
    const itemsPerS = elapsedS > 0 && this.measured > 0 ? this.measured / elapsedS : 0;
    const remaining = Math.max(0, this.total - this.doneCount);
    // ETA = remaining items / measured rate; unknown until one item has been timed
    const etaS = remaining === 0 ? 0 : itemsPerS > 0 ? remaining / itemsPerS : null;
    return { done: this.doneCount, total: this.total, itemsPerS, etaS };
  }
}
