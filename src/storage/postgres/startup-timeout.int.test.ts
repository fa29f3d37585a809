import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, test } from "node:test";
import postgres from "postgres";
import { TEST_POSTGRES_URL } from "../../testing/postgres-fixture.js";
import { until } from "../../testing/until.js";
import { PgBridge } from "../../store/postgres/pg-bridge.js";
import { MIGRATION_LOCK_KEY } from "../../store/postgres/pg-migrate.js";
import { openPostgresStores } from "../postgres-stores.js";

// Start-up's schema work is bounded by `postgres.migrate_timeout_ms`, not by `call_timeout_ms`:
// an instance that starts while another holds the migration lock (or while a loaded server is slow
// to answer its first statement) waits instead of failing after one request-sized deadline.

const schema = `keel_t_start_${process.pid}_${randomBytes(3).toString("hex")}`;
const admin = new PgBridge({ url: TEST_POSTGRES_URL });
const holder = postgres(TEST_POSTGRES_URL, { max: 1, onnotice: () => {} });

after(async () => {
  admin.exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await admin.close();
  await holder.end();
});

/** Another "instance" takes the migration lock and keeps it for `ms`; resolves once the lock is held. */
async function holdMigrationLock(ms: number): Promise<{ released: Promise<unknown> }> {
  // One simple-protocol query the server runs on its own once sent, so it releases the lock even
  // while this thread sits in a synchronous store call.
  const held = holder.unsafe(`SELECT pg_advisory_lock(${MIGRATION_LOCK_KEY}); SELECT pg_sleep(${ms / 1000}); SELECT pg_advisory_unlock(${MIGRATION_LOCK_KEY})`).execute();
  await until(() => Number(admin.get<{ n: string }>(
    "SELECT count(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND granted AND ((classid::bigint << 32) | objid::bigint) = $1",
    [MIGRATION_LOCK_KEY],
  )!.n) === 1, "the other instance holds the migration lock", 5000);
  // Wrapped: an async function returning the promise itself would wait for it.
  return { released: held };
}

function open(migrateTimeoutMs: number) {
  return openPostgresStores({
    url: `${TEST_POSTGRES_URL}${TEST_POSTGRES_URL.includes("?") ? "&" : "?"}schema=${schema}`,
    poolMax: 2, callTimeoutMs: 200, connectTimeoutMs: 1000, migrate: true, migrateTimeoutMs, pruneBatchRows: 500,
  });
}

test("a start that waits 1.2 s for another instance's migration lock succeeds with a 200 ms call timeout", async () => {
  const { released } = await holdMigrationLock(1200);
  const t0 = Date.now();
  const stores = open(30_000);
  const waited = Date.now() - t0;
  try {
    assert.ok(waited >= 800, `start-up waited for the lock to be released (${waited} ms)`);
    assert.ok(admin.get(`SELECT 1 AS one FROM pg_tables WHERE schemaname = $1 AND tablename = 'traces'`, [schema]), "the schema was migrated after the lock was released");
  } finally {
    await stores.close();
    await released;
  }
});

test("the wait is bounded by migrate_timeout_ms, and the message names that bound", async () => {
  const { released } = await holdMigrationLock(2500);
  try {
    assert.throws(() => open(1000), /did not answer within 1000 ms/);
  } finally {
    await released;
  }
});

test("withCallTimeout lifts the bound for its body only, and restores it after a throw", async () => {
  {
    const b = new PgBridge({ url: TEST_POSTGRES_URL, timeoutMs: 200 });
    try {
      assert.equal(b.withCallTimeout(5000, () => b.get<{ x: number }>("SELECT 1 AS x FROM pg_sleep(0.4)"))!.x, 1);
      assert.throws(() => b.get("SELECT 1 FROM pg_sleep(0.4)"), /did not answer within 200 ms/, "the longer bound ended with withCallTimeout");
      assert.throws(() => b.withCallTimeout(5000, () => {
        throw new Error("inside");
      }), /inside/);
      assert.throws(() => b.get("SELECT 1 FROM pg_sleep(0.4)"), /did not answer within 200 ms/, "restored after a throw too");
    } finally {
      await b.close();
    }
  }
});
