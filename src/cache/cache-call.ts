import type { CacheTags } from "./cache-backend.js";
import type { CachedAnswer } from "./cache-entry.js";
import type { CacheTraceRecord } from "../observe/types.js";
import type { BypassReason, CacheOutcome } from "./cache-policy.js";

/** One call's dealings with the cache, filled by the gateway's cache stage and read after the response. */
export interface CacheCall {
  outcome: CacheOutcome;
  bypass: BypassReason | null;
  /** The entry's key (64 hex), or null when bypassed before one was computed. */
  key: string | null;
  /** Whether the answer may be written after the response. */
  write: boolean;
  ttlS: number;
  maxEntryBytes: number;
  cacheToolCalls: boolean;
  tags: CacheTags | null;
  /** On a hit: the entry's age and what it saved. */
  ageS: number | null;
  saved: CachedAnswer | null;
  /** Semantic: the context hash and the last user turn's text and vector (null when not semantic). */
  context: string | null;
  text: string | null;
  vector: Float32Array | null;
  /** On a semantic hit: the matched entry's similarity, and the threshold it was served at. */
  similarity: number | null;
  threshold: number | null;
  /** On a semantic hit in the verification sample: re-asked after the response (semantic-verifier.ts). */
  verify: "sampled" | null;
}

/** The cache outcome as the trace record carries it (observe/types.ts `CacheTraceRecord`). */
export function cacheTraceRecord(c: CacheCall): CacheTraceRecord {
  const r: CacheTraceRecord = { outcome: c.outcome };
  if (c.bypass) r.bypass = c.bypass;
  if (c.key) r.entry = c.key.slice(0, 16);
  if (c.ageS !== null) r.age_s = c.ageS;
  if (c.similarity !== null) r.similarity = Math.round(c.similarity * 10_000) / 10_000;
  if (c.verify !== null) r.verify = c.verify;
  if (c.saved) {
    r.tokens_saved = c.saved.tokensIn + c.saved.tokensOut;
    r.usd_saved = c.saved.costUsd;
  }
  return r;
}
