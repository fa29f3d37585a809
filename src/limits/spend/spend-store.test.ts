import { test } from "node:test";
import assert from "node:assert/strict";
import { openMemorySqlite } from "../../storage/sqlite.js";
import { budgetsSchema, limitsSchema } from "../limits-schema.js";
import { compileRules } from "../rules.js";
import { budgetSeeds } from "../seed.js";
import { SpendRecorder } from "./spend-recorder.js";
import type { SpendRow } from "./spend-types.js";
import { spendStoreContract } from "./spend-store.contract.js";
import { SqliteSpendStore } from "./sqlite-spend-store.js";

const row = (over: Partial<SpendRow>): SpendRow => ({
  day: "2026-11-29", keyId: "key_a", user: null, team: "growth", feature: null, model: "sim", requests: 1, tokensIn: 10, tokensOut: 5, costUsd: 0.25, ...over,
});

test("the recorder aggregates in memory and upserts per day and attribution", () => {
  const store = new SqliteSpendStore(openMemorySqlite());
  const rec = new SpendRecorder(store, { flushIntervalMs: 60_000 });
  for (let i = 0; i < 3; i++) rec.record(row({}));
  rec.record(row({ user: "u1", costUsd: 1 }));
  assert.equal(store.query({ by: [], limit: 10 }).total.requests, 0, "nothing written before the flush");
  rec.flush();
  rec.record(row({}));
  rec.close();
  const { groups, total } = store.query({ by: ["user"], limit: 10 });
  assert.deepEqual(total, { requests: 5, tokensIn: 50, tokensOut: 25, costUsd: 2 });
  assert.deepEqual(groups.map((g) => [g.by.user, g.requests, g.costUsd]), [["u1", 1, 1], [null, 4, 1]]);
});

test("queries filter by day range and attributes and group by several dimensions", () => {
  const store = new SqliteSpendStore(openMemorySqlite());
  store.addBatch([
    row({ day: "2026-11-01", costUsd: 1 }),
    row({ day: "2026-11-02", model: "gpt-4o", costUsd: 2 }),
    row({ day: "2026-11-02", keyId: "key_b", costUsd: 4 }),
    row({ day: "2026-10-31", costUsd: 8 }),
  ]);
  const r = store.query({ since: "2026-11-01", until: "2026-11-30", by: ["day", "model"], limit: 10 });
  assert.deepEqual(r.groups.map((g) => [g.by.day, g.by.model, g.costUsd]), [["2026-11-02", "sim", 4], ["2026-11-02", "gpt-4o", 2], ["2026-11-01", "sim", 1]]);
  assert.equal(r.total.costUsd, 7);
  assert.equal(store.query({ key: "key_b", by: [], limit: 10 }).total.costUsd, 4);
});

test("a failed write keeps the spend for the next flush", async () => {
  let fail = true;
  const written: SpendRow[] = [];
  const rec = new SpendRecorder({ addBatch: (rows) => { if (fail) throw new Error("disk full"); written.push(...rows); }, query: () => { throw new Error(); }, rowsSince: () => [] }, { flushIntervalMs: 60_000 });
  rec.record(row({ costUsd: 3 }));
  rec.flush();
  fail = false;
  await rec.close();
  assert.deepEqual(written.map((r) => r.costUsd), [3]);
});

test("with a sink, flush never writes on the store; settle waits for the sink; a failed sink write is kept and retried", async () => {
  const onThread: SpendRow[] = [];
  const store = { addBatch: (rows: readonly SpendRow[]) => void onThread.push(...rows), query: () => { throw new Error(); }, rowsSince: () => [] };
  const landed: SpendRow[] = [];
  const calls: { rows: readonly SpendRow[]; done: (err?: Error) => void }[] = [];
  const errors: unknown[] = [];
  const rec = new SpendRecorder(store, {
    flushIntervalMs: 60_000,
    onError: (e) => errors.push(e),
    sink: (rows) => new Promise<void>((resolve, reject) => calls.push({ rows, done: (err) => (err ? reject(err) : (landed.push(...rows), resolve())) })),
  });
  rec.record(row({ costUsd: 1 }));
  rec.record(row({ costUsd: 2 }));
  rec.flush();
  assert.equal(calls.length, 1);
  assert.deepEqual(calls[0].rows.map((r) => r.costUsd), [3], "one row per attribution, summed");
  let settled = false;
  const s = rec.settle().then(() => (settled = true));
  await new Promise((r) => setImmediate(r));
  assert.equal(settled, false, "settle waits for the write in flight");
  calls[0].done(new Error("writer gone"));
  await s;
  assert.equal(errors.length, 1);
  assert.equal(rec.written, 0);
  rec.record(row({ costUsd: 4 }));
  const closing = rec.close();
  assert.equal(calls.length, 2, "close flushes what the failed write kept, with the new spend");
  assert.deepEqual(calls[1].rows.map((r) => r.costUsd), [7]);
  calls[1].done();
  await closing;
  assert.deepEqual(landed.map((r) => r.costUsd), [7]);
  assert.equal(rec.written, 1);
  assert.deepEqual(onThread, [], "the store on this thread is never written when there is a sink");
});

test("budget counters are rebuilt from this month's spend for every rule that applies", () => {
  const rules = compileRules(limitsSchema.parse({}), budgetsSchema.parse({ rules: [{ scope: ["team"], daily_usd: 10, monthly_usd: 100 }] }));
  const now = Date.UTC(2026, 10, 29, 12);
  const seeds = budgetSeeds(rules, [row({ costUsd: 1 }), row({ day: "2026-11-28", costUsd: 2 }), row({ team: null, costUsd: 50 }), row({ keyId: "key_own", costUsd: 0.5 })],
    (id) => (id === "key_own" ? { daily_usd: 1 } : null), now);
  assert.deepEqual(seeds.map((s) => [s.id, s.spent, s.soft]).sort(), [
    ["key|key_own|2026-11-29", 0.5e9, 0.8e9],
    ["team|growth|2026-11", 3.5e9, 80e9],
    ["team|growth|2026-11-29", 1.5e9, 8e9],
  ]);
});

spendStoreContract("sqlite", () => new SqliteSpendStore(openMemorySqlite()));
