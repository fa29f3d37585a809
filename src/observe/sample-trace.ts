import type { TraceRecord } from "./types.js";

/** A small, valid trace record for store and writer tests; `over` replaces any field. */
export function sampleTrace(i: number, over: Partial<TraceRecord> = {}): TraceRecord {
  return {
    id: `req_${String(i).padStart(6, "0")}`, startedAt: 1_700_000_000_000 + i, endedAt: 1_700_000_000_010 + i, endpoint: "chat",
    keyId: i % 2 ? "key_a" : "key_b", user: null, feature: i % 3 === 0 ? "search" : null, modelRequested: "sim", modelServed: "sim",
    provider: "sim", status: i % 5 === 0 ? "error" : "ok", httpStatus: i % 5 === 0 ? 502 : 200, errorCode: null, errorMessage: null,
    latencyMs: 1.5, ttftMs: 1, tokensIn: 10, tokensOut: 5, tokensCached: 0, usageSource: "provider", costUsd: 0.00002, stream: false,
    traceId: null, parentSpanId: null, metadata: {}, requestBody: null, responseBody: null, target: null, attempts: [], ...over,
  };
}
