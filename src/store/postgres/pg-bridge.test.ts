import assert from "node:assert/strict";
import { after, test } from "node:test";
import { isKeelError } from "../../errors/errors.js";
import { TEST_POSTGRES_URL, pgTestDb } from "../../testing/postgres-fixture.js";
import { freePort, PrivatePostgres } from "../../testing/service-servers.js";
import { until } from "../../testing/until.js";
import { PgBridge, PgQueryError } from "./pg-bridge.js";
import { migratePostgres, postgresMigrationStatus } from "./pg-migrate.js";
import { maskStoreUrl, parsePostgresUrl } from "./pg-url.js";

const t = pgTestDb();
const db = t.db;
db.exec(`CREATE TABLE bridge_t (id BIGINT PRIMARY KEY, v TEXT, f DOUBLE PRECISION, b BYTEA)`);

test("statements round-trip parameters and types: int8 as number, double, text, bytes, null", () => {
  db.run("INSERT INTO bridge_t (id, v, f, b) VALUES ($1, $2, $3, $4)", [1_700_000_000_123, "x'; drop table bridge_t; --", 0.25, Buffer.from([1, 0, 255, 0, 3])]);
  db.run("INSERT INTO bridge_t (id, v) VALUES ($1, $2)", [2, undefined]);
  const rows = db.all<{ id: number; v: string | null; f: number | null; b: Uint8Array | null }>("SELECT * FROM bridge_t ORDER BY id DESC");
  assert.equal(rows[0].id, 1_700_000_000_123);
  assert.equal(rows[0].v, "x'; drop table bridge_t; --");
  assert.equal(rows[0].f, 0.25);
  assert.deepEqual([...rows[0].b!], [1, 0, 255, 0, 3], "bytes with zeros go as binary, not text");
  assert.deepEqual({ ...rows[1], b: rows[1].b }, { id: 2, v: null, f: null, b: null });
  assert.equal(db.get("SELECT 1 AS one WHERE false"), undefined);
  assert.equal(db.run("UPDATE bridge_t SET v = 'y'"), 2);
});

test("a transaction commits when its body returns and rolls back when it throws; savepoints nest", () => {
  db.run("DELETE FROM bridge_t");
  db.transaction((tx) => tx.run("INSERT INTO bridge_t (id) VALUES (10)"));
  assert.throws(() => db.transaction((tx) => {
    tx.run("INSERT INTO bridge_t (id) VALUES (11)");
    throw new Error("boom");
  }), /boom/);
  db.transaction((tx) => {
    tx.run("INSERT INTO bridge_t (id) VALUES (12)");
    assert.throws(() => tx.transaction((inner) => {
      inner.run("INSERT INTO bridge_t (id) VALUES (13)");
      throw new Error("inner");
    }));
  });
  assert.deepEqual(db.all<{ id: number }>("SELECT id FROM bridge_t ORDER BY id").map((r) => r.id), [10, 12]);
});

test("a failing statement is a PgQueryError with its SQLSTATE; the bridge stays usable", () => {
  db.run("INSERT INTO bridge_t (id) VALUES (20) ON CONFLICT DO NOTHING");
  const err = (() => { try { db.run("INSERT INTO bridge_t (id) VALUES (20)"); } catch (e) { return e; } })();
  assert.ok(err instanceof PgQueryError);
  assert.equal((err as PgQueryError).code, "23505");
  assert.equal(db.get<{ n: number }>("SELECT 1 AS n")!.n, 1);
});

test("async calls do not block and see the same data", async () => {
  const rows = await db.allAsync<{ id: number }>("SELECT id FROM bridge_t WHERE id = $1", [20]);
  assert.deepEqual(rows, [{ id: 20 }]);
  const n = await db.transactionAsync(async (q) => {
    await q.run("INSERT INTO bridge_t (id) VALUES (30), (31)");
    return (await q.all<{ n: number }>("SELECT count(*)::int8 AS n FROM bridge_t WHERE id >= 30"))[0].n;
  });
  assert.equal(n, 2);
  await assert.rejects(db.transactionAsync(async (q) => {
    await q.run("INSERT INTO bridge_t (id) VALUES (32)");
    throw new Error("no");
  }));
  assert.equal(db.get("SELECT id FROM bridge_t WHERE id = 32"), undefined);
});

