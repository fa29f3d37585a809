import type { IncomingMessage, ServerResponse } from "node:http";
import { validateBody } from "../api/validate.js";
import type { AuditLog } from "../audit/audit-log.js";
import { KeelError } from "../errors/errors.js";
import { ADMIN_PREFIX, type AdminAuth } from "../keys/admin-token.js";
import { bearerToken } from "../keys/bearer.js";
import { ADMIN_CALLER, type KnowledgeCaller } from "../knowledge/access.js";
import type { KeyService } from "../keys/key-service.js";
import { CHARS_PER_TOKEN } from "../knowledge/chunker.js";
import { filterDepth } from "../knowledge/attribute-filter.js";
import type { KnowledgeService } from "../knowledge/knowledge-service.js";
import type { KnowledgeConfig } from "../knowledge/knowledge-schema.js";
import { attachBody, createStoreBody, releaseBody, searchBody, updateStoreBody } from "../knowledge/request-schemas.js";
import { fileObject, listObject, searchResultObject, storeFileObject, vectorStoreObject } from "../knowledge/wire.js";
import type { VectorStoreRecord } from "../knowledge/types.js";
import type { SearchResult } from "../knowledge/search.js";
import type { RetrievalMetrics } from "../observe/metrics/retrieval-metrics.js";
import { callerTrace, retrievalSpan } from "../observe/otel/retrieval-span.js";
import type { SpanStore } from "../observe/otel/span-store.js";
import { readJsonBody, readRawBody } from "../server/body.js";
import type { Handler } from "../server/router.js";
import type { Router } from "../server/router.js";
import { sendError, sendJson } from "../server/respond.js";
import { RetrievalActivity } from "../knowledge/retrieval-activity.js";
import { actorOf, reasonOf } from "./actor.js";
import { registerKnowledgeConflictRoutes } from "./knowledge-conflict-routes.js";
import { adminRoute } from "./admin-route.js";
import { registerKnowledgeViewRoutes } from "./knowledge-view-routes.js";

export interface KnowledgeRouteDeps {
  auth: AdminAuth;
  keys: KeyService;
  knowledge: KnowledgeService;
  config: KnowledgeConfig;
  audit: AuditLog;
  /** Stale-retrieval counters on /metrics; absent when metrics are off. */
  metrics?: RetrievalMetrics;
  /** Where a search made inside a caller's trace is recorded as a `retrieval` span. */
  spans?: SpanStore;
  /** Retrieval quality per hour and the top stale documents, for the Knowledge page; one is made when absent. */
  activity?: RetrievalActivity;
}

const JSON_LIMIT = 64 * 1024;
/** Room for the multipart framing and the `purpose` field around the file itself. */
const MULTIPART_OVERHEAD = 16 * 1024;
const PURPOSES = new Set(["assistants", "user_data"]);

/**
 * OpenAI's files and vector store surface (/v1/files, /v1/vector_stores…, a virtual key) and the
 * quarantine's admin API (/api/v1/knowledge/…, the admin token). docs/knowledge.md.
 */
