import assert from "node:assert/strict";
import { test } from "node:test";
import { pgTestDb } from "../../testing/postgres-fixture.js";
import { PgTraceStore } from "../pg-trace-store.js";
import { PgVerdictStore } from "../pg-verdict-store.js";
import { sampleTrace } from "../sample-trace.js";
import { PgTraceReads, PgTraceWrites } from "./pg-trace-io.js";
import { traceIoContract } from "./trace-io.contract.js";

traceIoContract("postgres", async () => {
  const db = pgTestDb().fresh();
  const writes = new PgTraceWrites(db, { pruneBatchRows: 3 });
  const reads = new PgTraceReads(db);
  return {
    writes, reads,
    async close() {
      await writes.close();
      await reads.close();
    },
  };
});

const T0 = Date.UTC(2031, 5, 1);

test("postgres: a batch writes guard statistics, masks bodies on copies, and a purge erases a user's calls", async () => {
  const db = pgTestDb().fresh();
  const writes = new PgTraceWrites(db, { pruneBatchRows: 100, maxBodyChars: 1000 });
  const guard = [{ scanner: "pii", source: "user", score: 0.9, triggered: true, action: "redact", latency_ms: 0.2 }];
  const masked = sampleTrace(1, { startedAt: T0, user: "u1", requestBody: "{\"content\":\"mail me at ann@example.com\"}", pii: { mode: "mask", keep: [] }, guard });
  await writes.insertBatch([masked, sampleTrace(2, { startedAt: T0 + 1, user: "u2" })]);
  assert.ok(masked.pii, "the caller's record keeps its policy");
  const traces = new PgTraceStore(db);
  const stored = traces.get(masked.id)!;
  assert.ok(!stored.requestBody!.includes("ann@example.com"), stored.requestBody!);
  assert.equal(new PgVerdictStore(db).stats({})[0].triggered, 1);
  const dry = await writes.purge({ user: "u1" }, true);
  assert.deepEqual([dry.deleted.traces, dry.deleted.guard_verdicts], [1, 1]);
  assert.ok(traces.get(masked.id), "a dry run deletes nothing");
  const done = await writes.purge({ user: "u1" }, false);
  assert.deepEqual([done.dryRun, done.deleted.traces, done.deleted.guard_verdicts], [false, 1, 1]);
  assert.equal(traces.get(masked.id), undefined);
  assert.deepEqual(traces.list({ limit: 10 }).data.map((t) => t.id), ["req_000002"]);
  await writes.insertBatch([sampleTrace(1, { startedAt: T0 })]);
  assert.ok(traces.get(masked.id), "an erased id may be written again");
});

test("postgres: writers batching the same minutes at once add up in the rollups; an id sent by both is written once", async () => {
  const db = pgTestDb().fresh();
  const a = new PgTraceWrites(db, { pruneBatchRows: 100 });
  const b = new PgTraceWrites(db, { pruneBatchRows: 100 });
  const batch = (from: number): ReturnType<typeof sampleTrace>[] =>
    Array.from({ length: 40 }, (_, i) => sampleTrace(from + i, { startedAt: T0 + ((from + i) % 90) * 1000, endedAt: T0 + ((from + i) % 90) * 1000 + 5 }));
  // Ids 30..39 are in both writers' batches.
  await Promise.all([a.insertBatch(batch(0)), b.insertBatch(batch(30)), a.insertBatch(batch(70)), b.insertBatch(batch(110))]);
  const reads = new PgTraceReads(db);
  const minutes = await reads.summary({ since: T0, until: T0 + 120_000, where: {}, maxRows: 1e6 });
  const exact = await reads.summary({ since: T0, until: T0 + 120_000, where: {}, maxRows: 1e6, exact: true });
  assert.equal(exact.data[0].requests, 150, "160 sent, ids 30..39 twice");
  assert.equal(minutes.data[0].requests, 150, "rollups count each stored call once");
});
