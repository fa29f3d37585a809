import type { BreakerConfig } from "./route-schema.js";

/**
 * A circuit breaker per target. Closed, it counts outcomes; it opens on `consecutive_failures`
 * in a row, or when the failure share over a rolling window reaches `error_rate` with at least
 * `min_samples` calls in it. Open, it refuses calls for `cooldown_ms`; then it is half-open and
 * lets `half_open_probes` calls through at once: a probe's success closes it, a failure opens it
 * for another cool-down.
 *
 * No timers and no clock of its own: every method takes `now` (ms), so the state machine is
 * deterministic in tests and the open → half-open step happens lazily when someone asks.
 */

export type BreakerState = "closed" | "open" | "half_open";

/** What `acquire` hands out; passed back with the outcome so a probe's result is told apart from a straggler's. */
export type BreakerTicket = "normal" | "probe";

export interface BreakerSnapshot {
  readonly state: BreakerState;
  readonly consecutiveFailures: number;
  /** Calls and failures in the rolling window. */
  readonly windowCalls: number;
  readonly windowFailures: number;
  /** When it last opened (ms, the caller's clock), or null. */
  readonly openedAt: number | null;
  /** When an open breaker turns half-open, or null. */
  readonly halfOpenAt: number | null;
  /** How many times it has opened since start. */
  readonly opens: number;
}

const BUCKETS = 10;

export class CircuitBreaker {
  private stateName: BreakerState = "closed";
  private consecutive = 0;
  private openedAt: number | null = null;
  private probesOut = 0;
  private opens = 0;
  // rolling window as a ring of BUCKETS slots; a slot is valid while its epoch is within the window
  private readonly epochs = new Float64Array(BUCKETS).fill(-Infinity);
  private readonly calls = new Uint32Array(BUCKETS);
  private readonly failures = new Uint32Array(BUCKETS);
  private readonly bucketMs: number;

  constructor(readonly cfg: BreakerConfig) {
    this.bucketMs = cfg.window_ms / BUCKETS;
  }

  state(now: number): BreakerState {
    if (this.stateName === "open" && now >= this.openedAt! + this.cfg.cooldown_ms) {
      this.stateName = "half_open";
      this.probesOut = 0;
    }
    return this.stateName;
  }

  /** Whether a call may go now, without taking a probe slot: what a routing decision reads. */
  allows(now: number): boolean {
    const s = this.state(now);
    return s === "closed" || (s === "half_open" && this.probesOut < this.cfg.half_open_probes);
  }

  /** Takes the right to call: null when open (or every probe slot is taken). */
  acquire(now: number): BreakerTicket | null {
    const s = this.state(now);
    if (s === "closed") return "normal";
    if (s === "half_open" && this.probesOut < this.cfg.half_open_probes) {
      this.probesOut++;
      return "probe";
    }
    return null;
  }

  onSuccess(ticket: BreakerTicket, now: number): void {
    this.count(now, false);
    this.consecutive = 0;
    if (ticket === "probe" && this.stateName === "half_open") this.close();
  }

  onFailure(ticket: BreakerTicket, now: number): void {
    this.count(now, true);
    this.consecutive++;
    if (ticket === "probe") {
      if (this.stateName === "half_open") this.open(now);
      return;
    }
    // a straggler that started before the breaker opened does not restart the cool-down
    if (this.stateName !== "closed") return;
    if (this.consecutive >= this.cfg.consecutive_failures) return this.open(now);
    const { calls, failures } = this.window(now);
    if (calls >= this.cfg.min_samples && failures / calls >= this.cfg.error_rate) this.open(now);
  }

  /** The call ended without saying anything about the target (the client left): free its probe slot. */
  release(ticket: BreakerTicket): void {
    if (ticket === "probe" && this.probesOut > 0) this.probesOut--;
  }

  snapshot(now: number): BreakerSnapshot {
    const state = this.state(now);
    const w = this.window(now);
    return {
      state,
      consecutiveFailures: this.consecutive,
      windowCalls: w.calls,
      windowFailures: w.failures,
      openedAt: this.openedAt,
      halfOpenAt: state === "open" ? this.openedAt! + this.cfg.cooldown_ms : null,
      opens: this.opens,
    };
  }

  private open(now: number): void {
    this.stateName = "open";
    this.openedAt = now;
    this.probesOut = 0;
    this.opens++;
  }

  private close(): void {
    this.stateName = "closed";
    this.consecutive = 0;
    this.probesOut = 0;
    // the failures that opened it are history: a fresh window, or one failure would re-open it
    this.epochs.fill(-Infinity);
  }

  private count(now: number, failed: boolean): void {
    const epoch = Math.floor(now / this.bucketMs);
    const slot = epoch % BUCKETS;
    if (this.epochs[slot] !== epoch) {
      this.epochs[slot] = epoch;
      this.calls[slot] = 0;
      this.failures[slot] = 0;
    }
    this.calls[slot]++;
    if (failed) this.failures[slot]++;
  }

  private window(now: number): { calls: number; failures: number } {
    const oldest = Math.floor(now / this.bucketMs) - BUCKETS + 1;
    let calls = 0;
    let failures = 0;
    for (let i = 0; i < BUCKETS; i++) {
      if (this.epochs[i] >= oldest) {
        calls += this.calls[i];
        failures += this.failures[i];
      }
    }
    return { calls, failures };
  }
}
