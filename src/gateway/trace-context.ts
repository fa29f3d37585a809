import { randomBytes } from "node:crypto";

/** W3C Trace Context (https://www.w3.org/TR/trace-context/): version 00 `traceparent`. */
export interface TraceContext {
  traceId: string;
  /** The caller's span, our parent; null when we started the trace. */
  parentSpanId: string | null;
  /** Keel's span for this call: the parent of the upstream request. */
  spanId: string;
  flags: string;
}

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;
const ZERO_TRACE = "0".repeat(32);
const ZERO_SPAN = "0".repeat(16);

/** Continues the caller's trace when its header is valid; otherwise starts a new one (invalid headers are ignored, per spec). */
export function traceContextFrom(header: string | string[] | undefined): TraceContext {
  const ids = randomBytes(24).toString("hex");
  const m = typeof header === "string" ? TRACEPARENT.exec(header.trim()) : null;
  if (m && m[1] !== ZERO_TRACE && m[2] !== ZERO_SPAN) {
    return { traceId: m[1], parentSpanId: m[2], spanId: ids.slice(0, 16), flags: m[3] };
  }
  return { traceId: ids.slice(0, 32), parentSpanId: null, spanId: ids.slice(32, 48), flags: "01" };
}

export function formatTraceparent(t: TraceContext): string {
  return `00-${t.traceId}-${t.spanId}-${t.flags}`;
}
