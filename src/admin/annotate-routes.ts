import { z } from "zod";
import { AnnotationService } from "../annotate/annotation-service.js";
import { exportQueue } from "../annotate/queue-export.js";
import { retrievalContext } from "../annotate/retrieval-context.js";
import { createQueueInput, EXPORT_FORMATS, labelInput, reviewerSchema } from "../annotate/queue-schema.js";
import type { AnnotationStore } from "../annotate/types.js";
import type { AuditSink } from "../audit/types.js";
import type { ScoreStore } from "../evals/online/types.js";
import { validateBody } from "../api/validate.js";
import type { AdminAuth } from "../keys/admin-token.js";
import type { TraceStore } from "../observe/types.js";
import type { ChunkRecord } from "../knowledge/types.js";
import type { SpanStore } from "../observe/otel/span-store.js";
import { readJsonBody } from "../server/body.js";
import type { Router } from "../server/router.js";
import { sendJson } from "../server/respond.js";
import { actorOf } from "./actor.js";
import { adminRoute } from "./admin-route.js";
import { parseQuery } from "./query.js";

const nextQuery = z.strictObject({ reviewer: reviewerSchema.shape.name });
const itemsQuery = z.strictObject({ reviewer: reviewerSchema.shape.name.optional() });
const agreementQuery = z.strictObject({ resamples: z.coerce.number().int().min(10).max(10_000).default(1000) });
const exportQuery = z.strictObject({ format: z.enum(EXPORT_FORMATS), force: z.enum(["true", "false"]).default("false"), balance: z.enum(["true", "false"]).default("false") });

export interface AnnotateRouteDeps {
  auth: AdminAuth;
  annotations: AnnotationStore;
  traceStore: TraceStore;
  scores: ScoreStore;
  flushTraces: () => Promise<void>;
  /** Queue creations and exports (with the export's content hash) go on the audit log. */
  audit?: AuditSink;
  /** Application spans (OTLP intake and Keel's own retrieval spans): an item's retrieved context. */
  spans?: SpanStore;
  /** Knowledge chunks by id: the text of what a Keel retrieval span served. */
  chunks?: (keys: readonly number[]) => ChunkRecord[];
}

/** /api/v1/annotate: annotation queues over traces, labels, agreement and training exports (docs/alignment-data.md). */
export function registerAnnotateRoutes(router: Router, d: AnnotateRouteDeps): void {
  const svc = new AnnotationService(d.annotations, (f) => d.traceStore.list(f), Date.now, (id) => ({ scores: d.scores.scores(id), feedback: d.scores.feedback(id) }));
  const r = (method: string, path: string, fn: Parameters<typeof adminRoute>[1]): void => void router.add(method, path, adminRoute(d.auth, fn));
  r("GET", "/api/v1/annotate/queues", (_req, res) => sendJson(res, 200, { data: svc.list() }));
  r("POST", "/api/v1/annotate/queues", async (req, res) => {
    const body = validateBody(createQueueInput, await readJsonBody(req, 256 * 1024));
    await d.flushTraces();
    const made = svc.create(body);
    const actor = actorOf(req, "admin");
    d.audit?.record({ actor: actor.name, role: actor.role, action: "annotate.queue.created", targetType: "annotation_queue", target: made.queue.name, after: { filter: made.queue.filter, rubric: made.queue.rubric, reviewers: made.queue.reviewers, items: made.queue.items } });
    sendJson(res, 201, made);
  });
  r("GET", "/api/v1/annotate/queues/:name", (_req, res, p) => sendJson(res, 200, svc.get(p.name)));
  r("GET", "/api/v1/annotate/queues/:name/next", (_req, res, p, query) => {
    const q = parseQuery(nextQuery, query);
    sendJson(res, 200, { item: svc.next(p.name, q.reviewer) });
  });
  r("GET", "/api/v1/annotate/queues/:name/items", (_req, res, p, query) => {
    const q = parseQuery(itemsQuery, query);
    sendJson(res, 200, { data: svc.items(p.name, q.reviewer) });
  });
  r("GET", "/api/v1/annotate/queues/:name/items/:id", (_req, res, p, query) => {
    const q = parseQuery(itemsQuery, query);
    const { item, labels, record } = svc.item(p.name, p.id, q.reviewer);
    // Read live, not snapshotted: null when retention has removed the call's trace, [] when it had no retrieval.
    const call = d.traceStore.get(record.traceId);
    const retrieval = call ? retrievalContext(call, call.traceId && d.spans ? d.spans.byTrace(call.traceId) : [], d.chunks ?? (() => [])) : null;
    sendJson(res, 200, { item, labels, retrieval });
  });
  r("POST", "/api/v1/annotate/queues/:name/items/:id/labels", async (req, res, p) => {
    const body = validateBody(labelInput, await readJsonBody(req, 256 * 1024));
    const { label, state } = svc.label(p.name, p.id, body);
    sendJson(res, 201, { item: label.itemId, reviewer: label.reviewer, expertise: label.expertise, values: label.values, critique: label.critique, correction: label.correction, at: new Date(label.at).toISOString(), state });
  });
  r("POST", "/api/v1/annotate/queues/:name/items/:id/skip", (req, res, p) => {
    req.resume();
    sendJson(res, 200, { item: p.id, state: svc.skip(p.name, p.id) });
  });
  r("GET", "/api/v1/annotate/queues/:name/agreement", (_req, res, p, query) => {
    const q = parseQuery(agreementQuery, query);
    sendJson(res, 200, svc.agreement(p.name, { resamples: q.resamples }));
  });
  r("GET", "/api/v1/annotate/queues/:name/export", (req, res, p, query) => {
    const q = parseQuery(exportQuery, query);
    const snap = svc.snapshot(p.name);
    // The gate needs the alphas only: no bootstrap CIs (seconds on a large queue).
    const report = svc.agreement(p.name, { resamples: 0 });
    const out = exportQueue(snap.queue, snap.items, snap.labels, report, q.format, { force: q.force === "true", balance: q.balance === "true", now: Date.now() });
    const actor = actorOf(req, d.auth.authorize(req.headers.authorization, req.method).role);
    // The hash identifies the exact file: a training run can be traced back to this entry.
    d.audit?.record({ actor: actor.name, role: actor.role, action: "annotate.exported", targetType: "annotation_queue", target: snap.queue.name, after: { format: out.format, rows: out.rows, sha256: out.sha256, forced: out.forced, agreement: report.overall } });
    sendJson(res, 200, out);
  });
}
