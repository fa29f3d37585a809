import type { RateState } from "./backend.js";
import type { PlannedRate } from "./plan.js";

/**
 * OpenAI's rate-limit headers, on every answer (200 or 429) when a requests or tokens limit
 * applies. With several limits of one unit, the headers describe the tightest: the one with the
 * fewest remaining.
 */
export function rateLimitHeaders(rates: readonly PlannedRate[], states: readonly RateState[]): Record<string, string> | null {
  let req = -1;
  let tok = -1;
  for (let i = 0; i < rates.length; i++) {
    if (rates[i].unit === "requests") {
      if (req < 0 || states[i].remaining < states[req].remaining) req = i;
    } else if (tok < 0 || states[i].remaining < states[tok].remaining) tok = i;
  }
  if (req < 0 && tok < 0) return null;
  const h: Record<string, string> = {};
  if (req >= 0) put(h, "requests", rates[req].limit, states[req]);
  if (tok >= 0) put(h, "tokens", rates[tok].limit, states[tok]);
  return h;
}

/** The headers for one limit alone: what a 429 carries for the limit that refused. */
export function headersFor(rate: PlannedRate, state: RateState): Record<string, string> {
  const h: Record<string, string> = {};
  put(h, rate.unit, rate.limit, state);
  return h;
}

const NAMES = {
  requests: ["x-ratelimit-limit-requests", "x-ratelimit-remaining-requests", "x-ratelimit-reset-requests"],
  tokens: ["x-ratelimit-limit-tokens", "x-ratelimit-remaining-tokens", "x-ratelimit-reset-tokens"],
} as const;

function put(h: Record<string, string>, unit: "requests" | "tokens", limit: number, s: RateState): void {
  const [l, r, t] = NAMES[unit];
  h[l] = String(limit);
  h[r] = String(s.remaining > 0 ? s.remaining : 0);
  h[t] = formatDuration(s.resetMs);
}

/** Go's time.Duration style, as OpenAI sends it: `17ms`, `1.5s`, `6m0s`, `1h0m0s`. */
export function formatDuration(ms: number): string {
  if (!(ms > 0)) return "0s";
  if (ms < 1000) return ms < 1 ? "1ms" : `${Math.round(ms)}ms`;
  // whole milliseconds; printing a number gives its shortest form (1.5, not 1.500)
  const total = Math.round(ms);
  if (total < 60_000) return `${total / 1000}s`;
  const h = Math.floor(total / 3_600_000);
  const m = Math.floor((total % 3_600_000) / 60_000);
  const sec = `${(total % 60_000) / 1000}s`;
  return h > 0 ? `${h}h${m}m${sec}` : `${m}m${sec}`;
}
