import { z } from "zod";
import { validateBody } from "../api/validate.js";
import { KeelError } from "../errors/errors.js";
import { createDatasetInput, type DatasetService, MAX_ITEMS_PER_CALL } from "../evals/datasets/dataset-service.js";
import { itemFromTrace } from "../evals/datasets/from-trace.js";
import type { AdminAuth } from "../keys/admin-token.js";
import type { TraceWriter } from "../observe/trace-writer.js";
import type { TraceRecord, TraceStore } from "../observe/types.js";
import { readJsonBody } from "../server/body.js";
import type { Router } from "../server/router.js";
import { sendJson } from "../server/respond.js";
import { adminRoute } from "./admin-route.js";
import { parseQuery } from "./query.js";

export interface DatasetRouteDeps {
  auth: AdminAuth;
  datasets: DatasetService;
  traceStore: TraceStore;
  traceWriter: TraceWriter;
}

const ITEMS_BODY_BYTES = 64 * 1024 * 1024;
const itemsQuery = z.strictObject({ version: z.coerce.number().int().min(0).optional(), split: z.string().max(32).optional(), tag: z.string().max(64).optional() });
const addItemsInput = z.strictObject({ items: z.array(z.unknown()).min(1).max(MAX_ITEMS_PER_CALL), mode: z.enum(["append", "replace"]).default("append"), note: z.string().max(1000).optional() });
const time = z.union([z.iso.datetime({ offset: true }), z.int().min(0)]).transform((v) => (typeof v === "number" ? v : Date.parse(v)));
const addTracesInput = z
  .strictObject({
    trace_ids: z.array(z.string().min(1).max(256)).min(1).max(10_000).optional(),
    filter: z
      .strictObject({
        model: z.string().max(256).optional(), feature: z.string().max(128).optional(), key: z.string().max(128).optional(),
        user: z.string().max(128).optional(), status: z.enum(["ok", "error"]).default("ok"), since: time.optional(), until: time.optional(),
        limit: z.int().min(1).max(10_000).default(100),
      })
      .optional(),
    /** Use each trace's answer as the expected output (to be reviewed), or leave it empty. */
    expected: z.enum(["output", "none"]).default("output"),
    split: z.string().min(1).max(32).optional(),
    tags: z.array(z.string().min(1).max(64)).max(64).optional(),
    note: z.string().max(1000).optional(),
  })
  .refine((b) => (b.trace_ids === undefined) !== (b.filter === undefined), { message: "give exactly one of trace_ids, filter" });

/** /api/v1/datasets: versioned golden datasets (docs/evals.md). */
export function registerDatasetRoutes(router: Router, d: DatasetRouteDeps): void {
  const r = (method: string, path: string, fn: Parameters<typeof adminRoute>[1]): void => void router.add(method, path, adminRoute(d.auth, fn));

  r("GET", "/api/v1/datasets", (_req, res) => sendJson(res, 200, { data: d.datasets.list() }));
  r("POST", "/api/v1/datasets", async (req, res) => sendJson(res, 201, d.datasets.create(validateBody(createDatasetInput, await readJsonBody(req, 64 * 1024)))));
  r("GET", "/api/v1/datasets/:name", (_req, res, p) => sendJson(res, 200, d.datasets.get(p.name)));
  r("GET", "/api/v1/datasets/:name/items", (_req, res, p, query) => {
    const q = parseQuery(itemsQuery, query);
    const { version, items } = d.datasets.items(p.name, q);
    sendJson(res, 200, { name: p.name, version, data: items });
  });
  r("POST", "/api/v1/datasets/:name/items", async (req, res, p) => {
    const body = validateBody(addItemsInput, await readJsonBody(req, ITEMS_BODY_BYTES));
    sendJson(res, 200, d.datasets.commit(p.name, body.items, { mode: body.mode, note: body.note }));
  });
  r("POST", "/api/v1/datasets/:name/traces", async (req, res, p) => {
    const body = validateBody(addTracesInput, await readJsonBody(req, 4 * 1024 * 1024));
    await d.traceWriter.flush();
    let traces: TraceRecord[];
    const missing: string[] = [];
    if (body.trace_ids) {
      traces = [];
      for (const id of body.trace_ids) {
        const t = d.traceStore.get(id);
        if (t) traces.push(t);
        else missing.push(id);
      }
    } else {
      const f = body.filter!;
      traces = d.traceStore.list({ model: f.model, feature: f.feature, keyId: f.key, user: f.user, status: f.status, since: f.since, until: f.until, limit: f.limit }).data;
    }
    const built = traces.map((t) => itemFromTrace(t, { expected: body.expected, split: body.split, tags: body.tags }));
    const items = built.flatMap((b) => (b.ok ? [b.item] : []));
    const skipped = [...built.flatMap((b) => (b.ok ? [] : [{ trace_id: b.traceId, reason: b.reason }])), ...missing.map((id) => ({ trace_id: id, reason: "no such trace" }))];
    if (items.length === 0) throw new KeelError("invalid_request", `No usable traces: ${skipped.slice(0, 3).map((s) => `${s.trace_id}: ${s.reason}`).join("; ") || "the filter matched none"}.`, { param: body.trace_ids ? "trace_ids" : "filter" });
    const summary = d.datasets.commit(p.name, items, { mode: "append", note: body.note ?? `${items.length} production traces` });
    sendJson(res, 200, { ...summary, skipped });
  });
}
