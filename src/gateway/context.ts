import type { IncomingHttpHeaders } from "node:http";
import type { Usage } from "../api/chat-types.js";
import type { RequestGuard } from "../guard/request-guard.js";
import type { Principal } from "../keys/types.js";
import type { LimitTicket } from "../limits/limiter.js";
import type { ResolvedPrompt } from "../prompts/prompt-service.js";
import type { AttemptRecord } from "../routing/attempt.js";
import type { RouteTarget } from "../routing/route-table.js";
import type { ResolvedModel } from "../routing/model-registry.js";
import type { TraceContext } from "./trace-context.js";

/**
 * Everything one gateway call knows, filled in stage by stage and read once at the end to write
 * its trace. One object per request, created in `newContext`, never shared across requests.
 */
export interface GatewayContext {
  readonly requestId: string;
  readonly startedAt: number;
  /** performance.now() at arrival; latencies are measured from it. */
  readonly t0: number;
  readonly headers: IncomingHttpHeaders;
  readonly abort: AbortController;
  readonly trace: TraceContext;
  endpoint: "chat" | "embeddings";
  principal: Principal | null;
  /** The parsed, validated request body as the client sent it (prompt rendered in). Never stored as is. */
  body: Record<string, unknown> | null;
  /**
   * The body of record: what went upstream — screened by the input guard, Keel-only fields
   * stripped (normalize.ts) — and the one body the trace stores. For a call refused before it
   * went upstream, what the input policy would have sent (guard-step.ts, settleBodyOfRecord).
   */
  bodyOfRecord: Record<string, unknown> | null;
  modelRequested: string;
  model: ResolvedModel | null;
  user: string | null;
  feature: string | null;
  stream: boolean;
  /** The registered prompt the call named, resolved (version, label, rollout arm), or null. */
  prompt: ResolvedPrompt | null;
  /** The target that served the call, once routing knows it (its provider, model and price). */
  target: RouteTarget | null;
  /** Every attempt routing made, in order, failed ones included. */
  attempts: AttemptRecord[];
  /** What the call holds from rate limits and budgets until it is settled; null once settled or never admitted. */
  limits: LimitTicket | null;
  /** This call's guardrail screening (policies, vault, verdicts), or null when none applies. */
  guard: RequestGuard | null;
  // Outcome
  usage: Usage | null;
  ttftMs: number | null;
  httpStatus: number;
  errorCode: string | null;
  errorMessage: string | null;
  /** The response as the client saw it (assembled for streams), for capture. */
  response: unknown;
}

export function newContext(requestId: string, headers: IncomingHttpHeaders, trace: TraceContext, endpoint: GatewayContext["endpoint"]): GatewayContext {
  return {
    requestId, startedAt: Date.now(), t0: performance.now(), headers, abort: new AbortController(), trace, endpoint,
    principal: null, body: null, bodyOfRecord: null, modelRequested: "", model: null, user: null, feature: null, stream: false, prompt: null, target: null, attempts: [], limits: null, guard: null,
    usage: null, ttftMs: null, httpStatus: 200, errorCode: null, errorMessage: null, response: null,
  };
}
