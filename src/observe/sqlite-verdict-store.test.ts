import assert from "node:assert/strict";
import { test } from "node:test";
import Database from "better-sqlite3";
import type { GuardVerdictRecord, TraceRecord } from "./types.js";
import { openMemorySqlite } from "../storage/sqlite.js";
import { migrate } from "../store/migrate.js";
import { MIGRATIONS } from "../storage/migrations.js";
import { SqliteVerdictStore } from "./sqlite-verdict-store.js";
import { verdictStoreContract } from "./verdict-store.contract.js";

const T0 = Date.UTC(2026, 10, 29, 10, 0, 0);
const v = (scanner: string, source: string, triggered: boolean, action: string, latency_ms = 0.1): GuardVerdictRecord => ({ scanner, source, score: triggered ? 0.9 : 0.1, triggered, action, latency_ms });
const rec = (id: string, at: number, route: string, guard: GuardVerdictRecord[] | null): TraceRecord => ({ id, startedAt: at, modelRequested: route, keyId: "key_1", feature: null, guard } as unknown as TraceRecord);

test("rolls verdicts up per minute, route and scanner: a call counts once per scanner, actions per verdict", () => {
  const db = openMemorySqlite();
  const store = new SqliteVerdictStore(db);
  store.insertFor([
    // pii screened the user text and the output; it triggered on the output only: one screened call, one triggered.
    rec("a", T0 + 1_000, "chat", [v("pii", "user", false, "log", 0.2), v("pii", "output", true, "redact", 0.4), v("injection", "user", false, "block", 0.1)]),
    rec("b", T0 + 2_000, "chat", [v("pii", "user", true, "log", 0.6), v("injection", "user", true, "block", 0.3)]),
    rec("c", T0 + 61_000, "chat", [v("pii", "user", false, "log", 0.2)]),
    rec("d", T0 + 3_000, "search", [v("pii", "user", false, "log", 0.2)]),
    rec("e", T0 + 4_000, "chat", null),
  ]);
  // A second batch for the same minute adds to it.
  store.insertFor([rec("f", T0 + 5_000, "chat", [v("injection", "user", false, "block", 0.5)])]);

  const all = store.stats({});
  const pii = all.find((r) => r.scanner === "pii" && r.route === "chat")!;
  assert.equal(pii.screened, 3);
  assert.equal(pii.triggered, 2);
  assert.equal(pii.trigger_rate, 0.6667);
  assert.deepEqual(pii.actions, { block: 0, redact: 1, flag: 0, log: 1 });
  assert.equal(pii.avg_latency_ms, 0.35, "mean over the 4 pii verdicts");
  assert.equal(pii.max_latency_ms, 0.6);
  const inj = all.find((r) => r.scanner === "injection")!;
  assert.deepEqual([inj.screened, inj.triggered, inj.actions.block], [3, 1, 1]);
  assert.equal(all.find((r) => r.route === "search")!.screened, 1);

  // Ranges are whole minutes: the first minute only, then from the second on.
  assert.equal(store.stats({ since: T0, until: T0 + 60_000, scanner: "pii", route: "chat" })[0].screened, 2);
  assert.equal(store.stats({ since: T0 + 60_000, scanner: "pii" })[0].screened, 1);
  assert.deepEqual(store.stats({ since: T0 + 120_000 }), []);

  // Only triggered verdicts are kept as rows.
  assert.equal((db.prepare("SELECT COUNT(*) AS n FROM guard_verdicts").get() as { n: number }).n, 3);
  assert.equal(store.deleteBefore(T0 + 60_000), 3);
  assert.equal(store.stats({})[0].screened, 1, "the first minute is pruned with its rows");
});

test("the migration rolls existing verdict rows up and keeps only the triggered ones", () => {
  const db = new Database(":memory:");
  const version = MIGRATIONS.find((m) => /guard_stats_minute/.test(m.sql))!.version;
  migrate(db, MIGRATIONS.filter((m) => m.version < version));
  const insert = db.prepare("INSERT INTO guard_verdicts (trace_id, started_at, route, key_id, feature, scanner, source, action, score, triggered, latency_ms) VALUES (?, ?, 'chat', NULL, NULL, ?, ?, ?, 0.5, ?, ?)");
  insert.run("a", T0 + 1_000, "pii", "user", "log", 0, 0.2);
  insert.run("a", T0 + 1_000, "pii", "output", "redact", 1, 0.4);
  insert.run("b", T0 + 2_000, "pii", "user", "log", 1, 0.6);
  insert.run("c", T0 + 61_000, "pii", "user", "log", 0, 0.2);
  migrate(db, MIGRATIONS);
  const store = new SqliteVerdictStore(db);
  const [pii] = store.stats({});
  assert.deepEqual([pii.screened, pii.triggered, pii.actions.redact, pii.actions.log, pii.max_latency_ms], [3, 2, 1, 1, 0.6]);
  assert.equal(pii.avg_latency_ms, 0.35);
  assert.equal((db.prepare("SELECT COUNT(*) AS n FROM guard_verdicts").get() as { n: number }).n, 2);
});

verdictStoreContract("sqlite", () => new SqliteVerdictStore(openMemorySqlite()));
