/**
 * Webhook delivery policy: which outcomes are retried and how long to wait, as the outbound HTTP
 * policy decides them for every caller (src/http/: retryable statuses, full-jitter backoff, the
 * receiver's `Retry-After`), with the waits capped at `max_delay_ms`.
 */
import { statusVerdict } from "../http/retryable.js";
import type { RetryPolicy } from "../http/retry.js";

/** What the notification history shows per notification (docs/alerts.md#delivery). */
export type DeliveryStatus = "pending" | "delivered" | "retrying" | "failed" | "refused" | "not_sent";

/** `alerts.delivery` in keel.yaml, resolved. */
export interface DeliveryPolicy {
  /** Attempts in all, the first one included. */
  attempts: number;
  base_delay_ms: number;
  /** Cap on one backoff delay and on a `Retry-After` the receiver asks for. */
  max_delay_ms: number;
  timeout_ms: number;
  /** How long shutdown waits for in-flight deliveries before giving up on them. */
  shutdown_wait_ms: number;
}

/** One attempt's result: an HTTP status, or a network error / timeout (`status` null). */
export interface AttemptOutcome {
  status: number | null;
  error: string | null;
  /** The receiver's `Retry-After`, in ms (http/retry-after.ts). */
  retryAfterMs?: number;
}

/** 2xx delivered; 408/409/425/429 and 5xx (and no answer at all) are worth another attempt; any other status is the receiver saying no. */
export function classify(o: AttemptOutcome): "delivered" | "retry" | "refused" {
  if (o.status === null) return "retry";
  const v = statusVerdict(o.status);
  return v === "ok" ? "delivered" : v === "retry" ? "retry" : "refused";
}

/** `alerts.delivery` as the outbound retry loop's policy: the first retry's window is base_delay_ms; waits, Retry-After included, stop at max_delay_ms. */
export function retryPolicyOf(p: Pick<DeliveryPolicy, "attempts" | "base_delay_ms" | "max_delay_ms">): RetryPolicy {
  return { attempts: p.attempts, baseMs: p.base_delay_ms, maxMs: p.max_delay_ms, maxRetryAfterMs: p.max_delay_ms };
}
