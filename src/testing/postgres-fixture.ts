import { randomBytes } from "node:crypto";
import { after } from "node:test";
import { PgBridge } from "../store/postgres/pg-bridge.js";
import { migratePostgres, truncateAll } from "../store/postgres/pg-migrate.js";
import { PG_MIGRATIONS } from "../storage/postgres/pg-migrations.js";

/** The PostgreSQL the tests use: KEEL_TEST_POSTGRES_URL, else the local default (trust auth). */
export const TEST_POSTGRES_URL = process.env.KEEL_TEST_POSTGRES_URL || "postgres://postgres@127.0.0.1:5432/test";

export interface PgTestDb {
  /** The schema this file's tests use (dropped after the file). */
  readonly schema: string;
  /** The bridge on that schema, every table emptied: what a contract's `make()` returns a store over. */
  fresh(): PgBridge;
  /** The bridge, as it is. */
  readonly db: PgBridge;
}

let shared: PgTestDb | undefined;
let cleanup: (() => Promise<void>) | undefined;

// Registered when the test file imports this module, so it runs after the file's last test (a
// hook registered inside a test would run after that test alone).
after(async () => {
  await cleanup?.();
});

/**
 * A schema of its own for this test file, migrated to the latest version, dropped (and the pool
 * closed) when the file's tests end. Fails (never skips) when the server does not answer: the
 * README promises no skipped tests, and `.ci/run` checks the server is up.
 */
export function pgTestDb(): PgTestDb {
  if (shared) return shared;
  const schema = `keel_t_${process.pid}_${randomBytes(4).toString("hex")}`;
  const admin = new PgBridge({ url: TEST_POSTGRES_URL });
  try {
    admin.exec(`CREATE SCHEMA ${schema}`);
  } catch (e) {
    throw new Error(`the tests need PostgreSQL at ${TEST_POSTGRES_URL} (set KEEL_TEST_POSTGRES_URL to point elsewhere): ${(e as Error).message}`);
  }
  const db = new PgBridge({ url: TEST_POSTGRES_URL, schema, poolMax: 4 });
  // As Keel's own start-up does (postgres.migrate_timeout_ms): schema work is not bounded by a store call's deadline.
  db.withCallTimeout(60_000, () => migratePostgres(db, PG_MIGRATIONS, hashKey(schema)));
  cleanup = async () => {
    await db.close();
    admin.exec(`DROP SCHEMA ${schema} CASCADE`);
    await admin.close();
  };
  shared = {
    schema,
    db,
    fresh() {
      truncateAll(db, schema);
      return db;
    },
  };
  return shared;
}

/** A stable 31-bit advisory-lock key per schema. */
function hashKey(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h & 0x7fffffff;
}
