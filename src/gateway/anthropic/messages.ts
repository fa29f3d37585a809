import type { IncomingHttpHeaders, ServerResponse } from "node:http";
import {
  anthropicCountTokensRequestSchema,
  anthropicMessagesRequestSchema,
  type AnthropicMessagesRequest,
} from "../../api/anthropic-messages-schema.js";
import { validateBody } from "../../api/validate.js";
import { toAnthropicError } from "../../errors/anthropic-shape.js";
import { KeelError } from "../../errors/errors.js";
import type { RoutedStream } from "../../routing/routed-stream.js";
import { sendErrorAs, sendJson } from "../../server/respond.js";
import { ChatContext } from "../chat.js";
import { settleStream } from "../guard-step.js";
import { chatFacts } from "../../routing/conditions.js";
import { admitModel } from "../admission.js";
import type { Stage } from "../pipeline.js";
import { withPromptHeader } from "../prompt-step.js";
import { StreamAssembler } from "../stream-assembler.js";
import type { TraceContext } from "../trace-context.js";
import { AnthropicEventWriter } from "./chat-to-events.js";
import { completionToMessage } from "./chat-to-message.js";
import { messagesToChat, promptToChat, thinkingParam } from "./request-to-chat.js";
import { pumpScreened } from "../stream-pump.js";
import { replayChunks } from "../../cache/replay.js";
import { type CachedAnswerWriter, replaySse } from "../cache-step.js";

/**
 * POST /v1/messages and /v1/messages/count_tokens: the stages only Anthropic's Messages surface
 * has. The request is translated into Keel's internal chat request at `validate`, and every stage
 * after it is chat's own (order: messages-pipeline.ts); the answer is translated back at `respond`.
 */

export const MESSAGES_SURFACE = "anthropic.messages";

/** A Messages call is a chat call whose wire format differs at both ends. */
export class MessagesContext extends ChatContext {
  /** The body as the Anthropic client sent it, validated. */
  anthropic: AnthropicMessagesRequest | null = null;
  /** The field using extended thinking (`thinking`, or an assistant turn's thinking block), or null. */
  thinking: string | null = null;

  constructor(requestId: string, headers: IncomingHttpHeaders, trace: TraceContext) {
    super(requestId, headers, trace);
    this.surface = MESSAGES_SURFACE;
  }
}

/**
 * The virtual key as the Anthropic SDK sends it, `x-api-key`, or as `Authorization: Bearer`.
 * Also answers with `request-id`, the header the SDK reports as the request's id.
 */
export const authenticateAnthropic: Stage<MessagesContext> = {
  name: "authenticate",
  run(ctx, deps, req, res) {
    res.setHeader("request-id", ctx.requestId);
    const key = req.headers["x-api-key"];
    if (typeof key === "string" && key !== "") {
      ctx.principal = deps.keys.authenticate(`Bearer ${key}`);
      return;
    }
    if (!req.headers.authorization) {
      throw new KeelError("missing_api_key", "Missing API key: send it as 'x-api-key: <key>' or 'Authorization: Bearer <key>'.");
    }
    ctx.principal = deps.keys.authenticate(req.headers.authorization);
  },
};

/** The Messages schema (the 400 names the field), then the translation; `x-keel-prompt` applies to the result. */
export const validateMessages: Stage<MessagesContext> = {
  name: "validate",
  run(ctx, _deps, req) {
    const body = validateBody(anthropicMessagesRequestSchema, ctx.raw);
    ctx.anthropic = body;
    ctx.thinking = thinkingParam(body);
    ctx.sent = withPromptHeader(req.headers, messagesToChat(body)) as MessagesContext["sent"];
  },
};

/**
 * Chat's model admission, then: a call using extended thinking may only go where thinking
 * arrives — a route whose every target (failover included) is an Anthropic provider. Otherwise a
 * 400 naming the field and the first target that cannot take it, never an answer without thinking.
 */
