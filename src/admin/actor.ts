import type { IncomingMessage, ServerResponse } from "node:http";
import { KeelError } from "../errors/errors.js";
import type { Actor, AdminRoles, Role } from "../keys/roles.js";
import type { Handler } from "../server/router.js";
import { sendError } from "../server/respond.js";

const ACTOR = /^[\w.@:/+ -]{1,128}$/;
const MAX_REASON = 1000;

/**
 * Who is acting, for the audit log: the `x-keel-actor` header (the CLI sends the OS user,
 * `cli:alice`; a dashboard or CI job sends its own), else the role's name. The token proves the
 * role; the name is what the caller says — an attribution, not an authentication.
 */
export function actorOf(req: IncomingMessage, role: Role): Actor {
  const given = req.headers["x-keel-actor"];
  if (given === undefined) return { name: role, role };
  if (typeof given !== "string" || !ACTOR.test(given.trim())) {
    throw new KeelError("invalid_request", "Invalid 'x-keel-actor' header: 1–128 letters, digits, spaces and . _ - @ : / + only.", { param: "x-keel-actor" });
  }
  return { name: given.trim(), role };
}

/** Why: the body's `reason`, else the `x-keel-reason` header (percent-encoded for non-ASCII). */
export function reasonOf(req: IncomingMessage, fromBody?: string | null): string | null {
  if (fromBody) return fromBody.slice(0, MAX_REASON);
  const h = req.headers["x-keel-reason"];
  if (typeof h !== "string" || h.trim() === "") return null;
  try {
    return decodeURIComponent(h.trim()).slice(0, MAX_REASON);
  } catch {
    return h.trim().slice(0, MAX_REASON);
  }
}

export type ActorHandler = (req: IncomingMessage, res: ServerResponse, params: Record<string, string>, query: URLSearchParams, actor: Actor) => void | Promise<void>;

/**
 * Like adminRoute, for routes an editor token may also call: the handler gets the actor and its
 * role. A viewer key passes on GET and HEAD only, so no write handler ever sees a viewer.
 */
export function roleRoute(roles: AdminRoles, fn: ActorHandler): Handler {
  return async (req, res, params, query) => {
    try {
      const actor = actorOf(req, roles.roleOf(req.headers.authorization, req.method));
      await fn(req, res, params, query, actor);
    } catch (err) {
      req.resume();
      sendError(res, err);
    }
  };
}
