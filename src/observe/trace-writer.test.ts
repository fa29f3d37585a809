import { test } from "node:test";
import assert from "node:assert/strict";
import { openMemorySqlite } from "../storage/sqlite.js";
import { SqliteTraceStore } from "./sqlite-trace-store.js";
import { KeelError } from "../errors/errors.js";
import { TraceWriter } from "./trace-writer.js";
import type { TraceRecord } from "./types.js";
import { sampleTrace } from "./sample-trace.js";


test("records are batched off the call path and flushed by size, timer and close", async () => {
  const store = new SqliteTraceStore(openMemorySqlite());
  const w = new TraceWriter(store, { batchSize: 10, flushIntervalMs: 20, maxQueue: 1000 });
  for (let i = 0; i < 25; i++) w.record(sampleTrace(i));
  assert.equal(store.list({ limit: 100 }).data.length, 0, "record() does not write synchronously");
  await new Promise((r) => setImmediate(r));
  assert.ok(store.list({ limit: 100 }).data.length >= 20, "a full batch flushes on the next tick");
  await new Promise((r) => setTimeout(r, 40));
  assert.equal(store.list({ limit: 100 }).data.length, 25, "the timer flushes the remainder");
  w.record(sampleTrace(99));
  w.close();
  assert.equal(store.list({ limit: 100 }).data.length, 26);
  w.record(sampleTrace(100));
  assert.equal(w.dropped, 1, "records after close are dropped and counted");
});

test("a store that is down (store_unavailable) gets its batches again once it is back; other errors drop", async () => {
  const got: string[] = [];
  let down = true;
  const errors: unknown[] = [];
  const sink = {
    async insertBatch(rs: readonly TraceRecord[]): Promise<void> {
      if (down) throw new KeelError("store_unavailable", "PostgreSQL store is unavailable");
      if (rs.some((r) => r.id === "req_000099")) throw new Error("bad row");
      got.push(...rs.map((r) => r.id));
    },
  };
  const w = new TraceWriter(sink, { batchSize: 5, flushIntervalMs: 10, maxQueue: 1000, onError: (e) => errors.push(e) });
  for (let i = 0; i < 12; i++) w.record(sampleTrace(i));
  await w.flush();
  assert.equal(got.length, 0);
  assert.equal(w.pending, 12, "kept while the store is down");
  assert.equal(w.dropped, 0);
  down = false;
  await new Promise((r) => setTimeout(r, 1200));
  await w.flush();
  // Every record once (batches in flight together may come back in another order; the store sorts).
  assert.deepEqual([...got].sort(), Array.from({ length: 12 }, (_, i) => sampleTrace(i).id));
  assert.ok(w.retried >= 12);
  w.record(sampleTrace(99));
  await w.flush();
  assert.equal(w.dropped, 1, "a batch that fails for another reason is dropped and counted");
  assert.ok(errors.length > 0);
  w.close();
});

test("a full queue drops and counts instead of growing", () => {
  const store = new SqliteTraceStore(openMemorySqlite());
  const w = new TraceWriter(store, { batchSize: 1000, flushIntervalMs: 10_000, maxQueue: 100 });
  for (let i = 0; i < 150; i++) w.record(sampleTrace(i));
  assert.equal(w.pending, 100);
  assert.equal(w.dropped, 50);
  w.close();
});

test("list filters and paginates newest first with a cursor", () => {
  const store = new SqliteTraceStore(openMemorySqlite());
  store.insertBatch(Array.from({ length: 30 }, (_, i) => sampleTrace(i)));
  const p1 = store.list({ limit: 10 });
  assert.equal(p1.data[0].id, "req_000029");
  const p2 = store.list({ limit: 10, cursor: p1.nextCursor! });
  assert.equal(p2.data[0].id, "req_000019");
  const p3 = store.list({ limit: 10, cursor: p2.nextCursor! });
  assert.equal(p3.nextCursor, null);
  assert.equal(new Set([...p1.data, ...p2.data, ...p3.data].map((t) => t.id)).size, 30);
  assert.ok(store.list({ limit: 100, status: "error" }).data.every((t) => t.status === "error"));
  assert.equal(store.list({ limit: 100, keyId: "key_a" }).data.length, 15);
  assert.equal(store.list({ limit: 100, feature: "search" }).data.length, 10);
  assert.equal(store.list({ limit: 100, since: 1_700_000_000_020 }).data.length, 10);
  assert.throws(() => store.list({ limit: 10, cursor: "garbage" }), RangeError);
  assert.equal(store.deleteBefore(1_700_000_000_010), 10);
});
