import { z } from "zod";
import { validateBody } from "../api/validate.js";
import type { AuditSink } from "../audit/types.js";
import type { CachePurgeFilter } from "../cache/cache-backend.js";
import type { CacheHour, LookupLatency } from "../cache/cache-activity.js";
import type { CacheService } from "../cache/cache-service.js";
import { KeelError } from "../errors/errors.js";
import type { AdminAuth } from "../keys/admin-token.js";
import { readJsonBody } from "../server/body.js";
import { sendJson } from "../server/respond.js";
import type { Router } from "../server/router.js";
import { actorOf, reasonOf } from "./actor.js";
import { adminRoute } from "./admin-route.js";

const name = z.string().min(1).max(256);
const purgeBody = z.strictObject({
  /** The public model or route name entries were made for. */
  route: name.optional(),
  /** The upstream model, `provider/model`. */
  model: name.optional(),
  /** A virtual key id: entries under its `key` scope. */
  key: z.string().regex(/^key_[A-Za-z0-9]{1,64}$/, "a key id (key_…)").optional(),
  /** A team: entries under its `team` scope. */
  team: name.optional(),
  /** A prompt, `name` (every version) or `name@version`. */
  prompt: name.optional(),
  /** Every entry; must be said explicitly. */
  all: z.boolean().optional(),
  reason: z.string().max(1000).optional(),
});

/** `/api/v1/cache/*` (admin token): the cache's counters, and purges (audited). */
export function registerCacheRoutes(router: Router, auth: AdminAuth, cache: CacheService | null, audit: AuditSink): void {
  const need = (): CacheService => {
    if (!cache) throw new KeelError("conflict", "The response cache is not enabled (cache.enabled: false in keel.yaml).");
    return cache;
  };
  router.add("GET", "/api/v1/cache/stats", adminRoute(auth, async (_req, res) => {
    // An off cache is a state to show (the dashboard's overview asks on every load), not an error.
    if (!cache) return sendJson(res, 200, { enabled: false });
    const c = cache;
    const k = c.counters;
    const decided = k.hits + k.semanticHits + k.misses;
    sendJson(res, 200, {
      enabled: true, backend: c.backend.name, entries: await c.entries(), hits: k.hits, semantic_hits: k.semanticHits, misses: k.misses, bypasses: k.bypasses,
      hit_rate: decided === 0 ? null : (k.hits + k.semanticHits) / decided, semantic: c.semantic ? { vectors: c.semantic.index.size, embed_errors: k.embedErrors, raised_thresholds: c.thresholds.size, verification: verification(c) } : null, stored: k.stored, dropped_corrupt: k.droppedCorrupt, dropped_oversized: k.droppedOversized,
      skipped_oversized: k.skippedOversized, skipped_sensitive: k.skippedSensitive, backend_errors: k.backendErrors,
      tokens_saved: k.tokensSaved, usd_saved: k.usdSaved,
      lookup_ms: latencyObject(c.activity.latency()),
      series: c.activity.series(Date.now()).map(hourObject),
    });
  }));
  router.add("POST", "/api/v1/cache/purge", adminRoute(auth, async (req, res) => {
    const actor = actorOf(req, "admin");
    const c = need();
    const b = validateBody(purgeBody, await readJsonBody(req, 16 * 1024));
    if (b.key !== undefined && b.team !== undefined) throw new KeelError("invalid_request", "Give 'key' or 'team', not both: an entry has one scope.", { param: "team" });
    const filter: CachePurgeFilter = {
      ...(b.route !== undefined ? { route: b.route } : {}),
      ...(b.model !== undefined ? { model: b.model } : {}),
      ...(b.key !== undefined ? { scope: `key:${b.key}` } : b.team !== undefined ? { scope: `team:${b.team}` } : {}),
      ...(b.prompt !== undefined ? { prompt: b.prompt } : {}),
    };
    const narrowed = Object.keys(filter).length > 0;
    if (!narrowed && b.all !== true) throw new KeelError("invalid_request", "A purge needs at least one of 'route', 'model', 'key', 'team', 'prompt', or 'all': true.", { param: "route" });
    if (narrowed && b.all === true) throw new KeelError("invalid_request", "'all' purges everything; do not combine it with a filter.", { param: "all" });
    const deleted = await c.purge(filter);
    const described = narrowed ? Object.entries(filter).map(([k, v]) => `${k}=${v}`).join(" ") : "all";
    const answer = { filter: narrowed ? filter : "all", deleted };
    audit.record({ actor: actor.name, role: actor.role, action: "cache.purged", targetType: "cache", target: described, after: answer, reason: reasonOf(req, b.reason) });
    sendJson(res, 200, answer);
  }));
}

/** One hour of the cache's activity on the wire (since this process started; at most 48). */
function hourObject(h: CacheHour): Record<string, unknown> {
  const decided = h.hits + h.semanticHits + h.misses;
  return {
    start: new Date(h.start).toISOString(), hits: h.hits, semantic_hits: h.semanticHits, misses: h.misses, bypasses: h.bypasses,
    hit_rate: decided === 0 ? null : (h.hits + h.semanticHits) / decided, tokens_saved: h.tokensSaved, usd_saved: h.usdSaved,
  };
}

function latencyObject(l: LookupLatency): Record<string, unknown> {
  return { samples: l.samples, p50: l.p50Ms, p95: l.p95Ms, mean: l.meanMs };
}

/** The online false-hit estimate: re-asks by outcome and the Wilson 95% interval of the false-hit rate. */
function verification(c: CacheService): Record<string, unknown> | null {
  const v = c.verifier;
  if (!v) return null;
  const e = v.estimate();
  return { ...v.counts, pending: v.pending, verified: e.verified, false_hit_rate: e.rate, false_hit_lower95: e.lower95, false_hit_upper95: e.upper95 };
}
