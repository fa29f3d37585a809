import { KeelError } from "../errors/errors.js";
import type { KeyService } from "../keys/key-service.js";
import type { AdminAuth } from "../keys/admin-token.js";
import { parseOtlpJson } from "../observe/otel/otlp-ingest.js";
import { decodeOtlpProtobuf, encodeOtlpResponse } from "../observe/otel/otlp-protobuf.js";
import type { SpanStore } from "../observe/otel/span-store.js";
import type { TraceStore } from "../observe/types.js";
import type { CaptureConfig } from "../observe/pii-capture-schema.js";
import { maskedTypes, type PiiHasher } from "../observe/pii-mask.js";
import { resolvePiiPolicy } from "../observe/pii-policy.js";
import { maskSpanAttributes } from "../observe/pii-record.js";
import { readJsonBody, readRawBody } from "../server/body.js";
import type { Router } from "../server/router.js";
import { sendError, sendJson } from "../server/respond.js";
import { adminRoute } from "./admin-route.js";

const TRACE_ID = /^[0-9a-f]{32}$/;

/**
 * OTLP/HTTP span intake (JSON and protobuf) at `POST /v1/traces` (an application's virtual key), and
 * `GET /api/v1/otel/traces/:traceId`: its spans with the gateway calls made inside them, joined
 * on the W3C trace id (a call's `parent_span_id` is the application span that made it).
 */
export function registerOtlpRoutes(router: Router, d: { auth: AdminAuth; keys: KeyService; spans: SpanStore; traces: Pick<TraceStore, "callsInTrace">; maxBodyBytes: number; flushTraces: () => Promise<void>; capture?: CaptureConfig; piiHasher?: PiiHasher }): void {
  router.add("POST", "/v1/traces", async (req, res) => {
    try {
      const principal = d.keys.authenticate(req.headers.authorization);
      const type = String(req.headers["content-type"] ?? "").split(";")[0].trim().toLowerCase();
      if (type !== "application/json" && type !== "application/x-protobuf") {
        req.resume();
        throw new KeelError("invalid_request", "OTLP/HTTP accepts content-type application/json or application/x-protobuf.", { param: "content-type" });
      }
      const proto = type === "application/x-protobuf";
      // Both encodings become the OTLP/JSON object shape: one ingestion path, one set of limits.
      const body = proto ? decodeOtlpProtobuf(await readRawBody(req, d.maxBodyBytes)) : await readJsonBody(req, d.maxBodyBytes);
      const { spans, rejected } = parseOtlpJson(body);
      if (d.capture) {
        const pii = resolvePiiPolicy(d.capture, { keyId: principal.keyId, keyName: principal.keyName, model: "" });
        if (pii.mode !== "keep") maskSpanAttributes(spans, { types: maskedTypes(pii.keep), hasher: pii.mode === "hash" ? d.piiHasher : undefined });
      }
      d.spans.insertBatch(spans);
      const why = "spans with malformed trace or span ids were skipped";
      if (proto) {
        const out = encodeOtlpResponse(rejected, why);
        res.writeHead(200, { "content-type": "application/x-protobuf", "content-length": out.length });
        res.end(out);
        return;
      }
      sendJson(res, 200, rejected > 0 ? { partialSuccess: { rejectedSpans: String(rejected), errorMessage: why } } : {});
    } catch (err) {
      sendError(res, err);
    }
  });
  router.add("GET", "/api/v1/otel/traces/:traceId", adminRoute(d.auth, async (_req, res, p) => {
    const id = p.traceId.toLowerCase();
    if (!TRACE_ID.test(id)) throw new KeelError("invalid_request", "A trace id is 32 lowercase hex digits.", { param: "traceId" });
    await d.flushTraces();
    const spans = d.spans.byTrace(id);
    const gateway = d.traces.callsInTrace(id);
    if (spans.length === 0 && gateway.length === 0) throw new KeelError("not_found", `No spans or gateway calls in trace ${id}.`, { param: "traceId" });
    sendJson(res, 200, { trace_id: id, spans, gateway_calls: gateway });
  }));
}
