/**
 * Trace ingestion into SQLite: OTLP/JSON application spans (parse + insert, batches of 512) and
 * gateway trace records (the TraceWriter's batches of 256), plus the per-call cost of the
 * Prometheus hook. Target: ≥ 20,000 spans/s. `npm run bench:observe`.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GatewayMetrics } from "../src/observe/metrics/gateway-metrics.js";
import { metricsConfigSchema } from "../src/observe/metrics/metrics-schema.js";
import { parseOtlpJson } from "../src/observe/otel/otlp-ingest.js";
import { SqliteSpanStore } from "../src/observe/otel/sqlite-span-store.js";
import { SqliteTraceStore } from "../src/observe/sqlite-trace-store.js";
import type { TraceRecord } from "../src/observe/types.js";
import { openSqlite } from "../src/storage/sqlite.js";

const SPANS = 100_000;
const RECORDS = 50_000;
const dir = mkdtempSync(join(tmpdir(), "keel-bench-observe-"));
const db = openSqlite(dir);
const hex = (n: number, w: number): string => n.toString(16).padStart(w, "0");

function otlpBody(from: number, n: number): unknown {
  const spans = [];
  for (let i = from; i < from + n; i++) {
    spans.push({
      traceId: hex(Math.floor(i / 8), 32), spanId: hex(i + 1, 16), parentSpanId: i % 8 ? hex(i, 16) : "", name: `step ${i % 8}`, kind: 1,
      startTimeUnixNano: `${1_700_000_000_000_000_000n + BigInt(i) * 1_000_000n}`, endTimeUnixNano: `${1_700_000_000_000_000_000n + BigInt(i) * 1_000_000n + 500_000n}`,
      attributes: [{ key: "gen_ai.operation.name", value: { stringValue: "chat" } }, { key: "llm.model_name", value: { stringValue: "gpt-5-mini" } }, { key: "llm.token_count.prompt", value: { intValue: "120" } }],
      status: { code: 1 },
    });
  }
  return { resourceSpans: [{ resource: { attributes: [{ key: "service.name", value: { stringValue: "bench" } }] }, scopeSpans: [{ scope: { name: "bench" }, spans }] }] };
}

function record(i: number): TraceRecord {
  return {
    id: `req_${hex(i, 24)}`, startedAt: 1_700_000_000_000 + i, endedAt: 1_700_000_000_100 + i, endpoint: "chat", keyId: `key_${i % 20}`, user: `u${i % 500}`,
    feature: `f${i % 10}`, modelRequested: "smart", modelServed: "gpt-5-mini", provider: "openai", status: i % 50 ? "ok" : "error", httpStatus: i % 50 ? 200 : 502,
    errorCode: i % 50 ? null : "upstream_error", errorMessage: null, latencyMs: 100 + (i % 900), ttftMs: 20 + (i % 80), tokensIn: 300, tokensOut: 120, tokensCached: i % 3 ? 0 : 128,
    usageSource: "provider", costUsd: 0.0003, stream: true, traceId: hex(i, 32), parentSpanId: null, metadata: {}, requestBody: null, responseBody: null,
    target: "openai/gpt-5-mini", attempts: [], promptName: "support", promptVersion: 7, promptLabel: "production", guard: null,
  };
}

const spans = new SqliteSpanStore(db);
const bodies = Array.from({ length: SPANS / 512 + 1 }, (_, b) => JSON.stringify(otlpBody(b * 512, Math.min(512, SPANS - b * 512)))).filter((b) => b.length > 200);
let t = performance.now();
let n = 0;
for (const b of bodies) {
  const parsed = parseOtlpJson(JSON.parse(b));
  spans.insertBatch(parsed.spans);
  n += parsed.spans.length;
}
const spanRate = n / ((performance.now() - t) / 1000);

const store = new SqliteTraceStore(db);
const recs = Array.from({ length: RECORDS }, (_, i) => record(i));
t = performance.now();
for (let i = 0; i < recs.length; i += 256) store.insertBatch(recs.slice(i, i + 256));
const recordRate = RECORDS / ((performance.now() - t) / 1000);

const metrics = new GatewayMetrics(metricsConfigSchema.parse({}));
for (let i = 0; i < 10_000; i++) metrics.observe(recs[i]);
t = performance.now();
for (let i = 0; i < RECORDS; i++) metrics.observe(recs[i]);
const observeNs = ((performance.now() - t) * 1e6) / RECORDS;
t = performance.now();
const text = metrics.render();
const renderMs = performance.now() - t;

db.close();
rmSync(dir, { recursive: true, force: true });
console.log(`trace-ingest: OTLP/JSON spans parse+insert ${Math.round(spanRate).toLocaleString("en")} spans/s (${n.toLocaleString("en")} spans, batches of 512; target ≥ 20,000)`);
console.log(`trace-ingest: gateway trace records insert ${Math.round(recordRate).toLocaleString("en")} records/s (${RECORDS.toLocaleString("en")}, batches of 256)`);
console.log(`metrics: observe() ${observeNs.toFixed(0)} ns/call; render ${renderMs.toFixed(1)} ms for ${text.split("\n").length.toLocaleString("en")} lines`);
