import assert from "node:assert/strict";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { test } from "node:test";
import { silentLogger } from "../log.js";
import { startTestKeel } from "../../testing/keel-fixture.js";
import type { TraceRecord } from "../types.js";
import { genAiSpan, type OtlpSpan } from "./genai-span.js";
import { OtlpExporter } from "./otlp-exporter.js";
import { otelConfigSchema } from "./otel-schema.js";

type Export = { resourceSpans: { resource: { attributes: { key: string; value: { stringValue: string } }[] }; scopeSpans: { spans: OtlpSpan[] }[] }[] };

function attr(s: OtlpSpan, key: string): unknown {
  const v = s.attributes.find((a) => a.key === key)?.value as Record<string, unknown> | undefined;
  return v ? Object.values(v)[0] : undefined;
}

async function collector(status = 200): Promise<{ url: string; bodies: Export[]; close(): void }> {
  const bodies: Export[] = [];
  const server = createServer((req, res) => {
    let b = "";
    req.on("data", (d) => (b += d));
    req.on("end", () => {
      if (req.url === "/v1/traces" && req.headers["content-type"] === "application/json") bodies.push(JSON.parse(b));
      res.writeHead(status).end("{}");
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/traces`, bodies, close: () => server.close() };
}

test("every gateway call reaches the collector as a GenAI span in the caller's trace", async () => {
  const col = await collector();
  const keel = await startTestKeel({ otel: { export: { endpoint: col.url, flush_interval_ms: 10, service_name: "keel-test" } } });
  try {
    const res = await fetch(`${keel.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${keel.key}`, "content-type": "application/json", traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "x-keel-user": "u-9" },
      body: JSON.stringify({ model: "sim", messages: [{ role: "user", content: "export me" }] }),
    });
    await res.text();
    for (let i = 0; i < 200 && col.bodies.length === 0; i++) await new Promise((r) => setTimeout(r, 25));
    assert.equal(col.bodies.length, 1, "one batch exported");
    const rs = col.bodies[0].resourceSpans[0];
    assert.equal(rs.resource.attributes.find((a) => a.key === "service.name")!.value.stringValue, "keel-test");
    const span = rs.scopeSpans[0].spans[0];
    assert.equal(span.traceId, "4bf92f3577b34da6a3ce929d0e0e4736");
    assert.equal(span.parentSpanId, "00f067aa0ba902b7");
    assert.match(span.spanId, /^[0-9a-f]{16}$/);
    assert.equal(span.name, "chat sim");
    assert.equal(span.kind, 3);
    assert.equal(attr(span, "gen_ai.operation.name"), "chat");
    assert.equal(attr(span, "gen_ai.provider.name"), "sim");
    assert.equal(attr(span, "gen_ai.request.model"), "sim");
    assert.ok(Number(attr(span, "gen_ai.usage.input_tokens")) > 0);
    assert.equal(attr(span, "user.id"), "u-9");
    assert.equal(attr(span, "keel.request_id"), res.headers.get("x-request-id"));
    assert.ok(BigInt(span.endTimeUnixNano) > BigInt(span.startTimeUnixNano));
    assert.deepEqual(span.status, { code: 1 });
  } finally {
    await keel.close();
    col.close();
  }
});

function trace(i: number): TraceRecord {
  return {
    id: `req_${i}`, startedAt: 1_700_000_000_000, endedAt: 0, endpoint: "chat", keyId: null, user: null, feature: null, modelRequested: "m",
    modelServed: null, provider: null, status: "error", httpStatus: 502, errorCode: "upstream_error", errorMessage: "boom", latencyMs: 1.5,
    ttftMs: null, tokensIn: 0, tokensOut: 0, tokensCached: 0, usageSource: "none", costUsd: 0, stream: false, traceId: "a".repeat(32),
    parentSpanId: null, spanId: "b".repeat(16), metadata: {}, requestBody: null, responseBody: null, target: null, attempts: [],
  };
}

test("errors map to status ERROR with error.type; times are exact nanoseconds", () => {
  const s = genAiSpan(trace(1));
  assert.deepEqual(s.status, { code: 2, message: "boom" });
  assert.equal(attr(s, "error.type"), "upstream_error");
  assert.equal(s.startTimeUnixNano, "1700000000000000000");
  assert.equal(s.endTimeUnixNano, "1700000000001500000");
  assert.equal(s.parentSpanId, undefined);
  assert.equal(attr(s, "gen_ai.usage.input_tokens"), undefined, "no usage known: no token attributes");
});

test("a call the client cancelled is not exported as OK: ERROR with error.type client_closed", () => {
  const s = genAiSpan({ ...trace(2), status: "cancelled", httpStatus: 499, errorCode: "client_closed", errorMessage: "The client closed the connection before the response was complete." });
  assert.equal(s.status.code, 2);
  assert.equal(attr(s, "error.type"), "client_closed");
});

test("batches by size, bounds the queue, and survives a failing collector", async () => {
  const col = await collector(503);
  const cfg = otelConfigSchema.parse({ export: { endpoint: col.url, batch_size: 10, max_queue: 100, flush_interval_ms: 60_000 } }).export;
  const ex = new OtlpExporter({ ...cfg, endpoint: col.url }, silentLogger);
  try {
    for (let i = 0; i < 150; i++) ex.record(trace(i));
    assert.equal(ex.dropped, 50, "beyond max_queue: dropped and counted");
    await ex.close();
    assert.equal(col.bodies.length, 10);
    assert.ok(col.bodies.every((b) => b.resourceSpans[0].scopeSpans[0].spans.length === 10));
    assert.equal(ex.failed, 100);
    assert.equal(ex.exported, 0);
    ex.record(trace(999));
    assert.equal(ex.dropped, 51, "closed: nothing more is queued");
  } finally {
    col.close();
  }
});
