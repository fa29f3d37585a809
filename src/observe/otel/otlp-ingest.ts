import { KeelError } from "../../errors/errors.js";
import { type AttrValue, mapLegacyAttributes } from "./legacy-attributes.js";

/** One application span as Keel stores it. */
export interface IngestedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  name: string;
  kind: number;
  startMs: number;
  endMs: number;
  statusCode: number;
  service: string | null;
  attributes: Record<string, AttrValue>;
}

const HEX32 = /^[0-9a-f]{32}$/;
const HEX16 = /^[0-9a-f]{16}$/;
const MAX_SPANS = 10_000;

type Json = Record<string, unknown>;

function value(v: unknown): AttrValue | undefined {
  if (!v || typeof v !== "object") return undefined;
  const o = v as Json;
  if (typeof o.stringValue === "string") return o.stringValue;
  if (typeof o.boolValue === "boolean") return o.boolValue;
  if (typeof o.doubleValue === "number") return o.doubleValue;
  if (typeof o.intValue === "string" || typeof o.intValue === "number") return Number(o.intValue);
  if (o.arrayValue || o.kvlistValue) return JSON.stringify(o.arrayValue ?? o.kvlistValue);
  return undefined;
}

function attributes(list: unknown): Record<string, AttrValue> {
  const out: Record<string, AttrValue> = {};
  if (!Array.isArray(list)) return out;
  for (const a of list.slice(0, 512)) {
    const key = (a as Json)?.key;
    const v = value((a as Json)?.value);
    if (typeof key === "string" && key.length <= 256 && v !== undefined) out[key] = typeof v === "string" && v.length > 64_000 ? v.slice(0, 64_000) : v;
  }
  return out;
}

function ms(nanos: unknown): number {
  const s = typeof nanos === "number" ? String(Math.trunc(nanos)) : typeof nanos === "string" && /^\d{1,20}$/.test(nanos) ? nanos : "0";
  return Number(BigInt(s) / 1000n) / 1000;
}

/**
 * Pure: an OTLP/HTTP JSON `ExportTraceServiceRequest` → spans, with legacy GenAI attributes mapped.
 * Spans with malformed ids are skipped (and counted) rather than failing the whole export, as
 * OTLP's partial-success response allows.
 */
export function parseOtlpJson(body: unknown): { spans: IngestedSpan[]; rejected: number } {
  const rs = (body as Json | null)?.resourceSpans;
  if (!Array.isArray(rs)) throw new KeelError("invalid_request", "Expected an OTLP ExportTraceServiceRequest with 'resourceSpans'.", { param: "resourceSpans" });
  const spans: IngestedSpan[] = [];
  let rejected = 0;
  for (const r of rs) {
    const resAttrs = attributes(((r as Json)?.resource as Json | undefined)?.attributes);
    const service = typeof resAttrs["service.name"] === "string" ? (resAttrs["service.name"] as string) : null;
    const scopes = (r as Json)?.scopeSpans ?? (r as Json)?.instrumentationLibrarySpans;
    if (!Array.isArray(scopes)) continue;
    for (const sc of scopes) {
      const list = (sc as Json)?.spans;
      if (!Array.isArray(list)) continue;
      for (const s of list as Json[]) {
        if (spans.length >= MAX_SPANS) throw new KeelError("invalid_request", `At most ${MAX_SPANS} spans per export.`, { param: "resourceSpans" });
        const traceId = String(s.traceId ?? "").toLowerCase();
        const spanId = String(s.spanId ?? "").toLowerCase();
        const parent = typeof s.parentSpanId === "string" && s.parentSpanId !== "" ? s.parentSpanId.toLowerCase() : null;
        if (!HEX32.test(traceId) || !HEX16.test(spanId) || (parent !== null && !HEX16.test(parent))) {
          rejected++;
          continue;
        }
        spans.push({
          traceId, spanId, parentSpanId: parent, name: String(s.name ?? "").slice(0, 512), kind: typeof s.kind === "number" ? s.kind : 0,
          startMs: ms(s.startTimeUnixNano), endMs: ms(s.endTimeUnixNano), statusCode: Number((s.status as Json | undefined)?.code ?? 0) || 0,
          service, attributes: mapLegacyAttributes(attributes(s.attributes)),
        });
      }
    }
  }
  return { spans, rejected };
}
