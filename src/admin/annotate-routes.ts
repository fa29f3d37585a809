import { z } from "zod";
import { AnnotationService } from "../annotate/annotation-service.js";
import { assembleExport, diffExports } from "../annotate/export-assemble.js";
import { exportQueue } from "../annotate/queue-export.js";
import { createQueueInput, EXPORT_FORMATS, exportRequest, labelInput, reviewerSchema } from "../annotate/queue-schema.js";
import { retrievalContext } from "../annotate/retrieval-context.js";
import { parseSource, sourceRows } from "../annotate/source-export.js";
import { DEFAULT_MAX_SYNTHETIC_SHARE, syntheticShare } from "../annotate/synthetic-share.js";
import type { AnnotationStore, ExportRecord } from "../annotate/types.js";
import { KeelError } from "../errors/errors.js";
import type { DatasetStore } from "../evals/datasets/types.js";
import type { RunStore } from "../evals/runner/run-types.js";
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
const listExportsQuery = z.strictObject({ limit: z.coerce.number().int().min(1).max(1000).default(100) });
const HASH = /^[0-9a-f]{64}$/;
const exportsBody = 1024 * 1024;
const exportsView = (r: ExportRecord): Record<string, unknown> => ({ hash: r.hash, format: r.format, sources: r.sources, filters: r.filters, counts: r.counts, actor: r.actor, created_at: new Date(r.createdAt).toISOString() });
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
  /** Eval runs and datasets: the `pairwise:RUN_ID` and `dataset:NAME` export sources. */
  runs?: RunStore;
  datasets?: DatasetStore;
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
    const origins = out.provenance.trim().split("\n").map((l) => (JSON.parse(l) as { origin: string }).origin);
    const sources: Record<string, number> = {};
    for (const l of out.provenance.trim().split("\n")) { const k = (JSON.parse(l) as { source: string }).source; sources[k] = (sources[k] ?? 0) + 1; }
    const counted: Record<string, number> = {};
    for (const o of origins) counted[o] = (counted[o] ?? 0) + 1;
    const stored = d.annotations.putExport({
      hash: out.sha256, format: out.format, sources: [`queue:${snap.queue.name}`], filters: { force: q.force === "true", balance: q.balance === "true" },
      counts: { rows: out.rows, origins: counted, sources, synthetic_share: syntheticShare(origins) }, card: out.card, jsonl: out.jsonl, provenance: out.provenance, actor: actor.name, createdAt: Date.now(),
    });
    // The hash identifies the exact file: a training run can be traced back to this entry.
    d.audit?.record({ actor: actor.name, role: actor.role, action: "annotate.exported", targetType: "annotation_queue", target: snap.queue.name, after: { format: out.format, rows: out.rows, sha256: out.sha256, forced: out.forced, agreement: report.overall, new_record: stored } });
    sendJson(res, 200, out);
  });

  // Exports from any sources, stored as immutable records keyed by their content hash.
  r("POST", "/api/v1/annotate/exports", async (req, res) => {
    const body = validateBody(exportRequest, await readJsonBody(req, exportsBody));
    const specs = body.from.map(parseSource);
    if (specs.some((s) => s.kind === "feedback" || s.kind === "pairwise")) await d.flushTraces();
    const max = body.max_synthetic_share ?? DEFAULT_MAX_SYNTHETIC_SHARE;
    const deps = {
      queue: (name: string) => ({ ...svc.snapshot(name), report: svc.agreement(name, { resamples: 0 }) }),
      listTraces: (f: Parameters<TraceStore["list"]>[0]) => d.traceStore.list(f),
      feedback: (id: string) => d.scores.feedback(id),
      trace: (id: string) => d.traceStore.get(id),
      runs: d.runs,
      datasets: d.datasets,
    };
    const opts = { format: body.format, force: body.force, since: body.since, limit: body.limit, licence: body.licence ?? null };
    const parts = specs.map((s) => sourceRows(s, deps, opts));
    const filters = { since: body.since ?? null, limit: body.limit, balance: body.balance, force: body.force, max_synthetic_share: max, strict: body.strict, licence: body.licence ?? null };
    const out = await assembleExport(parts, { format: body.format, balance: body.balance, maxSyntheticShare: max, strict: body.strict, output: body.output, now: Date.now(), filters });
    const actor = actorOf(req, d.auth.authorize(req.headers.authorization, req.method).role);
    const stored = d.annotations.putExport({
      hash: out.sha256, format: out.format, sources: out.sources, filters, counts: out.counts, card: out.card, jsonl: out.jsonl, provenance: out.provenance, actor: actor.name, createdAt: Date.now(),
    });
    d.audit?.record({
      actor: actor.name, role: actor.role, action: "annotate.exported", targetType: "annotation_export", target: out.sha256,
      after: { format: out.format, sources: out.sources, rows: out.rows, sha256: out.sha256, forced: out.forced, synthetic_share: out.synthetic_share, warnings: out.warnings, new_record: stored },
    });
    sendJson(res, 200, { ...out, record: { hash: out.sha256, new: stored } });
  });
  r("GET", "/api/v1/annotate/exports", (_req, res, _p, query) => {
    const q = parseQuery(listExportsQuery, query);
    sendJson(res, 200, { data: d.annotations.listExports(q.limit).map(exportsView) });
  });
  const record = (hash: string, param: string): ExportRecord => {
    if (!HASH.test(hash)) throw new KeelError("invalid_request", `"${hash.slice(0, 80)}" is not an export hash (64 lower-case hex digits).`, { param });
    const rec = d.annotations.getExport(hash);
    if (!rec) throw new KeelError("not_found", `No export with hash ${hash}.`, { param });
    return rec;
  };
  r("GET", "/api/v1/annotate/exports/:hash", (_req, res, p) => {
    const rec = record(p.hash, "hash");
    sendJson(res, 200, { ...exportsView(rec), card: rec.card, jsonl: rec.jsonl, provenance: rec.provenance });
  });
  r("GET", "/api/v1/annotate/exports/:a/diff/:b", (_req, res, p) => sendJson(res, 200, diffExports(record(p.a, "a"), record(p.b, "b"))));
}
