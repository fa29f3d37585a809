import type { ServerResponse } from "node:http";
import type { ChatCompletion, Usage } from "../api/chat-types.js";
import type { CacheCall } from "../cache/cache-call.js";
import { callsTools, isServable } from "../cache/cache-entry.js";
import { cacheKey } from "../cache/cache-key.js";
import { cacheTtlHeader, decideCache } from "../cache/cache-policy.js";
import { safeToStore } from "../cache/cache-safety.js";
import type { CacheHit, CacheService } from "../cache/cache-service.js";
import { scopeOf } from "../cache/cache-settings.js";
import { replayChunks } from "../cache/replay.js";
import { semanticParts } from "../cache/semantic-index.js";
import { KeelError } from "../errors/errors.js";
import { resolvePiiPolicy } from "../observe/pii-policy.js";
import { drained } from "../server/backpressure.js";
import { sendJson } from "../server/respond.js";
import type { ChatContext } from "./chat.js";
import type { GatewayDeps } from "./deps.js";
import type { DeferredStage, Stage } from "./pipeline.js";

/**
 * The response cache on the chat path (docs/cache.md): in the marked slot after normalise, so the
 * key is over the body of record and a call the input guard refused never reaches it. A hit
 * answers (JSON, or a replayed SSE stream) and ends the list; a miss writes its answer after the
 * response (`cacheStore`, deferred).
 */

// A hit went nowhere upstream: nothing is billed, spent or settled against budgets.
const NO_USAGE: Usage = Object.freeze({ prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 }) as Usage;

export const cacheLookup: Stage<ChatContext> = {
  name: "cache",
  run(ctx, deps, req, res) {
    const cache = deps.cache;
    if (!cache) return;
    const model = ctx.model!;
    const body = ctx.bodyOfRecord!;
    const s = cache.settings.for(ctx.modelRequested, model.name);
    const ttl = cacheTtlHeader(req.headers["x-keel-cache-ttl"], cache.maxRequestTtlS);
    if (ttl.error) throw new KeelError("invalid_request", ttl.error, { param: "x-keel-cache-ttl" });
    const d = decideCache(s, { cacheControl: headerText(req.headers["cache-control"]), ttlS: ttl.ttlS }, body);
    const call: CacheCall = {
      outcome: "bypass", bypass: d.bypass, key: null, write: d.write, ttlS: d.ttlS, maxEntryBytes: s.maxEntryBytes,
      cacheToolCalls: s.cacheToolCalls, tags: null, ageS: null, saved: null, context: null, text: null, vector: null, similarity: null,
    };
    ctx.cache = call;
    if (!d.read && !d.write) {
      cache.count("bypass");
      res.setHeader("x-keel-cache", "bypass");
      return;
    }
    const scope = scopeOf(s.scope, ctx.principal?.keyId ?? null, ctx.principal?.team ?? null);
    const prompt = ctx.prompt ? `${ctx.prompt.compiled.name}@${ctx.prompt.compiled.version}` : null;
    const parts = { model: { name: model.name, provider: model.provider, upstream: model.upstream }, body, prompt, scope };
    call.key = cacheKey(parts);
    call.tags = { route: model.name, model: `${model.provider}/${model.upstream}`, scope, prompt };
    if (s.semantic && cache.semantic) {
      const sp = semanticParts(parts);
      if (sp) {
        call.context = sp.context;
        call.text = sp.text;
      }
    }
    if (!d.read) return missed(ctx, cache, res);
    const hit = cache.lookup(call.key, s.maxEntryBytes, Date.now());
    const semantic = call.context !== null ? s.semanticThreshold : null;
    if (hit instanceof Promise) return hit.then((h) => (h || semantic === null ? answer(ctx, cache, res, h) : nearest(ctx, cache, res, semantic)));
    if (hit || semantic === null) return answer(ctx, cache, res, hit);
    return nearest(ctx, cache, res, semantic);
  },
};

function headerText(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v.join(",") : v;
}

function missed(ctx: ChatContext, cache: CacheService, res: ServerResponse): void {
  cache.count("miss");
  ctx.cache!.outcome = "miss";
  res.setHeader("x-keel-cache", "miss");
}

/**
 * On an exact miss with the semantic cache on: the last user turn is embedded and compared with
 * the entries of its context (semantic-index.ts); at or above the route's threshold, the matched
 * entry answers as a `semantic-hit`. The vector is kept for the write after the response.
 */
