import type { AdminAuth } from "../keys/admin-token.js";
import type { TargetSnapshot } from "../routing/target-state.js";
import type { Router } from "../server/router.js";
import { sendJson } from "../server/respond.js";
import { adminRoute } from "./admin-route.js";
import type { EngineView } from "../engines/engine-scraper.js";

/** What the route reads: the routing layer's snapshot (the metrics layer reads the same). */
export interface TargetSource {
  snapshot(): TargetSnapshot[];
}

/** Scraped engine state by target id (engines/engine-scraper.ts). */
export interface EngineSource {
  view(target: string): EngineView | null;
}

/** GET /api/v1/targets: every upstream target's live state — breaker, in-flight, moving averages, the engine's own metrics. */
export function registerTargetRoutes(router: Router, auth: AdminAuth, routing: TargetSource, engines?: EngineSource): void {
  router.add("GET", "/api/v1/targets", adminRoute(auth, (_req, res) => {
    // breaker times are on the monotonic clock; shown as wall-clock ISO times
    const offset = Date.now() - performance.now();
    sendJson(res, 200, { data: routing.snapshot().map((t) => ({ ...targetView(t, offset), engine: engineView(engines?.view(t.id) ?? null) })) });
  }));
}

function engineView(e: EngineView | null): Record<string, unknown> | null {
  if (e === null) return null;
  const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());
  const f = e.figures;
  return {
    kind: e.kind, metrics_url: e.metricsUrl, stale: e.stale, last_scrape_at: iso(e.lastScrapeAt), last_ok_at: iso(e.lastOkAt), last_error: e.lastError,
    requests_running: f?.running ?? null, requests_waiting: f?.waiting ?? null, kv_cache_usage: f?.kvUsage ?? null, prefix_cache_hit_rate: f?.prefixHitRate ?? null,
    ttft_ms: { p50: f?.ttftP50Ms ?? null, p95: f?.ttftP95Ms ?? null }, itl_ms: { p50: f?.itlP50Ms ?? null, p95: f?.itlP95Ms ?? null },
    generation_tokens_per_s: f?.generationTokensPerS ?? null, preemptions: f?.preemptions ?? null,
    spec_decode: { acceptance_rate: f?.specAcceptanceRate ?? null, mean_acceptance_length: f?.specMeanAcceptanceLength ?? null, draft_length: f?.specDraftLength ?? null },
  };
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
