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
