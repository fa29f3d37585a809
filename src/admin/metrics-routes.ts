import type { AdminAuth } from "../keys/admin-token.js";
import type { GatewayMetrics } from "../observe/metrics/gateway-metrics.js";
import { PROM_CONTENT_TYPE } from "../observe/metrics/prom-registry.js";
import type { Router } from "../server/router.js";
import { sendError } from "../server/respond.js";

/** `GET /metrics` in Prometheus text format; behind the admin token when `metrics.require_auth`. */
export function registerMetricsRoute(router: Router, metrics: GatewayMetrics, auth: AdminAuth | null): void {
  router.add("GET", "/metrics", (req, res) => {
    try {
      auth?.check(req.headers.authorization);
      const body = metrics.render();
      res.writeHead(200, { "content-type": PROM_CONTENT_TYPE, "cache-control": "no-store" });
      res.end(body);
    } catch (err) {
      sendError(res, err);
    }
  });
}
