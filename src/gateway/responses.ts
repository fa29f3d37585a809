import type { IncomingHttpHeaders, ServerResponse } from "node:http";
import type { ChatMessage } from "../api/chat-types.js";
import { type ResponsesRequest, responsesRequestSchema } from "../api/responses-schema.js";
import { validateBody } from "../api/validate.js";
import { KeelError } from "../errors/errors.js";
import { toOpenAIError } from "../errors/openai-shape.js";
import { completedResponse, newResponseId, pendingResponse, type ResponseObject } from "../responses/response-object.js";
import { ResponseEventStream } from "../responses/stream-events.js";
import { toChatRequest } from "../responses/to-chat.js";
import type { RoutedStream } from "../routing/routed-stream.js";
import { sendJson } from "../server/respond.js";
import { ChatContext } from "./chat.js";
import type { GatewayDeps } from "./deps.js";
import { settleStream } from "./guard-step.js";
import type { Stage } from "./pipeline.js";
import { StreamAssembler } from "./stream-assembler.js";
import type { TraceContext } from "./trace-context.js";
import { pumpScreened } from "./stream-pump.js";
import { replayChunks } from "../cache/replay.js";
import { type CachedAnswerWriter, replaySse } from "./cache-step.js";

/**
 * POST /v1/responses: the stages only the Responses surface has (order: responses-pipeline.ts).
 * The request is translated at the edge into Keel's chat request, so keys, limits, the guard,
 * routing and traces are chat's own stages; only reading the body and writing the answer differ.
 */

/** Provider kinds whose chat endpoint takes OpenAI's `reasoning_effort` (the simulator ignores it). */
const REASONING_KINDS = new Set(["openai", "sim"]);

export class ResponsesContext extends ChatContext {
  /** The Responses body as validated. */
  request: ResponsesRequest | null = null;
  /** This turn's messages (its input, translated), for the stored conversation. */
  turn: ChatMessage[] = [];
  /** The conversation the named previous response ended with, or empty. */
  previous: readonly ChatMessage[] = [];
  readonly responseId = newResponseId();
  readonly createdAt = Math.floor(Date.now() / 1000);

  constructor(requestId: string, headers: IncomingHttpHeaders, trace: TraceContext) {
    super(requestId, headers, trace);
    this.surface = "openai.responses";
  }
}

/** The Responses schema, the previous response's conversation, and the translation to chat. */
export const validateResponses: Stage<ResponsesContext> = {
  name: "validate",
  run(ctx, deps) {
    // A missing input fails the union, which would read "expected string or array": say it is missing.
    if (ctx.raw !== null && typeof ctx.raw === "object" && (ctx.raw as { input?: unknown }).input === undefined && typeof (ctx.raw as { model?: unknown }).model === "string") {
      throw new KeelError("invalid_request", "Missing required parameter: 'input'.", { param: "input" });
    }
    const req = validateBody(responsesRequestSchema, ctx.raw);
    ctx.request = req;
    let previous: readonly ChatMessage[] | null = null;
    if (req.previous_response_id) {
      const stored = deps.responses?.get(req.previous_response_id, ctx.principal!.keyId) ?? null;
      if (!stored) throw new KeelError("not_found", `Previous response with id '${req.previous_response_id}' not found.`, { param: "previous_response_id" });
      previous = stored.conversation;
      ctx.previous = previous;
    }
    const { chat, turn } = toChatRequest(req, previous);
    ctx.turn = turn;
    ctx.sent = chat;
    ctx.body = chat;
    ctx.modelRequested = chat.model;
    ctx.stream = chat.stream === true;
  },
};

/**
 * `reasoning` has a chat equivalent only on OpenAI-compatible targets: any other target is a 400
 * naming the field and the target, never a silent drop. Checked against the model's first target.
 */
export const checkTranslatable: Stage<ResponsesContext> = {
  name: "check target",
  run(ctx, deps) {
    if (!ctx.request?.reasoning?.effort) return;
    const m = ctx.model!;
    const kind = deps.providers.get(m.provider).kind;
    if (!REASONING_KINDS.has(kind)) {
      throw new KeelError("invalid_request", `'reasoning' cannot be translated for target ${m.provider}/${m.upstream} (provider kind ${kind}).`, { param: "reasoning" });
    }
  },
};

