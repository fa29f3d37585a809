import { z } from "zod";
import type { AlertService } from "../alerts/alert-service.js";
import { validateBody } from "../api/validate.js";
import type { AdminAuth } from "../keys/admin-token.js";
import { readJsonBody } from "../server/body.js";
import type { Router } from "../server/router.js";
import { sendJson } from "../server/respond.js";
import { actorOf } from "./actor.js";
import { adminRoute } from "./admin-route.js";

const silenceInput = z.strictObject({
  /** Seconds from now; 0 lifts the silence. */
  duration_s: z.int().min(0).max(90 * 86_400),
});

/** /api/v1/alerts: rules with their states, API-managed rules, ack, silence, history, evaluate now. */
export function registerAlertRoutes(router: Router, auth: AdminAuth, alerts: AlertService): void {
  const r = (method: string, path: string, fn: Parameters<typeof adminRoute>[1]): void => void router.add(method, path, adminRoute(auth, fn));
  r("GET", "/api/v1/alerts", (_req, res) => sendJson(res, 200, { data: alerts.rules() }));
  r("GET", "/api/v1/alerts/notifications", (_req, res, _p, q) => sendJson(res, 200, { data: alerts.notifications(q.get("rule"), 500) }));
  r("POST", "/api/v1/alerts", async (req, res) => sendJson(res, 201, alerts.put(await readJsonBody(req, 64 * 1024))));
  r("POST", "/api/v1/alerts/evaluate", async (_req, res) => {
    await alerts.evaluate();
    sendJson(res, 200, { data: alerts.rules() });
  });
  r("GET", "/api/v1/alerts/:name", (_req, res, p) => sendJson(res, 200, alerts.get(p.name)));
  r("DELETE", "/api/v1/alerts/:name", (_req, res, p) => {
    alerts.delete(p.name);
    sendJson(res, 200, { deleted: p.name });
  });
  r("POST", "/api/v1/alerts/:name/ack", (req, res, p) => sendJson(res, 200, alerts.ack(p.name, actorOf(req, "admin").name)));
  r("POST", "/api/v1/alerts/:name/silence", async (req, res, p) => {
    const { duration_s } = validateBody(silenceInput, await readJsonBody(req, 4096));
    sendJson(res, 200, alerts.silence(p.name, Date.now() + duration_s * 1000));
  });
}
