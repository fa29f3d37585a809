import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { AuditLog } from "../audit/audit-log.js";
import { PgAuditStore } from "../audit/pg-audit-store.js";
import { PgBridge } from "../store/postgres/pg-bridge.js";
import { migratePostgres } from "../store/postgres/pg-migrate.js";
import { PG_MIGRATIONS } from "../storage/postgres/pg-migrations.js";
import { isPostgresUrl, maskStoreUrl } from "../store/postgres/pg-url.js";
import { copySqliteToPostgres } from "../storage/store-copy.js";
import { COPY_THROUGH_STORES } from "../storage/postgres-stores.js";
import { table } from "./table.js";

/**
 * `keel store copy --from sqlite:<data dir or keel.db> --to postgres://…`: an embedded install's
 * data into a fresh PostgreSQL, all or nothing, with row counts and the audit chain checked.
 */
export async function runStoreCopy(o: { from: string; to: string; json?: boolean }): Promise<void> {
  const from = o.from.replace(/^sqlite:/, "");
  const file = existsSync(from) && statSync(from).isDirectory() ? join(from, "keel.db") : from;
  if (!existsSync(file)) throw new Error(`--from: no SQLite store at ${file}`);
  if (!isPostgresUrl(o.to)) throw new Error(`--to: expected a postgres:// URL, got ${maskStoreUrl(o.to)}`);
  const db = new PgBridge({ url: o.to, poolMax: 2, timeoutMs: 120_000 });
  try {
    migratePostgres(db, PG_MIGRATIONS);
    const result = copySqliteToPostgres(file, db, { through: COPY_THROUGH_STORES });
    const chain = new AuditLog(new PgAuditStore(db)).verify();
    if (!chain.ok) throw new Error(`the copied audit chain does not verify: ${chain.problems.slice(0, 3).map((p) => JSON.stringify(p)).join("; ")}`);
    const rows = result.tables.reduce((n, t) => n + t.copied, 0);
    if (o.json) {
      process.stdout.write(`${JSON.stringify({ from: file, to: db.maskedUrl, rows, tables: result.tables, only_in_source: result.onlyInSource, audit: { ok: chain.ok, checked: chain.checked } })}\n`);
      return;
    }
    const out = (s: string): boolean => process.stdout.write(`${s}\n`);
    out(table(["TABLE", "SQLITE ROWS", "COPIED"], result.tables.filter((t) => t.source > 0).map((t) => [t.table, t.source, t.copied])));
    out(`Copied ${rows} rows in ${result.tables.length} tables from ${file} to ${db.maskedUrl}; row counts match; audit chain verifies (${chain.checked} entries).`);
    if (result.onlyInSource.length) out(`Not copied (no such table in PostgreSQL): ${result.onlyInSource.join(", ")}`);
  } finally {
    await db.close();
  }
}
