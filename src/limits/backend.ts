/**
 * The limiter's storage seam: where counters live. Two implementations pass one contract suite
 * (backend.contract.ts): `MemoryBackend` (this process) and `RedisBackend` (shared, atomic Lua).
 *
 * A backend only does arithmetic on counters it is handed; which counters a call touches, and with
 * which limits, is decided by the pure planner (plan.ts). Every admission is all-or-nothing: when
 * one check refuses, no counter changes. Times are passed in (`now`), never read, so the contract
 * suite drives both backends with one fake clock; instances sharing Redis need NTP-synced clocks.
 *
 * Money is integer nano-USD so that sums are exact in doubles and in Redis' HINCRBY alike.
 */

export interface RateCheck {
  /** Counter id (backend-local: the Redis backend adds its prefix). */
  readonly id: string;
  readonly limit: number;
  readonly periodMs: number;
  /** Units taken: 1 for requests, the token estimate for tokens. */
  readonly cost: number;
}

export interface ConcurrencyCheck {
  readonly id: string;
  readonly max: number;
}

export interface BudgetCheck {
  readonly id: string;
  /** nano-USD. */
  readonly limit: number;
  /** Estimated cost reserved, nano-USD. */
  readonly cost: number;
  /** Epoch ms after which the counter may be dropped (period end plus a margin). */
  readonly expiresAt: number;
}

export interface AdmitRequest {
  readonly now: number;
  /** Unique per call (the request id): names its concurrency lease and budget reservations. */
  readonly lease: string;
  /** A lease not settled by then is reclaimed (a crashed instance must not hold capacity forever). */
  readonly leaseExpiresAt: number;
  readonly rates: readonly RateCheck[];
  readonly concurrency: readonly ConcurrencyCheck[];
  readonly budgets: readonly BudgetCheck[];
}

export interface RateState {
  readonly remaining: number;
  readonly resetMs: number;
}

export type Refusal =
  | { readonly kind: "rate"; readonly index: number; readonly retryAfterMs: number; readonly remaining: number; readonly resetMs: number }
  | { readonly kind: "concurrency"; readonly index: number; readonly inFlight: number }
  /** `first`: the first refusal of this counter — raise the `exhausted` event once, across instances. */
  | { readonly kind: "budget"; readonly index: number; readonly spent: number; readonly reserved: number; readonly first: boolean };

export type AdmitResult =
  | { readonly ok: true; readonly rates: readonly RateState[] }
  | { readonly ok: false; readonly refusals: readonly Refusal[] };

export interface TokenSettle {
  readonly id: string;
  readonly limit: number;
  readonly periodMs: number;
  /** actual − reserved units: negative refunds, positive is debt. */
  readonly delta: number;
}

export interface BudgetSettle {
  readonly id: string;
  /** Actual cost, nano-USD; the reservation this lease holds is released. */
  readonly actual: number;
  /** nano-USD at which the soft-threshold event fires. */
  readonly soft: number;
  readonly expiresAt: number;
}

export interface SettleRequest {
  readonly now: number;
  readonly lease: string;
  readonly tokens: readonly TokenSettle[];
  /** Concurrency counter ids whose lease is released. */
  readonly concurrency: readonly string[];
  readonly budgets: readonly BudgetSettle[];
}

export interface SettleResult {
  /** Per budget: spend after settling, nano-USD. */
  readonly spent: readonly number[];
  /** Per budget: this settle took spend across `soft` first (exactly once per counter, across instances). */
  readonly softCrossed: readonly boolean[];
}

export interface BudgetSeed {
  readonly id: string;
  readonly spent: number;
  readonly soft: number;
  readonly expiresAt: number;
}

export interface LimitBackend {
  readonly kind: "memory" | "redis";
  /** Sync for the in-process backend: the hot path takes no promise when none is needed. */
  admit(req: AdmitRequest): AdmitResult | Promise<AdmitResult>;
  settle(req: SettleRequest): SettleResult | Promise<SettleResult>;
  /** Sets a budget counter's spend when the counter does not exist yet (start-up, from the spend table). */
  seedBudgets(seeds: readonly BudgetSeed[]): void | Promise<void>;
  close(): Promise<void>;
}
