import { z } from "zod";
import { validateBody } from "../api/validate.js";
import type { AuditLog } from "../audit/audit-log.js";
import { KeelError } from "../errors/errors.js";
import type { AdminAuth } from "../keys/admin-token.js";
import type { KnowledgeService } from "../knowledge/knowledge-service.js";
import type { ConflictRecord, ConflictSide, ConflictStatus } from "../knowledge/types.js";
import { readJsonBody } from "../server/body.js";
import { sendJson } from "../server/respond.js";
import type { Router } from "../server/router.js";
import { actorOf, reasonOf } from "./actor.js";
import { adminRoute } from "./admin-route.js";

const STATUSES: readonly ConflictStatus[] = ["open", "resolved", "dismissed"];
const resolveBody = z.strictObject({ status: z.enum(["resolved", "dismissed", "open"]).default("resolved"), note: z.string().trim().min(1).max(2000).optional() });
const scanBody = z.strictObject({ store_id: z.string().min(1).max(64) });
const JSON_LIMIT = 16 * 1024;

const side = (s: ConflictSide): Record<string, unknown> => ({ file_id: s.fileId, document_id: s.documentId, document_version: s.version, chunk_id: s.chunkKey, text: s.text, value: s.value });

/** The wire shape the dashboard reads (docs/knowledge.md#conflicts): snake_case, epoch seconds. */
export function conflictObject(c: ConflictRecord): Record<string, unknown> {
  return {
    id: c.id, object: "knowledge.conflict", store_id: c.storeId, status: c.status, kind: c.kind, left: side(c.left), right: side(c.right),
    similarity: c.similarity, overlap: c.overlap, detected_at: Math.floor(c.detectedAt / 1000),
    ...(c.resolvedBy !== null ? { resolved_by: c.resolvedBy, resolved_at: c.resolvedAt === null ? null : Math.floor(c.resolvedAt / 1000) } : {}),
    ...(c.note !== null ? { note: c.note } : {}),
  };
}

/**
 * Conflicts between live documents of a store (admin token; a viewer key may list):
 * list, resolve or dismiss (audited), and scan a store on demand.
 */
export function registerKnowledgeConflictRoutes(router: Router, d: { auth: AdminAuth; knowledge: KnowledgeService; audit: AuditLog }): void {
  const k = d.knowledge;
  router.add("GET", "/api/v1/knowledge/conflicts", adminRoute(d.auth, (_req, res, _p, q) => {
    // An empty parameter (`?store_id=&status=`, as a form sends it) is no filter.
    const param = (name: string): string | undefined => q?.get(name) || undefined;
    const status = param("status");
    if (status !== undefined && !STATUSES.includes(status as ConflictStatus)) throw new KeelError("invalid_request", "'status' must be open, resolved or dismissed.", { param: "status" });
    const storeId = param("store_id");
    if (storeId !== undefined) k.vectorStore(storeId);
    const after = param("after");
    if (after !== undefined && after.length > 64) throw new KeelError("invalid_request", "'after' is a conflict id (≤ 64 characters).", { param: "after" });
    const raw = param("limit") ?? null;
    const limit = raw === null ? 50 : Number(raw);
    if (!Number.isInteger(limit) || limit < 1 || limit > 200) throw new KeelError("invalid_request", "'limit' must be an integer from 1 to 200.", { param: "limit" });
    const rows = k.conflicts({ limit: limit + 1, after, storeId, status: status as ConflictStatus | undefined });
    sendJson(res, 200, { object: "list", data: rows.slice(0, limit).map(conflictObject), has_more: rows.length > limit });
  }));
  router.add("GET", "/api/v1/knowledge/conflicts/:id", adminRoute(d.auth, (_req, res, p) => sendJson(res, 200, conflictObject(k.conflict(p.id)))));
  router.add("POST", "/api/v1/knowledge/conflicts/:id/resolve", adminRoute(d.auth, async (req, res, p) => {
    const actor = actorOf(req, "admin");
    const b = validateBody(resolveBody, await readJsonBody(req, JSON_LIMIT).catch((err) => (req.headers["content-length"] === "0" ? {} : Promise.reject(err))));
    const note = b.note ?? reasonOf(req);
    const { before, after } = k.setConflictStatus(p.id, b.status, actor.name, note);
    d.audit.record({
      actor: actor.name, role: actor.role, action: `knowledge.conflict_${b.status === "open" ? "reopened" : b.status}`, targetType: "knowledge_conflict", target: p.id,
      before: { status: before.status }, after: { status: after.status, store_id: after.storeId, kind: after.kind }, reason: note,
    });
    sendJson(res, 200, conflictObject(after));
  }));
  router.add("POST", "/api/v1/knowledge/conflicts/scan", adminRoute(d.auth, async (req, res) => {
    const b = validateBody(scanBody, await readJsonBody(req, JSON_LIMIT));
    const added = await k.scanConflicts(b.store_id);
    sendJson(res, 200, { store_id: b.store_id, new_conflicts: added, open: k.conflicts({ limit: 1000, storeId: b.store_id, status: "open" }).length });
  }));
}
