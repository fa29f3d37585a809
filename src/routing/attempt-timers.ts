import { KeelError } from "../errors/errors.js";
import type { TimeoutsConfig } from "./route-schema.js";

/**
 * The per-attempt timeouts, kept around the Provider interface so they hold for every provider
 * kind: an attempt's own AbortSignal (linked to the request's) is aborted with an upstream_timeout
 * KeelError when a phase overruns, and the provider's pending call or next() rejects with it.
 *
 *   connect      start → the provider reports the upstream accepted the call (streams only: a
 *                non-streaming answer's headers come with the whole completion)
 *   first token  start → first chunk (streams) or the completion
 *   idle         waiting for the next chunk; counted only while the consumer waits in next(), so a
 *                slow client (backpressure) never times out a healthy upstream; re-armed with
 *                Timeout#refresh(), no new timer per chunk
 *   total        start → end; also capped by what is left of the route's deadline
 */
export type TimeoutKind = "connect" | "first_token" | "idle" | "total" | "deadline";

export class AttemptTimers {
  readonly signal: AbortSignal;
  /** Which timer fired, if one did. */
  fired: TimeoutKind | null = null;
  /** Null when no timer applies: the attempt then runs on the request's own signal. */
  private readonly ac: AbortController | null;
  private connectTimer: NodeJS.Timeout | undefined;
  private firstTimer: NodeJS.Timeout | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  private totalTimer: NodeJS.Timeout | undefined;
  private waiting = false;
  private readonly onParentAbort: () => void = () => this.ac?.abort(this.parent.reason);

  constructor(
    private readonly parent: AbortSignal,
    private readonly limits: TimeoutsConfig,
    /** ms left of the route deadline, if it has one. */
    deadlineLeftMs: number | undefined,
    private readonly target: { readonly id: string; readonly provider: string },
    stream: boolean,
  ) {
    const l = limits;
    const timed = (stream && (l.connect_ms ?? l.idle_ms) !== undefined) || l.first_token_ms !== undefined || l.total_ms !== undefined || deadlineLeftMs !== undefined;
    // hot path: a target with no timeouts (every `models:` entry) costs no controller and no listener
    this.ac = timed ? new AbortController() : null;
    this.signal = this.ac?.signal ?? parent;
    if (!this.ac) return;
    if (parent.aborted) this.ac.abort(parent.reason);
    else parent.addEventListener("abort", this.onParentAbort, { once: true });
    if (stream && limits.connect_ms !== undefined) this.connectTimer = this.arm("connect", limits.connect_ms);
    if (limits.first_token_ms !== undefined) this.firstTimer = this.arm("first_token", limits.first_token_ms);
    const total = limits.total_ms;
    if (deadlineLeftMs !== undefined && (total === undefined || deadlineLeftMs < total)) this.totalTimer = this.arm("deadline", deadlineLeftMs);
    else if (total !== undefined) this.totalTimer = this.arm("total", total);
  }

  /** Whether a connect timer runs: only then does the attempt need an onUpstreamResponse callback. */
  get timesConnect(): boolean {
    return this.connectTimer !== undefined;
  }

  /** The upstream accepted the call (CallContext.onUpstreamResponse). */
  connected(): void {
    clearTimeout(this.connectTimer);
    this.connectTimer = undefined;
  }

  firstToken(): void {
    this.connected();
    clearTimeout(this.firstTimer);
    this.firstTimer = undefined;
    if (this.limits.idle_ms !== undefined && this.ac && !this.ac.signal.aborted) this.idleTimer = this.arm("idle", this.limits.idle_ms);
  }

  /** The consumer asks for the next chunk: the idle clock (re)starts. */
  awaitingChunk(): void {
    this.waiting = true;
    // refresh() also re-activates a timer that fired while nobody was waiting
    this.idleTimer?.refresh();
  }

  chunk(): void {
    this.waiting = false;
  }

  /** Clears every timer and unlinks from the request's signal; safe to call twice. */
  done(): void {
    if (!this.ac) return;
    clearTimeout(this.connectTimer);
    clearTimeout(this.firstTimer);
    clearTimeout(this.idleTimer);
    clearTimeout(this.totalTimer);
    this.parent.removeEventListener("abort", this.onParentAbort);
  }

  private arm(kind: TimeoutKind, ms: number): NodeJS.Timeout {
    const ac = this.ac!;
    return setTimeout(() => {
      if (ac.signal.aborted || (kind === "idle" && !this.waiting)) return;
      this.fired = kind;
      ac.abort(new KeelError("upstream_timeout", `${this.target.id}: ${describe(kind, ms)}`, { upstream: { provider: this.target.provider } }));
    }, Math.max(0, ms));
  }
}

function describe(kind: TimeoutKind, ms: number): string {
  switch (kind) {
    case "connect":
      return `no response within ${ms} ms (connect_ms)`;
    case "first_token":
      return `no first token within ${ms} ms (first_token_ms)`;
    case "idle":
      return `no chunk for ${ms} ms (idle_ms)`;
    case "total":
      return `attempt exceeded ${ms} ms (total_ms)`;
    case "deadline":
      return "the route's deadline passed (deadline_ms)";
  }
}
