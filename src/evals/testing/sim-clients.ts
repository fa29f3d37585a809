import type { ChatRequest } from "../../api/chat-types.js";
import { KeelError } from "../../errors/errors.js";
import type { Embedder } from "../../providers/embeddings/embedder.js";
import { normalizeL2 } from "../../providers/embeddings/vector.js";
import { type SimOptionsInput, simOptionsSchema } from "../../providers/sim/options.js";
import { createSimProvider } from "../../providers/sim/provider.js";
import { costUsd, PriceTable } from "../../observe/prices.js";
import type { ChatClient } from "../evaluators/judge/chat-client.js";
import { tokenize } from "../evaluators/text.js";

const prices = new PriceTable();

/**
 * The simulator in-process as a judge: its `rules` map patterns in the judge prompt to verdicts, so
 * tests script exactly what the judge says for each case. Counts calls and the requests it saw.
 */
export function simJudge(rules: SimOptionsInput["rules"]): ChatClient & { calls: number; requests: ChatRequest[] } {
  const sim = createSimProvider(simOptionsSchema.parse({ kind: "sim", name: "sim-judge", rules }));
  const client = {
    calls: 0,
    requests: [] as ChatRequest[],
    async complete(req: ChatRequest, signal?: AbortSignal) {
      signal?.throwIfAborted();
      client.calls++;
      client.requests.push(req);
      const t0 = performance.now();
      const completion = await sim.chat(req, { requestId: `req_test_${client.calls}`, signal: signal ?? new AbortController().signal });
      const u = completion.usage;
      return {
        completion,
        costUsd: u ? costUsd(prices.lookup("sim"), u.prompt_tokens, u.completion_tokens) : 0,
        latencyMs: performance.now() - t0,
        requestId: `req_test_${client.calls}`,
      };
    },
  };
  return client;
}

/**
 * A toy embedder: hashed bag of words in 256 dimensions, unit length. Texts sharing words are
 * similar, texts sharing none are orthogonal — enough to test metrics without loading a model.
 */
export function bagOfWordsEmbedder(): Embedder {
  return {
    model: "bag-of-words-test",
    dimensions: 256,
    maxInputChars: 16_000,
    async embed(texts, signal) {
      signal?.throwIfAborted();
      return texts.map((t, i) => {
        if (t.length === 0) throw new KeelError("invalid_request", `text ${i} to embed must be a non-empty string`);
        const v = new Float32Array(256);
        for (const w of tokenize(t)) {
          let h = 2166136261;
          for (let k = 0; k < w.length; k++) h = Math.imul(h ^ w.charCodeAt(k), 16777619);
          v[(h >>> 0) % 256] += 1;
        }
        return normalizeL2(v);
      });
    },
  };
}
