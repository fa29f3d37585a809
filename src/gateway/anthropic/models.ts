import type { IncomingMessage, ServerResponse } from "node:http";
import { KeelError } from "../../errors/errors.js";
import { sendJson } from "../../server/respond.js";
import type { GatewayDeps } from "../deps.js";
import { sendAnthropicError } from "./messages.js";

/**
 * GET /v1/models as Anthropic's SDK asks for it (`client.models.list()`, which sends
 * `anthropic-version`): the models this key may call, in Anthropic's list shape — one page, so
 * `has_more` is false. The key may come as `x-api-key` or `Authorization: Bearer`.
 */
export function isAnthropicClient(req: IncomingMessage): boolean {
  return req.headers["anthropic-version"] !== undefined;
}

export function handleAnthropicModels(deps: GatewayDeps, req: IncomingMessage, res: ServerResponse): void {
  try {
    const key = req.headers["x-api-key"];
    const authorization = typeof key === "string" && key !== "" ? `Bearer ${key}` : req.headers.authorization;
    if (!authorization) throw new KeelError("missing_api_key", "Missing API key: send it as 'x-api-key: <key>' or 'Authorization: Bearer <key>'.");
    const principal = deps.keys.authenticate(authorization);
    const createdAt = new Date(deps.startedAt).toISOString();
    const data = deps.models
      .list()
      .filter((m) => m.type === "chat" && (!principal.models || principal.models.has(m.id)))
      .map((m) => ({ type: "model" as const, id: m.id, display_name: m.id, created_at: createdAt }));
    sendJson(res, 200, { data, has_more: false, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null });
  } catch (err) {
    sendAnthropicError(res, err);
  }
}
