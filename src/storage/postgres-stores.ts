import { PgAlertStore } from "../alerts/pg-alert-store.js";
import { PgAnnotationStore } from "../annotate/pg-annotation-store.js";
import { PgAuditStore } from "../audit/pg-audit-store.js";
import { PgCredentialStore } from "../credentials/pg-credential-store.js";
import { PgCalibrationStore } from "../evals/calibration/pg-calibration-store.js";
import { PgDatasetStore } from "../evals/datasets/pg-dataset-store.js";
import { PgOnlineRuleStore, PgScoreStore } from "../evals/online/pg-score-store.js";
import { PgRunStore } from "../evals/runner/pg-run-store.js";
import { PgGuardReviewStore } from "../guard/review/pg-review-store.js";
import { PgDriftStore } from "../incidents/drift/pg-drift-store.js";
import { PgIncidentStore } from "../incidents/pg-incident-store.js";
import { PgKeyStore } from "../keys/pg-key-store.js";
import { PgKnowledgeStore } from "../knowledge/pg-knowledge-store.js";
import { PgBudgetEventStore } from "../limits/pg-budget-event-store.js";
import { PgSpendStore, spendUpsert } from "../limits/spend/pg-spend-store.js";
import { PgSpanStore } from "../observe/otel/pg-span-store.js";
import { PgTraceStore } from "../observe/pg-trace-store.js";
import { SqliteTraceStore } from "../observe/sqlite-trace-store.js";
import type { SqliteDb } from "../store/sqlite.js";
import { PgVerdictStore } from "../observe/pg-verdict-store.js";
import { withGuardVerdicts } from "../observe/sqlite-verdict-store.js";
import { PgSummaryStore } from "../observe/summary/pg-summary-store.js";
import { PgTraceReads, PgTraceWrites } from "../observe/workers/pg-trace-io.js";
import { PgPromptStore } from "../prompts/pg-prompt-store.js";
import { PgResponseStore, responsesUpsert } from "../responses/pg-response-store.js";
import { PgSettingsStore } from "../store/pg-settings-store.js";
import { PgBridge, type PgSql } from "../store/postgres/pg-bridge.js";
import { migratePostgres, postgresMigrationStatus } from "../store/postgres/pg-migrate.js";
import { PG_MIGRATIONS } from "./postgres/pg-migrations.js";
import type { Stores, WriteSinks } from "./stores.js";

export interface PostgresStoresOptions {
  /** postgres://…; `?schema=name` puts Keel's tables in that schema. */
  url: string;
  poolMax: number;
  callTimeoutMs: number;
  connectTimeoutMs: number;
  /** The start-up's schema work (schema, migration lock, migrations): not a request's call (default 300 000). */
  migrateTimeoutMs?: number;
  /** Apply pending migrations (under the advisory lock); false: refuse a schema that is behind. */
  migrate: boolean;
  pruneBatchRows: number;
  maxBodyChars?: number;
  piiHashKey?: string;
}

/** The `schema` query parameter is Keel's, not the driver's: taken off the URL and set as `search_path`. */
export function splitSchema(url: string): { url: string; schema?: string } {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return { url };
  }
  const schema = u.searchParams.get("schema") ?? undefined;
  if (schema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error(`store URL: schema must be a lower-case SQL identifier, got "${schema.slice(0, 64)}"`);
  u.searchParams.delete("schema");
  return { url: u.toString(), schema };
}

/**
 * The shared backend (decision 0031): every store on one PostgreSQL pool, trace batches and
 * analytics on its non-blocking calls. Connects, then migrates (or checks the schema) before any
 * store is built, so a wrong URL or an old schema stops start-up with a message naming the
 * (masked) URL and the cause.
 */
