import assert from "node:assert/strict";
import { test } from "node:test";
import { sampleTrace } from "./sample-trace.js";
import { pgTestDb } from "../testing/postgres-fixture.js";
import { PgTraceStore } from "./pg-trace-store.js";
import { PgVerdictStore } from "./pg-verdict-store.js";
import { withGuardVerdicts } from "./sqlite-verdict-store.js";
import { traceStoreContract } from "./trace-store.contract.js";

const DAY = 86_400_000;
const D0 = Date.UTC(2031, 5, 1);

traceStoreContract("postgres", () => new PgTraceStore(pgTestDb().fresh()));
traceStoreContract("postgres with guard verdicts", () => {
  const db = pgTestDb().fresh();
  return withGuardVerdicts(new PgTraceStore(db), new PgVerdictStore(db));
});

test("postgres: traces live in one partition per UTC day; retention drops whole days and a dropped day is made again", () => {
  const db = pgTestDb().fresh();
  const s = new PgTraceStore(db);
  const other = new PgTraceStore(db);
  const days = (): string[] => db.all<{ n: string }>("SELECT c.relname AS n FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'traces'::regclass ORDER BY 1").map((r) => r.n);
  for (const n of days()) db.exec(`DROP TABLE ${n}`);
  s.insertBatch([0, 1, 2].map((d) => sampleTrace(d, { startedAt: D0 + d * DAY + 5, endedAt: D0 + d * DAY + 10 })));
  assert.deepEqual(days(), ["traces_p20310601", "traces_p20310602", "traces_p20310603"]);
  // Another instance's retention: the whole first day and part of the second.
  assert.equal(other.deleteBefore(D0 + DAY + 6), 2);
  assert.deepEqual(days(), ["traces_p20310602", "traces_p20310603"]);
  assert.equal(db.get<{ n: number }>("SELECT count(*) AS n FROM trace_ids")!.n, 1);
  // This store still believes the first day exists: the insert finds out and makes it again.
  s.insertBatch([sampleTrace(7, { startedAt: D0 + 1, endedAt: D0 + 2 })]);
  assert.equal(s.get("req_000007")?.startedAt, D0 + 1);
  assert.deepEqual(s.list({ limit: 10 }).data.map((t) => t.id), ["req_000002", "req_000007"]);
});

test("postgres: COPY stores awkward text exactly — tabs, newlines, CR, backslashes, `\\.` lines, \\N, unicode; U+0000 is dropped", () => {
  const db = pgTestDb().fresh();
  const s = new PgTraceStore(db);
  const nasty = "a\tb\nc\r\nd\\e\\\\f\n\\.\n\\N|\u00e9\u4e2d\ud83d\ude00|x\u0000y";
  const stored = nasty.replaceAll("\u0000", "");
  const r = sampleTrace(1, {
    requestBody: nasty, responseBody: "\\", errorMessage: "\t", feature: "\\N", user: "", metadata: { k: nasty, "t\tab": "v\u0000" },
    attempts: [{ provider: "p\tq", model: "m\nn", status: "error", latency_ms: 1, error_code: "x\\y" }] as never,
    guard: [{ scanner: "pii\t", source: "user", score: 0.125, triggered: true, action: "redact", latency_ms: 0.3 }],
    costUsd: 0.1 + 0.2, latencyMs: 1e-7, tokensIn: 2 ** 40,
  });
  s.insertBatch([r, { ...r, requestBody: "a repeat of the same id in the batch is ignored" }]);
  const got = s.get(r.id)!;
  assert.equal(got.requestBody, stored);
  assert.equal(got.responseBody, "\\");
  assert.equal(got.errorMessage, "\t");
  assert.equal(got.feature, "\\N", "the text \\N is not NULL");
  assert.equal(got.user, "", "an empty string is not NULL");
  assert.deepEqual(got.metadata, { k: nasty, "t\tab": "v\u0000" }, "inside JSON text U+0000 stays an escape");
  assert.deepEqual(got.attempts, r.attempts);
  assert.deepEqual(got.guard, r.guard);
  assert.equal(got.costUsd, 0.1 + 0.2, "doubles round-trip exactly");
  assert.equal(got.latencyMs, 1e-7);
  assert.equal(got.tokensIn, 2 ** 40);
  assert.equal(db.get<{ n: number }>("SELECT count(*) AS n FROM traces")!.n, 1);
});
