import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { openSqlite } from "../../storage/sqlite.js";
import { startTestKeel } from "../../testing/keel-fixture.js";
import { SqliteTraceStore } from "../sqlite-trace-store.js";
import { SqliteSummaryStore } from "../summary/sqlite-summary-store.js";
import { sampleTrace } from "../sample-trace.js";
import { TraceWriter } from "../trace-writer.js";
import { getPriority } from "node:os";
import { TraceReadWorker, TraceWriteWorker } from "./trace-workers.js";

test("a chat call completes while a summary and a trace listing are stuck in the read worker", async () => {
  const gate = new SharedArrayBuffer(4);
  const keel = await startTestKeel({}, {}, { readGate: gate });
  try {
    const order: string[] = [];
    const summary = keel.admin("GET", "/api/v1/metrics/summary?since=1h").then((r) => { order.push("summary"); return r; });
    const listing = keel.admin("GET", "/api/v1/traces?limit=5").then((r) => { order.push("listing"); return r; });
    const chat = await fetch(`${keel.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${keel.key}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "sim", messages: [{ role: "user", content: "still answering?" }] }),
    });
    assert.equal(chat.status, 200);
    await chat.json();
    order.push("chat");
    assert.deepEqual(order, ["chat"], "the reads are still held in the worker, the gateway answered anyway");
    Atomics.store(new Int32Array(gate), 0, 1);
    Atomics.notify(new Int32Array(gate), 0);
    const [s, l] = await Promise.all([summary, listing]);
    assert.equal(s.status, 200);
    assert.equal(l.status, 200);
    assert.deepEqual(order.slice(0, 1), ["chat"]);
    assert.equal(order.length, 3);
  } finally {
    Atomics.store(new Int32Array(gate), 0, 1);
    Atomics.notify(new Int32Array(gate), 0);
    await keel.close();
  }
});

test("shutdown writes every queued trace through the worker before it stops", async () => {
  const keel = await startTestKeel({ traces: { flush_interval_ms: 60_000, batch_size: 10_000 } });
  const dataDir = keel.dataDir;
  for (let i = 0; i < 5; i++) {
    const res = await fetch(`${keel.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${keel.key}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "sim", messages: [{ role: "user", content: `call ${i}` }] }),
    });
    await res.text();
  }
  assert.equal(keel.app.traces.pending, 5, "nothing written yet: the timer is a minute away");
  await keel.app.shutdown();
  const db = openSqlite(dataDir);
  try {
    assert.equal(db.prepare("SELECT count(*) FROM traces").pluck().get(), 5);
    assert.equal(db.prepare("SELECT sum(requests) FROM trace_rollup_minute WHERE dim = 'all'").pluck().get(), 5);
  } finally {
    db.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test("the writer worker: batches, bounded retention of rows and rollups, and the rollup backfill", async () => {
  const dir = mkdtempSync(join(tmpdir(), "keel-writer-"));
  const db = openSqlite(dir);
  const worker = new TraceWriteWorker({ dataDir: dir, file: "keel.db", pruneBatchRows: 100 });
  try {
    const writer = new TraceWriter(worker, { batchSize: 64, flushIntervalMs: 10, maxQueue: 10_000 });
    const DAY = 86_400_000;
    const t0 = Date.UTC(2031, 5, 1);
    for (let i = 0; i < 450; i++) writer.record(sampleTrace(i, { id: `req_${i}`, startedAt: t0 + (i % 3) * DAY + i }));
    await writer.flush();
    assert.equal(writer.written, 450);
    assert.equal(db.prepare("SELECT count(*) FROM traces").pluck().get(), 450);

    const deleted = await worker.prune({ before: t0 + DAY, rollupsBefore: t0 });
    assert.equal(deleted.traces, 150, "day one's rows, in steps of 100");
    assert.equal(db.prepare("SELECT count(*) FROM traces").pluck().get(), 300);
    assert.ok(deleted.rollup_minutes > 0, "minute rollups go with the rows");
    assert.equal(deleted.rollup_hours, 0, "hour rollups outlive the rows");
    assert.equal(db.prepare("SELECT sum(requests) FROM trace_rollup_hour WHERE dim = 'all'").pluck().get(), 450);

    // A store upgraded to rollups with rows in it: nothing rolled up, coverage after the rows.
    db.exec("DELETE FROM trace_rollup_minute; DELETE FROM trace_rollup_hour;");
    db.prepare("UPDATE trace_rollup_state SET covered_from = ?").run(t0 + 3 * DAY);
    const q = { since: t0, until: t0 + 3 * DAY, by: "key" as const, where: {}, maxRows: 1e6 };
    const exact = new SqliteSummaryStore(db).summary(q);
    await worker.backfill();
    assert.equal(db.prepare("SELECT covered_from FROM trace_rollup_state").pluck().get(), 0);
    assert.equal(db.prepare("SELECT sum(requests) FROM trace_rollup_minute WHERE dim = 'all'").pluck().get(), 300, "each row once");
    const rolled = new SqliteSummaryStore(db).summary(q);
    assert.deepEqual(rolled.data.map((s) => [s.slice, s.requests, s.errors, s.tokens_out]), exact.data.map((s) => [s.slice, s.requests, s.errors, s.tokens_out]));
    await writer.close();
  } finally {
    await worker.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a batch the worker cannot write is dropped and counted, and the writer keeps going", async () => {
  const dir = mkdtempSync(join(tmpdir(), "keel-writer-"));
  const db = openSqlite(dir);
  const worker = new TraceWriteWorker({ dataDir: dir, file: "keel.db", pruneBatchRows: 100 });
  const errors: unknown[] = [];
  try {
    const writer = new TraceWriter(worker, { batchSize: 10, flushIntervalMs: 10, maxQueue: 100, onError: (e) => errors.push(e) });
    writer.record({ ...sampleTrace(1), costUsd: { not: "a number" } as never }); // SQLite cannot bind it: the insert throws
    await writer.flush();
    writer.record(sampleTrace(2));
    await writer.flush();
    assert.equal(writer.dropped, 1);
    assert.equal(writer.written, 1);
    assert.equal(errors.length, 1);
    assert.equal(new SqliteTraceStore(db).get(sampleTrace(2).id)?.id, sampleTrace(2).id);
  } finally {
    await worker.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the read worker starts on the first read, stops when idle, and a later read starts it again", async () => {
  const dir = mkdtempSync(join(tmpdir(), "keel-reader-"));
  const db = openSqlite(dir);
  new SqliteTraceStore(db).insertBatch([sampleTrace(1)]);
  const reader = new TraceReadWorker({ dataDir: dir, file: "keel.db" }, undefined, 20);
  const stopped = async (): Promise<void> => {
    for (let i = 0; i < 500 && reader.started; i++) await new Promise((r) => setTimeout(r, 10));
  };
  try {
    assert.equal(reader.started, false, "no thread before anything reads");
    assert.deepEqual((await reader.list({ limit: 5 })).data.map((t) => t.id), [sampleTrace(1).id]);
    await stopped();
    assert.equal(reader.started, false, "the idle worker was stopped");
    const [a, b] = await Promise.all([reader.list({ limit: 5 }), reader.list({ limit: 5 })]);
    assert.equal(a.data.length, 1);
    assert.equal(b.data.length, 1, "reads after the stop are answered by a fresh worker");
  } finally {
    await reader.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
  await assert.rejects(reader.list({ limit: 5 }), /closed/);
});

/** Nice values of this process's threads, by kernel thread id (Linux; empty where /proc is missing). */
function threadNiceValues(): Map<number, number> {
  const out = new Map<number, number>();
  let tasks: string[];
  try {
    tasks = readdirSync("/proc/self/task");
  } catch {
    return out;
  }
  for (const t of tasks) {
    try {
      const stat = readFileSync(`/proc/self/task/${t}/stat`, "utf8");
      // The fields after the command name in parentheses (which may hold spaces); nice is field 19.
      out.set(Number(t), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[16]));
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  return out;
}

test("the read thread runs at traces.read_worker_nice (Linux), the gateway's thread stays where it was", async () => {
  const dir = mkdtempSync(join(tmpdir(), "keel-reader-nice-"));
  openSqlite(dir).close();
  const niced = new TraceReadWorker({ dataDir: dir, file: "keel.db", nice: 10 });
  const plain = new TraceReadWorker({ dataDir: dir, file: "keel.db" });
  const main = getPriority(process.pid);
  try {
    const a = await niced.threadInfo();
    const b = await plain.threadInfo();
    if (process.platform === "linux") {
      assert.ok(a.tid !== null && b.tid !== null && a.tid !== b.tid && a.tid !== process.pid);
      assert.equal(a.nice, Math.max(10, main));
      const nice = threadNiceValues();
      assert.equal(nice.get(a.tid!), Math.max(10, main), "the kernel has the read thread at nice 10");
      assert.equal(nice.get(b.tid!), main, "without the setting the thread keeps the process's value");
      assert.equal(nice.get(process.pid), main, "the main thread is unchanged");
      assert.equal(b.nice, null);
    } else {
      assert.equal(a.nice, null, "no per-thread nice value to set here: reported as not set");
    }
    assert.deepEqual((await niced.list({ limit: 5 })).data, [], "the niced thread still answers reads");
  } finally {
    await niced.close();
    await plain.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
