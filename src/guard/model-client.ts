import type { ChatCompletion, ChatRequest } from "../api/chat-types.js";

/** Model calls made by guard scanners are traced under this feature (and never screened). */
export const GUARD_FEATURE = "keel-guard";

/** One model call of a guard scanner. */
export interface GuardModelCall {
  /** The scanner that asks, for the call's trace. */
  scanner: string;
  /** The screened request, when there is one: recorded on the guard call's trace. */
  parentRequestId?: string;
  /** Bounds the call: the scanner's timeout and the guard budget. */
  signal: AbortSignal;
}

/**
 * How model-based guard scanners reach a model: Keel's own model registry, routing and providers
 * (credentials, retries, failover and breakers apply), never the HTTP gateway — so a guard call
 * is never itself screened by the guard, and cannot loop. The implementation is the gateway's
 * (gateway/guard-model-client.ts): it records traces, which the guard itself never imports.
 */
export interface GuardModelClient {
  /** Throws when `model` is not a configured model or route of that kind (checked at start-up). */
  check(model: string, mode: "chat" | "classifier"): void;
  chat(model: string, req: Omit<ChatRequest, "model">, call: GuardModelCall): Promise<ChatCompletion>;
  /**
   * A JSON POST to `path` on the server of `model`'s provider (vLLM `/classify`, TEI `/predict`):
   * the parsed body. `body` gets the upstream model name (vLLM wants it; TEI serves one model).
   */
  classify(model: string, path: string, body: (upstreamModel: string) => Record<string, unknown>, call: GuardModelCall): Promise<unknown>;
}
