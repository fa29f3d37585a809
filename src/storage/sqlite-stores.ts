import { SqliteAlertStore } from "../alerts/sqlite-alert-store.js";
import { SqliteAnnotationStore } from "../annotate/sqlite-annotation-store.js";
import { SqliteAuditStore } from "../audit/sqlite-audit-store.js";
import { SqliteCredentialStore } from "../credentials/sqlite-credential-store.js";
import { SqliteCalibrationStore } from "../evals/calibration/sqlite-calibration-store.js";
import { SqliteDatasetStore } from "../evals/datasets/sqlite-dataset-store.js";
import { SqliteOnlineRuleStore, SqliteScoreStore } from "../evals/online/sqlite-score-store.js";
import { SqliteRunStore } from "../evals/runner/sqlite-run-store.js";
import { SqliteGuardReviewStore } from "../guard/review/sqlite-review-store.js";
import { SqliteVerdictStore, withGuardVerdicts } from "../observe/sqlite-verdict-store.js";
import { SqliteDriftStore } from "../incidents/drift/sqlite-drift-store.js";
import { SqliteIncidentStore } from "../incidents/sqlite-incident-store.js";
import { SqliteKnowledgeStore } from "../knowledge/sqlite-knowledge-store.js";
import { SqliteKeyStore } from "../keys/sqlite-key-store.js";
import { SqliteBudgetEventStore } from "../limits/sqlite-budget-event-store.js";
import { SqliteSpendStore } from "../limits/spend/sqlite-spend-store.js";
import { SqliteSpanStore } from "../observe/otel/sqlite-span-store.js";
import { SqliteTraceStore } from "../observe/sqlite-trace-store.js";
import { SqliteSummaryStore } from "../observe/summary/sqlite-summary-store.js";
import { TraceReadWorker, TraceWriteWorker } from "../observe/workers/trace-workers.js";
import { siblingUrl } from "../store/worker-channel.js";
import { SqlitePromptStore } from "../prompts/sqlite-prompt-store.js";
import { SqliteResponseStore } from "../responses/sqlite-response-store.js";
import { SqliteSettingsStore } from "../store/sqlite-settings-store.js";
import type { SqliteDb } from "../store/sqlite.js";
import { openSqlite } from "./sqlite.js";
import type { Stores } from "./stores.js";

export interface SqliteStoresOptions {
  dataDir: string;
  /** Rows per retention step in the writer worker. */
  pruneBatchRows: number;
  /** Longest stored body, in characters; the writer worker masks personal data, then cuts (docs/privacy.md). */
  maxBodyChars?: number;
  /** Hex key of the `capture.pii: hash` placeholders (derived from the master key). */
  piiHashKey?: string;
  /** A trace worker failed (its pending calls reject with the same error). */
  onWorkerError?: (what: "trace writer" | "trace reader", err: Error) => void;
  /** Tests only: the read worker waits while this buffer's first Int32 is 0 (a deliberately slow read). */
  readGate?: SharedArrayBuffer;
  /** `traces.read_worker_nice`: the analytics thread's nice value (Linux; 0 leaves it). */
  readNice?: number;
}

const FILE = "keel.db";

/**
 * The embedded backend: one SQLite file in the data dir, migrated on open, with every store over
 * one connection, plus the trace writer and reader threads on their own connections (decision 0010).
 */
export function openSqliteStores(o: SqliteStoresOptions): Stores {
  const db = openSqlite(o.dataDir, FILE);
  const onError = (what: "trace writer" | "trace reader") => (err: Error): void => o.onWorkerError?.(what, err);
  // Started after the migration above: the workers' connections never migrate.
  const traceWrites = new TraceWriteWorker(
    {
      dataDir: o.dataDir, file: FILE, pruneBatchRows: o.pruneBatchRows, maxBodyChars: o.maxBodyChars, piiHashKey: o.piiHashKey,
      opModules: [siblingUrl(import.meta.url, "sqlite-writer-ops").href],
    },
    onError("trace writer"),
  );
  const traceReads = new TraceReadWorker({ dataDir: o.dataDir, file: FILE, gate: o.readGate, nice: o.readNice }, onError("trace reader"));
  return {
    ...sqliteStoresOn(db),
    traceWrites,
    traceReads,
    sinks: {
      spend: async (rows) => void (await traceWrites.call("spend", rows)),
      responses: async (batch) => void (await traceWrites.call("responses", batch)),
    },
    async close() {
      await traceWrites.close();
      await traceReads.close();
      db.close();
    },
  };
}

/** Every store over one open, migrated connection (tests use it on an in-memory database). */
export function sqliteStoresOn(db: SqliteDb): Omit<Stores, "traceWrites" | "traceReads" | "sinks" | "close"> {
  const verdicts = new SqliteVerdictStore(db);
  return {
    settings: new SqliteSettingsStore(db),
    keys: new SqliteKeyStore(db),
    credentials: new SqliteCredentialStore(db),
    audit: new SqliteAuditStore(db),
    prompts: new SqlitePromptStore(db),
    traces: withGuardVerdicts(new SqliteTraceStore(db), verdicts),
    summaries: new SqliteSummaryStore(db),
    spans: new SqliteSpanStore(db),
    verdicts,
    guardReviews: new SqliteGuardReviewStore(db),
    spend: new SqliteSpendStore(db),
    budgetEvents: new SqliteBudgetEventStore(db),
    alerts: new SqliteAlertStore(db),
    incidents: new SqliteIncidentStore(db),
    drift: new SqliteDriftStore(db),
    responses: new SqliteResponseStore(db),
    knowledge: new SqliteKnowledgeStore(db),
    annotations: new SqliteAnnotationStore(db),
    evals: {
      datasets: new SqliteDatasetStore(db),
      runs: new SqliteRunStore(db),
      calibrations: new SqliteCalibrationStore(db),
      scores: new SqliteScoreStore(db),
      rules: new SqliteOnlineRuleStore(db),
    },
  };
}
