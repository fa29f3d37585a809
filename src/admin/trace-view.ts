import type { TraceAttempt, TraceRecord } from "../observe/types.js";

/** A trace as the admin API shows it: snake_case, ISO times, captured bodies as JSON again. */
export function traceView(t: TraceRecord, withBodies: boolean): Record<string, unknown> {
  const view: Record<string, unknown> = {
    id: t.id,
    started_at: new Date(t.startedAt).toISOString(),
    ended_at: new Date(t.endedAt).toISOString(),
    endpoint: t.endpoint,
    surface: t.surface ?? null,
    key_id: t.keyId,
    user: t.user,
    feature: t.feature,
    model_requested: t.modelRequested,
    model_served: t.modelServed,
    provider: t.provider,
    status: t.status,
    http_status: t.httpStatus,
    error_code: t.errorCode,
    error_message: t.errorMessage,
    latency_ms: t.latencyMs,
    ttft_ms: t.ttftMs,
    tokens_in: t.tokensIn,
    tokens_out: t.tokensOut,
    tokens_cached: t.tokensCached,
    usage_source: t.usageSource,
    cost_usd: t.costUsd,
    stream: t.stream,
    trace_id: t.traceId,
    parent_span_id: t.parentSpanId,
    metadata: t.metadata,
    target: t.target,
    attempts: t.attempts.map(attemptView),
    guard: t.guard ?? null,
    pii_kept: t.piiKept === true,
    prompt: t.promptName ? { name: t.promptName, version: t.promptVersion ?? null, label: t.promptLabel ?? null } : null,
  };
  if (withBodies) {
    view.request = parseCaptured(t.requestBody);
    view.response = parseCaptured(t.responseBody);
  }
  return view;
}

function parseCaptured(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text; // truncated bodies stay text, with their truncation marker
  }
}

function attemptView(a: TraceAttempt): Record<string, unknown> {
  return {
    target: a.target, provider: a.provider, model: a.model, start_ms: a.startMs, wait_ms: a.waitMs, duration_ms: a.durationMs,
    ttft_ms: a.ttftMs, outcome: a.outcome, error_code: a.errorCode, upstream_status: a.upstreamStatus, error: a.error,
  };
}
