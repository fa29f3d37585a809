import type { ChatChunk, ChatCompletion, ChatRequest } from "../../api/chat-types.js";
import { KeelError } from "../../errors/errors.js";
import type { CallContext, Provider } from "../types.js";
import { sleep } from "./timing.js";
import { completeChat } from "./completion.js";
import { SimEngine } from "./engine.js";
import type { SimOptions } from "./options.js";
import type { PrefixCache } from "./prefix-cache.js";
import { streamCompletion } from "./stream.js";

/** The simulator as a Provider; its prefix cache is exposed for tests and routing simulations. */
export interface SimProvider extends Provider {
  readonly kind: "sim";
  readonly prefixCache: PrefixCache;
}

/**
 * Keel's built-in upstream (docs/simulator.md): deterministic answers, real token timing, a
 * prefix-cache model and fault injection, with no network and no model.
 */
export function createSimProvider(opts: SimOptions): SimProvider {
  const engine = new SimEngine(opts);
  return {
    name: opts.name,
    kind: "sim",
    prefixCache: engine.prefixCache,
    async chat(req: ChatRequest, ctx: CallContext): Promise<ChatCompletion> {
      return completeChat(engine, engine.plan(req, ctx.headers, false), ctx.signal);
    },
    chatStream(req: ChatRequest, ctx: CallContext): AsyncIterable<ChatChunk> {
      // The Provider contract: a stream always ends with usage (the gateway forwards it only to clients
      // that asked). The HTTP server, speaking OpenAI's wire format, sends it only when asked.
      return streamCompletion(engine, () => {
        const plan = engine.plan(req, ctx.headers, true);
        return plan.kind === "answer" ? { ...plan, includeUsage: true } : plan;
      }, ctx.signal, ctx.onUpstreamResponse);
    },
    /** The classification endpoints, when the sim is configured as a classifier; `ttft_ms` is their latency. */
    async postJson(path: string, body: unknown, ctx: CallContext): Promise<unknown> {
      const c = engine.classifier;
      if (!c) throw new KeelError("upstream_error", `sim "${opts.name}" serves no ${path.slice(0, 100)}: configure its \`classifier\``, { upstream: { provider: opts.name, status: 404 } });
      if (opts.ttft_ms > 0) await sleep(opts.ttft_ms, ctx.signal);
      return c.endpoint(path, body, "sim-classifier", `classify-${ctx.requestId}`);
    },
    async close(): Promise<void> {
      engine.reset();
    },
  };
}
