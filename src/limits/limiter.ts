import { KeelError } from "../errors/errors.js";
import type { Logger } from "../observe/log.js";
import type { AdmitRequest, AdmitResult, LimitBackend, SettleRequest, SettleResult } from "./backend.js";
import type { BudgetEventSink } from "./budget-events.js";
import { usdToNano } from "./estimate.js";
import { type CallInput, type Plan, Planner } from "./plan.js";
import { rateLimitHeaders } from "./rate-headers.js";
import { refusalError, worstRefusal } from "./refusal.js";
import { type CompiledRules, scopeValues } from "./rules.js";

/** What an admitted call holds until it is settled. */
export interface LimitTicket {
  readonly lease: string;
  /** null: nothing to settle (no limit applied, or admitted unchecked while failing open). */
  readonly plan: Plan | null;
  /** x-ratelimit-* for the response; null when no requests or tokens limit applied. */
  readonly headers: Record<string, string> | null;
}

/** What a finished call used. null = unknown: the reservation stands as the charge. */
export interface ActualUsage {
  readonly tokens: number | null;
  readonly costUsd: number | null;
}

export interface LimiterOptions {
  readonly rules: CompiledRules;
  readonly backend: LimitBackend;
  readonly events: BudgetEventSink;
  readonly log: Logger;
  /** What to do when the backend fails (Redis down or slow). */
  readonly onBackendError: "closed" | "open";
  /** A lease not settled by then is reclaimed by the backend: longer than any call may last. */
  readonly leaseTtlMs: number;
  readonly clock?: () => number;
}

const UNCHECKED: LimitTicket = Object.freeze({ lease: "", plan: null, headers: null });
const LOG_EVERY_MS = 10_000;

/**
 * Rate limits and budgets for one call: admit (all-or-nothing, 429 naming the limit) before the
 * provider is called, settle on actual usage after it ends — on every path, so concurrency leases
 * and reservations never leak. The arithmetic is in the backend; the choice of counters in plan.ts.
 */
export class Limiter {
  private readonly clock: () => number;
  private readonly planner: Planner;
  private lastFailureLog = 0;
  private failuresSinceLog = 0;

  constructor(private readonly o: LimiterOptions) {
    this.clock = o.clock ?? Date.now;
    this.planner = new Planner(o.rules);
  }

  get backendKind(): LimitBackend["kind"] {
    return this.o.backend.kind;
  }

  /** Throws a KeelError (429) when a limit refuses; returns a promise only when the backend is remote. */
  admit(call: CallInput, lease: string): LimitTicket | Promise<LimitTicket> {
    const now = this.clock();
    const plan = this.planner.plan(call, now);
    if (plan === null) return UNCHECKED;
    const req: AdmitRequest = {
      now, lease, leaseExpiresAt: now + this.o.leaseTtlMs, rates: plan.rates, concurrency: plan.concurrency, budgets: plan.budgets,
    };
    let result: AdmitResult | Promise<AdmitResult>;
    try {
      result = this.o.backend.admit(req);
    } catch (err) {
      return this.backendFailed(err, req);
    }
    if (result instanceof Promise) return result.then((r) => this.decide(plan, req, r), (err: unknown) => this.backendFailed(err, req));
    return this.decide(plan, req, result);
  }

  /** Releases the call's leases and reservations and charges what it used. Never throws, never waits. */
  settle(ticket: LimitTicket, usage: ActualUsage): void {
    const plan = ticket.plan;
    if (plan === null) return;
    const tokens = [];
    for (const r of plan.rates) {
      if (r.unit !== "tokens") continue;
      const delta = usage.tokens === null ? 0 : usage.tokens - r.cost;
      if (delta !== 0) tokens.push({ id: r.id, limit: r.limit, periodMs: r.periodMs, delta });
    }
    const budgets = plan.budgets.map((b) => ({
      id: b.id, actual: usage.costUsd === null ? b.cost : usdToNano(usage.costUsd), soft: b.soft, expiresAt: b.expiresAt,
    }));
    if (tokens.length === 0 && plan.concurrency.length === 0 && budgets.length === 0) return;
    const req: SettleRequest = { now: this.clock(), lease: ticket.lease, tokens, concurrency: plan.concurrency.map((c) => c.id), budgets };
    try {
      const r = this.o.backend.settle(req);
      if (r instanceof Promise) r.then((res) => this.softEvents(plan, res), (err: unknown) => this.logFailure("settle", err));
      else this.softEvents(plan, r);
    } catch (err) {
      this.logFailure("settle", err);
    }
  }

  private decide(plan: Plan, req: AdmitRequest, r: AdmitResult): LimitTicket {
    if (r.ok) return { lease: req.lease, plan, headers: plan.rates.length > 0 ? rateLimitHeaders(plan.rates, r.rates) : null };
    for (const x of r.refusals) {
      if (x.kind === "budget" && x.first) this.budgetEvent(plan, x.index, "exhausted", x.spent, req.now);
    }
    throw refusalError(plan, worstRefusal(r.refusals), req.now);
  }

  private softEvents(plan: Plan, r: SettleResult): void {
    for (let i = 0; i < r.softCrossed.length; i++) {
      if (r.softCrossed[i]) this.budgetEvent(plan, i, "soft_threshold", r.spent[i], this.clock());
    }
  }

  private budgetEvent(plan: Plan, i: number, kind: "soft_threshold" | "exhausted", spentNano: number, at: number): void {
    const b = plan.budgets[i];
    this.o.events.record({
      at, kind, budget: b.rule.name, scope: scopeValues(b.rule, plan.attrs), period: b.window.period, periodId: b.window.id,
      limitUsd: b.limitUsd, spentUsd: spentNano / 1e9,
    });
  }

  private backendFailed(err: unknown, req: AdmitRequest): LimitTicket {
    this.logFailure("admit", err);
    this.compensate(req);
    if (this.o.onBackendError === "open") return UNCHECKED;
    throw new KeelError(
      "limits_unavailable",
      `Rate limits and budgets cannot be checked (${this.o.backend.kind} backend unavailable), so calls are refused (limits.on_redis_error: closed).`,
      { retryAfter: 1, cause: err },
    );
  }

  /**
   * A timed-out admission may still have run in Redis. Its concurrency lease and budget
   * reservations are released, best effort: both are keyed by the lease, so releasing what was
   * never taken changes nothing. Its requests and tokens stay taken — refunding those blindly
   * could hand out capacity that was never used — and drain with time.
   */
  private compensate(req: AdmitRequest): void {
    if (req.concurrency.length === 0 && req.budgets.length === 0) return;
    const undo: SettleRequest = {
      now: req.now, lease: req.lease, tokens: [], concurrency: req.concurrency.map((c) => c.id),
      budgets: req.budgets.map((b) => ({ id: b.id, actual: 0, soft: Number.MAX_SAFE_INTEGER, expiresAt: b.expiresAt })),
    };
    try {
      const r = this.o.backend.settle(undo);
      if (r instanceof Promise) r.catch(() => {});
    } catch {
      // the backend is down: leases and reservations expire by themselves
    }
  }

  /** At most one log line per interval while the backend is down, with the count of failures in between. */
  private logFailure(op: "admit" | "settle", err: unknown): void {
    this.failuresSinceLog++;
    const now = Date.now();
    if (now - this.lastFailureLog < LOG_EVERY_MS) return;
    this.o.log.warn("limits backend failed", {
      op, backend: this.o.backend.kind, failures: this.failuresSinceLog, on_error: this.o.onBackendError, error: String((err as Error)?.message ?? err),
    });
    this.lastFailureLog = now;
    this.failuresSinceLog = 0;
  }
}
