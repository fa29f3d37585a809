import type { IncomingHttpHeaders } from "node:http";
import type { Usage } from "../api/chat-types.js";
import type { Principal } from "../keys/types.js";
import type { ResolvedModel } from "./model-registry.js";
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
  /** The parsed, validated request body as the client sent it. */
  body: Record<string, unknown> | null;
  modelRequested: string;
  model: ResolvedModel | null;
  user: string | null;
  feature: string | null;
  stream: boolean;
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
    principal: null, body: null, modelRequested: "", model: null, user: null, feature: null, stream: false,
    usage: null, ttftMs: null, httpStatus: 200, errorCode: null, errorMessage: null, response: null,
  };
}
