import type { IncomingHttpHeaders, ServerResponse } from "node:http";
import type { ChatCompletion, ChatRequest, SentChatRequest } from "../api/chat-types.js";
import { chatRequestSchema } from "../api/chat-schema.js";
import { validateBody } from "../api/validate.js";
import { KeelError } from "../errors/errors.js";
import { toOpenAIError } from "../errors/openai-shape.js";
import type { StreamScreen } from "../guard/stream/stream-screen.js";
import { chatFacts } from "../routing/conditions.js";
import type { RouteCall } from "../routing/executor.js";
import type { RoutedStream } from "../routing/routed-stream.js";
import { GatewayContext } from "./context.js";
import { guardCompletion, guardInput, guardStream, settleStream } from "./guard-step.js";
import type { Stage } from "./pipeline.js";
import { applyPromptStep, withPromptHeader } from "./prompt-step.js";
import { attemptsOnError, servedBy } from "./served-by.js";
import { StreamAssembler } from "./stream-assembler.js";
import { formatTraceparent, type TraceContext } from "./trace-context.js";
import { pumpScreened } from "./stream-pump.js";

/**
 * POST /v1/chat/completions: the stages only chat has. Their order is declared in
 * chat-pipeline.ts; the stages shared with other surfaces are in stages.ts.
 */

const DONE = "data: [DONE]\n\n";

/** A chat call's context: the common one plus what passes from the call to the answer. */
export class ChatContext extends GatewayContext<ChatRequest, SentChatRequest> {
  /** The provider's answer (route and call), then as screened by the output guard (non-streaming). */
  completion: ChatCompletion | null = null;
  /** The routed stream, resolved at its first chunk (streaming). */
  upstream: RoutedStream | null = null;
  /** The output guard's stream screen, or null when nothing screens this stream. */
  screen: StreamScreen | null = null;

  constructor(requestId: string, headers: IncomingHttpHeaders, trace: TraceContext) {
    super(requestId, headers, trace, "chat");
  }
}

/** `x-keel-prompt: name@label` becomes the body's `prompt` before validation (prompt-step.ts). */
export const promptHeader: Stage<ChatContext> = {
  name: "prompt header",
  run(ctx, _deps, req) {
    ctx.raw = withPromptHeader(req.headers, ctx.raw);
  },
};

/** The chat schema: the 400 names the first bad field. */
export const validateChat: Stage<ChatContext> = {
  name: "validate",
  run(ctx) {
    ctx.sent = validateBody(chatRequestSchema, ctx.raw);
  },
};

/** A named prompt is rendered into the body before anything reads its model or messages. */
export const renderPrompt: Stage<ChatContext> = {
  name: "prompt",
  run(ctx, deps, _req, res) {
    const body = applyPromptStep(ctx, deps.prompts, ctx.sent!, res);
    ctx.body = body;
    ctx.modelRequested = body.model;
    ctx.stream = body.stream === true;
  },
};

/** Input screening may redact the body, plant a canary, or refuse the call (guard_blocked). */
export const screenInput: Stage<ChatContext> = {
  name: "guard input",
  run(ctx, deps) {
    const screened = guardInput(ctx, deps.guard, ctx.body!);
    // Awaited only when a policy screens: a call without one stays synchronous.
    if (screened instanceof Promise) return screenedLater(ctx, screened);
    ctx.bodyOfRecord = screened;
  },
};

async function screenedLater(ctx: ChatContext, screened: Promise<ChatRequest>): Promise<void> {
  ctx.bodyOfRecord = await screened;
}

/**
 * Routing picks the target (its rules read the request memo's token count), and the executor's
 * attempt loop calls it with the body of record: retries, failover, breakers (routing/).
 */
export const routeAndCall: Stage<ChatContext> = {
  name: "route and call",
  async run(ctx, deps, req, res) {
    const body = ctx.body!;
    const route = deps.routing.route(ctx.model!, chatFacts({ feature: ctx.feature, user: ctx.user, keyId: ctx.principal?.keyId ?? null }, body, ctx.memo.promptTokens));
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
    const upstream = ctx.bodyOfRecord as ChatRequest;
    if (ctx.stream) {
      const stream = await attemptsOnError(ctx, res, executor.chatStream(call, upstream));
      servedBy(ctx, res, stream.target);
      ctx.upstream = stream;
      return;
    }
    const { value: answer, target } = await attemptsOnError(ctx, res, executor.chat(call, upstream));
    servedBy(ctx, res, target);
    ctx.ttftMs = performance.now() - ctx.t0;
    ctx.usage = answer.usage ?? null;
    ctx.completion = answer;
  },
};

/** Output screening: tool calls and content before the client sees them; a stream gets its screen. */
export const screenOutput: Stage<ChatContext> = {
  name: "guard output",
  run(ctx) {
    if (ctx.stream) {
      ctx.screen = guardStream(ctx);
      return;
    }
    const completion = guardCompletion(ctx, ctx.completion!);
    if (completion instanceof Promise) return completionLater(ctx, completion);
    ctx.completion = completion;
    ctx.response = completion;
  },
};

async function completionLater(ctx: ChatContext, completion: Promise<ChatCompletion>): Promise<void> {
  ctx.completion = await completion;
  ctx.response = ctx.completion;
}

/** JSON, or SSE written chunk by chunk as the provider yields them. */
export const respondChat: Stage<ChatContext> = {
  name: "respond",
  run(ctx, _deps, _req, res) {
    if (ctx.stream) return streamChat(ctx, ctx.upstream!, res, ctx.body!.stream_options?.include_usage === true);
    ctx.sendJsonAnswer(res, ctx.completion);
  },
};

/**
 * Pipes chunks to the client as they come: each is written as soon as the provider yields it, no
 * buffering. The executor resolves at the first chunk — until then a failure fails over, or is
 * still a proper HTTP error — and a failure after it ends the stream with an error event.
 */
async function streamChat(ctx: ChatContext, stream: RoutedStream, res: ServerResponse, clientWantsUsage: boolean): Promise<void> {
  res.writeHead(200, {
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-cache",
    "x-accel-buffering": "no",
  });
  ctx.ttftMs = performance.now() - ctx.t0;
  const asm = new StreamAssembler();
  const screen = ctx.screen;
  try {
    // [guard:output] Keel always asks providers for usage; a client that did not ask does not get the usage-only chunk.
    await pumpScreened(ctx, stream, res, asm, (chunk) => (clientWantsUsage || chunk.choices.length > 0 || !chunk.usage ? `data: ${JSON.stringify(chunk)}\n\n` : ""));
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
