import type { AdminAuth } from "../keys/admin-token.js";
import type { TraceReads } from "../observe/workers/trace-workers.js";
import { resolveTime, type SliceDim, SLICES, summaryQuerySchema, timeseriesQuerySchema } from "../observe/summary/summary-query.js";
import { KeelError } from "../errors/errors.js";
import type { Router } from "../server/router.js";
import { sendJson } from "../server/respond.js";
import { adminRoute } from "./admin-route.js";
import { parseQuery } from "./query.js";

/**
 * `GET /api/v1/metrics/summary`: latency, TTFT, throughput, errors, cost, cache, guard and judge
 * scores per slice. Both routes are answered by the read worker (rollups, or the rows when rollups
 * cannot answer), so a long range never holds up the gateway.
 */
export function registerSummaryRoutes(router: Router, auth: AdminAuth, reads: Pick<TraceReads, "summary" | "timeseries">, flushTraces: () => Promise<void>): void {
  router.add("GET", "/api/v1/metrics/summary", adminRoute(auth, async (_req, res, _p, query) => {
    const q = parseQuery(summaryQuerySchema, query);
    const now = Date.now();
    await flushTraces();
    sendJson(res, 200, await reads.summary({
      since: resolveTime(q.since, now), until: q.until ? resolveTime(q.until, now) : now + 1, by: q.by, where: sliceFilter(q), maxRows: q.max_rows,
    }));
  }));
  // The dashboard's charts: the same summary, per equal interval of the range.
  router.add("GET", "/api/v1/metrics/timeseries", adminRoute(auth, async (_req, res, _p, query) => {
    const q = parseQuery(timeseriesQuerySchema, query);
    const now = Date.now();
    const since = resolveTime(q.since, now);
    const until = q.until ? resolveTime(q.until, now) : now + 1;
    if (!(until > since)) throw new KeelError("invalid_request", "Invalid query parameter 'until': it must be later than 'since'.", { param: "until" });
    await flushTraces();
    sendJson(res, 200, await reads.timeseries({ since, until, buckets: q.buckets, where: sliceFilter(q), maxRows: q.max_rows }));
  }));
}

/** The slice parameters given (`model=…&feature=…`): only calls with those values are read. */
function sliceFilter(q: Partial<Record<SliceDim, string>>): Partial<Record<SliceDim, string>> {
  const where: Partial<Record<SliceDim, string>> = {};
  for (const s of SLICES) if (q[s] !== undefined) where[s] = q[s];
  return where;
}
