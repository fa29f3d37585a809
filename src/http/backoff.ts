/**
 * The one backoff of every outbound retry: exponential with full jitter and a cap, uniform in
 * [0, min(maxMs, baseMs·2^k)) for the k-th retry (k = 0 before the second attempt). Full jitter
 * (AWS architecture blog, "Exponential Backoff and Jitter") spreads many clients' retries over
 * the whole window, so they do not arrive in lock-step after a shared outage.
 *
 * A server's Retry-After is a floor on the wait, never a reason to wait past the caller's own
 * cap: the wait is max(backoff, min(retryAfter, maxRetryAfterMs)).
 */

export interface BackoffPolicy {
  /** The window of the first retry. */
  readonly baseMs: number;
  /** Cap on the window, however many retries. */
  readonly maxMs: number;
}

export interface RetryWaitPolicy extends BackoffPolicy {
  /** The longest Retry-After honoured; a longer one is waited for this long. */
  readonly maxRetryAfterMs: number;
}

/** Past 2^30 the window is the cap anyway; stopping there keeps the power finite. */
const MAX_EXPONENT = 30;

/** Full-jitter wait before retry `retryIndex` (0-based); `random` in [0, 1). */
export function backoffMs(retryIndex: number, p: BackoffPolicy, random: () => number): number {
  const window = Math.min(p.maxMs, p.baseMs * 2 ** Math.min(Math.max(0, retryIndex), MAX_EXPONENT));
  return Math.floor(random() * window);
}

/** The wait before retry `retryIndex`: the backoff, or the server's Retry-After (ms) if longer, up to `maxRetryAfterMs`. */
export function retryWaitMs(retryIndex: number, retryAfterMs: number | undefined, p: RetryWaitPolicy, random: () => number): number {
  const backoff = backoffMs(retryIndex, p, random);
  return retryAfterMs === undefined ? backoff : Math.max(backoff, Math.min(retryAfterMs, p.maxRetryAfterMs));
}
