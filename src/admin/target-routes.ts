import type { AdminAuth } from "../keys/admin-token.js";
import type { TargetSnapshot } from "../routing/target-state.js";
import type { Router } from "../server/router.js";
import { sendJson } from "../server/respond.js";
import { adminRoute } from "./admin-route.js";

/** What the route reads: the routing layer's snapshot (the metrics layer reads the same). */
export interface TargetSource {
  snapshot(): TargetSnapshot[];
}

/** GET /api/v1/targets: every upstream target's live state — breaker, in-flight, moving averages. */
export function registerTargetRoutes(router: Router, auth: AdminAuth, routing: TargetSource): void {
  router.add("GET", "/api/v1/targets", adminRoute(auth, (_req, res) => {
    // breaker times are on the monotonic clock; shown as wall-clock ISO times
    const offset = Date.now() - performance.now();
    sendJson(res, 200, { data: routing.snapshot().map((t) => targetView(t, offset)) });
  }));
}

function targetView(t: TargetSnapshot, offset: number): Record<string, unknown> {
  const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms + offset).toISOString());
  return {
    id: t.id,
    provider: t.provider,
    model: t.model,
    in_flight: t.inFlight,
    latency_ms: round(t.latencyMs),
    ttft_ms: round(t.ttftMs),
    successes: t.successes,
    failures: t.failures,
    retry_after_ms: Math.round(t.retryAfterMs),
    prefix_blocks: t.prefixBlocks,
    breaker: {
      state: t.breaker.state,
      consecutive_failures: t.breaker.consecutiveFailures,
      window_calls: t.breaker.windowCalls,
      window_failures: t.breaker.windowFailures,
      opened_at: iso(t.breaker.openedAt),
      half_open_at: iso(t.breaker.halfOpenAt),
      opens: t.breaker.opens,
    },
  };
}

function round(ms: number | null): number | null {
  return ms === null ? null : Math.round(ms * 1000) / 1000;
}
