import { KeelError } from "../../errors/errors.js";
import { bytesOf, doubleOf, fields, fixed64Of, ProtobufError, stringOf, varintOf } from "./protobuf-wire.js";

/**
 * OTLP/HTTP protobuf → the OTLP/JSON object shape parseOtlpJson reads, so both encodings go
 * through one ingestion path. Field numbers from opentelemetry-proto:
 *   collector/trace/v1  ExportTraceServiceRequest { resource_spans = 1 }
 *   trace/v1  ResourceSpans { resource = 1, scope_spans = 2, schema_url = 3, instrumentation_library_spans = 1000 (old, wire-compatible) }
 *             ScopeSpans { scope = 1, spans = 2, schema_url = 3 }
 *             Span { trace_id = 1 (bytes), span_id = 2, trace_state = 3, parent_span_id = 4, name = 5, kind = 6 (enum),
 *                    start_time_unix_nano = 7 (fixed64), end_time_unix_nano = 8 (fixed64), attributes = 9, …, status = 15, flags = 16 (fixed32) }
 *             Status { message = 2, code = 3 }
 *   resource/v1  Resource { attributes = 1 }
 *   common/v1  KeyValue { key = 1, value = 2 }
 *              AnyValue { string_value = 1, bool_value = 2, int_value = 3 (int64), double_value = 4, array_value = 5, kvlist_value = 6, bytes_value = 7 }
 *              ArrayValue { values = 1 }  KeyValueList { values = 1 }
 * Unknown fields are skipped, as protobuf requires; events and links are not stored (as in JSON).
 */
type Json = Record<string, unknown>;

const MAX_DEPTH = 8;

function hex(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("hex");
}

function anyValue(buf: Uint8Array, depth: number): Json {
  if (depth > MAX_DEPTH) throw new ProtobufError("attribute values nested too deeply");
  let out: Json = {};
  for (const f of fields(buf)) {
    if (f.no === 1) out = { stringValue: stringOf(f) };
    else if (f.no === 2) out = { boolValue: varintOf(f) !== 0n };
    else if (f.no === 3) out = { intValue: BigInt.asIntN(64, varintOf(f)).toString() };
    else if (f.no === 4) out = { doubleValue: doubleOf(f) };
    else if (f.no === 5) out = { arrayValue: { values: [...fields(bytesOf(f))].filter((x) => x.no === 1).map((x) => anyValue(bytesOf(x), depth + 1)) } };
    else if (f.no === 6) out = { kvlistValue: { values: keyValues(bytesOf(f), 1, depth + 1) } };
    else if (f.no === 7) out = { bytesValue: Buffer.from(bytesOf(f)).toString("base64") };
  }
  return out;
}

/** The repeated KeyValue field `no` of a message. */
function keyValues(buf: Uint8Array, no: number, depth = 0): Json[] {
  const out: Json[] = [];
  for (const f of fields(buf)) if (f.no === no) out.push(keyValue(bytesOf(f), depth));
  return out;
}

function keyValue(buf: Uint8Array, depth: number): Json {
  let key = "";
  let value: Json = {};
  for (const g of fields(buf)) {
    if (g.no === 1) key = stringOf(g);
    else if (g.no === 2) value = anyValue(bytesOf(g), depth);
  }
  return { key, value };
}

function span(buf: Uint8Array): Json {
  const s: Json = { traceId: "", spanId: "", parentSpanId: "", name: "", kind: 0, startTimeUnixNano: "0", endTimeUnixNano: "0", attributes: [] };
  const attrs: Json[] = [];
  for (const f of fields(buf)) {
    switch (f.no) {
      case 1: s.traceId = hex(bytesOf(f)); break;
      case 2: s.spanId = hex(bytesOf(f)); break;
      case 4: s.parentSpanId = hex(bytesOf(f)); break;
      case 5: s.name = stringOf(f); break;
      case 6: s.kind = Number(BigInt.asIntN(32, varintOf(f))); break;
      case 7: s.startTimeUnixNano = fixed64Of(f).toString(); break;
      case 8: s.endTimeUnixNano = fixed64Of(f).toString(); break;
      case 9: attrs.push(keyValue(bytesOf(f), 0)); break;
      case 15: {
        const st: Json = { code: 0 };
        for (const g of fields(bytesOf(f))) {
          if (g.no === 2) st.message = stringOf(g);
          else if (g.no === 3) st.code = Number(BigInt.asIntN(32, varintOf(g)));
        }
        s.status = st;
        break;
      }
    }
  }
  s.attributes = attrs;
  return s;
}

function scopeSpans(buf: Uint8Array): Json {
  const spans: Json[] = [];
  for (const f of fields(buf)) if (f.no === 2) spans.push(span(bytesOf(f)));
  return { spans };
}

/** Decodes an `ExportTraceServiceRequest`; malformed input is a 400 `invalid_request`. */
export function decodeOtlpProtobuf(body: Uint8Array): { resourceSpans: Json[] } {
  try {
    const resourceSpans: Json[] = [];
    for (const f of fields(body)) {
      if (f.no !== 1) continue;
      const rs: Json = { resource: { attributes: [] }, scopeSpans: [] };
      for (const g of fields(bytesOf(f))) {
        if (g.no === 1) rs.resource = { attributes: keyValues(bytesOf(g), 1) };
        else if (g.no === 2 || g.no === 1000) (rs.scopeSpans as Json[]).push(scopeSpans(bytesOf(g)));
      }
      resourceSpans.push(rs);
    }
    return { resourceSpans };
  } catch (err) {
    if (err instanceof ProtobufError) throw new KeelError("invalid_request", `Malformed OTLP protobuf: ${err.message}.`, { param: "body" });
    throw err;
  }
}

function varintBytes(n: number): number[] {
  const out: number[] = [];
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return out;
}

/**
 * `ExportTraceServiceResponse { partial_success = 1: ExportTracePartialSuccess { rejected_spans = 1 (int64), error_message = 2 } }`;
 * empty (all accepted) is zero bytes.
 */
export function encodeOtlpResponse(rejected: number, message: string): Buffer {
  if (rejected <= 0) return Buffer.alloc(0);
  const msg = Buffer.from(message, "utf8");
  const inner = Buffer.from([0x08, ...varintBytes(rejected), 0x12, ...varintBytes(msg.length), ...msg]);
  return Buffer.from([0x0a, ...varintBytes(inner.length), ...inner]);
}
