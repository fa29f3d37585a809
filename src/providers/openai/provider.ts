/**
 * The OpenAI-compatible adapter: OpenAI, Azure OpenAI, and every server that speaks the Chat
 * Completions wire format (vLLM, Ollama, llama.cpp, SGLang, Groq, Together, Mistral, DeepSeek,
 * OpenRouter), told apart only by base URL. Requests go upstream as the client sent them, so
 * fields Keel does not know pass through.
 */
import type { ChatChunk, ChatCompletion, ChatRequest, EmbeddingsRequest, EmbeddingsResponse } from "../../api/chat-types.js";
import { KeelError } from "../../errors/errors.js";
import { callHeaders, headerList, transportFor, upstreamMessage } from "../http-transport.js";
import type { CallContext, Provider } from "../types.js";
import type { OpenAIOptions } from "./options.js";
import { readChatStream } from "./read-stream.js";

export function createOpenAIProvider(opts: OpenAIOptions, apiKey: string | undefined): Provider {
  const provider = opts.name;
  const transport = transportFor(opts, apiKey);
  const auth: Record<string, string> = {};
  // Azure authenticates with `api-key`; everyone else with a bearer token. Keyless local servers get neither.
  if (apiKey) auth[opts.azure ? "api-key" : "authorization"] = opts.azure ? apiKey : `Bearer ${apiKey}`;
  const fixedHeaders = headerList({ "content-type": "application/json" }, auth, opts.headers);
  const path = opts.azure ? azurePath(opts.azure.api_version) : plainPath;

  const post = (endpoint: Endpoint, model: string, body: unknown, ctx: CallContext) => ({
    method: "POST" as const,
    path: path(endpoint, model),
    headers: callHeaders(fixedHeaders, ctx.requestId, ctx.traceparent),
    body: JSON.stringify(body),
    signal: ctx.signal,
  });

  return {
    name: provider,
    kind: "openai",

    async chat(req: ChatRequest, ctx: CallContext): Promise<ChatCompletion> {
      const res = await transport.json(post("chat/completions", req.model, nonStreaming(req), ctx));
      const body = res.body as ChatCompletion;
      if (body === null || typeof body !== "object" || !Array.isArray(body.choices)) {
        // some servers answer 200 with an error body
        const detail = upstreamMessage(body);
        throw new KeelError("upstream_error", `${provider} returned a chat completion without choices${detail ? `: ${detail.slice(0, 1000)}` : ""}`, {
          upstream: { provider, status: res.status, body },
        });
      }
      return body;
    },

    chatStream(req: ChatRequest, ctx: CallContext): AsyncIterable<ChatChunk> {
      // The request goes out on the first next(), so its errors throw from there (Provider contract).
      return readChatStream(async () => {
        const res = await transport.stream(post("chat/completions", req.model, streaming(req, opts.stream_usage), ctx));
        ctx.onUpstreamResponse?.();
        return res;
      }, provider);
    },

    async embeddings(req: EmbeddingsRequest, ctx: CallContext): Promise<EmbeddingsResponse> {
      const res = await transport.json(post("embeddings", req.model, req, ctx));
      const body = res.body as EmbeddingsResponse;
      if (body === null || typeof body !== "object" || !Array.isArray(body.data)) {
        throw new KeelError("upstream_error", `${provider} returned embeddings without data`, {
          upstream: { provider, status: res.status, body },
        });
      }
      return body;
    },

    async postJson(p: string, body: unknown, ctx: CallContext): Promise<unknown> {
      const res = await transport.json({ method: "POST", path: p, headers: callHeaders(fixedHeaders, ctx.requestId, ctx.traceparent), body: JSON.stringify(body), signal: ctx.signal });
      return res.body;
    },

    close: () => transport.close(),
  };
}

type Endpoint = "chat/completions" | "embeddings";

function plainPath(endpoint: Endpoint): string {
  return endpoint === "embeddings" ? "/embeddings" : "/chat/completions";
}

/** Azure addresses the deployment in the path; the `model` field of the body is ignored there. */
function azurePath(apiVersion: string): (endpoint: Endpoint, model: string) => string {
  const query = `?api-version=${encodeURIComponent(apiVersion)}`;
  return (endpoint, model) => `/openai/deployments/${encodeURIComponent(model)}/${endpoint}${query}`;
}

/** chat() must get one JSON body back: drop stream flags rather than trust every caller (OpenAI rejects stream_options without stream). */
function nonStreaming(req: ChatRequest): ChatRequest {
  if (!req.stream && req.stream_options == null) return req;
  const { stream: _stream, stream_options: _options, ...rest } = req;
  return rest as ChatRequest;
}

/**
 * Keel asks for usage on every stream it can (limits and cost settle on real usage). With
 * `stream_usage: false` (servers that reject stream_options) Keel adds nothing and the client's
 * own stream_options, if any, pass through untouched.
 */
function streaming(req: ChatRequest, streamUsage: boolean): ChatRequest {
  if (!streamUsage) return { ...req, stream: true };
  return { ...req, stream: true, stream_options: { ...req.stream_options, include_usage: true } };
}
