import type { IncomingMessage, ServerResponse } from "node:http";
import type { ChatChunk, ChatRequest } from "../api/chat-types.js";
import { chatRequestSchema } from "../api/chat-schema.js";
import { KeelError } from "../errors/errors.js";
import { toOpenAIError } from "../errors/openai-shape.js";
import type { CallContext, Provider } from "../providers/types.js";
import { readJsonBody } from "../server/body.js";
import { drained } from "../server/backpressure.js";
import { sendJson } from "../server/respond.js";
import { admitModel, attribute } from "./admission.js";
import type { GatewayContext } from "./context.js";
import type { GatewayDeps } from "./deps.js";
import { StreamAssembler } from "./stream-assembler.js";
import { formatTraceparent } from "./trace-context.js";
import { validateBody } from "../api/validate.js";

const DONE = "data: [DONE]\n\n";

/** POST /v1/chat/completions: authenticate, bound and validate, resolve the model, call, answer. */
export async function handleChat(deps: GatewayDeps, ctx: GatewayContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  ctx.principal = deps.keys.authenticate(req.headers.authorization);
  const body = validateBody(chatRequestSchema, await readJsonBody(req, deps.config.server.max_body_bytes));
  ctx.body = body;
  ctx.modelRequested = body.model;
  ctx.stream = body.stream === true;
  attribute(ctx, body);
  const model = admitModel(ctx, deps, body.model, "chat");
  ctx.model = model;
  // Hook points for later layers, in this order: [limits] admission (rate limits, budgets; settled
  // after the call), [guard:input] screening, [routing] target choice with retries and failover
  // (replacing the direct provider call below), [guard:output] screening of answers and streams.
  const provider = deps.providers.get(model.provider);
  const upstream = { ...body, model: model.upstream } as ChatRequest;
  const call: CallContext = {
    requestId: ctx.requestId,
    traceparent: formatTraceparent(ctx.trace),
    signal: ctx.abort.signal,
    headers: req.headers,
  };
  res.setHeader("x-keel-provider", model.provider);
  if (ctx.stream) return streamChat(ctx, provider, upstream, call, res, body.stream_options?.include_usage === true);
  const completion = await provider.chat(upstream, call);
  ctx.ttftMs = performance.now() - ctx.t0;
  ctx.usage = completion.usage ?? null;
  ctx.response = completion;
  sendJson(res, 200, completion);
}

/**
 * Pipes chunks to the client as they come: each is written as soon as the provider yields it, no
 * buffering. Headers wait for the first chunk, so a failure before it is still a proper HTTP error
 * (and, later, a failover point); a failure after it ends the stream with an error event.
 */
async function streamChat(
  ctx: GatewayContext, provider: Provider, upstream: ChatRequest, call: CallContext, res: ServerResponse, clientWantsUsage: boolean,
): Promise<void> {
  const it = provider.chatStream(upstream, call)[Symbol.asyncIterator]();
  let step = await it.next();
  res.writeHead(200, {
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-cache",
    "x-accel-buffering": "no",
  });
  ctx.ttftMs = performance.now() - ctx.t0;
  const asm = new StreamAssembler();
  try {
    while (!step.done) {
      const chunk: ChatChunk = step.value;
      asm.add(chunk);
      // Keel always asks providers for usage; a client that did not ask does not get the usage-only chunk.
      if (clientWantsUsage || chunk.choices.length > 0 || !chunk.usage) {
        if (!res.write(`data: ${JSON.stringify(chunk)}\n\n`)) await drained(res, ctx.abort.signal);
      }
      step = await it.next();
    }
    res.end(DONE);
  } catch (err) {
    const { body, status } = toOpenAIError(err instanceof KeelError ? err : new KeelError("upstream_stream_error", "The upstream stream failed."));
    ctx.httpStatus = status;
    ctx.errorCode = body.error.code;
    ctx.errorMessage = body.error.message;
    if (!res.destroyed) res.end(`data: ${JSON.stringify(body)}\n\n`);
    void it.return?.();
  } finally {
    ctx.usage = asm.usage;
    ctx.response = asm.result();
  }
}