export const admitMessagesModel: Stage<MessagesContext> = {
  name: "admit model",
  run(ctx, deps) {
    const model = admitModel(ctx, deps, ctx.modelRequested, "chat");
    ctx.model = model;
    if (ctx.thinking === null) return;
    const route = deps.routing.route(model, chatFacts({ feature: ctx.feature, user: ctx.user, keyId: ctx.principal?.keyId ?? null }, ctx.body!, ctx.memo.promptTokens));
    for (const t of route.targets) {
      const kind = deps.providers.get(t.provider).kind;
      if (kind !== "anthropic") {
        throw new KeelError("invalid_request", `extended thinking cannot be passed to target '${t.id}' (a ${kind} provider) of model '${ctx.modelRequested}': only Anthropic targets receive it`, { param: ctx.thinking });
      }
    }
  },
};

/** The Anthropic message, or its event stream. */
export const respondMessages: Stage<MessagesContext> = {
  name: "respond",
  run(ctx, _deps, _req, res) {
    const provider = ctx.target?.provider ?? "the provider";
    if (ctx.stream) return streamMessages(ctx, ctx.upstream!, res, provider);
    sendJson(res, 200, completionToMessage(ctx.completion!, ctx.modelRequested, provider));
  },
};

/**
 * Chat's streaming loop (chat.ts, streamChat) with Anthropic's events out: each chunk is screened
 * by the output guard in the tick it arrives, folded for the trace, and written as the events it
 * makes. A failure after the first byte ends the stream with Anthropic's `error` event.
 */
async function streamMessages(ctx: MessagesContext, stream: RoutedStream, res: ServerResponse, provider: string): Promise<void> {
  res.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache", "x-accel-buffering": "no" });
  ctx.ttftMs = performance.now() - ctx.t0;
  const asm = new StreamAssembler();
  const screen = ctx.screen;
  // Counted once; the memo already holds it when limits or routing asked.
  const events = new AnthropicEventWriter(ctx.modelRequested, ctx.memo.promptTokens());
  try {
    await pumpScreened(ctx, stream, res, asm, (chunk) => events.push(chunk));
    res.end(events.end());
  } catch (err) {
    const e = err instanceof KeelError ? err : new KeelError("upstream_stream_error", `The upstream stream from ${provider} failed.`);
    const { body, status } = toAnthropicError(e);
    ctx.httpStatus = status;
    ctx.errorCode = e.code;
    ctx.errorMessage = e.message;
    if (!res.destroyed) res.end(events.error(body.error.type, body.error.message));
    void stream.return().catch(() => {});
  } finally {
    settleStream(ctx, screen);
    ctx.usage = asm.usage;
    ctx.response = asm.result();
  }
}

/**
 * A response-cache hit (cache-step.ts) on this surface: the stored answer as the Anthropic message,
 * or replayed through the same event writer as a live stream, so a hit is Anthropic's exact event
 * sequence with the stored usage in message_delta.
 */
export const answerMessagesFromCache: CachedAnswerWriter<MessagesContext> = (ctx, _deps, res, completion) => {
  // The trace records the internal answer, as for a live call.
  ctx.response = completion;
  if (!ctx.stream) {
    sendJson(res, 200, completionToMessage(completion, ctx.modelRequested, ctx.model!.provider));
    return;
  }
  const events = new AnthropicEventWriter(ctx.modelRequested, ctx.memo.promptTokens());
  const frames = replayChunks(completion, completion.id, completion.created, true, completion.usage ?? null).map((c) => events.push(c));
  frames.push(events.end());
  return replaySse(ctx, res, frames);
};

// POST /v1/messages/count_tokens

/** The prompt's fields only; the translated body is what Keel counts, the way limits count it. */
export const validateCountTokens: Stage<MessagesContext> = {
  name: "validate",
  run(ctx) {
    const body = validateBody(anthropicCountTokensRequestSchema, ctx.raw);
    const chat = promptToChat(body);
    ctx.sent = chat;
    ctx.body = chat;
    ctx.modelRequested = chat.model;
  },
};

export const respondCountTokens: Stage<MessagesContext> = {
  name: "respond",
  run(ctx, _deps, _req, res) {
    sendJson(res, 200, { input_tokens: ctx.memo.promptTokens() });
  },
};

/** Errors on this surface in Anthropic's shape (errors/anthropic-shape.ts); returns the status sent. */
export function sendAnthropicError(res: ServerResponse, err: unknown): number {
  return sendErrorAs(res, err, toAnthropicError);
}