test("COPY feeds text-format lines inside a transaction, sync and async; a bad line fails with its SQLSTATE instead of hanging", async () => {
  db.exec("CREATE TABLE bridge_copy (id BIGINT, v TEXT)");
  assert.equal(db.transaction((tx) => tx.copy("COPY bridge_copy (id, v) FROM STDIN", "1\ta\\tb\n2\t\\N\n")), 2);
  const n = await db.transactionAsync((q) => q.copy("COPY bridge_copy (id, v) FROM STDIN", "3\tline\\nbreak\n"));
  assert.equal(n, 1);
  assert.deepEqual(db.all("SELECT id, v FROM bridge_copy ORDER BY id"), [{ id: 1, v: "a\tb" }, { id: 2, v: null }, { id: 3, v: "line\nbreak" }]);
  const err = await db.transactionAsync(async (q) => {
    await q.copy("COPY bridge_copy (id, v) FROM STDIN", "4\tok\nnot-a-number\tx\n");
  }).catch((e: unknown) => e);
  assert.ok(err instanceof PgQueryError, String(err));
  assert.equal((err as PgQueryError).code, "22P02");
  assert.throws(() => db.copy("COPY bridge_copy (id, v) FROM STDIN", "5\n"), (e: unknown) => e instanceof PgQueryError && e.code === "22P04");
  assert.equal(db.get<{ n: number }>("SELECT count(*) AS n FROM bridge_copy")!.n, 3, "the failed COPYs stored nothing");
  assert.equal(await db.copyAsync("COPY bridge_copy (id, v) FROM STDIN", "6\tpool\n"), 1);
});

test("migrations: status, idempotent re-run, a failing step leaves the last good version", () => {
  const steps = [
    { version: 1, name: "one", sql: "CREATE TABLE m_one (x INT)" },
    { version: 2, name: "two", sql: "CREATE TABLE m_two (x INT); INSERT INTO m_two VALUES (1)" },
  ];
  const other = new PgBridge({ url: TEST_POSTGRES_URL, poolMax: 2 });
  other.exec("DROP SCHEMA IF EXISTS keel_t_migrate CASCADE; CREATE SCHEMA keel_t_migrate");
  const m = new PgBridge({ url: TEST_POSTGRES_URL, schema: "keel_t_migrate", poolMax: 2 });
  after(async () => {
    await m.close();
    other.exec("DROP SCHEMA keel_t_migrate CASCADE");
    await other.close();
  });
  assert.equal(postgresMigrationStatus(m, steps).current, 0);
  assert.deepEqual(migratePostgres(m, steps, 4242), { from: 0, to: 2 });
  assert.deepEqual(migratePostgres(m, steps, 4242), { from: 2, to: 2 });
  const bad = [...steps, { version: 3, name: "three", sql: "CREATE TABLE m_three (x INT); SELECT nope FROM nowhere" }];
  assert.throws(() => migratePostgres(m, bad, 4242), /migration 3 \(three\) failed and was rolled back/);
  const st = postgresMigrationStatus(m, bad);
  assert.equal(st.current, 2);
  assert.deepEqual(st.pending, [{ version: 3, name: "three" }]);
  assert.equal(m.get<{ t: string | null }>("SELECT to_regclass('m_three')::text AS t")!.t, null);
  assert.throws(() => migratePostgres(m, steps.slice(0, 1), 4242), /newer than this Keel/);
});

/** Retries a synchronous call until it stops throwing (a store coming up or back), for up to 10 s. */
function untilAnswers(call: () => void, what: string): Promise<void> {
  return until(() => {
    try {
      call();
      return true;
    } catch {
      return false;
    }
  }, what, 10_000);
}

test("an unreachable server is store_unavailable (503) naming the URL with its password masked", async () => {
  const bad = new PgBridge({ url: "postgres://keel:hunter2@127.0.0.1:1/test", timeoutMs: 3000 });
  after(() => bad.close());
  try {
    bad.get("SELECT 1");
    assert.fail("expected an error");
  } catch (e) {
    assert.ok(isKeelError(e));
    assert.equal(e.status, 503);
    assert.match(e.message, /postgres:\/\/keel:\*\*\*\*@127\.0\.0\.1:1\/test/);
    assert.doesNotMatch(e.message, /hunter2/);
  }
});

