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
  status: "ok" | "error";
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
  metadata: Record<string, string>;
  requestBody: string | null;
  responseBody: string | null;
}

export interface TraceFilter {
  since?: number;
  until?: number;
  keyId?: string;
  model?: string;
  status?: "ok" | "error";
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
