import { type BreakerSnapshot, CircuitBreaker } from "./breaker.js";
import { Ewma } from "./ewma.js";
import { PrefixIndex } from "./prefix-index.js";
import type { BreakerConfig } from "./route-schema.js";

/**
 * Live state of one target — an upstream model at a provider, `provider/model` — shared by every
 * route that lists it, since they all load the same upstream: in-flight calls, moving averages of
 * latency and time to first token, the circuit breaker, a Retry-After cool-down, and for
 * prefix-affinity the index of prompt blocks this Keel has sent there.
 *
 * Mutated only by the route executor, read by routing decisions (as TargetViews) and by
 * `snapshot()` for /api/v1/targets and metrics.
 */
export class TargetState {
  inFlight = 0;
  /** No call before this time (ms), unless nothing else is left: set by an upstream Retry-After. */
  notBefore = 0;
  readonly latency = new Ewma();
  readonly ttft = new Ewma();
  readonly breaker: CircuitBreaker;
  successes = 0;
  failures = 0;
  private lru: PrefixIndex | null = null;

  constructor(
    readonly id: string,
    readonly provider: string,
    readonly model: string,
    breaker: BreakerConfig,
  ) {
    this.breaker = new CircuitBreaker(breaker);
  }

  /** The prompt blocks routed here, created on first use by a prefix-affinity route. */
  prefix(capacity: number): PrefixIndex {
    return (this.lru ??= new PrefixIndex(capacity));
  }

  snapshot(now: number): TargetSnapshot {
    return {
      id: this.id,
      provider: this.provider,
      model: this.model,
      inFlight: this.inFlight,
      latencyMs: this.latency.read(now),
      ttftMs: this.ttft.read(now),
      breaker: this.breaker.snapshot(now),
      retryAfterMs: this.notBefore > now ? this.notBefore - now : 0,
      successes: this.successes,
      failures: this.failures,
      prefixBlocks: this.lru?.size ?? 0,
    };
  }
}

export interface TargetSnapshot {
  readonly id: string;
  readonly provider: string;
  readonly model: string;
  readonly inFlight: number;
  readonly latencyMs: number | null;
  readonly ttftMs: number | null;
  readonly breaker: BreakerSnapshot;
  /** Time left on an upstream Retry-After, ms. */
  readonly retryAfterMs: number;
  readonly successes: number;
  readonly failures: number;
  readonly prefixBlocks: number;
}

/** Targets beyond this many (wildcard models create one per upstream name) are not kept. */
const MAX_TARGETS = 10_000;

/** Every target's state by `provider/model`; the first route to list a target sets its breaker. */
export class TargetStates {
  private readonly byId = new Map<string, TargetState>();

  get(provider: string, model: string, breaker: BreakerConfig): TargetState {
    const id = `${provider}/${model}`;
    let s = this.byId.get(id);
    if (!s) {
      s = new TargetState(id, provider, model, breaker);
      if (this.byId.size < MAX_TARGETS) this.byId.set(id, s);
    }
    return s;
  }

  /** For the metrics layer and GET /api/v1/targets: a consistent copy, safe to keep. */
  snapshot(now: number): TargetSnapshot[] {
    return [...this.byId.values()].map((s) => s.snapshot(now));
  }
}
