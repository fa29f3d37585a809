import type { TraceRecord } from "../../observe/types.js";
import type { PgSql } from "../../storage/postgres/pg-bridge.js";
import { pgTestDb } from "../../testing/postgres-fixture.js";
import { PgOnlineRuleStore, PgScoreStore } from "./pg-score-store.js";
import { onlineRuleStoreContract, scoreStoreContract } from "./score-store.contract.js";

// Opened at load time: the fixture's `after` hook then belongs to the file, not to its first test.
const pg = pgTestDb();

const JOINED = ["id", "model_requested", "feature", "key_id", "prompt_name", "prompt_version"];

/**
 * The summaries join `traces`, which the trace domain's PostgreSQL schema owns. This feed writes the
 * columns the joins read and a zero value into any other required column, so it works on that
 * schema and, where it is not migrated in, on a stand-in table of just those columns.
 */
function traceFeed(db: PgSql): { insertBatch(rows: readonly TraceRecord[]): void } {
  if (db.get<{ t: string | null }>("SELECT to_regclass('traces')::text AS t")?.t == null) {
    db.exec("CREATE TABLE traces (id TEXT PRIMARY KEY, model_requested TEXT NOT NULL, feature TEXT, key_id TEXT, prompt_name TEXT, prompt_version BIGINT)");
  }
  db.exec("TRUNCATE traces CASCADE"); // the stand-in came after the fixture listed its tables, so `fresh()` may not empty it
  const required = db.all<{ c: string; t: string }>(
    `SELECT column_name AS c, data_type AS t FROM information_schema.columns
     WHERE table_schema = current_schema() AND table_name = 'traces' AND is_nullable = 'NO' AND column_default IS NULL AND is_identity = 'NO'`,
  ).filter((r) => !JOINED.includes(r.c));
  const zero = (t: string): unknown => (t === "boolean" ? false : /int|numeric|double|real/.test(t) ? 0 : t === "bytea" ? Buffer.alloc(0) : "");
  const cols = [...JOINED, ...required.map((r) => r.c)];
  const sql = `INSERT INTO traces (${cols.join(", ")}) VALUES (${cols.map((_, i) => `$${i + 1}`).join(", ")})`;
  return {
    insertBatch(rows) {
      for (const r of rows) {
        db.run(sql, [r.id, r.modelRequested, r.feature, r.keyId, r.promptName ?? null, r.promptVersion ?? null, ...required.map((c) => zero(c.t))]);
      }
    },
  };
}

scoreStoreContract("postgres", () => {
  const db = pg.fresh();
  return { scores: new PgScoreStore(db), traces: traceFeed(db) };
});
onlineRuleStoreContract("postgres", () => new PgOnlineRuleStore(pg.fresh()));
