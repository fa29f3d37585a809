import type { PiiPolicy } from "./pii-policy.js";

export type TraceStatus = "ok" | "error" | "cancelled";

/** One record per gateway call (chat or embeddings), written off the request path. */
export interface TraceRecord {
  id: string;
  startedAt: number;
  endedAt: number;
  endpoint: "chat" | "embeddings";
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

export interface TraceStore {
  insertBatch(records: readonly TraceRecord[]): void;
  list(filter: TraceFilter): TracePage;
  get(id: string): TraceRecord | undefined;
  deleteBefore(ts: number): number;
}
