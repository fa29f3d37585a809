import { existsSync } from "node:fs";
import { join } from "node:path";
import { ConfigError, loadConfig } from "../config/load.js";
import { MIGRATIONS } from "../storage/migrations.js";
import { PgBridge } from "../store/postgres/pg-bridge.js";
import { migratePostgres, postgresMigrationStatus } from "../store/postgres/pg-migrate.js";
import { PG_MIGRATIONS } from "../storage/postgres/pg-migrations.js";
import { openSqlite } from "../storage/sqlite.js";
import { sqliteSchemaVersion } from "../store/sqlite.js";
import { table } from "./table.js";

interface Status {
  store: string;
  current: number;
  latest: number;
  pending: { version: number; name: string }[];
}

/**
 * `keel migrate`: brings the configured store's schema to this Keel's version (or, with --status,
 * says where it is). Safe to run from several machines at once on PostgreSQL (an advisory lock);
 * a failed step is rolled back, leaving the schema at the last good version.
 */
export async function runMigrate(o: { config?: string; status?: boolean; json?: boolean }): Promise<void> {
  let config;
  try {
    config = loadConfig({ configPath: o.config });
  } catch (err) {
    if (err instanceof ConfigError) throw new Error(err.message);
    throw err;
  }
  let before: Status;
  let after: Status;
  if (config.store === "sqlite") {
    const file = join(config.dataDir, "keel.db");
    const current = existsSync(file) ? sqliteSchemaVersion(file) : 0;
    const latest = MIGRATIONS[MIGRATIONS.length - 1].version;
    before = { store: file, current, latest, pending: MIGRATIONS.filter((m) => m.version > current).map((m) => ({ version: m.version, name: m.name })) };
    if (!o.status) openSqlite(config.dataDir).close();
    after = o.status ? before : { ...before, current: latest, pending: [] };
  } else {
    const db = new PgBridge({ url: config.store, poolMax: 2, timeoutMs: config.postgres.call_timeout_ms, connectTimeoutS: Math.ceil(config.postgres.connect_timeout_ms / 1000) });
    try {
      const s = postgresMigrationStatus(db, PG_MIGRATIONS);
      before = { store: db.maskedUrl, current: s.current, latest: s.latest, pending: s.pending };
      if (o.status) after = before;
      else {
        db.withCallTimeout(Math.max(config.postgres.migrate_timeout_ms, config.postgres.call_timeout_ms), () => migratePostgres(db, PG_MIGRATIONS));
        const t = postgresMigrationStatus(db, PG_MIGRATIONS);
        after = { store: db.maskedUrl, current: t.current, latest: t.latest, pending: t.pending };
      }
    } finally {
      await db.close();
    }
  }
  if (o.json) {
    process.stdout.write(`${JSON.stringify(o.status ? before : { ...after, applied: before.pending })}\n`);
    return;
  }
  const out = (s: string): boolean => process.stdout.write(`${s}\n`);
  out(`Store: ${before.store}`);
  if (o.status) {
    out(`Schema version ${before.current} of ${before.latest}${before.pending.length ? `; ${before.pending.length} pending:` : " (up to date)"}`);
    if (before.pending.length) out(table(["VERSION", "NAME"], before.pending.map((p) => [p.version, p.name])));
  } else if (before.pending.length === 0) out(`Schema version ${after.current}: up to date, nothing applied`);
  else out(`Applied ${before.pending.length} migration(s): version ${before.current} → ${after.current}`);
}

