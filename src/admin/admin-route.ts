import type { IncomingMessage, ServerResponse } from "node:http";
import type { AdminAuth } from "../keys/admin-token.js";
import type { Handler } from "../server/router.js";
import { sendError } from "../server/respond.js";

/**
 * Admin routes check the credential first — the admin token, or a viewer key on GET/HEAD — and
 * errors leave in OpenAI's shape like everywhere else.
 */
export function adminRoute(auth: AdminAuth, fn: Handler): Handler {
  return async (req: IncomingMessage, res: ServerResponse, params, query) => {
    try {
      auth.authorize(req.headers.authorization, req.method);
      await fn(req, res, params, query);
    } catch (err) {
      req.resume();
      sendError(res, err);
    }
  };
}
