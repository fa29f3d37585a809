import type { AdminRoles } from "../keys/roles.js";
import type { Router } from "../server/router.js";
import { sendError, sendJson } from "../server/respond.js";

/**
 * GET /api/v1/me: who the caller is — the dashboard asks at sign-in to decide which controls to
 * show. Any admin-API credential may ask (admin token, editor token, viewer key); else a 401.
 */
export function registerMeRoute(router: Router, roles: AdminRoles): void {
  router.add("GET", "/api/v1/me", (req, res) => {
    try {
      const c = roles.callerOf(req.headers.authorization, req.method);
      sendJson(res, 200, { role: c.role, key_id: c.keyId, name: c.name });
    } catch (err) {
      sendError(res, err);
    }
  });
}
