import { setImmediate as yieldToQueue } from "node:timers/promises";
import { workerData } from "node:worker_threads";
import { SqliteVerdictStore, withGuardVerdicts } from "../sqlite-verdict-store.js";
import { openSqliteFile } from "../../store/sqlite.js";
import { type Handlers, serveRequests } from "../../store/worker-channel.js";
import type { SqliteDb } from "../../store/sqlite.js";
import { SqliteSpanStore } from "../otel/sqlite-span-store.js";
import { pruneInSteps } from "../retention.js";
import { SqliteRollupStore } from "../rollup/sqlite-rollup-store.js";
import { SqliteTraceStore } from "../sqlite-trace-store.js";
import type { TraceRecord } from "../types.js";
import { applyPiiPolicies } from "../pii-record.js";
import { type PurgeFilter, TracePurge } from "../sqlite-trace-purge-store.js";
import { piiHasher } from "../../secrets/pii-hash.js";
import type { PruneRequest, WriteWorkerData } from "./trace-workers.js";

/**
 * The trace writer's thread: it owns the connection that writes `traces`, their rollups and guard
 * verdicts, and runs retention and the rollup backfill, so none of that SQLite time is the
 * gateway's. Batches and bounded retention steps interleave: a step never holds the lock long.
 */
const data = workerData as WriteWorkerData;
// The main connection migrated the file before this thread started (storage/sqlite-stores.ts).
const db = openSqliteFile(data.dataDir, data.file, null);
const rows = new SqliteTraceStore(db);
const verdicts = new SqliteVerdictStore(db);
const traces = withGuardVerdicts(rows, verdicts);
const spans = new SqliteSpanStore(db);
const rollups = new SqliteRollupStore(db);
const purge = new TracePurge(db);
// Other domains' writes on this connection (WriteWorkerData.opModules).
const extraOps: Handlers = {};
for (const url of data.opModules ?? []) Object.assign(extraOps, ((await import(url)) as { writerOps(db: SqliteDb): Handlers }).writerOps(db));
const hasher = data.piiHashKey ? piiHasher(Buffer.from(data.piiHashKey, "hex")) : undefined;

async function backfill(): Promise<void> {
  while (rows.backfillStep(data.pruneBatchRows)) await yieldToQueue();
}

serveRequests({
  insert: (records: TraceRecord[]) => {
    // Personal data is masked here, on this thread, before the insert: never in the WAL.
    applyPiiPolicies(records, hasher, data.maxBodyChars ?? 64_000);
    traces.insertBatch(records);
    return records.length;
  },
  prune: (r: PruneRequest) => pruneInSteps([
    { name: "traces", run: (n) => rows.deleteBatchBefore(r.before, n) },
    { name: "guard_verdicts", run: (n) => verdicts.deleteBatchBefore(r.before, n) },
    { name: "otel_spans", run: (n) => spans.deleteBatchBefore(r.before, n) },
    { name: "rollup_minutes", run: (n) => rollups.pruneBefore("minute", r.before, n) },
    { name: "rollup_hours", run: (n) => rollups.pruneBefore("hour", r.rollupsBefore, n) },
  ], data.pruneBatchRows, () => yieldToQueue()),
  backfill,
  purge: (r: { filter: PurgeFilter; dryRun: boolean }) => purge.run(r.filter, r.dryRun),
  ...extraOps,
});
