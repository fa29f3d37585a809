import type { ChatCompletion, ChatRequest } from "../api/chat-types.js";
import type { CacheConfig } from "../cache/cache-schema.js";
import type { CacheService } from "../cache/cache-service.js";
import { SemanticVerifier, type VerifierDeps, type VerifyJob, type VerifyResult } from "../cache/semantic-verifier.js";
import { textSimilarity } from "../evals/evaluators/embedding-similarity.js";
import type { Embedder } from "../providers/embeddings/embedder.js";
import { getDefaultEmbedder } from "../providers/embeddings/local-embedder.js";
import { KeelError } from "../errors/errors.js";
import { costUsd } from "../observe/prices.js";
import type { TraceAttempt, TraceRecord } from "../observe/types.js";
import { randomHex } from "../random/random-hex.js";
import { chatFacts } from "../routing/conditions.js";
import type { ModelRegistry } from "../routing/model-registry.js";
import type { RoutingService } from "../routing/routing-service.js";

/** Re-asks of sampled semantic hits are traced under this feature: Keel's own spend, no key's. */
export const CACHE_VERIFY_FEATURE = "keel-cache-verify";

/**
 * The verifier's model call in a running Keel: the hit's body of record, non-streaming, through
 * the routing executor as a gateway call after screening would go (no limits, no guard, no cache:
 * the hit already passed them, and a re-ask must not be served from the cache it checks). Each
 * re-ask leaves one trace with no key — so no key's budget or limits are charged, while its cost
 * shows under feature `keel-cache-verify` — and `metadata` naming the hit it checked, the entry,
 * the similarity and the outcome.
 */
export function routedVerifyAsk(d: { models: ModelRegistry; routing: RoutingService; record?: (r: TraceRecord) => void; now?: () => number }): VerifierDeps["ask"] {
  const now = d.now ?? Date.now;
  return async (job: VerifyJob, signal: AbortSignal) => {
    const m = d.models.resolve(job.model);
    if (!m || m.type !== "chat") throw new KeelError("model_not_found", `Cache verification: no chat model "${job.model.slice(0, 256)}" is configured.`);
    const id = `req_${randomHex(16)}`;
    const startedAt = now();
    const t0 = performance.now();
    const attempts: TraceAttempt[] = [];
    const { stream: _s, stream_options: _so, ...rest } = job.body;
    const body = { ...rest, model: m.name } as ChatRequest;
    const trace = (c: ChatCompletion | null, target: { id: string; provider: string; model: string; price: typeof m.price } | null, r: VerifyResult, err: unknown): void => {
      if (!d.record) return;
      const u = c?.usage;
      const e = err instanceof KeelError ? err : err ? new KeelError("upstream_error", "the cache verification call failed") : null;
      d.record({
        id, startedAt, endedAt: now(), endpoint: "chat", keyId: null, user: null, feature: CACHE_VERIFY_FEATURE,
        modelRequested: m.name, modelServed: c?.model ?? target?.model ?? null, provider: target?.provider ?? m.provider,
        status: e ? "error" : "ok", httpStatus: e ? e.status : 200, errorCode: e ? e.code : null, errorMessage: e ? e.message : null,
        latencyMs: Math.round((performance.now() - t0) * 1000) / 1000, ttftMs: null,
        tokensIn: u?.prompt_tokens ?? 0, tokensOut: u?.completion_tokens ?? 0, tokensCached: u?.prompt_tokens_details?.cached_tokens ?? 0,
        usageSource: u ? "provider" : "none",
        costUsd: u && target ? costUsd(target.price, u.prompt_tokens ?? 0, u.completion_tokens ?? 0, u.prompt_tokens_details?.cached_tokens ?? 0) : 0,
        stream: false, traceId: null, parentSpanId: null,
        metadata: {
          cache_verify_for: job.requestId, cache_verify_entry: job.key.slice(0, 16), cache_verify_similarity: String(Math.round(job.similarity * 10_000) / 10_000),
          cache_verify_outcome: r.outcome, ...(r.agreement !== null ? { cache_verify_agreement: String(Math.round(r.agreement * 10_000) / 10_000) } : {}),
        },
        // Bodies are not kept: the text is the hit's, stored (or not) under its own policy.
        requestBody: null, responseBody: null, target: target?.id ?? attempts.at(-1)?.target ?? null, attempts, guard: null,
      });
    };
    const route = d.routing.route(m, chatFacts({ feature: CACHE_VERIFY_FEATURE, user: null, keyId: null }, body));
    let value: ChatCompletion;
    let target;
    try {
      ({ value, target } = await d.routing.executor.chat({ route, requestId: id, signal, t0, attempts }, body));
    } catch (err) {
      trace(null, null, { outcome: "error", agreement: null }, err);
      throw err;
    }
    const t = { id: target.id, provider: target.provider, model: value.model ?? target.model, price: target.price };
    let traced = false;
    return { completion: value, done: (r: VerifyResult) => { if (!traced) { traced = true; trace(value, t, r, null); } } };
  };
}

/** The cache's verifier in a running Keel: re-asks through routing, answers compared with the offline embedder. */
export function cacheVerifier(cfg: CacheConfig, cache: CacheService, d: { models: ModelRegistry; routing: RoutingService; record?: (r: TraceRecord) => void; onError?: (what: string, err: unknown) => void; embedder?: Embedder; random?: () => number }): SemanticVerifier {
  const s = cfg.semantic;
  const embedder = d.embedder ?? getDefaultEmbedder();
  return new SemanticVerifier(
    { sample: s.verify_sample, concurrency: s.verify_concurrency, queue: s.verify_queue, agreement: s.verify_agreement, timeoutMs: 60_000 },
    { ask: routedVerifyAsk(d), similarity: (a, b, signal) => textSimilarity(embedder, a, b, signal), onFalseHit: (job) => cache.falseHit(job), ...(d.onError ? { onError: d.onError } : {}) },
    d.random,
  );
}
