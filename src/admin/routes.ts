import type { IncomingMessage } from "node:http";
import { z } from "zod";
import type { AuditSink } from "../audit/types.js";
import { KeelError } from "../errors/errors.js";
import { validateBody } from "../api/validate.js";
import type { AdminAuth } from "../keys/admin-token.js";
import { createKeyInput, type KeyService } from "../keys/key-service.js";
import type { VirtualKeyView } from "../keys/types.js";
import type { TraceStore } from "../observe/types.js";
import type { TraceWriter } from "../observe/trace-writer.js";
import type { TraceReads } from "../observe/workers/trace-workers.js";
import type { Router } from "../server/router.js";
import { readJsonBody } from "../server/body.js";
import { sendJson } from "../server/respond.js";
import { actorOf, reasonOf } from "./actor.js";
import { adminRoute } from "./admin-route.js";
import { traceView } from "./trace-view.js";

export interface AdminDeps {
  auth: AdminAuth;
  keys: KeyService;
  traceStore: TraceStore;
  traceWriter: TraceWriter;
  /** Listings run in the read worker: a rare filter over a large store may scan many rows. */
  traceReads: Pick<TraceReads, "list">;
  /** Key creations and revocations are recorded here (who: `x-keel-actor`, why: `x-keel-reason`). */
  audit?: AuditSink;
}

const time = z.union([z.iso.datetime({ offset: true }), z.string().regex(/^\d{10,13}$/)]).transform((v) => (/^\d+$/.test(v) ? (v.length === 10 ? Number(v) * 1000 : Number(v)) : Date.parse(v)));
const traceQuery = z.strictObject({
  since: time.optional(),
  until: time.optional(),
  key: z.string().max(128).optional(),
  model: z.string().max(256).optional(),
  status: z.enum(["ok", "error", "cancelled"]).optional(),
  feature: z.string().max(128).optional(),
  user: z.string().max(128).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(50),
  cursor: z.string().max(512).optional(),
});

/** /api/v1/keys and /api/v1/traces. */
export function registerAdminRoutes(router: Router, d: AdminDeps): void {
  const r = (method: string, path: string, fn: Parameters<typeof adminRoute>[1]): void => void router.add(method, path, adminRoute(d.auth, fn));

  r("GET", "/api/v1/keys", (_req, res) => sendJson(res, 200, { data: d.keys.list() }));
  r("POST", "/api/v1/keys", async (req, res) => {
    const actor = actorOf(req, "admin");
    const input = validateBody(createKeyInput, await readJsonBody(req, 64 * 1024));
    const { key, view } = d.keys.create(input);
    d.audit?.record({ actor: actor.name, role: actor.role, action: "key.created", targetType: "key", target: view.id, after: view, reason: reasonOf(req) });
    sendJson(res, 201, { ...view, key });
  });
  r("GET", "/api/v1/keys/:id", (_req, res, p) => {
    const k = d.keys.get(p.id);
    if (!k) throw new KeelError("not_found", `No key with id "${p.id.slice(0, 64)}".`, { param: "id" });
    sendJson(res, 200, k);
  });
  const revoke = (req: IncomingMessage, id: string): VirtualKeyView => {
    const actor = actorOf(req, "admin");
    const before = d.keys.get(id);
    const after = d.keys.revoke(id);
    if (before?.status !== after.status) {
      d.audit?.record({ actor: actor.name, role: actor.role, action: "key.revoked", targetType: "key", target: id, before, after, reason: reasonOf(req) });
    }
    return after;
  };
  r("DELETE", "/api/v1/keys/:id", (req, res, p) => sendJson(res, 200, revoke(req, p.id)));
  r("POST", "/api/v1/keys/:id/revoke", (req, res, p) => sendJson(res, 200, revoke(req, p.id)));

  r("GET", "/api/v1/traces", async (_req, res, _p, query) => {
    await d.traceWriter.flush();
    const parsed = traceQuery.safeParse(Object.fromEntries(query));
    if (!parsed.success) {
      const i = parsed.error.issues[0];
      const param = String(i.path[0] ?? "query");
      throw new KeelError("invalid_request", `Invalid query parameter '${param}': ${i.message}.`, { param });
    }
    const q = parsed.data;
    let page;
    try {
      page = await d.traceReads.list({ since: q.since, until: q.until, keyId: q.key, model: q.model, status: q.status, feature: q.feature, user: q.user, limit: q.limit, cursor: q.cursor });
    } catch (err) {
      if (err instanceof RangeError) throw new KeelError("invalid_request", "Invalid query parameter 'cursor'.", { param: "cursor" });
      throw err;
    }
    sendJson(res, 200, { data: page.data.map((t) => traceView(t, false)), next_cursor: page.nextCursor });
  });
  r("GET", "/api/v1/traces/:id", async (_req, res, p) => {
    // A trace still in the write queue is not lost to the reader who just made the call.
    await d.traceWriter.flush();
    const t = d.traceStore.get(p.id);
    if (!t) throw new KeelError("not_found", `No trace with id "${p.id.slice(0, 128)}".`, { param: "id" });
    sendJson(res, 200, traceView(t, true));
  });
}
