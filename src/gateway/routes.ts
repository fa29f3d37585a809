import type { IncomingMessage, ServerResponse } from "node:http";
import { KeelError } from "../errors/errors.js";
import { toOpenAIError } from "../errors/openai-shape.js";
import type { Router } from "../server/router.js";
import { sendError } from "../server/respond.js";
import { CHAT } from "./chat-pipeline.js";
import type { GatewayContext } from "./context.js";
import type { GatewayDeps } from "./deps.js";
import { handleModels } from "./embeddings.js";
import { EMBEDDINGS } from "./embeddings-pipeline.js";
import { COUNT_TOKENS, MESSAGES } from "./anthropic/messages-pipeline.js";
import { handleAnthropicModels, isAnthropicClient } from "./anthropic/models.js";
import { runDeferred, runStages, type Surface } from "./pipeline.js";
import { randomHex } from "../random/random-hex.js";
import { RESPONSES } from "./responses-pipeline.js";
import { handleInputItems, handleResponseDelete, handleResponseRead } from "./responses-read.js";
import { MODERATIONS } from "./moderations-pipeline.js";
import { traceContextFrom } from "./trace-context.js";

const REQUEST_ID = /^[\w.:-]{8,128}$/;

/** The OpenAI-compatible data plane: /v1/*. */
export function registerGatewayRoutes(router: Router, deps: GatewayDeps): void {
  router.add("POST", "/v1/chat/completions", traced(deps, CHAT));
  router.add("POST", "/v1/embeddings", traced(deps, EMBEDDINGS));
  router.add("POST", "/v1/responses", traced(deps, RESPONSES));
  router.add("GET", "/v1/responses/:id", (req, res, params) => untraced(req, res, () => handleResponseRead(deps, req, res, params.id)));
  router.add("GET", "/v1/responses/:id/input_items", (req, res, params, query) => untraced(req, res, () => handleInputItems(deps, req, res, params.id, query)));
  router.add("DELETE", "/v1/responses/:id", (req, res, params) => untraced(req, res, () => handleResponseDelete(deps, req, res, params.id)));
  router.add("POST", "/v1/moderations", traced(deps, MODERATIONS));
  // Anthropic's Messages API (docs/inbound-anthropic.md).
  router.add("POST", "/v1/messages", traced(deps, MESSAGES));
  router.add("POST", "/v1/messages/count_tokens", traced(deps, COUNT_TOKENS));
  router.add("GET", "/v1/models", (req, res) => {
    res.setHeader("x-request-id", requestIdOf(req));
    // Anthropic's SDK lists models in its own shape (it sends anthropic-version).
    if (isAnthropicClient(req)) return handleAnthropicModels(deps, req, res);
    try {
      handleModels(deps, req, res);
    } catch (err) {
      sendError(res, err);
    }
  });
}

/**
 * Runs a surface's stage list (pipeline.ts) inside what every model call gets: request id, trace
 * context, the request deadline, abort when the client goes away, errors in OpenAI's shape — and,
 * whatever happened, its deferred stages (one trace record, limits settled) after the response.
 */
function traced<C extends GatewayContext>(deps: GatewayDeps, surface: Surface<C>) {
  const timeoutMs = deps.config.server.request_timeout_ms;
  const answerError = surface.sendError ?? sendError;
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const requestId = requestIdOf(req);
    res.setHeader("x-request-id", requestId);
    const ctx = surface.create(requestId, req.headers, traceContextFrom(req.headers.traceparent));
    const deadline = setTimeout(
      () => ctx.abort.abort(new KeelError("upstream_timeout", `Request exceeded the ${timeoutMs} ms deadline (server.request_timeout_ms).`)),
      timeoutMs,
    );
    const onClose = (): void => {
      // Traced as "cancelled", not an error: a hang-up says nothing about Keel or the provider.
      if (!res.writableFinished) ctx.abort.abort(new KeelError("client_closed", "The client closed the connection before the response was complete."));
    };
    res.once("close", onClose);
    try {
      await runStages(surface.stages, ctx, deps, req, res);
    } catch (err) {
      const e = ctx.abort.signal.aborted && !(err instanceof KeelError) ? ctx.abort.signal.reason : err;
      if (!(e instanceof KeelError)) deps.log.error("unhandled error in gateway call", { request_id: requestId, error: String((e as Error)?.stack ?? e) });
      const { status, body } = toOpenAIError(e);
      const cut = res.destroyed && !res.writableFinished;
      ctx.errorCode = body.error.code;
      ctx.errorMessage = body.error.message;
      // The trace keeps the status the client was sent, in its surface's shape (Anthropic's 529 is not OpenAI's 503).
      const sent = res.destroyed ? status : answerError(res, e);
      ctx.httpStatus = cut ? 499 : sent;
    } finally {
      clearTimeout(deadline);
      res.off("close", onClose);
      // The response is out: log-only scanners, the stored body, the trace; limits settle on every path.
      await runDeferred(surface.deferred, ctx, deps);
    }
  };
}

/** A read that calls no model: a request id and errors in OpenAI's shape, no trace. */
function untraced(req: IncomingMessage, res: ServerResponse, handle: () => void | Promise<void>): void | Promise<void> {
  res.setHeader("x-request-id", requestIdOf(req));
  try {
    const pending = handle();
    if (pending) return pending.catch((err: unknown) => void sendError(res, err));
  } catch (err) {
    sendError(res, err);
  }
}

function requestIdOf(req: IncomingMessage): string {
  const given = req.headers["x-request-id"];
  return typeof given === "string" && REQUEST_ID.test(given) ? given : `req_${randomHex(16)}`;
}
