import type { IncomingMessage, ServerResponse } from "node:http";
import { KeelError } from "../errors/errors.js";
import { inputItemPage, parseInputItemQuery } from "../responses/input-items.js";
import { sendJson } from "../server/respond.js";
import type { GatewayDeps } from "./deps.js";

/** Response ids as Keel makes them (`resp_` and hex) or as long as OpenAI's; anything else is a 404 without a lookup. */
const RESPONSE_ID = /^resp_[\w-]{1,120}$/;

/**
 * GET and DELETE /v1/responses/{id}: a stored response, for the key that created it only; any
 * other key gets the same 404 as a missing id, so ids cannot be probed across keys.
 */
export function handleResponseRead(deps: GatewayDeps, req: IncomingMessage, res: ServerResponse, id: string): void {
  const principal = deps.keys.authenticate(req.headers.authorization);
  const stored = RESPONSE_ID.test(id) ? deps.responses?.get(id, principal.keyId) ?? null : null;
  if (!stored) throw notFound(id);
  sendJson(res, 200, stored.response);
}

/** GET /v1/responses/{id}/input_items: the items the response was made from, one page (responses/input-items.ts). */
export function handleInputItems(deps: GatewayDeps, req: IncomingMessage, res: ServerResponse, id: string, query: URLSearchParams): void {
  const principal = deps.keys.authenticate(req.headers.authorization);
  const q = parseInputItemQuery(query);
  const stored = RESPONSE_ID.test(id) ? deps.responses?.get(id, principal.keyId) ?? null : null;
  if (!stored) throw notFound(id);
  sendJson(res, 200, inputItemPage(stored, q));
}

export async function handleResponseDelete(deps: GatewayDeps, req: IncomingMessage, res: ServerResponse, id: string): Promise<void> {
  const principal = deps.keys.authenticate(req.headers.authorization);
  if (!RESPONSE_ID.test(id) || !deps.responses || !(await deps.responses.delete(id, principal.keyId))) throw notFound(id);
  sendJson(res, 200, { id, object: "response.deleted", deleted: true });
}

function notFound(id: string): KeelError {
  return new KeelError("not_found", `No response found with id '${id.slice(0, 140)}'.`, { param: "response_id" });
}
