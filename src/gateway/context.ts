import type { IncomingHttpHeaders, ServerResponse } from "node:http";
import type { ChatRequest, EmbeddingsRequest, Usage } from "../api/chat-types.js";
import type { CacheCall } from "../cache/cache-call.js";
import type { RequestGuard } from "../guard/request-guard.js";
import type { Principal } from "../keys/types.js";
import type { LimitTicket } from "../limits/limiter.js";
import type { TraceRecord } from "../observe/types.js";
import type { ResolvedPrompt } from "../prompts/prompt-service.js";
import type { AttemptRecord } from "../routing/attempt.js";
import type { RouteTarget } from "../routing/route-table.js";
import type { ResolvedModel } from "../routing/model-registry.js";
import type { PromptCounter } from "../tokens/model-tokenizer.js";
import { sendJsonText } from "../server/respond.js";
import { RequestMemo } from "./request-memo.js";
import type { TraceContext } from "./trace-context.js";

/** A request body as the stages after validation see it, typed from its zod schema (api/chat-types.ts). */
export type RequestBody = ChatRequest | EmbeddingsRequest;

/**
 * Everything one gateway call knows, filled in stage by stage (pipeline.ts) and read once at the
 * end to write its trace. One object per request, made by its surface's `create`, never shared.
 * A class, not a literal: every field exists from the start, so each surface's contexts share one
 * shape, and a surface adds its own fields in a subclass (chat.ts, embeddings.ts).
 */
export class GatewayContext<Req extends RequestBody = RequestBody, Sent extends object = object> {
  readonly startedAt = Date.now();
  /** performance.now() at arrival; latencies are measured from it. */
  readonly t0 = performance.now();
  readonly abort = new AbortController();
  principal: Principal | null = null;
  /** The JSON body as read, before validation. */
  raw: unknown = undefined;
  /** The validated body as the client sent it (before a named prompt is rendered in). */
  sent: Sent | null = null;
  /** The parsed, validated request body as the client sent it (prompt rendered in). Never stored as is. */
  body: Req | null = null;
  /**
   * The body of record: what went upstream — screened by the input guard, Keel-only fields
   * stripped (the normalise stage, normalize.ts) — and the one body the trace stores. For a call
   * refused before it went upstream, what the input policy would have sent (guard-step.ts,
   * settleBodyOfRecord).
   */
  bodyOfRecord: Record<string, unknown> | null = null;
  modelRequested = "";
  model: ResolvedModel | null = null;
  /** How the prompt's tokens are counted for this model (tokens/model-tokenizer.ts), set at model admission. */
  promptCounter: PromptCounter = "o200k";
  user: string | null = null;
  feature: string | null = null;
  stream = false;
  /** The registered prompt the call named, resolved (version, label, rollout arm), or null. */
  prompt: ResolvedPrompt | null = null;
  /** The target that served the call, once routing knows it (its provider, model and price). */
  target: RouteTarget | null = null;
  /** Every attempt routing made, in order, failed ones included. */
  attempts: AttemptRecord[] = [];
  /** What the call holds from rate limits and budgets until it is settled; null once settled or never admitted. */
  limits: LimitTicket | null = null;
  /** This call's guardrail screening (policies, vault, verdicts), or null when none applies. */
  guard: RequestGuard | null = null;
  /** Facts derived from `body` once, on first use, by whichever stage asks first (request-memo.ts). */
  readonly memo: RequestMemo;
  // Outcome
  usage: Usage | null = null;
  ttftMs: number | null = null;
  httpStatus = 200;
  errorCode: string | null = null;
  errorMessage: string | null = null;
  /** The response as the client saw it (assembled for streams), for capture. */
  response: unknown = null;
  /**
   * A JSON answer as sent: the value and its text. Capture stores the text as is when `response`
   * is that same value and masking changed nothing in it, instead of serialising it a second time.
   */
  responseJson: { readonly value: unknown; readonly text: string } | null = null;

  /** Sends `value` as the 200 JSON answer and keeps its text in `responseJson` for capture. */
  sendJsonAnswer(res: ServerResponse, value: unknown): void {
    const text = JSON.stringify(value);
    this.responseJson = { value, text };
    sendJsonText(res, 200, text);
  }
  /** The inbound wire format, recorded on the trace (a surface's context sets its own: `anthropic.messages`, `openai.responses`, …). */
  surface = "openai.chat_completions";
  /** Set by a stage that answered the call itself (a cache hit): the runner stops there. */
  answered = false;
  /** The call's dealings with the response cache (gateway/cache-step.ts), or null when no cache applies. */
  cache: CacheCall | null = null;
  /** The trace record once finalised; null before, or when finalisation failed. */
  record: TraceRecord | null = null;

  constructor(
    readonly requestId: string,
    readonly headers: IncomingHttpHeaders,
    readonly trace: TraceContext,
    readonly endpoint: "chat" | "embeddings",
  ) {
    this.memo = new RequestMemo(this);
  }
}
