import { z } from "zod";
import type { AuditLog } from "../audit/audit-log.js";
import type { AuditEntry } from "../audit/types.js";
import type { AdminAuth } from "../keys/admin-token.js";
import type { Router } from "../server/router.js";
import { drained } from "../server/backpressure.js";
import { sendJson } from "../server/respond.js";
import { adminRoute } from "./admin-route.js";
import { parseQuery } from "./query.js";

const time = z.union([z.iso.datetime({ offset: true }), z.string().regex(/^\d{10,13}$/)]).transform((v) => (/^\d+$/.test(v) ? (v.length === 10 ? Number(v) * 1000 : Number(v)) : Date.parse(v)));
const listQuery = z.strictObject({
  since: time.optional(),
  until: time.optional(),
  actor: z.string().max(128).optional(),
  action: z.string().max(128).optional(),
  target_type: z.string().max(64).optional(),
  target: z.string().max(256).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  /** The `next_cursor` of the previous page. */
  cursor: z.string().regex(/^\d{1,15}$/, "a cursor from a previous page").optional(),
});
const exportQuery = z.strictObject({ after_seq: z.coerce.number().int().min(0).default(0) });

/** An audit entry as the API and the JSONL export show it; `prev_hash` and `hash` make the export verifiable offline. */
export function auditView(e: AuditEntry): Record<string, unknown> {
  return {
    seq: e.seq, at: new Date(e.at).toISOString(), actor: e.actor, role: e.role, action: e.action, target_type: e.targetType, target: e.target,
    before: e.before, after: e.after, reason: e.reason, prev_hash: e.prevHash, hash: e.hash,
  };
}

/** /api/v1/audit: read, export and verify the audit log (admin role only). */
export function registerAuditRoutes(router: Router, auth: AdminAuth, audit: AuditLog): void {
  router.add("GET", "/api/v1/audit", adminRoute(auth, (_req, res, _p, query) => {
    const q = parseQuery(listQuery, query);
    const data = audit.list({
      since: q.since, until: q.until, actor: q.actor, action: q.action, targetType: q.target_type, target: q.target, limit: q.limit,
      beforeSeq: q.cursor === undefined ? undefined : Number(q.cursor),
    });
    sendJson(res, 200, { data: data.map(auditView), next_cursor: data.length === q.limit ? String(data[data.length - 1].seq) : null });
  }));

  // The whole log (or everything after a seq) as JSON lines, oldest first, written as it is read.
  router.add("GET", "/api/v1/audit/export", adminRoute(auth, async (_req, res, _p, query) => {
    const q = parseQuery(exportQuery, query);
    res.writeHead(200, { "content-type": "application/x-ndjson; charset=utf-8", "cache-control": "no-store" });
    for (const e of audit.entries(q.after_seq)) {
      if (res.destroyed) return;
      if (!res.write(`${JSON.stringify(auditView(e))}\n`)) await drained(res);
    }
    res.end();
  }));

  router.add("GET", "/api/v1/audit/verify", adminRoute(auth, (_req, res) => {
    const r = audit.verify();
    sendJson(res, 200, { ok: r.ok, checked: r.checked, head: r.last, problems: r.problems });
  }));
}
