/**
 * Trace ingestion into PostgreSQL and the summary query over what was ingested (issue 16 §5):
 * synthetic traces, in batches, through `PgTraceWrites` (the path the trace writer takes: masking,
 * the ids claimed, the rows by COPY into the day partitions, rollups, guard statistics) into a fresh schema,
 * then p50/p99 of the dashboard's summary and time series at the N reached. A measurement, not a
 * test: it prints figures and exits 0; it drops its schema at the end.
 *
 *   node --import tsx bench/pg-trace-ingest.ts [N=1000000] [batch=1000] [inFlight=2] [seconds=120]
 *
 * `KEEL_TEST_POSTGRES_URL` (default postgres://postgres@127.0.0.1:5432/test) names the server.
 */
import { randomBytes } from "node:crypto";
import { PgBridge } from "../src/store/postgres/pg-bridge.js";
import { migratePostgres } from "../src/store/postgres/pg-migrate.js";
import { PG_MIGRATIONS } from "../src/storage/postgres/pg-migrations.js";
import { sampleTrace } from "../src/observe/sample-trace.js";
import type { TraceRecord } from "../src/observe/types.js";
import { PgTraceReads, PgTraceWrites } from "../src/observe/workers/pg-trace-io.js";
import { round3, summarize } from "./stats.js";

const url = process.env.KEEL_TEST_POSTGRES_URL || "postgres://postgres@127.0.0.1:5432/test";
const [N = 1_000_000, BATCH = 1000, IN_FLIGHT = 2, SECONDS = 120] = process.argv.slice(2).map(Number);
const DAY = 86_400_000;
const END = Date.UTC(2031, 5, 2);
const START = END - DAY;
const MODELS = ["gpt-4o", "gpt-4o-mini", "claude-sonnet", "llama-70b"];
const FEATURES = ["chat", "search", "support", null];
const REQUEST = JSON.stringify({ model: "gpt-4o", messages: [{ role: "system", content: "You are a helpful assistant." }, { role: "user", content: "What is the capital of France? Answer briefly." }], max_tokens: 64 });
const RESPONSE = JSON.stringify({ id: "chatcmpl-x", object: "chat.completion", created: 1_900_000_000, model: "gpt-4o", choices: [{ index: 0, message: { role: "assistant", content: "Paris." }, finish_reason: "stop" }], usage: { prompt_tokens: 21, completion_tokens: 2, total_tokens: 23 } });

/** Trace i of N, start times spread evenly over one day: what a day of traffic looks like to the summary. */
function trace(i: number): TraceRecord {
  const startedAt = START + Math.floor((i * DAY) / N);
  const m = MODELS[i % MODELS.length];
  return sampleTrace(i, {
    id: `req_${i.toString(36).padStart(8, "0")}`, startedAt, endedAt: startedAt + 200 + (i % 900), modelRequested: m, modelServed: m,
    provider: i % 2 ? "openai" : "anthropic", feature: FEATURES[i % FEATURES.length], keyId: `key_${i % 50}`, user: `u${i % 5000}`,
    latencyMs: 150 + (i % 1000), ttftMs: 40 + (i % 200), tokensIn: 20 + (i % 300), tokensOut: 5 + (i % 120), costUsd: 0.0001 * (1 + (i % 7)),
    requestBody: REQUEST, responseBody: RESPONSE, stream: i % 3 === 0,
    guard: i % 10 === 0 ? [{ scanner: "pii", source: "user", score: 0.9, triggered: i % 20 === 0, action: "redact", latency_ms: 0.3 }] : null,
  });
}

const schema = `keel_bench_${randomBytes(4).toString("hex")}`;
const admin = new PgBridge({ url });
admin.exec(`CREATE SCHEMA ${schema}`);
const db = new PgBridge({ url, schema, poolMax: IN_FLIGHT + 2, timeoutMs: 60_000 });
try {
  migratePostgres(db, PG_MIGRATIONS);
  const writes = new PgTraceWrites(db, { pruneBatchRows: 5000 });
  const reads = new PgTraceReads(db);

  // Ingest: IN_FLIGHT batches at a time (one per writer; several instances write at once), until N or the time box.
  let next = 0;
  let written = 0;
  const t0 = performance.now();
  const deadline = t0 + SECONDS * 1000;
  const batchMs: number[] = [];
  await Promise.all(Array.from({ length: IN_FLIGHT }, async () => {
    while (next < N && performance.now() < deadline) {
      const from = next;
      next = Math.min(N, next + BATCH);
      const batch = Array.from({ length: next - from }, (_, k) => trace(from + k));
      const b0 = performance.now();
      await writes.insertBatch(batch);
      batchMs.push(performance.now() - b0);
      written += batch.length;
    }
  }));
  const secs = (performance.now() - t0) / 1000;
  const count = db.get<{ n: number }>("SELECT count(*) AS n FROM traces")!.n;
  const b = summarize(batchMs);
  console.log(`ingest: ${written} traces in ${secs.toFixed(1)} s = ${Math.round(written / secs)} traces/s ` +
    `(batch ${BATCH}, ${IN_FLIGHT} in flight; batch p50 ${round3(b.p50)} ms, p99 ${round3(b.p99)} ms; rows stored ${count}` +
    `${written < N ? `; time box reached before N=${N}` : ""})`);
  db.exec("ANALYZE");

  // Each read once to warm, then timed.
  const RUNS = 30;
  const timed = async (name: string, fn: () => Promise<unknown>): Promise<void> => {
    await fn();
    const ms: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const s0 = performance.now();
      await fn();
      ms.push(performance.now() - s0);
    }
    const s = summarize(ms);
    console.log(`${name} at ${count} traces: p50 ${round3(s.p50)} ms, p99 ${round3(s.p99)} ms (${RUNS} runs)`);
  };
  // The dashboard's default: the last 24 h, with ragged edges (rollups plus the edge rows).
  const q = { since: START + 1234, until: END - 4321, where: {}, maxRows: 200_000 };
  await timed("summary (24 h)", () => reads.summary(q));
  await timed("summary by model (24 h)", () => reads.summary({ ...q, by: "model" }));
  await timed("timeseries (24 h, 30 buckets)", () => reads.timeseries({ ...q, buckets: 30 }));
  await timed("summary (1 h, exact rows)", () => reads.summary({ ...q, until: q.since + 3_600_000, exact: true }));
  await timed("list (newest 50)", () => reads.list({ limit: 50 }));
  await writes.close();
  await reads.close();
} finally {
  await db.close();
  admin.exec(`DROP SCHEMA ${schema} CASCADE`);
  await admin.close();
}
