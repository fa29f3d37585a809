import { createHash } from "node:crypto";
import { randomHex } from "../../random/random-hex.js";
import type { IngestedSpan } from "./otlp-ingest.js";

/** One result as the retrieval span records it: ids, score and freshness, never the chunk's text. */
export interface RetrievedChunk {
  chunkId: number;
  fileId: string;
  documentId: string;
  version: number;
  score: number;
  stale: boolean;
  staleReason: string | null;
  ageS: number;
}

export interface RetrievalRecord {
  traceId: string;
  /** The caller's span (the `traceparent` parent id): the retrieval is its child, like the chat call. */
  parentSpanId: string;
  storeId: string;
  query: string;
  mode: string;
  startMs: number;
  endMs: number;
  results: readonly RetrievedChunk[];
}

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$/;
const ZERO_TRACE = "0".repeat(32);
const ZERO_SPAN = "0".repeat(16);

/**
 * The caller's W3C trace context, or null when the request carries none (or an invalid one): a
 * search outside any trace records nothing. Parsed here, not with gateway/trace-context.ts,
 * because a search never starts a trace of its own.
 */
export function callerTrace(header: string | string[] | undefined): { traceId: string; parentSpanId: string } | null {
  const m = typeof header === "string" ? TRACEPARENT.exec(header.trim().toLowerCase()) : null;
  if (!m || m[1] === ZERO_TRACE || m[2] === ZERO_SPAN) return null;
  return { traceId: m[1], parentSpanId: m[2] };
}

/** A query's digest for the trace: the raw query may carry personal data, its hash never does. */
export function queryHash(query: string): string {
  return createHash("sha256").update(query).digest("hex").slice(0, 32);
}

/**
 * Pure apart from the span id: a search as a `retrieval` span in the OTLP span store, under the
 * caller's trace id, so `GET /api/v1/otel/traces/:traceId` lists it beside the chat call it fed.
 * GenAI semantic-convention names where they exist (`gen_ai.operation.name`, `gen_ai.data_source.id`);
 * Keel's own under `keel.retrieval.*`. Span attributes are scalars, so the per-result list is JSON.
 */
export function retrievalSpan(r: RetrievalRecord): IngestedSpan {
  const stale = r.results.filter((x) => x.stale).length;
  return {
    traceId: r.traceId, spanId: randomHex(8), parentSpanId: r.parentSpanId, name: `retrieval ${r.storeId}`,
    kind: 3, // CLIENT: the application called Keel's search.
    startMs: r.startMs, endMs: r.endMs, statusCode: 1, service: "keel",
    attributes: {
      "gen_ai.operation.name": "retrieval",
      "gen_ai.data_source.id": r.storeId,
      "keel.retrieval.query_sha256": queryHash(r.query),
      "keel.retrieval.mode": r.mode,
      "keel.retrieval.result_count": r.results.length,
      "keel.retrieval.stale_count": stale,
      "keel.retrieval.chunk_ids": JSON.stringify(r.results.map((x) => x.chunkId)),
      "keel.retrieval.results": JSON.stringify(r.results.map((x) => ({
        chunk_id: x.chunkId, file_id: x.fileId, document_id: x.documentId, version: x.version,
        score: x.score, stale: x.stale, stale_reason: x.staleReason, age_s: x.ageS,
      }))),
    },
  };
}