test("a server restart: calls fail with store_unavailable while it is down, none hangs, and the pool serves again afterwards", async () => {
  const pg = new PrivatePostgres(await freePort()).init();
  pg.start();
  const b = new PgBridge({ url: pg.url, poolMax: 2, timeoutMs: 800, asyncTimeoutMs: 1500, connectTimeoutS: 1 });
  after(async () => {
    await b.close();
    pg.destroy();
  });
  // The first connect to a fresh cluster can take longer than the 800 ms deadline on a busy machine.
  await untilAnswers(() => b.exec("CREATE TABLE IF NOT EXISTS r (id INT)"), "the fresh server to answer");
  pg.stop("immediate");
  const unavailable = (e: unknown) => isKeelError(e) && e.code === "store_unavailable";
  // More transactions than the pool has connections: a reservation left behind by any of them
  // would leave the pool empty once the server returns.
  for (let i = 0; i < 4; i++) assert.throws(() => b.transaction((tx) => tx.run("INSERT INTO r VALUES (1)")), unavailable);
  await assert.rejects(b.allAsync("SELECT 1"), unavailable);
  await assert.rejects(b.transactionAsync((q) => q.run("INSERT INTO r VALUES (1)")), unavailable);
  // Once a call has found the server gone, the next ones fail at once instead of each waiting out
  // the 800 ms deadline (on the gateway's thread, that wait stalled every request in flight).
  const t0 = performance.now();
  for (let i = 0; i < 20; i++) assert.throws(() => b.get("SELECT 1"), (e: unknown) => unavailable(e) && /reconnecting/.test((e as Error).message));
  assert.ok(performance.now() - t0 < 800, `20 calls while down took ${Math.round(performance.now() - t0)} ms: they waited`);
  pg.start();
  await untilAnswers(() => assert.equal(b.get<{ one: number }>("SELECT 1 AS one")?.one, 1), "the bridge to reach the restarted server");
  for (let i = 0; i < 5; i++) b.transaction((tx) => tx.run("INSERT INTO r VALUES ($1)", [i]));
  for (let i = 0; i < 3; i++) await b.transactionAsync((q) => q.run("INSERT INTO r VALUES ($1)", [i]));
  assert.equal(b.get<{ n: number }>("SELECT count(*)::int AS n FROM r")?.n, 8);
});

test("a server that goes away is noticed without a call: the first synchronous call afterwards fails at once", async () => {
  const pg = new PrivatePostgres(await freePort()).init();
  pg.start();
  const b = new PgBridge({ url: pg.url, poolMax: 2, timeoutMs: 1500, connectTimeoutS: 1 });
  after(async () => {
    await b.close();
    pg.destroy();
  });
  await untilAnswers(() => b.exec("SELECT 1"), "the fresh server to answer");
  pg.stop("immediate");
  // The pooled connection's close starts a background check on the connection thread.
  await new Promise((r) => setTimeout(r, 1000));
  const t0 = performance.now();
  assert.throws(() => b.get("SELECT 1"), (e: unknown) => isKeelError(e) && e.code === "store_unavailable" && /reconnecting/.test((e as Error).message));
  const ms = performance.now() - t0;
  assert.ok(ms < 500, `the first call after the outage took ${Math.round(ms)} ms: it found the outage itself (deadline 1500 ms)`);
});

test("the connection thread dying is not the end of the store: waiting calls fail with store_unavailable and a new thread serves", async () => {
  const b = new PgBridge({ url: TEST_POSTGRES_URL, poolMax: 2, timeoutMs: 2000 });
  after(() => b.close());
  assert.equal(b.get<{ one: number }>("SELECT 1 AS one")?.one, 1);
  const waiting = b.allAsync("SELECT pg_sleep(2)");
  // What an uncaught driver error used to do: end the worker under the bridge.
  await (b as unknown as { worker: { terminate(): Promise<number> } }).worker.terminate();
  await assert.rejects(waiting, (e: unknown) => isKeelError(e) && e.code === "store_unavailable");
  await untilAnswers(() => assert.equal(b.get<{ one: number }>("SELECT 1 AS one")?.one, 1), "a new connection thread to answer");
  assert.equal((await b.allAsync<{ two: number }>("SELECT 2 AS two"))[0].two, 2);
});

test("store URLs: masked, shape-checked before connecting", () => {
  assert.equal(maskStoreUrl("postgres://u:p%40ss@h:5432/d"), "postgres://u:****@h:5432/d");
  assert.throws(() => parsePostgresUrl("mysql://h/d"), /must start with postgres:\/\//);
  assert.throws(() => parsePostgresUrl("postgres://u:secret@"), (e: Error) => !e.message.includes("secret"));
});

test("inside transaction(), calls on the bridge itself (another store's) join it: all commit or none", () => {
  db.run("DELETE FROM bridge_t");
  assert.throws(() => db.transaction(() => {
    db.run("INSERT INTO bridge_t (id) VALUES (40)");
    db.transaction(() => db.run("INSERT INTO bridge_t (id) VALUES (41)"));
    throw new Error("undo both");
  }));
  assert.equal(db.all("SELECT id FROM bridge_t").length, 0);
  db.transaction(() => {
    db.run("INSERT INTO bridge_t (id) VALUES (42)");
    // Uncommitted rows are visible to the bridge's own later calls in the same transaction.
    assert.equal(db.all("SELECT id FROM bridge_t").length, 1);
  });
  assert.equal(db.all("SELECT id FROM bridge_t").length, 1);
});
