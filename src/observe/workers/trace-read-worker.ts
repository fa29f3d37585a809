import Database from "better-sqlite3";
import { join } from "node:path";
import { workerData } from "node:worker_threads";
import { serveRequests } from "../../store/worker-channel.js";
import { SqliteTraceStore } from "../sqlite-trace-store.js";
import { querySummary, queryTimeseries, type SummaryQuery, type TimeseriesQuery } from "../summary/summary-query.js";
import type { TraceFilter } from "../types.js";
import type { ReadWorkerData } from "./trace-workers.js";

/**
 * The admin API's analytics thread, on its own read-only connection (WAL lets it read while the
 * writer writes): summaries, time series and trace listings, however long they take, never hold
 * up the gateway's event loop.
 */
const data = workerData as ReadWorkerData;
const db = new Database(join(data.dataDir, data.file), { readonly: true, fileMustExist: true });
db.pragma("busy_timeout = 5000");
const traces = new SqliteTraceStore(db);
// Tests hold reads here (Atomics.wait blocks this thread only) to prove the gateway keeps serving.
const gate = data.gate ? new Int32Array(data.gate) : null;
const hold = (): void => {
  if (gate) Atomics.wait(gate, 0, 0);
};

serveRequests({
  summary: (q: SummaryQuery) => (hold(), querySummary(db, q)),
  timeseries: (q: TimeseriesQuery) => (hold(), queryTimeseries(db, q)),
  list: (f: TraceFilter) => (hold(), traces.list(f)),
});
