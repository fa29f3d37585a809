import { z } from "zod";
import type { IncidentService } from "../incidents/incident-service.js";
import type { AdminAuth } from "../keys/admin-token.js";
import { resolveTime } from "../observe/summary/summary-query.js";
import type { Router } from "../server/router.js";
import { sendJson } from "../server/respond.js";
import { adminRoute } from "./admin-route.js";
import { parseQuery } from "./query.js";

const time = z.union([z.iso.datetime({ offset: true }), z.string().regex(/^\d{10,13}$/), z.string().regex(/^\d{1,5}[mhdw]$/)]);
const changesQuery = z.strictObject({ since: time.default("24h"), until: time.optional() });

/** /api/v1/incidents (firing alert episodes with ranked candidate causes) and /api/v1/changes (the change timeline). */
export function registerIncidentRoutes(router: Router, auth: AdminAuth, incidents: IncidentService, flushTraces: () => Promise<void>): void {
  router.add("GET", "/api/v1/incidents", adminRoute(auth, (_req, res) => sendJson(res, 200, { data: incidents.list() })));
  router.add("GET", "/api/v1/incidents/:id", adminRoute(auth, async (_req, res, p) => {
    await flushTraces();
    sendJson(res, 200, incidents.show(p.id));
  }));
  router.add("GET", "/api/v1/changes", adminRoute(auth, async (_req, res, _p, query) => {
    const q = parseQuery(changesQuery, query);
    const now = Date.now();
    await flushTraces();
    sendJson(res, 200, { data: incidents.changes(resolveTime(q.since, now), q.until ? resolveTime(q.until, now) : now + 1) });
  }));
}
