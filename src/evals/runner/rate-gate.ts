/**
 * Shared admission for every HTTP call of a run (targets and judges): at most `limit` calls in
 * flight, and none while paused. A 429 halves the limit and pauses everyone until its Retry-After;
 * each `limit` successes in a row add one back (AIMD, as TCP does), so a run settles just under
 * the rate the server will take instead of hammering it.
 */
export class RateGate {
  private inFlight = 0;
  private pausedUntil = 0;
  private streak = 0;
  private waiters: (() => void)[] = [];
  private timer: NodeJS.Timeout | null = null;
  limit: number;

  constructor(private readonly max: number, private readonly now: () => number = Date.now) {
    if (!Number.isInteger(max) || max < 1) throw new RangeError(`concurrency must be a positive integer, got ${max}`);
    this.limit = max;
  }

  get active(): number {
    return this.inFlight;
  }

  /** Resolves with a release function once a slot is free and no pause is on. */
  async acquire(signal?: AbortSignal): Promise<() => void> {
    while (this.inFlight >= this.limit || this.now() < this.pausedUntil) {
      signal?.throwIfAborted();
      await new Promise<void>((resolve, reject) => {
        const onAbort = (): void => reject(signal!.reason);
        signal?.addEventListener("abort", onAbort, { once: true });
        this.waiters.push(() => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        });
        this.armTimer();
      });
    }
    this.inFlight++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.inFlight--;
      this.wake();
    };
  }

  onRateLimited(retryAfterMs: number): void {
    this.limit = Math.max(1, Math.floor(this.limit / 2));
    this.streak = 0;
    this.pausedUntil = Math.max(this.pausedUntil, this.now() + Math.max(0, retryAfterMs));
    this.armTimer();
  }

  onSuccess(): void {
    if (this.limit >= this.max) return;
    if (++this.streak >= this.limit) {
      this.limit++;
      this.streak = 0;
      this.wake();
    }
  }

  private wake(): void {
    const ws = this.waiters;
    this.waiters = [];
    for (const w of ws) w();
  }

  /** While paused, one timer wakes the waiters when the pause ends. */
  private armTimer(): void {
    const wait = this.pausedUntil - this.now();
    if (wait <= 0 || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.wake();
    }, wait);
    // Not unref'd: while paused, this timer may be the only thing keeping a run's process alive.
  }
}
