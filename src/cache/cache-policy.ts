import type { CacheSettings } from "./cache-settings.js";

/**
 * Whether one call may read the cache and whether its answer may be written: pure, from the
 * route's settings, the request's cache headers and the body of record.
 */

export type CacheOutcome = "hit" | "miss" | "semantic-hit" | "bypass";

export interface CacheDecision {
  read: boolean;
  write: boolean;
  /** Why neither is done (shown on the trace), or null. */
  bypass: BypassReason | null;
  /** The TTL of an entry written, in seconds. */
  ttlS: number;
}

export type BypassReason = "no-store" | "mode-never" | "temperature" | "json-schema" | "n";

export interface CacheHeaders {
  cacheControl: string | undefined;
  /** `x-keel-cache-ttl`, already parsed and bounded (cacheTtlHeader), or null. */
  ttlS: number | null;
}

/** The directives Keel reads in `Cache-Control`: `no-cache` (skip the lookup, refresh the entry) and `no-store`. */
export function cacheControl(value: string | undefined): { noCache: boolean; noStore: boolean } {
  if (!value) return { noCache: false, noStore: false };
  const v = value.toLowerCase();
  return { noCache: /(?:^|[\s,])no-cache(?:$|[\s,;=])/.test(v), noStore: /(?:^|[\s,])no-store(?:$|[\s,;=])/.test(v) };
}

/**
 * `x-keel-cache-ttl: <seconds>`: a whole number from 1 to `max`; anything else is a precise 400
 * (`message`), never a silent default.
 */
export function cacheTtlHeader(value: string | string[] | undefined, max: number): { ttlS: number | null; error: string | null } {
  if (value === undefined) return { ttlS: null, error: null };
  const v = Array.isArray(value) ? value[0] : value;
  if (!/^[0-9]{1,9}$/.test(v.trim())) return { ttlS: null, error: `x-keel-cache-ttl must be a whole number of seconds from 1 to ${max}` };
  const n = Number(v.trim());
  if (n < 1 || n > max) return { ttlS: null, error: `x-keel-cache-ttl must be a whole number of seconds from 1 to ${max}` };
  return { ttlS: n, error: null };
}

const OPENAI_DEFAULT_TEMPERATURE = 1;

export function decideCache(s: CacheSettings, h: CacheHeaders, body: Record<string, unknown>): CacheDecision {
  const ttlS = h.ttlS ?? s.ttlS;
  const cc = cacheControl(h.cacheControl);
  if (cc.noStore) return { read: false, write: false, bypass: "no-store", ttlS };
  const why = uncacheable(s, body);
  if (why) return { read: false, write: false, bypass: why, ttlS };
  return { read: !cc.noCache, write: true, bypass: null, ttlS };
}

function uncacheable(s: CacheSettings, body: Record<string, unknown>): BypassReason | null {
  if (s.mode === "never") return "mode-never";
  // Several choices are sampled answers: one stored set would be served as if it were all of them.
  if (typeof body.n === "number" && body.n > 1 && s.mode !== "always") return "n";
  if (s.mode === "deterministic") {
    const t = typeof body.temperature === "number" ? body.temperature : OPENAI_DEFAULT_TEMPERATURE;
    if (t > s.maxTemperature) return "temperature";
  }
  const rf = body.response_format as { type?: unknown } | undefined;
  if (!s.cacheJsonSchema && rf && rf.type === "json_schema") return "json-schema";
  return null;
}
