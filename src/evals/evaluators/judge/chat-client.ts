import type { ChatCompletion, ChatRequest } from "../../../api/chat-types.js";

export interface ChatCallResult {
  readonly completion: ChatCompletion;
  /** USD for this call, from the price table and the reported usage (0 when unknown). */
  readonly costUsd: number;
  readonly latencyMs: number;
  /** Keel's x-request-id: the trace of this call. */
  readonly requestId: string | null;
}

/**
 * How judges reach a model: through Keel's own gateway, so judge calls are authenticated, limited,
 * traced and costed like any other call. `runner/gateway-client.ts` is the HTTP implementation;
 * tests may pass any other.
 */
export interface ChatClient {
  complete(req: ChatRequest, signal?: AbortSignal): Promise<ChatCallResult>;
}