export function openPostgresStores(o: PostgresStoresOptions): Stores {
  const { url, schema } = splitSchema(o.url);
  const db = new PgBridge({ url, schema, poolMax: o.poolMax, timeoutMs: o.callTimeoutMs, connectTimeoutS: Math.max(1, Math.ceil(o.connectTimeoutMs / 1000)) });
  try {
    db.withCallTimeout(Math.max(o.migrateTimeoutMs ?? 300_000, o.callTimeoutMs), () => {
      if (schema) db.exec(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
      if (o.migrate) migratePostgres(db, PG_MIGRATIONS);
      else {
        const s = postgresMigrationStatus(db, PG_MIGRATIONS);
        if (s.current < s.latest) throw new Error(`PostgreSQL store ${db.maskedUrl} is at schema version ${s.current}, this Keel needs ${s.latest}: run \`keel migrate\` (postgres.migrate_on_start is false)`);
        if (s.current > s.latest) throw new Error(`PostgreSQL store ${db.maskedUrl} is at schema version ${s.current}, newer than this Keel (${s.latest}); upgrade Keel`);
      }
    });
  } catch (err) {
    void db.close();
    throw err;
  }
  const traceWrites = new PgTraceWrites(db, { pruneBatchRows: o.pruneBatchRows, maxBodyChars: o.maxBodyChars, piiHashKey: o.piiHashKey });
  const traceReads = new PgTraceReads(db);
  return {
    ...postgresStoresOn(db),
    traceWrites,
    traceReads,
    sinks: postgresSinks(db),
    async close() {
      await traceWrites.close();
      await traceReads.close();
      await db.close();
    },
  };
}

/** The recurring writes as the bridge's non-blocking calls: the same statements the stores' synchronous methods run. */
export function postgresSinks(db: PgBridge): WriteSinks {
  return {
    async spend(rows) {
      const u = spendUpsert(rows);
      if (u) await db.runAsync(u.sql, u.params);
    },
    async responses(batch) {
      const u = responsesUpsert(batch);
      if (u) await db.runAsync(u.sql, u.params);
    },
  };
}

/** Every synchronous store over one bridge (tests use it on a schema of their own). */
export function postgresStoresOn(db: PgSql): Omit<Stores, "traceWrites" | "traceReads" | "sinks" | "close"> {
  const verdicts = new PgVerdictStore(db);
  return {
    settings: new PgSettingsStore(db),
    keys: new PgKeyStore(db),
    credentials: new PgCredentialStore(db),
    audit: new PgAuditStore(db),
    prompts: new PgPromptStore(db),
    traces: withGuardVerdicts(new PgTraceStore(db), verdicts),
    summaries: new PgSummaryStore(db),
    spans: new PgSpanStore(db),
    verdicts,
    guardReviews: new PgGuardReviewStore(db),
    spend: new PgSpendStore(db),
    budgetEvents: new PgBudgetEventStore(db),
    alerts: new PgAlertStore(db),
    incidents: new PgIncidentStore(db),
    drift: new PgDriftStore(db),
    responses: new PgResponseStore(db),
    knowledge: new PgKnowledgeStore(db),
    annotations: new PgAnnotationStore(db),
    evals: {
      datasets: new PgDatasetStore(db),
      runs: new PgRunStore(db),
      calibrations: new PgCalibrationStore(db),
      scores: new PgScoreStore(db),
      rules: new PgOnlineRuleStore(db),
    },
  };
}

/**
 * `keel store copy`'s tables that do not copy row for row: traces are read through the SQLite store
 * (which unpacks their bodies) and written through the PostgreSQL one (day partitions, `trace_ids`),
 * a page at a time. Their rollups are plain rows and copy as they are.
 */
export const COPY_THROUGH_STORES: Readonly<Record<string, (src: SqliteDb, db: PgSql) => void>> = {
  traces(src, db) {
    const from = new SqliteTraceStore(src);
    const to = new PgTraceStore(db);
    let cursor: string | undefined;
    for (;;) {
      const page = from.list({ limit: 500, cursor });
      to.insertBatch(page.data);
      if (!page.nextCursor) return;
      cursor = page.nextCursor;
    }
  },
};
