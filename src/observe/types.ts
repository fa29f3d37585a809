import type { PiiPolicy } from "./pii-policy.js";

export type TraceStatus = "ok" | "error" | "cancelled";

/** One record per gateway call (chat or embeddings), written off the request path. */
export interface TraceRecord {
  id: string;
  startedAt: number;
  endedAt: number;
  endpoint: "chat" | "embeddings";
  /**
   * The inbound wire format the call came in on: "openai.chat_completions", "openai.embeddings",
   * "openai.responses", "openai.moderations", "anthropic.messages" (issue 20). Absent on records written before it existed.
   */
  surface?: string | null;
  keyId: string | null;
  user: string | null;
  feature: string | null;
  modelRequested: string;
  modelServed: string | null;
  provider: string | null;
  /** `cancelled`: the client hung up first (http 499, code client_closed); not counted as an error. */
  status: TraceStatus;
  httpStatus: number;
  errorCode: string | null;
  errorMessage: string | null;
  latencyMs: number;
  ttftMs: number | null;
  tokensIn: number;
  tokensOut: number;
  tokensCached: number;
  /** Whether token counts came from the provider or were counted by Keel. */
  usageSource: "provider" | "counted" | "none";
  costUsd: number;
  stream: boolean;
  traceId: string | null;
  parentSpanId: string | null;
  /** The provider's `system_fingerprint` (backend configuration), when it reports one: drift tracking. */
  systemFingerprint?: string | null;
  /** Keel's own span id for the call (sent upstream in traceparent); used by OTLP export, not stored. */
  spanId?: string | null;
  /**
   * The capture PII policy the bodies are still to be masked under (docs/privacy.md): set by the
   * gateway, applied by the writer before anything is stored, never stored itself.
   */
  pii?: PiiPolicy;
  /** Bodies stored under `capture.pii: keep`, personal data unmasked: the dashboard marks such traces. */
  piiKept?: boolean;
  metadata: Record<string, string>;
  requestBody: string | null;
  responseBody: string | null;
  /** `provider/model` of the target that served the call (routing), or null. */
  target: string | null;
  /** Every attempt routing made, failed ones included, in order. */
  attempts: TraceAttempt[];
  /** The registered prompt the call named: its name, the version that served, the label asked for. */
  promptName?: string | null;
  promptVersion?: number | null;
  promptLabel?: string | null;
  /** Guardrail verdicts, one per scanner and source (docs/guardrails.md); null when nothing was screened. */
  guard?: GuardVerdictRecord[] | null;
  /** The response cache's outcome (docs/cache.md); absent when no cache applied. */
  cache?: CacheTraceRecord;
}

/** The response cache's outcome for one call (docs/cache.md): never the prompt's text. */
export interface CacheTraceRecord {
  outcome: "hit" | "miss" | "semantic-hit" | "bypass";
  /** Why the cache was not used (no-store, temperature, …). */
  bypass?: string;
  /** The first 16 hex of the entry's key: correlates hits with the call that made the entry. */
  entry?: string;
  age_s?: number;
  /** A semantic hit's cosine similarity to the matched entry (`entry`). */
  similarity?: number;
  /**
   * A semantic hit in the sample re-asked in the background (a full queue drops it, counted as
   * `dropped` in /metrics). The outcome lands on the re-ask's own trace (feature `keel-cache-verify`, `metadata.cache_verify_for`
   * naming this call), since this record is written before it is known.
   */
  verify?: "sampled";
  tokens_saved?: number;
  usd_saved?: number;
}

/** One scanner's verdict on a call, as traces store it: never the screened text. */
export interface GuardVerdictRecord {
  scanner: string;
  source: string;
  score: number;
  triggered: boolean;
  action: string;
  latency_ms: number;
  findings?: string[];
  timed_out?: boolean;
  /** A model-based scanner could not judge the text: timeout, error, malformed, budget. */
  unavailable?: string;
}

/** One attempt of a call at one target (written by routing's executor). */
export interface TraceAttempt {
  /** `provider/model`. */
  target: string;
  provider: string;
  model: string;
  /** ms from the request's arrival to the attempt's start. */
  startMs: number;
  /** Waited before it: backoff or an upstream's Retry-After. */
  waitMs: number;
  durationMs: number | null;
  /** Time to the first chunk (streams) or the completion. */
  ttftMs: number | null;
  /** `abandoned`: the client left or the deadline passed; it says nothing about the target. */
  outcome: "pending" | "ok" | "error" | "abandoned";
  errorCode: string | null;
  upstreamStatus: number | null;
  error: string | null;
}

export interface TraceFilter {
  since?: number;
  until?: number;
  keyId?: string;
  model?: string;
  status?: TraceStatus;
  feature?: string;
  user?: string;
  limit: number;
  /** Opaque cursor from a previous page. */
  cursor?: string;
}

export interface TracePage {
  data: TraceRecord[];
  nextCursor: string | null;
}

/** A distinct (route, provider, served model, fingerprint) seen in successful calls, with its first call. */
export interface ServedModel {
  route: string;
  provider: string | null;
  model: string;
  fingerprint: string | null;
  /** When it was first served in the range (ms). */
  first: number;
}

/** A gateway call made inside a W3C trace, as `GET /api/v1/otel/traces/:id` lists it. */
export interface TraceCall {
  id: string;
  started_at: number;
  endpoint: string;
  model_requested: string;
  model_served: string | null;
  status: string;
  latency_ms: number;
  parent_span_id: string | null;
}

/** The trace rows. The contract is `trace-store.contract.ts`. */
export interface TraceStore {
  /** Stores records; one whose id is already stored is ignored. */
  insertBatch(records: readonly TraceRecord[]): void;
  /** Newest first (started, then id), filtered; `nextCursor` continues after the page's last row. */
  list(filter: TraceFilter): TracePage;
  get(id: string): TraceRecord | undefined;
  /** Deletes the records that started before `ts`; returns how many. */
  deleteBefore(ts: number): number;
  /**
   * Ids and end times of records that started at or after `startedFrom` and ended at or after
   * `endedFrom`, in end order (then id), at most `limit`: the online evaluators' feed.
   */
  endedSince(startedFrom: number, endedFrom: number, limit: number): { id: string; ended_at: number }[];
  /** Successful calls' served models started in [since, until), first seen first, at most 10 000. */
  servedModels(since: number, until: number): ServedModel[];
  /** Gateway calls made inside a W3C trace, by start time, at most 1000. */
  callsInTrace(traceId: string): TraceCall[];
}
