import type { IncomingMessage, ServerResponse } from "node:http";
import type { EmbeddingsRequest } from "../api/chat-types.js";
import { embeddingsRequestSchema } from "../api/chat-schema.js";
import { embeddingsFacts } from "../routing/conditions.js";
import type { RouteCall } from "../routing/executor.js";
import { readJsonBody } from "../server/body.js";
import { sendJson } from "../server/respond.js";
import { admitModel, attribute } from "./admission.js";
import { admitLimits } from "./limit-step.js";
import type { GatewayContext } from "./context.js";
import type { GatewayDeps } from "./deps.js";
import { attemptsOnError, servedBy } from "./served-by.js";
import { formatTraceparent } from "./trace-context.js";
import { validateBody } from "../api/validate.js";
import { stripKeelFields } from "./normalize.js";

/** POST /v1/embeddings. */
export async function handleEmbeddings(deps: GatewayDeps, ctx: GatewayContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  ctx.principal = deps.keys.authenticate(req.headers.authorization);
  const body = validateBody(embeddingsRequestSchema, await readJsonBody(req, deps.config.server.max_body_bytes));
  ctx.body = body;
  ctx.modelRequested = body.model;
  attribute(ctx, body);
  const model = admitModel(ctx, deps, body.model, "embeddings");
  ctx.model = model;
  // [limits] rate limits and budgets, all or nothing; only the Redis backend returns a promise.
  const limited = admitLimits(ctx, deps, res);
  if (limited) await limited;
  // [normalise] Keel-only fields never go upstream; this body is also the one the trace stores.
  const upstream = stripKeelFields(body as EmbeddingsRequest);
  ctx.bodyOfRecord = upstream as unknown as Record<string, unknown>;
  const route = deps.routing.route(model, embeddingsFacts({ feature: ctx.feature, user: ctx.user, keyId: ctx.principal?.keyId ?? null }, body));
  const call: RouteCall = {
    route, requestId: ctx.requestId, traceparent: formatTraceparent(ctx.trace), signal: ctx.abort.signal, headers: req.headers,
    t0: ctx.t0, attempts: ctx.attempts,
  };
  const { value: out, target } = await attemptsOnError(ctx, res, deps.routing.executor.embeddings(call, upstream));
  servedBy(ctx, res, target);
  ctx.ttftMs = performance.now() - ctx.t0;
  ctx.usage = { prompt_tokens: out.usage.prompt_tokens, completion_tokens: 0, total_tokens: out.usage.total_tokens };
  // The vectors themselves are not worth keeping in a trace: record their count and size only.
  ctx.response = { object: "list", model: out.model, data: `[${out.data.length} embeddings]`, usage: out.usage };
  sendJson(res, 200, { ...out, model: body.model });
}

/** GET /v1/models: what this key may call. */
export function handleModels(deps: GatewayDeps, req: IncomingMessage, res: ServerResponse): void {
  const principal = deps.keys.authenticate(req.headers.authorization);
  const created = Math.floor(deps.startedAt / 1000);
  const data = deps.models
    .list()
    .filter((m) => !principal.models || principal.models.has(m.id))
    .map((m) => ({ id: m.id, object: "model" as const, created, owned_by: m.owned_by }));
  sendJson(res, 200, { object: "list", data });
}
