import { test } from "node:test";
import assert from "node:assert/strict";
import { pgTestDb } from "../../testing/postgres-fixture.js";
import { PgGuardReviewStore } from "./pg-review-store.js";
import { reviewStoreContract } from "./review-store.contract.js";

reviewStoreContract("postgres", () => new PgGuardReviewStore(pgTestDb().fresh()));

test("postgres: a duplicate mark inside a transaction is a conflict that leaves the transaction usable", () => {
  const db = pgTestDb().fresh();
  const s = new PgGuardReviewStore(db);
  const r = { traceId: "req_1", scanner: "pii", source: "user", action: "redact", score: 0.5, findings: null, model: null, route: null, traceStartedAt: 1, excerpt: null, note: null, markedBy: "ana" };
  db.transaction(() => {
    s.mark(r);
    assert.throws(() => s.mark(r), /already marked/);
    s.mark({ ...r, source: "output" });
  });
  assert.equal(s.list({ status: "all", limit: 10 }).data.length, 2);
});
