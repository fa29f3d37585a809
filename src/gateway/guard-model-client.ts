import type { ChatCompletion, ChatRequest } from "../api/chat-types.js";
import { KeelError } from "../errors/errors.js";
import { GUARD_FEATURE, type GuardModelCall, type GuardModelClient } from "../guard/model-client.js";
import type { ModelRegistry, ResolvedModel } from "../routing/model-registry.js";
import { randomHex } from "../random/random-hex.js";
import { costUsd } from "../observe/prices.js";
import type { TraceAttempt, TraceRecord } from "../observe/types.js";
import type { ProviderRegistry } from "../providers/registry.js";
import { chatFacts } from "../routing/conditions.js";
import type { RoutingService } from "../routing/routing-service.js";

export interface RoutedGuardClientDeps {
  models: ModelRegistry;
  routing: RoutingService;
  providers: ProviderRegistry;
  /** Where each guard call's trace goes (TraceWriter.record); absent: not traced. */
  record?: (r: TraceRecord) => void;
  now?: () => number;
}

/**
 * The GuardModelClient of a running Keel. Chat calls go through the routing executor exactly as a
 * gateway call would after screening (a route's retries and failover apply); classification calls
 * go to the model's provider (`postJson`), one attempt. Each call leaves a trace with feature
 * `keel-guard`, no key, no guard verdicts, and `metadata.guard_for` naming the screened request.
 */
export function routedGuardClient(d: RoutedGuardClientDeps): GuardModelClient {
  const now = d.now ?? Date.now;
  const resolve = (model: string, type: "chat" | "classifier"): ResolvedModel => {
    const m = d.models.resolve(model);
    if (!m || m.type !== "chat") throw new KeelError("model_not_found", `Guard scanner: no ${type === "chat" ? "chat " : ""}model "${model.slice(0, 256)}" is configured.`);
    return m;
  };
  const trace = (m: ResolvedModel, call: GuardModelCall, t: { id: string; startedAt: number; t0: number; served: string | null; provider: string | null; target: string | null; attempts: TraceAttempt[]; completion: ChatCompletion | null; err: unknown; price: ResolvedModel["price"] }): void => {
    if (!d.record) return;
    const u = t.completion?.usage;
    const err = t.err instanceof KeelError ? t.err : t.err ? new KeelError("upstream_error", "the guard model call failed") : null;
    const aborted = t.err !== null && call.signal.aborted;
    d.record({
      id: t.id, startedAt: t.startedAt, endedAt: now(), endpoint: "chat", keyId: null, user: null, feature: GUARD_FEATURE,
      modelRequested: m.name, modelServed: t.served, provider: t.provider,
      status: t.err === null ? "ok" : aborted ? "cancelled" : "error",
      httpStatus: t.err === null ? 200 : aborted ? 499 : (err?.status ?? 502),
      errorCode: t.err === null ? null : aborted ? "client_closed" : (err?.code ?? "upstream_error"),
      errorMessage: t.err === null ? null : aborted ? "The guard budget or the scanner's timeout ended the call." : (err?.message ?? null),
      latencyMs: Math.round((performance.now() - t.t0) * 1000) / 1000, ttftMs: null,
      tokensIn: u?.prompt_tokens ?? 0, tokensOut: u?.completion_tokens ?? 0, tokensCached: u?.prompt_tokens_details?.cached_tokens ?? 0,
      usageSource: u ? "provider" : "none",
      costUsd: u ? costUsd(t.price, u.prompt_tokens ?? 0, u.completion_tokens ?? 0, u.prompt_tokens_details?.cached_tokens ?? 0) : 0,
      stream: false, traceId: null, parentSpanId: null,
      metadata: { guard_scanner: call.scanner, ...(call.parentRequestId ? { guard_for: call.parentRequestId } : {}) },
      // Bodies are not kept: the screened text is the parent request's, stored (or not) under its policy.
      requestBody: null, responseBody: null, target: t.target, attempts: t.attempts, guard: null,
    });
  };
  return {
    check(model, mode) {
      const m = resolve(model, mode);
      if (mode === "classifier" && !d.providers.get(m.provider).postJson) {
        throw new KeelError("invalid_request", `Guard scanner: provider "${m.provider}" of model "${m.name}" cannot serve classification endpoints (use an openai- or sim-kind provider).`);
      }
    },

    async chat(model, req, call) {
      const m = resolve(model, "chat");
      const id = `req_${randomHex(16)}`;
      const startedAt = now();
      const t0 = performance.now();
      const attempts: TraceAttempt[] = [];
      const body = { ...req, model: m.name } as ChatRequest;
      const route = d.routing.route(m, chatFacts({ feature: GUARD_FEATURE, user: null, keyId: null }, body));
      try {
        const { value, target } = await d.routing.executor.chat({ route, requestId: id, signal: call.signal, t0, attempts }, body);
        trace(m, call, { id, startedAt, t0, served: value.model ?? target.model, provider: target.provider, target: target.id, attempts, completion: value, err: null, price: target.price });
        return value;
      } catch (err) {
        const last = attempts.at(-1);
        trace(m, call, { id, startedAt, t0, served: null, provider: last?.provider ?? m.provider, target: last?.target ?? null, attempts, completion: null, err, price: null });
        throw err;
      }
    },

    async classify(model, path, body, call) {
      const m = resolve(model, "classifier");
      const id = `req_${randomHex(16)}`;
      const startedAt = now();
      const t0 = performance.now();
      const provider = d.providers.get(m.provider);
      if (!provider.postJson) throw new KeelError("upstream_error", `Provider "${m.provider}" cannot serve classification endpoints.`);
      try {
        const out = await provider.postJson(path, body(m.upstream), { requestId: id, signal: call.signal });
        trace(m, call, { id, startedAt, t0, served: m.upstream, provider: m.provider, target: `${m.provider}/${m.upstream}`, attempts: [], completion: null, err: null, price: m.price });
        return out;
      } catch (err) {
        trace(m, call, { id, startedAt, t0, served: null, provider: m.provider, target: `${m.provider}/${m.upstream}`, attempts: [], completion: null, err, price: null });
        throw err;
      }
    },
  };
}
