import { z } from "zod";
import { validateBody } from "../api/validate.js";
import type { AuditSink } from "../audit/types.js";
import { KeelError } from "../errors/errors.js";
import { reviewFromTrace } from "../observe/review/from-trace.js";
import { REVIEW_ID, type ReviewItem, type GuardReviewStore } from "../guard/review/review-store.js";
import type { AdminAuth } from "../keys/admin-token.js";
import type { TraceWriter } from "../observe/trace-writer.js";
import type { TraceStore } from "../observe/types.js";
import { readJsonBody } from "../server/body.js";
import type { Router } from "../server/router.js";
import { sendJson } from "../server/respond.js";
import { actorOf, reasonOf } from "./actor.js";
import { adminRoute } from "./admin-route.js";
import { parseQuery } from "./query.js";

/** Trace ids are request ids: Keel's `req_…` or the caller's `x-request-id` (gateway/routes.ts). */
const TRACE_ID = /^[\w.:-]{8,128}$/;
const note = z.string().max(1000).optional();

const markBody = z.strictObject({
  trace_id: z.string().regex(TRACE_ID, "a trace (request) id"),
  scanner: z.string().min(1).max(64),
  source: z.enum(["user", "document", "tool_result", "output"]),
  note,
});
const resolveBody = z.strictObject({ resolution: z.enum(["confirmed", "rejected"]), note });
const listQuery = z.strictObject({
  status: z.enum(["open", "confirmed", "rejected", "all"]).default("open"),
  scanner: z.string().max(64).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  /** The `next_cursor` of the previous page. */
  cursor: z.string().max(512).optional(),
});

export interface GuardReviewRouteDeps {
  auth: AdminAuth;
  reviews: GuardReviewStore;
  traceStore: TraceStore;
  traceWriter: TraceWriter;
  audit?: AuditSink;
}

/**
 * The false-positive review list (docs/guardrails.md): a reviewer marks a triggered verdict on a
 * trace, an owner of the scanner or policy confirms (tune it) or rejects (the trigger was right).
 * Admin only; both steps are on the audit log, without the excerpt (user text does not belong in
 * a log that can never be pruned).
 */
export function registerGuardReviewRoutes(router: Router, d: GuardReviewRouteDeps): void {
  router.add("POST", "/api/v1/guard/false-positives", adminRoute(d.auth, async (req, res) => {
    const actor = actorOf(req, "admin");
    const body = validateBody(markBody, await readJsonBody(req, 64 * 1024));
    // A call just made may still sit in the write queue.
    await d.traceWriter.flush();
    const trace = d.traceStore.get(body.trace_id);
    if (!trace) throw new KeelError("not_found", `No trace with id "${body.trace_id}".`, { param: "trace_id" });
    const item = d.reviews.mark({ ...reviewFromTrace(trace, body.scanner, body.source), note: body.note?.trim() || null, markedBy: actor.name });
    d.audit?.record({ actor: actor.name, role: actor.role, action: "guard.false_positive.marked", targetType: "guard_review", target: item.id, after: forAudit(item), reason: reasonOf(req, item.note) });
    sendJson(res, 201, item);
  }));
  router.add("GET", "/api/v1/guard/reviews", adminRoute(d.auth, (_req, res, _p, query) => {
    // A form's empty field (`scanner=`) means "no filter", not an invalid value.
    const q = parseQuery(listQuery, new URLSearchParams([...query].filter(([, v]) => v !== "")));
    let page;
    try {
      page = d.reviews.list({ status: q.status, scanner: q.scanner, limit: q.limit, cursor: q.cursor });
    } catch (err) {
      if (err instanceof RangeError) throw new KeelError("invalid_request", "Invalid query parameter 'cursor'.", { param: "cursor" });
      throw err;
    }
    sendJson(res, 200, { data: page.data, next_cursor: page.nextCursor });
  }));
  router.add("POST", "/api/v1/guard/reviews/:id/resolve", adminRoute(d.auth, async (req, res, p) => {
    const actor = actorOf(req, "admin");
    if (!REVIEW_ID.test(p.id)) throw new KeelError("invalid_request", "Invalid review id: expected gfp_ and 16 hex digits.", { param: "id" });
    const body = validateBody(resolveBody, await readJsonBody(req, 64 * 1024));
    const before = d.reviews.get(p.id);
    if (!before) throw new KeelError("not_found", `No review item with id "${p.id}".`, { param: "id" });
    const item = d.reviews.resolve(p.id, body.resolution, actor.name, body.note?.trim() || null);
    d.audit?.record({ actor: actor.name, role: actor.role, action: "guard.false_positive.resolved", targetType: "guard_review", target: item.id, before: forAudit(before), after: forAudit(item), reason: reasonOf(req, item.resolution_note) });
    sendJson(res, 200, item);
  }));
}

/** The item as the audit log keeps it: everything but the excerpt of user text. */
function forAudit(item: ReviewItem): Omit<ReviewItem, "excerpt"> {
  const { excerpt: _excerpt, ...rest } = item;
  return rest;
}
