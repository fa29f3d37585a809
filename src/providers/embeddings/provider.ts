import type { ChatChunk, ChatCompletion, EmbeddingsResponse } from "../../api/chat-types.js";
import { KeelError } from "../../errors/errors.js";
import type { Provider } from "../types.js";
import type { Embedder } from "./embedder.js";
import { parseEmbeddingsRequest } from "./embeddings-input.js";
import { getDefaultEmbedder } from "./local-embedder.js";
import type { LocalEmbeddingsOptions } from "./options.js";
import { float32ToBase64, truncateNormalized } from "./vector.js";

export interface LocalEmbeddingsDeps {
  /** Defaults to the process-wide embedder shared with the semantic cache, retrieval and evals. */
  embedder?: Embedder;
}

/**
 * The `local-embeddings` provider: OpenAI's /v1/embeddings served offline by an `Embedder`.
 * Chat is refused: `Provider` requires chat methods, and a clear 400 beats a 404 when a route
 * points a chat model at this provider by mistake.
 */
export function createLocalEmbeddingsProvider(opts: LocalEmbeddingsOptions, deps: LocalEmbeddingsDeps = {}): Provider {
  const embedder = deps.embedder ?? getDefaultEmbedder();

  return {
    name: opts.name,
    kind: "local-embeddings",

    chat(req): Promise<ChatCompletion> {
      return Promise.reject(embeddingsOnly(req.model));
    },

    chatStream(req): AsyncIterable<ChatChunk> {
      // Per the Provider contract, errors before the first chunk surface from the first next().
      const err = embeddingsOnly(req.model);
      return { [Symbol.asyncIterator]: () => ({ next: () => Promise.reject(err) }) };
    },

    async embeddings(req, ctx): Promise<EmbeddingsResponse> {
      const parsed = await parseEmbeddingsRequest(req, {
        maxInputs: opts.max_inputs,
        maxInputChars: embedder.maxInputChars,
        maxDimensions: embedder.dimensions,
      });
      const vectors = await embedder.embed(parsed.texts, ctx.signal);
      const data = vectors.map((full, index) => {
        const v = parsed.dimensions === undefined || parsed.dimensions === full.length ? full : truncateNormalized(full, parsed.dimensions);
        return {
          object: "embedding" as const,
          index,
          embedding: parsed.encoding === "base64" ? float32ToBase64(v) : Array.from(v),
        };
      });
      return {
        object: "list",
        data,
        // The gateway resolved the route to this model name; echo it as OpenAI echoes its own.
        model: req.model,
        usage: { prompt_tokens: parsed.promptTokens, total_tokens: parsed.promptTokens },
      };
    },

    // The shared embedder outlives providers: a config reload must not unload and reload the model.
    async close(): Promise<void> {},
  };
}

function embeddingsOnly(model: string): KeelError {
  return new KeelError("invalid_request", `model ${model} serves embeddings only; use /v1/embeddings`, { param: "model" });
}
