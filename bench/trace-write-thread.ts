/**
 * What trace writing costs the gateway's thread: the same BENCH_RECORDS realistic records written
 * (a) in place, as before decision 0010 (SqliteTraceStore on the main thread, batches of 256), and
 * (b) through TraceWriter → the writer worker. Main-thread busy time is the event loop's
 * utilisation (performance.eventLoopUtilization), which counts this thread only.
 * `node --import tsx bench/trace-write-thread.ts`
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { SqliteTraceStore } from "../src/observe/sqlite-trace-store.js";
import { TraceWriter } from "../src/observe/trace-writer.js";
import type { TraceRecord } from "../src/observe/types.js";
import { TraceWriteWorker } from "../src/observe/workers/trace-workers.js";
import { openSqlite } from "../src/storage/sqlite.js";
import { sampleTrace } from "../src/observe/sample-trace.js";
import { chatBody } from "./load.js";

const N = Number(process.env.BENCH_RECORDS ?? 20_000);
const guard = ["prompt_injection", "multi_turn", "secrets", "invisible_text", "size_limit", "system_prompt_leak", "toxicity", "json_schema", "pii"]
  .map((scanner) => ({ scanner, source: "user", score: 0, triggered: false, action: "block", latency_ms: 0.123 }));
const response = JSON.stringify({ id: "chatcmpl-x", object: "chat.completion", created: 1, model: "sim", choices: [{ index: 0, message: { role: "assistant", content: "Yes, five to eight working days." }, finish_reason: "stop" }], usage: { prompt_tokens: 64, completion_tokens: 16, total_tokens: 80 } });
const records = (offset: number): TraceRecord[] => Array.from({ length: N }, (_, i) => sampleTrace(offset + i, {
  id: `req_${offset + i}`, startedAt: Date.now() - N + i, requestBody: chatBody("sim", false), responseBody: response, guard,
  attempts: [{ target: "sim/sim", provider: "sim", model: "sim", startMs: 1, waitMs: 0, durationMs: 3, ttftMs: 3, outcome: "ok", errorCode: null, upstreamStatus: null, error: null }],
}));

const dir = mkdtempSync(join(tmpdir(), "keel-bench-write-"));
const db = openSqlite(dir);
try {
  const inPlace = records(0);
  const store = new SqliteTraceStore(db);
  let elu = performance.eventLoopUtilization();
  let t = performance.now();
  for (let i = 0; i < N; i += 256) store.insertBatch(inPlace.slice(i, i + 256));
  elu = performance.eventLoopUtilization(elu);
  const inPlaceMs = performance.now() - t;

  const worker = new TraceWriteWorker({ dataDir: dir, file: "keel.db", pruneBatchRows: 5000 });
  const writer = new TraceWriter(worker, { batchSize: 256, flushIntervalMs: 250, maxQueue: 1_000_000 });
  const posted = records(N);
  await writer.flush(); // the worker has started
  let elu2 = performance.eventLoopUtilization();
  t = performance.now();
  for (let i = 0; i < N; i += 256) {
    for (const r of posted.slice(i, i + 256)) writer.record(r);
    await new Promise((r) => setImmediate(r));
  }
  await writer.close();
  elu2 = performance.eventLoopUtilization(elu2);
  const workerMs = performance.now() - t;
  await worker.close();
  const perRec = (ms: number): string => `${((ms * 1000) / N).toFixed(1)} µs`;
  console.log(`trace writes, ${N.toLocaleString("en")} records (batches of 256, 9 guard verdicts, bodies captured)`);
  console.log(`in place on the main thread: main thread busy ${perRec(elu.active)} per record (wall ${perRec(inPlaceMs)})`);
  console.log(`through the writer worker:   main thread busy ${perRec(elu2.active)} per record (wall ${perRec(workerMs)}, written ${writer.written}, dropped ${writer.dropped})`);
  console.log(`main-thread cost, worker ÷ in place: ${(elu2.active / elu.active).toFixed(2)}`);
} finally {
  db.close();
  rmSync(dir, { recursive: true, force: true });
}