/** JSON, or the Responses event stream; a stored response is queued before the client has it. */
export const respondResponses: Stage<ResponsesContext> = {
  name: "respond",
  run(ctx, deps, _req, res) {
    const base = pendingResponse(ctx.responseId, ctx.createdAt, ctx.request!);
    if (ctx.stream) return streamResponse(ctx, deps, base, ctx.upstream!, res);
    const response = completedResponse(base, ctx.completion!, Math.floor(Date.now() / 1000));
    keep(ctx, deps, response);
    ctx.response = response;
    sendJson(res, 200, response);
  },
};

/**
 * A response-cache hit (cache-step.ts) on this surface: a new response (its own id, stored like any
 * other unless `store: false`) from the stored answer, as JSON or replayed through the same event
 * stream as a live call, so a hit is the Responses event sequence with the stored usage.
 */
export const answerResponsesFromCache: CachedAnswerWriter<ResponsesContext> = (ctx, deps, res, completion) => {
  const base = pendingResponse(ctx.responseId, ctx.createdAt, ctx.request!);
  if (!ctx.stream) {
    const response = completedResponse(base, completion, Math.floor(Date.now() / 1000));
    keep(ctx, deps, response);
    ctx.response = response;
    sendJson(res, 200, response);
    return;
  }
  const events = new ResponseEventStream(base);
  const frames = [events.start()];
  for (const c of replayChunks(completion, completion.id, completion.created, true, completion.usage ?? null)) frames.push(events.push(c));
  frames.push(events.end(Math.floor(Date.now() / 1000)));
  const response = events.result()!;
  keep(ctx, deps, response);
  ctx.response = response;
  return replaySse(ctx, res, frames);
};

/** `store` not false: the response and the conversation it ends, for GET and the next turn. */
function keep(ctx: ResponsesContext, deps: GatewayDeps, response: ResponseObject): void {
  if (ctx.request!.store === false || !deps.responses || response.status === "failed") return;
  const conversation = ctx.previous.slice();
  for (const m of ctx.turn) conversation.push(m);
  // The answer is one assistant turn in chat: its text and the calls it made.
  let answer: ChatMessage | null = null;
  for (const item of response.output) {
    if (item.type === "message") {
      const text = item.content.map((p) => (p.type === "output_text" ? p.text : "")).join("");
      if (answer) answer.content = (answer.content ?? "") + text;
      else conversation.push((answer = { role: "assistant", content: text }));
    } else {
      const call = { id: item.call_id, type: "function" as const, function: { name: item.name, arguments: item.arguments } };
      if (answer) (answer.tool_calls ??= []).push(call);
      else conversation.push((answer = { role: "assistant", content: null, tool_calls: [call] }));
    }
  }
  deps.responses.put({ id: response.id, keyId: ctx.principal!.keyId, createdAt: response.created_at * 1000, response, conversation });
}

/**
 * Events written as chunks arrive, through the output guard's stream screen. The executor resolved
 * at the first chunk (failover before the first byte); a failure after it ends the stream with
 * response.failed.
 */
async function streamResponse(ctx: ResponsesContext, deps: GatewayDeps, base: ResponseObject, stream: RoutedStream, res: ServerResponse): Promise<void> {
  res.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache", "x-accel-buffering": "no" });
  ctx.ttftMs = performance.now() - ctx.t0;
  const events = new ResponseEventStream(base);
  const asm = new StreamAssembler();
  const screen = ctx.screen;
  res.write(events.start());
  try {
    await pumpScreened(ctx, stream, res, asm, (chunk) => events.push(chunk));
    const done = events.end(Math.floor(Date.now() / 1000));
    keep(ctx, deps, events.result()!);
    res.end(done);
  } catch (err) {
    const e = err instanceof KeelError ? err : new KeelError("upstream_stream_error", "The upstream stream failed.");
    const { body, status } = toOpenAIError(e);
    ctx.httpStatus = status;
    ctx.errorCode = body.error.code;
    ctx.errorMessage = body.error.message;
    if (!res.destroyed) res.end(events.fail(e.code === "guard_blocked" ? "content_filter" : "server_error", body.error.message));
    void stream.return().catch(() => {});
  } finally {
    settleStream(ctx, screen);
    ctx.usage = asm.usage;
    // The internal answer as the client got it: what the response cache stores (cache-step.ts).
    ctx.completion = asm.result();
    ctx.response = events.result() ?? ctx.completion;
  }
}
