import { z } from "zod";
import type { DriftCanary } from "../incidents/drift/drift-canary.js";
import type { DriftStore } from "../incidents/drift/drift-store.js";
import type { AdminAuth } from "../keys/admin-token.js";
import { resolveTime } from "../observe/summary/summary-query.js";
import type { Router } from "../server/router.js";
import { sendJson } from "../server/respond.js";
import { adminRoute } from "./admin-route.js";
import { parseQuery } from "./query.js";

const time = z.union([z.iso.datetime({ offset: true }), z.string().regex(/^\d{10,13}$/), z.string().regex(/^\d{1,5}[mhdw]$/)]);
const runsQuery = z.strictObject({ since: time.default("7d"), drifted: z.enum(["true", "false"]).default("false") });

/** `GET /api/v1/drift` (canary run history) and `POST /api/v1/drift/run` (one run now). */
export function registerDriftRoutes(router: Router, auth: AdminAuth, canary: DriftCanary, store: DriftStore): void {
  router.add("GET", "/api/v1/drift", adminRoute(auth, (_req, res, _p, query) => {
    const q = parseQuery(runsQuery, query);
    const now = Date.now();
    sendJson(res, 200, { data: store.runs(resolveTime(q.since, now), now + 1, q.drifted === "true") });
  }));
  router.add("POST", "/api/v1/drift/run", adminRoute(auth, async (_req, res) => {
    sendJson(res, 200, { enabled: canary.enabled, data: canary.enabled ? await canary.run() : [] });
  }));
}
