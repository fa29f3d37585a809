import { sleep as abortableSleep } from "../async/sleep.js";
import { type RetryWaitPolicy, retryWaitMs } from "./backoff.js";

/**
 * The one retry loop of background outbound calls (alert webhooks, eval targets and judges):
 * up to `attempts` tries, each failure either final or retryable, the wait between them from
 * backoff.ts (full jitter, or the server's Retry-After if longer, capped). Sleep, clock and
 * randomness are injected, so tests assert the waits asked for instead of spending them.
 *
 * It never throws for a failed attempt: the result says how it ended, so a caller can record
 * the outcome (alerts) or throw its own error (evals). An exception from `attempt` itself is a
 * bug in the caller and propagates.
 *
 * Routing's attempt loop over targets (routing/executor.ts) is a failover scheduler with breakers
 * and per-target cool-downs; it takes its waits from the same retryWaitMs.
 */

export interface RetryPolicy extends RetryWaitPolicy {
  /** Attempts in all, the first included; 1 turns retries off. */
  readonly attempts: number;
}

/** What one attempt came to. `retryAfterMs` is the server's ask (retry-after.ts), if any. */
export type AttemptOutcome<T, F> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly failure: F; readonly retryable: boolean; readonly retryAfterMs?: number };

export type RetryResult<T, F> =
  | { readonly ok: true; readonly value: T; readonly attempts: number }
  | {
      readonly ok: false;
      /** The last attempt's failure; undefined only when aborted before the first attempt. */
      readonly failure: F | undefined;
      readonly attempts: number;
      /**
       * final: the last failure was not retryable; exhausted: `attempts` ran out; aborted: the
       * signal fired (before an attempt or during a wait); deadline: the next wait would end
       * past `deadlineAt`.
       */
      readonly reason: "final" | "exhausted" | "aborted" | "deadline";
    };

export interface RetryDeps<F> {
  readonly signal?: AbortSignal;
  /** Resolves after `ms`; rejects when `signal` aborts. Default: a timer that keeps the process alive (a CLI run waits on it). */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Wall-clock ms (Date.now by default): for `deadlineAt` and for callers reading an HTTP-date. */
  readonly now?: () => number;
  /** In [0, 1); Math.random by default. */
  readonly random?: () => number;
  /** No wait may end after this time (ms, on `now`'s clock). */
  readonly deadlineAt?: number;
  /** Called before each wait: the failure that caused it, the attempt that failed (1-based), the wait. */
  readonly onRetry?: (failure: F, attempt: number, waitMs: number) => void;
}

/** Context handed to each attempt. */
export interface AttemptContext {
  /** 1-based. */
  readonly attempt: number;
  /** The loop's clock, for reading a Retry-After date against the same time the waits use. */
  readonly now: () => number;
}

export async function retry<T, F>(
  attempt: (ctx: AttemptContext) => Promise<AttemptOutcome<T, F>>,
  policy: RetryPolicy,
  deps: RetryDeps<F> = {},
): Promise<RetryResult<T, F>> {
  const { signal, deadlineAt } = deps;
  const sleep = deps.sleep ?? defaultSleep;
  const now = deps.now ?? Date.now;
  const random = deps.random ?? Math.random;
  const attempts = Math.max(1, Math.floor(policy.attempts));
  let failure: F | undefined;
  for (let n = 1; ; n++) {
    if (signal?.aborted) return { ok: false, failure, attempts: n - 1, reason: "aborted" };
    const out = await attempt({ attempt: n, now });
    if (out.ok) return { ok: true, value: out.value, attempts: n };
    failure = out.failure;
    if (!out.retryable) return { ok: false, failure, attempts: n, reason: "final" };
    if (n >= attempts) return { ok: false, failure, attempts: n, reason: "exhausted" };
    if (signal?.aborted) return { ok: false, failure, attempts: n, reason: "aborted" };
    const wait = retryWaitMs(n - 1, out.retryAfterMs, policy, random);
    if (deadlineAt !== undefined && now() + wait > deadlineAt) return { ok: false, failure, attempts: n, reason: "deadline" };
    deps.onRetry?.(failure, n, wait);
    if (wait > 0) {
      try {
        await sleep(wait, signal);
      } catch (err) {
        if (signal?.aborted) return { ok: false, failure, attempts: n, reason: "aborted" };
        throw err;
      }
    }
  }
}

function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return abortableSleep(ms, signal);
}
