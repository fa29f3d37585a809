import type { TraceRecord } from "../types.js";

/** OTLP/JSON shapes (https://opentelemetry.io/docs/specs/otlp/#json-protobuf-encoding): ids in hex, times as strings of ns. */
export type OtlpValue = { stringValue: string } | { intValue: string } | { doubleValue: number } | { boolValue: boolean };
export interface OtlpAttribute {
  key: string;
  value: OtlpValue;
}
export interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: OtlpAttribute[];
  status: { code: number; message?: string };
}

const SPAN_KIND_CLIENT = 3;
const STATUS_OK = 1;
const STATUS_ERROR = 2;

function str(key: string, v: string | null | undefined, out: OtlpAttribute[]): void {
  if (v !== null && v !== undefined && v !== "") out.push({ key, value: { stringValue: v } });
}

function int(key: string, v: number | null | undefined, out: OtlpAttribute[]): void {
  if (v !== null && v !== undefined && Number.isFinite(v)) out.push({ key, value: { intValue: String(Math.round(v)) } });
}

function ns(ms: number): string {
  return (BigInt(Math.round(ms * 1000)) * 1000n).toString();
}

/**
 * Pure: one gateway call as a CLIENT span with the GenAI semantic-convention attributes
 * (https://opentelemetry.io/docs/specs/semconv/gen-ai/gen-ai-spans/). Its trace and span ids are
 * the ones Keel propagated upstream in `traceparent`, so the span sits in the caller's trace.
 */
export function genAiSpan(t: TraceRecord): OtlpSpan {
  const a: OtlpAttribute[] = [];
  const op = t.endpoint === "chat" ? "chat" : "embeddings";
  str("gen_ai.operation.name", op, a);
  str("gen_ai.provider.name", t.provider, a);
  str("gen_ai.request.model", t.modelRequested, a);
  str("gen_ai.response.model", t.modelServed, a);
  if (t.usageSource !== "none") {
    int("gen_ai.usage.input_tokens", t.tokensIn, a);
    if (t.endpoint === "chat") int("gen_ai.usage.output_tokens", t.tokensOut, a);
  }
  if (t.status !== "ok") str("error.type", t.errorCode ?? String(t.httpStatus), a);
  int("http.response.status_code", t.httpStatus, a);
  str("user.id", t.user, a);
  str("keel.request_id", t.id, a);
  str("keel.key_id", t.keyId, a);
  str("keel.feature", t.feature, a);
  str("keel.target", t.target, a);
  str("keel.prompt.name", t.promptName, a);
  int("keel.prompt.version", t.promptVersion, a);
  if (t.costUsd > 0) a.push({ key: "keel.cost_usd", value: { doubleValue: t.costUsd } });
  if (t.ttftMs !== null) a.push({ key: "keel.ttft_ms", value: { doubleValue: t.ttftMs } });
  if (t.stream) a.push({ key: "keel.stream", value: { boolValue: true } });
  if (t.tokensCached > 0) int("gen_ai.usage.cache_read.input_tokens", t.tokensCached, a);
  const span: OtlpSpan = {
    traceId: t.traceId ?? "0".repeat(32),
    spanId: t.spanId ?? t.id.replace(/[^0-9a-f]/g, "").padEnd(16, "0").slice(0, 16),
    name: `${op} ${t.modelRequested}`,
    kind: SPAN_KIND_CLIENT,
    startTimeUnixNano: ns(t.startedAt),
    endTimeUnixNano: ns(t.startedAt + t.latencyMs),
    attributes: a,
    status: t.status !== "ok" ? { code: STATUS_ERROR, message: t.errorMessage ?? undefined } : { code: STATUS_OK },
  };
  if (t.parentSpanId) span.parentSpanId = t.parentSpanId;
  return span;
}
