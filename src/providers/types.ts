import type { ChatChunk, ChatCompletion, ChatRequest, EmbeddingsRequest, EmbeddingsResponse } from "../api/chat-types.js";

/**
 * What the gateway hands a provider for one call. Providers never see the HTTP server: they get
 * a request already validated and resolved to the upstream model name, and a signal to abort.
 */
export interface CallContext {
  /** Keel's request id, forwarded upstream as x-request-id. */
  requestId: string;
  /** W3C traceparent to propagate upstream, if any. */
  traceparent?: string;
  /** Aborted when the client goes away, the deadline passes, or the server shuts down. */
  signal: AbortSignal;
  /**
   * Request headers a provider may honour (lower-case names). The simulator reads its
   * documented `x-keel-sim` fault header here; HTTP providers ignore it.
   */
  headers?: Readonly<Record<string, string | string[] | undefined>>;
  /**
   * Streams: call once when the upstream has accepted the call (2xx response headers; for the
   * simulator, the end of its injected latency). The router's connect timeout stops here; an
   * adapter that never calls it has its connect timeout end at the first chunk instead.
   */
  onUpstreamResponse?: () => void;
}

/** A running provider: the runtime face of one configured provider entry. */
export interface Provider {
  readonly name: string;
  readonly kind: string;
  /** Non-streaming chat completion. Throws KeelError (upstream_*) on failure. */
  chat(req: ChatRequest, ctx: CallContext): Promise<ChatCompletion>;
  /**
   * Streaming chat completion, one OpenAI chunk at a time. Errors before the first chunk throw
   * from the first `next()`; errors after it throw from a later `next()` as KeelError.
   * The final chunk carries `usage` when the provider reports it (Keel always asks for it).
   */
  chatStream(req: ChatRequest, ctx: CallContext): AsyncIterable<ChatChunk>;
  /** Present only on providers that serve embeddings. */
  embeddings?(req: EmbeddingsRequest, ctx: CallContext): Promise<EmbeddingsResponse>;
  /**
   * A JSON POST to another endpoint of the same server, with the provider's credentials and pool:
   * how model-based guard scanners reach classification endpoints (vLLM `/classify`, TEI
   * `/predict`). `path` is appended to the base URL. Returns the parsed body; non-2xx throws.
   */
  postJson?(path: string, body: unknown, ctx: CallContext): Promise<unknown>;
  /** Release sockets, timers, models. */
  close?(): Promise<void>;
}