export function registerKnowledgeRoutes(router: Router, d: KnowledgeRouteDeps): void {
  const k = d.knowledge;
  const activity = d.activity ?? new RetrievalActivity();
  registerKnowledgeViewRoutes(router, d.auth, k, activity, Date.now());
  const v1 = (fn: (req: IncomingMessage, res: ServerResponse, p: Record<string, string>, q: URLSearchParams, caller: KnowledgeCaller) => unknown | Promise<unknown>): Handler =>
    async (req, res, p, q) => {
      try {
        await fn(req, res, p, q ?? new URLSearchParams(), callerOf(d, req.headers.authorization));
      } catch (err) {
        req.resume();
        sendError(res, err);
      }
    };
  const chunkingOf = (vs: VectorStoreRecord): { size: number; overlap: number } => vs.chunking ?? d.config.chunking;

  router.add("POST", "/v1/files", v1(async (req, res, _p, _q, caller) => {
    const max = d.config.max_file_bytes;
    const type = String(req.headers["content-type"] ?? "");
    if (!type.toLowerCase().startsWith("multipart/form-data")) throw new KeelError("invalid_request", "Upload a file as multipart/form-data with fields 'file' and 'purpose'.", { param: "content-type" });
    let raw: Buffer;
    try {
      raw = await readRawBody(req, max + MULTIPART_OVERHEAD);
    } catch (err) {
      if (err instanceof KeelError && err.code === "body_too_large") throw tooLarge(max);
      throw err;
    }
    let form: FormData;
    try {
      form = await new Response(new Uint8Array(raw), { headers: { "content-type": type } }).formData();
    } catch {
      throw new KeelError("invalid_request", "The multipart body could not be parsed.", { param: "file" });
    }
    const file = form.get("file");
    const purpose = form.get("purpose");
    if (typeof purpose !== "string" || !PURPOSES.has(purpose)) throw new KeelError("invalid_request", "'purpose' must be \"assistants\" or \"user_data\".", { param: "purpose" });
    if (file === null || typeof file === "string") throw new KeelError("invalid_request", "Missing 'file' (a file part of the multipart body).", { param: "file" });
    if (file.size > max) throw tooLarge(max);
    const name = (file.name || "upload").slice(0, 255);
    sendJson(res, 200, fileObject(k.createFile(name, purpose, new Uint8Array(await file.arrayBuffer()), caller)));
  }));
  router.add("GET", "/v1/files", v1((_req, res, _p, q, caller) => {
    const page = pageOf(q);
    const purpose = q.get("purpose") ?? undefined;
    const rows = k.filesFor({ ...page, limit: page.limit + 1, purpose }, caller);
    sendJson(res, 200, listObject(rows.slice(0, page.limit).map(fileObject), (f) => f.id as string, rows.length > page.limit));
  }));
  router.add("GET", "/v1/files/:id", v1((_req, res, p, _q, caller) => sendJson(res, 200, fileObject(k.fileFor(p.id, caller)))));
  router.add("DELETE", "/v1/files/:id", v1((_req, res, p, _q, caller) => {
    k.deleteFile(k.fileFor(p.id, caller).id);
    sendJson(res, 200, { id: p.id, object: "file", deleted: true });
  }));

  router.add("POST", "/v1/vector_stores", v1(async (req, res, _p, _q, caller) => {
    const b = validateBody(createStoreBody, await readJsonBody(req, JSON_LIMIT));
    for (const id of b.file_ids ?? []) k.fileFor(id, caller);
    const chunking = b.chunking_strategy?.type === "static"
      ? { size: b.chunking_strategy.static.max_chunk_size_tokens * CHARS_PER_TOKEN, overlap: b.chunking_strategy.static.chunk_overlap_tokens * CHARS_PER_TOKEN }
      : null;
    const vs = k.createStore({ name: b.name ?? "", metadata: b.metadata ?? {}, chunking, maxAgeMs: b.keel_max_age_s ? b.keel_max_age_s * 1000 : null, access: b.keel_access }, caller);
    for (const id of b.file_ids ?? []) k.attach(vs.id, id, {});
    sendJson(res, 200, vectorStoreObject(vs, k.counts(vs.id)));
  }));
  router.add("GET", "/v1/vector_stores", v1((_req, res, _p, q, caller) => {
    const page = pageOf(q);
    const rows = k.vectorStores({ ...page, limit: page.limit + 1 }, caller);
    sendJson(res, 200, listObject(rows.slice(0, page.limit).map((v) => vectorStoreObject(v, k.counts(v.id))), (v) => v.id as string, rows.length > page.limit));
  }));
  router.add("GET", "/v1/vector_stores/:id", v1((_req, res, p, _q, caller) => sendJson(res, 200, vectorStoreObject(k.storeFor(p.id, caller, "read"), k.counts(p.id)))));
  router.add("POST", "/v1/vector_stores/:id", v1(async (req, res, p, _q, caller) => {
    k.storeFor(p.id, caller, "write");
    const b = validateBody(updateStoreBody, await readJsonBody(req, JSON_LIMIT));
    const vs = k.updateStore(p.id, {
      ...(b.name != null ? { name: b.name } : {}),
      ...(b.metadata !== undefined ? { metadata: b.metadata ?? {} } : {}),
      ...(b.keel_max_age_s !== undefined ? { maxAgeMs: b.keel_max_age_s === null ? null : b.keel_max_age_s * 1000 } : {}),
      ...(b.keel_access !== undefined ? { access: b.keel_access } : {}),
    });
    sendJson(res, 200, vectorStoreObject(vs, k.counts(vs.id)));
  }));
  router.add("DELETE", "/v1/vector_stores/:id", v1((_req, res, p, _q, caller) => {
    k.deleteStore(k.storeFor(p.id, caller, "write").id);
    sendJson(res, 200, { id: p.id, object: "vector_store.deleted", deleted: true });
  }));

  router.add("POST", "/v1/vector_stores/:id/files", v1(async (req, res, p, _q, caller) => {
    k.storeFor(p.id, caller, "write");
    const b = validateBody(attachBody, await readJsonBody(req, JSON_LIMIT));
    k.fileFor(b.file_id, caller);
    const a = k.attach(p.id, b.file_id, b.attributes ?? {});
    sendJson(res, 200, storeFileObject(a, chunkingOf(k.vectorStore(p.id))));
  }));
  router.add("GET", "/v1/vector_stores/:id/files", v1((_req, res, p, q, caller) => {
    const page = pageOf(q);
    const status = q.get("filter") ?? undefined;
    if (status !== undefined && !["in_progress", "completed", "failed", "cancelled"].includes(status)) {
      throw new KeelError("invalid_request", "'filter' must be one of in_progress, completed, failed, cancelled.", { param: "filter" });
    }
    const vs = k.storeFor(p.id, caller, "read");
    const rows = k.attachments(p.id, { ...page, limit: page.limit + 1, status: status as never });
    sendJson(res, 200, listObject(rows.slice(0, page.limit).map((a) => storeFileObject(a, chunkingOf(vs))), (a) => a.id as string, rows.length > page.limit));
  }));
  router.add("GET", "/v1/vector_stores/:id/files/:fileId", v1((_req, res, p, _q, caller) => {
    const vs = k.storeFor(p.id, caller, "read");
    sendJson(res, 200, storeFileObject(k.attachment(p.id, p.fileId), chunkingOf(vs)));
  }));
  router.add("DELETE", "/v1/vector_stores/:id/files/:fileId", v1((_req, res, p, _q, caller) => {
    k.storeFor(p.id, caller, "write");
    k.detach(p.id, p.fileId);
    sendJson(res, 200, { id: p.fileId, object: "vector_store.file.deleted", deleted: true });
  }));

  router.add("POST", "/v1/vector_stores/:id/search", v1(async (req, res, p, _q, caller) => {
    k.storeFor(p.id, caller, "read");
    const b = validateBody(searchBody, await readJsonBody(req, JSON_LIMIT));
    if (b.filters && filterDepth(b.filters) > 4) throw new KeelError("invalid_request", "'filters' nests more than 4 levels.", { param: "filters" });
    const query = typeof b.query === "string" ? b.query : b.query[0];
    const startMs = Date.now();
    const results = await k.search(p.id, {
      query, maxResults: b.max_num_results, filter: b.filters, scoreThreshold: b.ranking_options?.score_threshold,
      mode: b.keel_mode, includeSuperseded: b.keel_include_superseded,
    });
    const names = new Map<string, string>();
    const data = results.map((r) => {
      if (!names.has(r.document.fileId)) names.set(r.document.fileId, tryFilename(k, r.document.fileId) ?? r.document.sourceUri);
      return searchResultObject(r, names.get(r.document.fileId)!);
    });
    sendJson(res, 200, { object: "vector_store.search_results.page", search_query: [query], data, has_more: false, next_page: null });
    recordRetrieval(d, activity, req, { storeId: p.id, query, mode: b.keel_mode ?? "hybrid", startMs, results });
  }));

  registerKnowledgeConflictRoutes(router, d);
  router.add("GET", "/api/v1/knowledge/quarantine", adminRoute(d.auth, (_req, res, _p, q) => {
    const limit = boundedInt(q?.get("limit") ?? null, 1, 500, 100, "limit");
    const after = boundedInt(q?.get("after") ?? null, 0, Number.MAX_SAFE_INTEGER, 0, "after");
    const data = k.quarantined(limit, after).map((c) => ({
      chunk_id: c.key, vector_store_id: c.storeId, document_id: c.documentId, ordinal: c.ordinal, verdict: c.verdict, chars: c.text.length,
      // A chunk held for a secret is not shown back, even to an admin: the verdict says what was found.
      excerpt: c.verdict?.some((v) => v.scanner === "secrets") ? null : c.text.slice(0, 300),
    }));
    sendJson(res, 200, { data });
  }));
  router.add("POST", "/api/v1/knowledge/quarantine/:chunk/release", adminRoute(d.auth, async (req, res, p) => {
    const actor = actorOf(req, "admin");
    const b = validateBody(releaseBody, await readJsonBody(req, JSON_LIMIT).catch((err) => (req.headers["content-length"] === "0" ? {} : Promise.reject(err))));
    if (!/^\d{1,15}$/.test(p.chunk)) throw new KeelError("invalid_request", "A chunk id is a positive integer.", { param: "chunk" });
    const c = k.release(Number(p.chunk));
    d.audit.record({ actor: actor.name, role: actor.role, action: "knowledge.chunk_released", targetType: "knowledge_chunk", target: String(c.key), before: { status: "quarantined", verdict: c.verdict }, after: { status: "live" }, reason: reasonOf(req, b.reason) });
    sendJson(res, 200, { chunk_id: c.key, vector_store_id: c.storeId, status: "live" });
  }));
}

