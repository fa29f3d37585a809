/**
 * The Anthropic Messages API adapter: translate the OpenAI request, POST /v1/messages, translate
 * the answer or each stream event back. No embeddings: Anthropic has no embeddings endpoint.
 */
import type { ChatChunk, ChatCompletion, ChatRequest } from "../../api/chat-types.js";
import { KeelError } from "../../errors/errors.js";
import { callHeaders, headerList, transportFor } from "../http-transport.js";
import { SseParser } from "../sse.js";
import type { CallContext, Provider } from "../types.js";
import type { AnthropicOptions } from "./options.js";
import { toAnthropicRequest } from "./translate-request.js";
import { fromAnthropicMessage } from "./translate-response.js";
import { AnthropicStreamTranslator } from "./translate-stream.js";
import type { AnthropicMessage } from "./wire-types.js";

export function createAnthropicProvider(opts: AnthropicOptions, apiKey: string | undefined): Provider {
  const provider = opts.name;
  const transport = transportFor(opts, apiKey);
  const fixedHeaders = headerList(
    { "content-type": "application/json", "anthropic-version": opts.anthropic_version },
    // a keyless entry is for proxies that add the key themselves
    apiKey ? { "x-api-key": apiKey } : {},
    opts.headers,
  );

  const post = (body: unknown, ctx: CallContext) => ({
    method: "POST" as const,
    path: "/v1/messages",
    headers: callHeaders(fixedHeaders, ctx.requestId, ctx.traceparent),
    body: JSON.stringify(body),
    signal: ctx.signal,
  });

  async function* stream(req: ChatRequest, ctx: CallContext): AsyncGenerator<ChatChunk, void, undefined> {
    const { body, jsonOutput } = toAnthropicRequest(req, opts.default_max_tokens);
    body.stream = true;
    const res = await transport.stream(post(body, ctx));
    ctx.onUpstreamResponse?.();
    const parser = new SseParser();
    const translator = new AnthropicStreamTranslator(provider, jsonOutput);
    for await (const bytes of res.body) {
      let events;
      try {
        events = parser.push(bytes);
      } catch (err) {
        throw new KeelError("upstream_stream_error", `${provider} sent an SSE event over the size limit`, { upstream: { provider }, cause: err });
      }
      for (const ev of events) {
        const chunk = translator.push(ev.event, ev.data);
        if (chunk !== undefined) yield chunk;
        if (translator.done) return;
      }
    }
    translator.end();
  }

  return {
    name: provider,
    kind: "anthropic",

    async chat(req: ChatRequest, ctx: CallContext): Promise<ChatCompletion> {
      const { body, jsonOutput } = toAnthropicRequest(req, opts.default_max_tokens);
      const res = await transport.json(post(body, ctx));
      return fromAnthropicMessage(res.body as AnthropicMessage, jsonOutput, provider);
    },

    chatStream: stream,

    close: () => transport.close(),
  };
}
