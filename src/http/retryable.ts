/**
 * Which answers are worth another attempt — one list for every outbound caller. Routing maps it
 * onto KeelError codes (routing/retry-policy.ts); alerts and evals read the status directly.
 *
 * Retried: 408 Request Timeout, 409 Conflict (a lock or a concurrent write: a retry may pass),
 * 425 Too Early, 429 Too Many Requests, and every 5xx (the server's fault, and on another target
 * or a moment later it may not be). Not retried: other 4xx — the request itself was refused and
 * would be refused the same way. Network errors and timeouts with no answer are retried too;
 * a caller's own abort never is.
 */

export type StatusVerdict = "ok" | "retry" | "final";

const RETRYABLE_4XX: ReadonlySet<number> = new Set([408, 409, 425, 429]);

export function isRetryableStatus(status: number): boolean {
  return status >= 500 ? status <= 599 : RETRYABLE_4XX.has(status);
}

/** 2xx is done; a retryable status is another attempt; anything else is final. */
export function statusVerdict(status: number): StatusVerdict {
  if (status >= 200 && status <= 299) return "ok";
  return isRetryableStatus(status) ? "retry" : "final";
}