/**
 * After the answer is sent: the stale-retrieval counters, and, when the search carried a W3C
 * `traceparent`, a `retrieval` span under that trace (docs/knowledge.md, "Retrieval on the trace").
 * A failed span write is not the caller's failure: the search was answered.
 */
function recordRetrieval(d: KnowledgeRouteDeps, activity: RetrievalActivity, req: IncomingMessage, s: { storeId: string; query: string; mode: string; startMs: number; results: readonly SearchResult[] }): void {
  d.metrics?.observe(s.results.map((r) => r.freshness.reason ?? "fresh"));
  activity.observe(s.storeId, s.results.map((r) => ({ documentId: r.document.id, version: r.document.version, score: r.score, staleReason: r.freshness.reason })), Date.now());
  const trace = d.spans ? callerTrace(req.headers.traceparent) : null;
  if (!trace || !d.spans) return;
  try {
    d.spans.insertBatch([retrievalSpan({
      ...trace, storeId: s.storeId, query: s.query, mode: s.mode, startMs: s.startMs, endMs: Date.now(),
      results: s.results.map((r) => ({
        chunkId: r.chunk.key, fileId: r.document.fileId, documentId: r.document.id, version: r.document.version,
        score: r.score, stale: r.freshness.stale, staleReason: r.freshness.reason, ageS: r.freshness.ageS,
      })),
    })]);
  } catch {
    // The span store is the trace database; a write error there surfaces through its own paths.
  }
}

