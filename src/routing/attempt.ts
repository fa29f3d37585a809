import { KeelError } from "../errors/errors.js";
import type { TraceAttempt } from "../observe/types.js";
import type { CallContext } from "../providers/types.js";
import { AttemptTimers } from "./attempt-timers.js";
import type { BreakerTicket } from "./breaker.js";
import type { RouteTarget } from "./route-table.js";
import { type FailureKind, retryAfterMs } from "./retry-policy.js";

/** One attempt as the trace keeps it (GET /api/v1/traces/:id → `attempts`). */
export type AttemptRecord = TraceAttempt;

/** What an attempt needs from the request it belongs to. */
export interface AttemptCall {
  readonly requestId: string;
  readonly traceparent?: string;
  readonly headers?: CallContext["headers"];
  /** The request's signal: aborted when the client leaves or the server's deadline passes. */
  readonly signal: AbortSignal;
  /** performance.now() at the request's arrival. */
  readonly t0: number;
  /** Every attempt is appended here as it starts (the gateway's trace reads it). */
  readonly attempts: AttemptRecord[];
}

const MAX_ERROR_CHARS = 300;

/**
 * One call to one target, from start to its outcome: owns the timers, the breaker ticket, the
 * in-flight count and the trace record, and settles all of them exactly once.
 */
export class Attempt {
  readonly timers: AttemptTimers;
  readonly record: AttemptRecord;
  readonly context: CallContext;
  private readonly started: number;
  private settled = false;

  constructor(
    readonly target: RouteTarget,
    private readonly ticket: BreakerTicket,
    call: AttemptCall,
    waitMs: number,
    stream: boolean,
    deadlineLeftMs: number | undefined,
    private readonly now: () => number,
  ) {
    this.started = now();
    this.timers = new AttemptTimers(call.signal, target.timeouts, deadlineLeftMs, target, stream);
    this.record = {
      target: target.id, provider: target.provider, model: target.model, startMs: round(this.started - call.t0), waitMs: round(waitMs),
      durationMs: null, ttftMs: null, outcome: "pending", errorCode: null, upstreamStatus: null, error: null,
    };
    call.attempts.push(this.record);
    const timers = this.timers;
    this.context = {
      requestId: call.requestId, traceparent: call.traceparent, headers: call.headers, signal: timers.signal,
      onUpstreamResponse: timers.timesConnect ? () => timers.connected() : undefined,
    };
    target.state.inFlight++;
  }

  /** The first chunk (or the completion) arrived. */
  firstToken(): void {
    const now = this.now();
    const ms = now - this.started;
    this.record.ttftMs = round(ms);
    this.target.state.ttft.update(ms, now);
    this.timers.firstToken();
  }

  succeed(): void {
    const now = this.begin();
    if (now < 0) return;
    const s = this.target.state;
    s.breaker.onSuccess(this.ticket, now);
    s.latency.update(now - this.started, now);
    s.successes++;
    this.record.outcome = "ok";
  }

  /** A failure the target is to blame for (`retryable` or `target_fault`), or a neutral `final` one. */
  fail(err: unknown, kind: FailureKind): void {
    const now = this.begin();
    if (now < 0) return;
    const s = this.target.state;
    this.describe(err, "error");
    if (kind === "final") {
      s.breaker.release(this.ticket);
      return;
    }
    s.breaker.onFailure(this.ticket, now);
    s.failures++;
    // a timeout before the first token is at least that slow: least-latency should know
    if (this.record.ttftMs === null && err instanceof KeelError && err.code === "upstream_timeout") s.ttft.update(now - this.started, now);
    const ra = retryAfterMs(err);
    if (ra !== null) s.notBefore = Math.max(s.notBefore, now + ra);
  }

  /** The client left or the deadline passed: no verdict on the target. */
  abandon(err: unknown): void {
    if (this.begin() < 0) return;
    this.target.state.breaker.release(this.ticket);
    this.describe(err, "abandoned");
  }

  /** Settles once: the time now, or -1 when already settled. */
  private begin(): number {
    if (this.settled) return -1;
    this.settled = true;
    this.timers.done();
    this.target.state.inFlight--;
    const now = this.now();
    this.record.durationMs = round(now - this.started);
    return now;
  }

  private describe(err: unknown, outcome: AttemptRecord["outcome"]): void {
    this.record.outcome = outcome;
    if (err instanceof KeelError) {
      this.record.errorCode = err.code;
      this.record.upstreamStatus = err.upstream?.status ?? null;
    }
    const msg = err instanceof Error ? err.message : String(err);
    this.record.error = msg.length > MAX_ERROR_CHARS ? `${msg.slice(0, MAX_ERROR_CHARS)}…` : msg;
  }
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