async function nearest(ctx: ChatContext, cache: CacheService, res: ServerResponse, threshold: number): Promise<void> {
  const call = ctx.cache!;
  const v = await cache.embed(call.text!, ctx.abort.signal);
  call.vector = v;
  const m = v ? cache.semantic!.index.nearest(call.context!, v) : null;
  if (!m || m.similarity < threshold) return missed(ctx, cache, res);
  const hit = await cache.lookup(m.key, call.maxEntryBytes, Date.now());
  if (!hit) {
    cache.semantic!.index.remove(call.context!, m.key);
    return missed(ctx, cache, res);
  }
  call.similarity = m.similarity;
  // The trace names the matched entry, not this call's own key.
  call.key = m.key;
  return answer(ctx, cache, res, hit, "semantic-hit");
}

function answer(ctx: ChatContext, cache: CacheService, res: ServerResponse, hit: CacheHit | null, outcome: "hit" | "semantic-hit" = "hit"): void | Promise<void> {
  const call = ctx.cache!;
  if (!hit) return missed(ctx, cache, res);
  cache.count(outcome, hit.answer);
  call.outcome = outcome;
  call.ageS = hit.ageS;
  call.saved = hit.answer;
  call.write = false;
  ctx.answered = true;
  ctx.usage = NO_USAGE;
  // A fresh id and time per answer, as a model would give; the content is the stored one.
  const completion: ChatCompletion = { ...hit.answer.completion, id: `chatcmpl-${ctx.requestId.slice(4)}`, created: Math.floor(Date.now() / 1000) };
  ctx.response = completion;
  res.setHeader("x-keel-cache", outcome);
  res.setHeader("age", String(hit.ageS));
  ctx.ttftMs = performance.now() - ctx.t0;
  if (!ctx.stream) {
    sendJson(res, 200, completion);
    return;
  }
  const includeUsage = ctx.body!.stream_options?.include_usage === true;
  return replay(ctx, res, replayChunks(completion, completion.id, completion.created, includeUsage, completion.usage ?? null));
}

async function replay(ctx: ChatContext, res: ServerResponse, chunks: readonly unknown[]): Promise<void> {
  res.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache", "x-accel-buffering": "no" });
  try {
    for (const c of chunks) if (!res.write(`data: ${JSON.stringify(c)}\n\n`)) await drained(res, ctx.abort.signal);
    res.end("data: [DONE]\n\n");
  } catch {
    // The client went away mid-replay: nothing upstream to cancel.
    if (!res.destroyed) res.destroy();
  }
}

/**
 * After the response and its trace: a missed call's answer is stored when it finished cleanly,
 * calls tools only where the route allows, and holds nothing the capture policy would mask
 * (cache-safety.ts). What it cost is what each later hit saves.
 */
export const cacheStore: DeferredStage<ChatContext> = {
  name: "cache store",
  always: false,
  run(ctx, deps) {
    const cache = deps.cache;
    const call = ctx.cache;
    if (!cache || !call || call.outcome === "hit" || call.outcome === "semantic-hit" || !call.tags) return;
    // A model whose backend changed (new system_fingerprint) loses its entries before this one is written.
    const purging = cache.observeFingerprint(ctx.target?.id ?? call.tags.model, ctx.record?.systemFingerprint, { route: call.tags.route });
    if (purging) return purging.then(() => storeAnswer(ctx, deps, cache, call));
    return storeAnswer(ctx, deps, cache, call);
  },
};

function storeAnswer(ctx: ChatContext, deps: GatewayDeps, cache: CacheService, call: CacheCall): void | Promise<void> {
  if (!call.write || !call.key || !call.tags) return;
  if (ctx.httpStatus !== 200 || ctx.errorCode !== null) return;
  const c = ctx.response as ChatCompletion | null;
  if (!c || !isServable(c)) return;
  if (!call.cacheToolCalls && callsTools(c)) return;
  // Values the input guard redacted and the answer restored for the client are not kept either.
  if (ctx.guard?.vault && ctx.guard.vault.size > 0) return;
  const pii = resolvePiiPolicy(deps.config.capture, { keyId: ctx.principal?.keyId ?? null, keyName: ctx.principal?.keyName ?? null, model: ctx.modelRequested });
  if (!safeToStore(c, pii)) {
    cache.counters.skippedSensitive++;
    return;
  }
  const r = ctx.record;
  const stored: ChatCompletion = { ...c, usage: c.usage ?? ctx.usage ?? undefined };
  const key = call.key;
  return cache.store(key, call.tags, { completion: stored, tokensIn: r?.tokensIn ?? 0, tokensOut: r?.tokensOut ?? 0, costUsd: r?.costUsd ?? 0 }, call.ttlS, call.maxEntryBytes, Date.now()).then(async (ok) => {
    // Indexed only once stored; a refreshed (no-cache) call is embedded here, after its response.
    if (!ok || call.context === null || !cache.semantic) return;
    const v = call.vector ?? (await cache.embed(call.text!));
    if (v) cache.semantic.index.add(call.context, key, v);
  });
}