/**
 * A virtual key (its tenant's stores and those shared with it) or the admin token (the admin
 * override: every store). A bearer that is neither gets the key's 401 — or the admin token's, when
 * it has the admin token's prefix — so the answer names what the caller meant to send.
 */
function callerOf(d: KnowledgeRouteDeps, authorization: string | undefined): KnowledgeCaller {
  try {
    const p = d.keys.authenticate(authorization);
    return { kind: "key", keyId: p.keyId, team: p.team };
  } catch (keyError) {
    try {
      d.auth.check(authorization);
      return ADMIN_CALLER;
    } catch (adminError) {
      throw bearerToken(authorization).startsWith(ADMIN_PREFIX) ? adminError : keyError;
    }
  }
}

function tooLarge(max: number): KeelError {
  return new KeelError("body_too_large", `File exceeds the ${max}-byte limit (knowledge.max_file_bytes).`, { param: "file", headers: { connection: "close" } });
}

function tryFilename(k: KnowledgeService, id: string): string | undefined {
  try {
    return k.file(id).filename;
  } catch {
    return undefined;
  }
}

function pageOf(q: URLSearchParams): { limit: number; after?: string; order: "asc" | "desc" } {
  const order = q.get("order") ?? "desc";
  if (order !== "asc" && order !== "desc") throw new KeelError("invalid_request", "'order' must be asc or desc.", { param: "order" });
  const after = q.get("after") ?? undefined;
  if (after !== undefined && after.length > 64) throw new KeelError("invalid_request", "'after' is an object id (≤ 64 characters).", { param: "after" });
  return { limit: boundedInt(q.get("limit"), 1, 100, 20, "limit"), after, order };
}

function boundedInt(raw: string | null, min: number, max: number, dflt: number, param: string): number {
  if (raw === null) return dflt;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new KeelError("invalid_request", `'${param}' must be an integer from ${min} to ${max}.`, { param });
  return n;
}
