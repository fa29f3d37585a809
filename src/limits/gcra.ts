/**
 * GCRA — the generic cell rate algorithm — for requests and tokens per period (decision 0006).
 *
 * One number per counter: the theoretical arrival time `tat` (epoch ms). Each unit of cost pushes it
 * `T = period / limit` ms into the future; a call is admitted while `tat − now` stays within one
 * period. That is a token bucket of capacity `limit` refilled at `limit / period`, kept as a single
 * float: a burst of `limit` units passes at once, then units come back smoothly — no window edges.
 *
 * The interval T is stored with tat: when a limit changes (config, a key's own limits), the units a
 * counter holds carry over — tat is rescaled — instead of milliseconds of the old rate.
 *
 * The Redis Lua scripts (redis-scripts.ts) repeat this arithmetic operation for operation, so both
 * backends reach the same decisions on the same inputs; the contract suite checks that they do.
 */

/** Float slack, in units, so that exactly `limit` units always fit whatever T's rounding. */
const EPS = 1e-6;

export interface GcraResult {
  readonly ok: boolean;
  /** The new tat when admitted; the unchanged one when refused. */
  readonly tat: number;
  /** Units still available after this call (or now, when refused). */
  readonly remaining: number;
  /** ms until the bucket is full again (OpenAI's `x-ratelimit-reset-*`). */
  readonly resetMs: number;
  /** ms until `cost` would fit; 0 when admitted. Infinity when cost > limit: it never fits. */
  readonly retryAfterMs: number;
}

export function gcraTake(tat: number, now: number, limit: number, periodMs: number, cost: number): GcraResult {
  const t = periodMs / limit;
  const base = tat > now ? tat : now;
  const next = base + cost * t;
  const level = next - now;
  if (level - periodMs > t * EPS) {
    return {
      ok: false,
      tat,
      remaining: Math.floor((periodMs - (base - now)) / t + EPS),
      resetMs: base - now,
      retryAfterMs: cost > limit ? Number.POSITIVE_INFINITY : level - periodMs,
    };
  }
  return { ok: true, tat: next, remaining: Math.floor((periodMs - level) / t + EPS), resetMs: level, retryAfterMs: 0 };
}

/**
 * Settles a reservation: `delta` = actual − reserved units. A refund moves tat back (never giving
 * more than a full bucket, since admission starts from max(tat, now)); an overrun moves it forward
 * from now at the earliest, so debt delays the next calls instead of being forgotten.
 */
export function gcraAdjust(tat: number, now: number, limit: number, periodMs: number, delta: number): number {
  const t = periodMs / limit;
  if (delta >= 0) return (tat > now ? tat : now) + delta * t;
  return tat + delta * t;
}

/** tat under interval `storedT` → the same units outstanding under interval `t`. */
export function rescaleTat(tat: number, now: number, storedT: number, t: number): number {
  return tat <= now || storedT === t ? tat : now + ((tat - now) / storedT) * t;
}
