import type { IncomingMessage, ServerResponse } from "node:http";
import { KeelError } from "../errors/errors.js";
import { toOpenAIError } from "../errors/openai-shape.js";
import type { Router } from "../server/router.js";
import { sendError } from "../server/respond.js";
import { handleChat } from "./chat.js";
import { type GatewayContext, newContext } from "./context.js";
import type { GatewayDeps } from "./deps.js";
import { handleEmbeddings, handleModels } from "./embeddings.js";
import { finalizeTrace } from "./finalize.js";
import { settleLimits } from "./limit-step.js";
import { settleBodyOfRecord } from "./guard-step.js";
import { randomHex } from "./random-hex.js";
import { traceContextFrom } from "./trace-context.js";
import type { TraceRecord } from "../observe/types.js";

type CallHandler = (deps: GatewayDeps, ctx: GatewayContext, req: IncomingMessage, res: ServerResponse) => Promise<void>;

const REQUEST_ID = /^[\w.:-]{8,128}$/;

/** The OpenAI-compatible data plane: /v1/*. */
export function registerGatewayRoutes(router: Router, deps: GatewayDeps): void {
  router.add("POST", "/v1/chat/completions", traced(deps, "chat", handleChat));
  router.add("POST", "/v1/embeddings", traced(deps, "embeddings", handleEmbeddings));
  router.add("GET", "/v1/models", (req, res) => {
    res.setHeader("x-request-id", requestIdOf(req));
    try {
      handleModels(deps, req, res);
    } catch (err) {
      sendError(res, err);
    }
  });
}

/**
 * Wraps a model call: request id, trace context, the request deadline, abort when the client goes
 * away, errors in OpenAI's shape — and, whatever happened, one trace record after the response.
 */
function traced(deps: GatewayDeps, endpoint: GatewayContext["endpoint"], handler: CallHandler) {
  const timeoutMs = deps.config.server.request_timeout_ms;
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const requestId = requestIdOf(req);
    res.setHeader("x-request-id", requestId);
    const ctx = newContext(requestId, req.headers, traceContextFrom(req.headers.traceparent), endpoint);
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
      await handler(deps, ctx, req, res);
    } catch (err) {
      const e = ctx.abort.signal.aborted && !(err instanceof KeelError) ? ctx.abort.signal.reason : err;
      if (!(e instanceof KeelError)) deps.log.error("unhandled error in gateway call", { request_id: requestId, error: String((e as Error)?.stack ?? e) });
      const { status, body } = toOpenAIError(e);
      ctx.httpStatus = res.destroyed && !res.writableFinished ? 499 : status;
      ctx.errorCode = body.error.code;
      ctx.errorMessage = body.error.message;
      if (!res.destroyed) sendError(res, e);
    } finally {
      clearTimeout(deadline);
      res.off("close", onClose);
      let record: TraceRecord | null = null;
      try {
        // The response is out: log-only guard scanners run now, before the trace is written.
        if (ctx.guard) await ctx.guard.runDeferred();
        await settleBodyOfRecord(ctx, deps.guard, deps.config.traces.capture !== "none");
        record = finalizeTrace(ctx, deps);
      } catch (err) {
        deps.log.error("trace finalisation failed", { request_id: requestId, error: String(err) });
      }
      // Leases and reservations are released on every path, even when finalisation failed.
      settleLimits(ctx, deps, record);
    }
  };
}

function requestIdOf(req: IncomingMessage): string {
  const given = req.headers["x-request-id"];
  return typeof given === "string" && REQUEST_ID.test(given) ? given : `req_${randomHex(16)}`;
}
