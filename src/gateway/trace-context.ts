import { randomHex } from "../random/random-hex.js";

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
  const m = typeof header === "string" ? TRACEPARENT.exec(header.trim()) : null;
  if (m && m[1] !== ZERO_TRACE && m[2] !== ZERO_SPAN) {
    return { traceId: m[1], parentSpanId: m[2], spanId: randomHex(8), flags: m[3] };
  }
  return { traceId: randomHex(16), parentSpanId: null, spanId: randomHex(8), flags: "01" };
}

export function formatTraceparent(t: TraceContext): string {
  return `00-${t.traceId}-${t.spanId}-${t.flags}`;
}
