import { KeelError } from "../errors/errors.js";
import { retryWaitMs } from "../http/backoff.js";
import { isRetryableStatus } from "../http/retryable.js";
import type { RetryConfig } from "./route-schema.js";

/**
 * What may be retried, and how long to wait: pure functions over KeelErrors and the route's
 * retry settings.
 *
 * Retryable: connect errors and the statuses every outbound caller retries (http/retryable.ts:
 * 408/409/425/429/5xx; codes upstream_unavailable, upstream_timeout, upstream_error), per-attempt
 * timeouts, and a stream that broke before its first chunk. Not retryable: the upstream refusing
 * the request itself (other 4xx — another try would be refused the same way), a stream that broke
 * after its first chunk (the client has bytes already), and anything Keel decided (invalid
 * request, deadline, client gone). The wait is http/backoff.ts's, as for every outbound retry.
 */

export type FailureKind =
  /** Worth another attempt, and a mark against the target (breaker, EWMA). */
  | "retryable"
  /** Final, and the target's fault: a stream that broke after the client got bytes. */
  | "target_fault"
  /** Final, and says nothing about the target's health (a 4xx refusal, a bad request). */
  | "final";

export function classifyFailure(err: unknown, afterFirstChunk: boolean): FailureKind {
  if (!(err instanceof KeelError)) return "final";
  switch (err.code) {
    case "upstream_unavailable":
    case "upstream_timeout":
      return "retryable";
    case "upstream_error": {
      const status = err.upstream?.status;
      if (status !== undefined && status >= 400 && status < 500 && !isRetryableStatus(status)) return "final";
      return "retryable";
    }
    case "upstream_stream_error":
      return afterFirstChunk ? "target_fault" : "retryable";
    default:
      return "final";
  }
}

/**
 * The wait before re-trying a target already tried: full jitter in [0, min(max, base·2^k)), or
 * the target's Retry-After cool-down if longer (pick.ts never offers one over max_retry_after_ms).
 */
export function retryWait(retryIndex: number, coolingMs: number, cfg: RetryConfig, random: () => number): number {
  return retryWaitMs(retryIndex, coolingMs, { baseMs: cfg.backoff_base_ms, maxMs: cfg.backoff_max_ms, maxRetryAfterMs: cfg.max_retry_after_ms }, random);
}

/** The upstream's Retry-After in ms, or null. */
export function retryAfterMs(err: unknown): number | null {
  return err instanceof KeelError && err.retryAfter !== undefined && err.retryAfter >= 0 ? err.retryAfter * 1000 : null;
}
