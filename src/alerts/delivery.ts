/**
 * Webhook delivery policy as pure functions: which outcomes are retried, how long to wait before
 * the next attempt (exponential backoff with jitter, or the receiver's `Retry-After`), both capped.
 */

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
  retryAfter: string | null;
}

/** 2xx delivered; 429 and 5xx (and no answer at all) are worth another attempt; any other status is the receiver saying no. */
export function classify(o: AttemptOutcome): "delivered" | "retry" | "refused" {
  if (o.status === null) return "retry";
  if (o.status >= 200 && o.status < 300) return "delivered";
  if (o.status === 429 || o.status >= 500) return "retry";
  return "refused";
}

/** Delay before attempt `next` (2, 3, …): base·2^(next−2), capped, then ±20 % jitter so many receivers' retries do not align. */
export function backoffMs(next: number, p: Pick<DeliveryPolicy, "base_delay_ms" | "max_delay_ms">, random: () => number): number {
  const d = Math.min(p.max_delay_ms, p.base_delay_ms * 2 ** Math.max(0, next - 2));
  return Math.min(p.max_delay_ms, Math.round(d * (0.8 + 0.4 * random())));
}

/** `Retry-After` as ms from now: delta-seconds or an HTTP date; null when absent or unreadable. */
export function parseRetryAfter(header: string | null, now: number): number | null {
  if (!header) return null;
  const v = header.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/** The wait before attempt `next`: the receiver's `Retry-After` when it gave one, else backoff; never above `max_delay_ms`. */
export function retryDelayMs(next: number, o: AttemptOutcome, p: Pick<DeliveryPolicy, "base_delay_ms" | "max_delay_ms">, now: number, random: () => number): number {
  const asked = parseRetryAfter(o.retryAfter, now);
  return asked === null ? backoffMs(next, p, random) : Math.min(p.max_delay_ms, asked);
}
