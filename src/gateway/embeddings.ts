import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";
import type { EmbeddingsRequest, EmbeddingsResponse } from "../api/chat-types.js";
import { embeddingsRequestSchema } from "../api/chat-schema.js";
import { validateBody } from "../api/validate.js";
import { embeddingsFacts } from "../routing/conditions.js";
import type { RouteCall } from "../routing/executor.js";
import { sendJson } from "../server/respond.js";
import { GatewayContext } from "./context.js";
import type { GatewayDeps } from "./deps.js";
import type { Stage } from "./pipeline.js";
import { attemptsOnError, servedBy } from "./served-by.js";
import { formatTraceparent, type TraceContext } from "./trace-context.js";

/** POST /v1/embeddings: the stages only embeddings has (order: embeddings-pipeline.ts); and GET /v1/models. */

export class EmbeddingsContext extends GatewayContext<EmbeddingsRequest, EmbeddingsRequest> {
  /** The provider's answer, sent to the client with the model name it asked for. */
  result: EmbeddingsResponse | null = null;

  constructor(requestId: string, headers: IncomingHttpHeaders, trace: TraceContext) {
    super(requestId, headers, trace, "embeddings");
    this.surface = "openai.embeddings";
  }
}

/** The embeddings schema; nothing renders into this body, so it is final here. */
export const validateEmbeddings: Stage<EmbeddingsContext> = {
  name: "validate",
  run(ctx) {
    const body = validateBody(embeddingsRequestSchema, ctx.raw);
    ctx.sent = body;
    ctx.body = body;
    ctx.modelRequested = body.model;
  },
};

export const routeAndEmbed: Stage<EmbeddingsContext> = {
  name: "route and call",
  async run(ctx, deps, req, res) {
    const route = deps.routing.route(ctx.model!, embeddingsFacts({ feature: ctx.feature, user: ctx.user, keyId: ctx.principal?.keyId ?? null }, ctx.body!, ctx.memo.promptTokens));
    const call: RouteCall = {
      route, requestId: ctx.requestId, traceparent: formatTraceparent(ctx.trace), signal: ctx.abort.signal, headers: req.headers,
      t0: ctx.t0, attempts: ctx.attempts,
    };
    const { value: out, target } = await attemptsOnError(ctx, res, deps.routing.executor.embeddings(call, ctx.bodyOfRecord as EmbeddingsRequest));
    servedBy(ctx, res, target);
    ctx.ttftMs = performance.now() - ctx.t0;
    ctx.usage = { prompt_tokens: out.usage.prompt_tokens, completion_tokens: 0, total_tokens: out.usage.total_tokens };
    // The vectors themselves are not worth keeping in a trace: record their count and size only.
    ctx.response = { object: "list", model: out.model, data: `[${out.data.length} embeddings]`, usage: out.usage };
    ctx.result = out;
  },
};

export const respondEmbeddings: Stage<EmbeddingsContext> = {
  name: "respond",
  run(ctx, _deps, _req, res) {
    sendJson(res, 200, { ...ctx.result!, model: ctx.body!.model });
  },
};

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
