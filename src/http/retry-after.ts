import { parseHttpDate } from "./http-date.js";

/**
 * How long a server asks us to wait, in ms, from its response headers — the one reader of
 * `Retry-After` for every outbound caller (providers, alerts, evals).
 *
 * Accepted:
 * - `retry-after-ms: 1500` — the OpenAI and Anthropic SDKs' convention, read first when present
 *   and valid because it is the more precise of the two;
 * - `retry-after: 120` — delta-seconds (RFC 9110 §10.2.3); a decimal fraction (`1.5`) is
 *   accepted too, since some servers send one and the intent is plain;
 * - `retry-after: Wed, 21 Oct 2015 07:28:00 GMT` — an HTTP-date, as ms from `nowMs`.
 *
 * Bounds: anything else is ignored (undefined) — negative numbers, `1e3`, `0x10`, `Infinity`,
 * words, values over 64 characters. A date in the past is 0 (come back now). Every value is
 * capped at MAX_RETRY_AFTER_MS so later arithmetic stays finite; each caller then applies its own,
 * smaller cap (what it is willing to wait), see backoff.ts.
 */

/** One day: no caller waits anywhere near this long, it only keeps a hostile value finite. */
export const MAX_RETRY_AFTER_MS = 86_400_000;

/** Header values as undici returns them: a repeated header is an array. */
export type HeaderValues = Readonly<Record<string, string | string[] | undefined>>;

const MAX_VALUE_CHARS = 64;
const DECIMAL = /^\d+(?:\.\d+)?$/;

/** `retry-after-ms`, else `retry-after`; undefined when neither says anything usable. Header names are lower case (undici's). */
export function retryAfterFromHeaders(headers: HeaderValues, nowMs: number): number | undefined {
  return parseRetryAfterMs(first(headers["retry-after-ms"])) ?? parseRetryAfter(first(headers["retry-after"]), nowMs);
}

/** A `Retry-After` value (delta-seconds or HTTP-date) as ms from `nowMs`. */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | undefined {
  const v = clean(value);
  if (v === undefined) return undefined;
  if (DECIMAL.test(v)) return cap(Number(v) * 1000);
  const at = parseHttpDate(v, nowMs);
  return at === undefined ? undefined : cap(Math.max(0, at - nowMs));
}

/** A `retry-after-ms` value: a non-negative number of milliseconds. */
export function parseRetryAfterMs(value: string | null | undefined): number | undefined {
  const v = clean(value);
  return v !== undefined && DECIMAL.test(v) ? cap(Number(v)) : undefined;
}

function clean(value: string | null | undefined): string | undefined {
  if (value === null || value === undefined || value.length > MAX_VALUE_CHARS) return undefined;
  const v = value.trim();
  return v === "" ? undefined : v;
}

function cap(ms: number): number {
  return Math.min(ms, MAX_RETRY_AFTER_MS);
}

function first(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}
