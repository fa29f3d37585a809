import { KeelError } from "../errors/errors.js";
import type { AdminAuth } from "../keys/admin-token.js";
import { freshnessOf } from "../knowledge/freshness.js";
import type { KnowledgeService } from "../knowledge/knowledge-service.js";
import type { RetrievalActivity, RetrievalHour } from "../knowledge/retrieval-activity.js";
import type { DocumentRecord } from "../knowledge/types.js";
import { sendJson } from "../server/respond.js";
import type { Router } from "../server/router.js";
import { adminRoute } from "./admin-route.js";

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/**
 * Read-only admin views of the knowledge layer for the dashboard's Knowledge page (admin token or
 * viewer key): stores with their freshness, a store's documents, and retrieval quality since start.
 * The `/v1/vector_stores` surface stays OpenAI's and takes a virtual key; these take the admin
 * credential and add what OpenAI's objects have no field for. docs/knowledge.md.
 */
export function registerKnowledgeViewRoutes(router: Router, auth: AdminAuth, k: KnowledgeService, activity: RetrievalActivity, startedAt: number): void {
  router.add("GET", "/api/v1/knowledge/stores", adminRoute(auth, (_req, res, _p, q) => {
    const limit = boundedInt(q?.get("limit") ?? null, 1, 100, 100, "limit");
    const now = Date.now();
    const rows = k.vectorStores({ limit: limit + 1 });
    const data = rows.slice(0, limit).map((vs) => {
      const docs = k.documents(vs.id);
      const live = docs.filter((d) => d.supersededAt === null);
      const counts = k.counts(vs.id);
      return {
        id: vs.id, name: vs.name, created_at: iso(vs.createdAt), last_active_at: iso(vs.lastActiveAt),
        max_age_s: vs.maxAgeMs === null ? null : vs.maxAgeMs / 1000, chunking: vs.chunking,
        files: { ...counts, total: counts.in_progress + counts.completed + counts.failed + counts.cancelled },
        documents: live.length, versions: docs.length, superseded: docs.length - live.length,
        stale: live.filter((d) => freshnessOf(d, vs, now).stale).length,
      };
    });
    sendJson(res, 200, { data, has_more: rows.length > limit });
  }));

  router.add("GET", "/api/v1/knowledge/stores/:id/documents", adminRoute(auth, (_req, res, p, q) => {
    const limit = boundedInt(q?.get("limit") ?? null, 1, 500, 200, "limit");
    const superseded = q?.get("superseded") ?? "true";
    if (superseded !== "true" && superseded !== "false") throw new KeelError("invalid_request", "'superseded' must be true or false.", { param: "superseded" });
    const vs = k.vectorStore(p.id);
    const now = Date.now();
    const docs = k.documents(vs.id).filter((d) => superseded === "true" || d.supersededAt === null).reverse();
    const names = new Map<string, string | null>();
    const data = docs.slice(0, limit).map((d) => {
      if (!names.has(d.fileId)) names.set(d.fileId, filenameOf(k, d.fileId));
      return documentObject(d, names.get(d.fileId)!, freshnessOf(d, vs, now));
    });
    sendJson(res, 200, { data, has_more: docs.length > limit });
  }));

  router.add("GET", "/api/v1/knowledge/retrieval", adminRoute(auth, (_req, res, _p, q) => {
    const limit = boundedInt(q?.get("limit") ?? null, 1, 100, 20, "limit");
    const now = Date.now();
    const top = activity.topStale(limit).map((s) => {
      const doc = k.document(s.documentId);
      return {
        document_id: s.documentId, vector_store_id: s.storeId, source_uri: doc?.sourceUri ?? null, filename: doc ? filenameOf(k, doc.fileId) : null,
        version: s.version, reason: s.reason, served: s.served, last_served_at: iso(s.lastServedAt),
      };
    });
    // Offline `keel knowledge eval` results are printed, not stored: the series is live traffic only.
    sendJson(res, 200, { since: iso(startedAt), hours: activity.series(now).map(hourObject), top_stale: top });
  }));
}

function hourObject(h: RetrievalHour): Record<string, unknown> {
  return {
    start: iso(h.start), searches: h.searches, results: h.results, stale_results: h.staleResults,
    stale_rate: h.results === 0 ? null : h.staleResults / h.results, mean_top_score: h.scored === 0 ? null : h.topScoreSum / h.scored,
  };
}

function documentObject(d: DocumentRecord, filename: string | null, f: ReturnType<typeof freshnessOf>): Record<string, unknown> {
  return {
    id: d.id, vector_store_id: d.storeId, file_id: d.fileId, filename, source_uri: d.sourceUri, version: d.version, content_hash: d.contentHash,
    valid_from: iso(d.validFrom), updated_at: iso(d.updatedAt), expires_at: iso(d.expiresAt), superseded_at: iso(d.supersededAt),
    owner: d.owner, licence: d.licence, age_s: f.ageS, stale: f.stale, stale_reason: f.reason,
  };
}

function filenameOf(k: KnowledgeService, fileId: string): string | null {
  try {
    return k.file(fileId).filename;
  } catch {
    return null; // The file was deleted; its document stays (OpenAI keeps attachments too).
  }
}

function boundedInt(raw: string | null, min: number, max: number, dflt: number, param: string): number {
  if (raw === null) return dflt;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new KeelError("invalid_request", `'${param}' must be an integer from ${min} to ${max}.`, { param });
  return n;
}
