import type { IncomingMessage, ServerResponse } from "node:http";
import type { ChatChunk, ChatRequest } from "../api/chat-types.js";
import { chatRequestSchema } from "../api/chat-schema.js";
import { KeelError } from "../errors/errors.js";
import { toOpenAIError } from "../errors/openai-shape.js";
import { chatFacts } from "../routing/conditions.js";
import type { RouteCall } from "../routing/executor.js";
import type { RoutedStream } from "../routing/routed-stream.js";
import { readJsonBody } from "../server/body.js";
import { drained } from "../server/backpressure.js";
import { sendJson } from "../server/respond.js";
import { admitModel, attribute } from "./admission.js";
import { admitLimits } from "./limit-step.js";
import type { GatewayContext } from "./context.js";
import type { GatewayDeps } from "./deps.js";
import { attemptsOnError, servedBy } from "./served-by.js";
import { StreamAssembler } from "./stream-assembler.js";
import { applyPromptStep, withPromptHeader } from "./prompt-step.js";
import { formatTraceparent } from "./trace-context.js";
import { guardCompletion, guardInput, guardStream, settleStream } from "./guard-step.js";
import { validateBody } from "../api/validate.js";
import { stripKeelFields } from "./normalize.js";

const DONE = "data: [DONE]\n\n";

/** POST /v1/chat/completions: authenticate, bound and validate, resolve the model, call, answer. */
export async function handleChat(deps: GatewayDeps, ctx: GatewayContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  ctx.principal = deps.keys.authenticate(req.headers.authorization);
  const sent = validateBody(chatRequestSchema, withPromptHeader(req.headers, await readJsonBody(req, deps.config.server.max_body_bytes)));
  attribute(ctx, sent);
  // [prompts] a named prompt is rendered into the body before anything reads its model or messages.
  const body = applyPromptStep(ctx, deps.prompts, sent, res);
  ctx.body = body;
  ctx.modelRequested = body.model;
  ctx.stream = body.stream === true;
  const model = admitModel(ctx, deps, body.model, "chat");
  ctx.model = model;
  // Hook points for later layers, in this order: [limits] admission (rate limits, budgets; settled
  // after the call), [guard:input] screening, [routing] target choice with retries and failover
  // (the executor calls below), [guard:output] screening of answers and streams.
  // [limits] rate limits and budgets, all or nothing; only the Redis backend returns a promise.
  const limited = admitLimits(ctx, deps, res);
  if (limited) await limited;
  // [guard:input] may redact the body, plant a canary, or refuse the call (guard_blocked).
  // [normalise] the gateway, not a layer, strips Keel-only fields: the body of record goes upstream.
  const screened = stripKeelFields(await guardInput(ctx, deps.guard, body as ChatRequest));
  ctx.bodyOfRecord = screened as unknown as Record<string, unknown>;
  const route = deps.routing.route(model, chatFacts({ feature: ctx.feature, user: ctx.user, keyId: ctx.principal?.keyId ?? null }, body as ChatRequest));
  const call: RouteCall = {
    route,
    requestId: ctx.requestId,
    traceparent: formatTraceparent(ctx.trace),
    signal: ctx.abort.signal,
    headers: req.headers,
    t0: ctx.t0,
    attempts: ctx.attempts,
  };
  const executor = deps.routing.executor;
  if (ctx.stream) {
    const stream = await attemptsOnError(ctx, res, executor.chatStream(call, screened));
    servedBy(ctx, res, stream.target);
    return streamChat(ctx, stream, res, body.stream_options?.include_usage === true);
  }
  const { value: answer, target } = await attemptsOnError(ctx, res, executor.chat(call, screened));
  servedBy(ctx, res, target);
  ctx.ttftMs = performance.now() - ctx.t0;
  ctx.usage = answer.usage ?? null;
  // [guard:output] screens content and tool calls before the client sees them.
  const completion = await guardCompletion(ctx, answer);
  ctx.response = completion;
  sendJson(res, 200, completion);
}

/**
 * Pipes chunks to the client as they come: each is written as soon as the provider yields it, no
 * buffering. The executor resolves at the first chunk — until then a failure fails over, or is
 * still a proper HTTP error — and a failure after it ends the stream with an error event.
 */
async function streamChat(ctx: GatewayContext, stream: RoutedStream, res: ServerResponse, clientWantsUsage: boolean): Promise<void> {
  let step: IteratorResult<ChatChunk> = { done: false, value: stream.first };
  res.writeHead(200, {
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-cache",
    "x-accel-buffering": "no",
  });
  ctx.ttftMs = performance.now() - ctx.t0;
  const asm = new StreamAssembler();
  const screen = guardStream(ctx);
  try {
    while (!step.done) {
      // [guard:output] each chunk is screened in the tick it arrives; a held-back chunk is null.
      const chunk: ChatChunk | null = screen ? screen.push(step.value) : step.value;
      if (chunk === null) {
        step = await stream.next();
        continue;
      }
      asm.add(chunk);
      // Keel always asks providers for usage; a client that did not ask does not get the usage-only chunk.
      if (clientWantsUsage || chunk.choices.length > 0 || !chunk.usage) {
        if (!res.write(`data: ${JSON.stringify(chunk)}\n\n`)) await drained(res, ctx.abort.signal);
      }
      step = await stream.next();
    }
    screen?.finish();
    res.end(DONE);
  } catch (err) {
    const { body, status } = toOpenAIError(err instanceof KeelError ? err : new KeelError("upstream_stream_error", "The upstream stream failed."));
    ctx.httpStatus = status;
    ctx.errorCode = body.error.code;
    ctx.errorMessage = body.error.message;
    if (!res.destroyed) res.end(`data: ${JSON.stringify(body)}\n\n`);
    void stream.return().catch(() => {});
  } finally {
    settleStream(ctx, screen);
    ctx.usage = asm.usage;
    ctx.response = asm.result();
  }
}
