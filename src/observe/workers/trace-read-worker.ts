import { workerData } from "node:worker_threads";
import { openReadonlySqlite } from "../../store/sqlite.js";
import { lowerThreadPriority, kernelThreadId } from "../../store/thread-priority.js";
import { serveRequests } from "../../store/worker-channel.js";
import { SqliteTraceStore } from "../sqlite-trace-store.js";
import { SqliteSummaryStore } from "../summary/sqlite-summary-store.js";
import type { SummaryQuery, TimeseriesQuery } from "../summary/summary-query.js";
import type { TraceFilter } from "../types.js";
import type { ReadWorkerData } from "./trace-workers.js";

/**
 * The admin API's analytics thread, on its own read-only connection (WAL lets it read while the
 * writer writes): summaries, time series and trace listings, however long they take, never hold
 * up the gateway's event loop.
 */
const data = workerData as ReadWorkerData;
// Before the first read: a summary that scans rows for seconds then yields its core to the gateway.
const nice = data.nice ? lowerThreadPriority(data.nice) : null;
const db = openReadonlySqlite(data.dataDir, data.file);
const traces = new SqliteTraceStore(db);
const summaries = new SqliteSummaryStore(db);
// Tests hold reads here (Atomics.wait blocks this thread only) to prove the gateway keeps serving.
const gate = data.gate ? new Int32Array(data.gate) : null;
const hold = (): void => {
  if (gate) Atomics.wait(gate, 0, 0);
};

serveRequests({
  summary: (q: SummaryQuery) => (hold(), summaries.summary(q)),
  timeseries: (q: TimeseriesQuery) => (hold(), summaries.timeseries(q)),
  list: (f: TraceFilter) => (hold(), traces.list(f)),
  /** Which kernel thread this is and its nice value (null where it could not be set): for tests and diagnostics. */
  thread: () => ({ tid: kernelThreadId(), nice }),
});
