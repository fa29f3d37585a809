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
import type { ChatContext } from "./chat.js";
import type { GatewayDeps } from "./deps.js";
import type { DeferredStage, Stage } from "./pipeline.js";

/**
 * The response cache on every chat-backed surface (docs/cache.md): in the marked slot after
 * normalise, so the key is over the body of record and a call the input guard refused never
 * reaches it. A hit answers in the surface's own wire format — JSON, or a replayed stream in its
 * event grammar — and ends the list; a miss writes its answer after the response (`cacheStore`,
 * deferred). Entries hold the internal answer (a chat completion) whatever the surface, and the
 * key holds the surface, so an entry only ever answers the surface that made it.
 */

// A hit went nowhere upstream: nothing is billed, spent or settled against budgets.
const NO_USAGE: Usage = Object.freeze({ prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 }) as Usage;

/**
 * How a surface answers from the cache: the stored answer (fresh id and time, stored usage) written
 * as its own JSON or replayed as its own stream, and `ctx.response` set to what its trace records.
 * Headers, the hit's accounting and the time to first byte are set before it is called.
 */
export type CachedAnswerWriter<C extends ChatContext> = (ctx: C, deps: GatewayDeps, res: ServerResponse, completion: ChatCompletion) => void | Promise<void>;

/** The cache stage of a surface whose hits `write` answers; built once per surface, at module load. */
export function cacheLookupStage<C extends ChatContext>(write: CachedAnswerWriter<C>): Stage<C> {
  return {
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
        cacheToolCalls: s.cacheToolCalls, tags: null, ageS: null, saved: null, context: null, text: null, vector: null, similarity: null, threshold: null, verify: null,
      };
      ctx.cache = call;
      if (!d.read && !d.write) {
        cache.count("bypass");
        res.setHeader("x-keel-cache", "bypass");
        return;
      }
      const scope = scopeOf(s.scope, ctx.principal?.keyId ?? null, ctx.principal?.team ?? null);
      const prompt = ctx.prompt ? `${ctx.prompt.compiled.name}@${ctx.prompt.compiled.version}` : null;
      const parts = { surface: ctx.surface, model: { name: model.name, provider: model.provider, upstream: model.upstream }, body, prompt, scope };
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
      if (hit instanceof Promise) return hit.then((h) => (h || semantic === null ? answer(ctx, deps, cache, res, write, h) : nearest(ctx, deps, cache, res, write, semantic)));
      if (hit || semantic === null) return answer(ctx, deps, cache, res, write, hit);
      return nearest(ctx, deps, cache, res, write, semantic);
    },
  };
}

/** Chat's hits: the completion as JSON, or replayed as chat chunks (usage last when the client asked). */
const answerChat: CachedAnswerWriter<ChatContext> = (ctx, _deps, res, completion) => {
  ctx.response = completion;
  if (!ctx.stream) {
    ctx.sendJsonAnswer(res, completion);
    return;
  }
  const includeUsage = ctx.body!.stream_options?.include_usage === true;
  const frames = replayChunks(completion, completion.id, completion.created, includeUsage, completion.usage ?? null).map((c) => `data: ${JSON.stringify(c)}\n\n`);
  frames.push("data: [DONE]\n\n");
  return replaySse(ctx, res, frames);
};

export const cacheLookup: Stage<ChatContext> = cacheLookupStage(answerChat);

function signedThinking(c: ChatCompletion): boolean {
  for (const ch of c.choices) {
    const blocks = (ch.message as { thinking_blocks?: unknown }).thinking_blocks;
    if (Array.isArray(blocks) && blocks.length > 0) return true;
  }
  return false;
}

function asksThinking(body: Record<string, unknown> | null): boolean {
  return (body?.thinking as { type?: unknown } | undefined)?.type === "enabled";
}

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
async function nearest<C extends ChatContext>(ctx: C, deps: GatewayDeps, cache: CacheService, res: ServerResponse, write: CachedAnswerWriter<C>, threshold: number): Promise<void> {
  const call = ctx.cache!;
  const v = await cache.embed(call.text!, ctx.abort.signal);
  call.vector = v;
  const m = v ? cache.semantic!.index.nearest(call.context!, v) : null;
  // An entry with a verified false hit needs more than the route's threshold (entry-thresholds.ts).
  if (!m || m.similarity < cache.thresholds.for(m.key, threshold)) return missed(ctx, cache, res);
  const hit = await cache.lookup(m.key, call.maxEntryBytes, Date.now());
  if (!hit) {
    cache.semantic!.index.remove(call.context!, m.key);
    return missed(ctx, cache, res);
  }
  call.similarity = m.similarity;
  call.threshold = threshold;
  if (cache.verifier?.sampled()) call.verify = "sampled";
  // The trace names the matched entry, not this call's own key.
  call.key = m.key;
  return answer(ctx, deps, cache, res, write, hit, "semantic-hit");
}

function answer<C extends ChatContext>(ctx: C, deps: GatewayDeps, cache: CacheService, res: ServerResponse, write: CachedAnswerWriter<C>, hit: CacheHit | null, outcome: "hit" | "semantic-hit" = "hit"): void | Promise<void> {
  const call = ctx.cache!;
  if (!hit) return missed(ctx, cache, res);
  cache.count(outcome, hit.answer);
  call.outcome = outcome;
  call.ageS = hit.ageS;
  call.saved = hit.answer;
  call.write = false;
  ctx.answered = true;
  ctx.usage = NO_USAGE;
  // A fresh id and time per answer, as a model would give; the content and its usage are the stored ones.
  const completion: ChatCompletion = { ...hit.answer.completion, id: `chatcmpl-${ctx.requestId.slice(4)}`, created: Math.floor(Date.now() / 1000) };
  res.setHeader("x-keel-cache", outcome);
  res.setHeader("age", String(hit.ageS));
  ctx.ttftMs = performance.now() - ctx.t0;
  return write(ctx, deps, res, completion);
}

/**
 * Writes a replayed stream: the SSE head, then its frames one write each (a surface's encoder gives
 * one string per chunk, as on a live stream), waiting on backpressure. Every surface's replay goes
 * through here; only the frames differ. The answer is at most `max_entry_bytes`, so building them
 * ahead costs little.
 */
export async function replaySse(ctx: ChatContext, res: ServerResponse, frames: readonly string[]): Promise<void> {
  res.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache", "x-accel-buffering": "no" });
  try {
    for (let i = 0; i < frames.length - 1; i++) if (frames[i] !== "" && !res.write(frames[i])) await drained(res, ctx.abort.signal);
    res.end(frames.at(-1) ?? "");
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
    if (cache && call?.verify === "sampled") return verifySemanticHit(ctx, cache, call);
    if (!cache || !call || call.outcome === "hit" || call.outcome === "semantic-hit" || !call.tags) return;
    // A model whose backend changed (new system_fingerprint) loses its entries before this one is written.
    // The trace reads it off the response; a Responses answer carries it only in the internal completion.
    const fingerprint = ctx.record?.systemFingerprint ?? ctx.completion?.system_fingerprint;
    const purging = cache.observeFingerprint(ctx.target?.id ?? call.tags.model, fingerprint, { route: call.tags.route });
    if (purging) return purging.then(() => storeAnswer(ctx, deps, cache, call));
    return storeAnswer(ctx, deps, cache, call);
  },
};

/** A sampled semantic hit, after its response and trace: queued for a re-ask (semantic-verifier.ts). */
function verifySemanticHit(ctx: ChatContext, cache: CacheService, call: CacheCall): void {
  if (!cache.verifier || !call.saved || !call.key || !call.context || call.similarity === null || call.threshold === null || !ctx.bodyOfRecord) return;
  cache.verifier.enqueue({
    requestId: ctx.requestId, key: call.key, context: call.context, similarity: call.similarity, routeThreshold: call.threshold,
    body: ctx.bodyOfRecord, model: ctx.model!.name, served: call.saved.completion,
  });
}

function storeAnswer(ctx: ChatContext, deps: GatewayDeps, cache: CacheService, call: CacheCall): void | Promise<void> {
  if (!call.write || !call.key || !call.tags) return;
  if (ctx.httpStatus !== 200 || ctx.errorCode !== null) return;
  // The internal answer: the screened completion (non-streaming, and a Responses stream's
  // assembled one), else a chat or Messages stream's assembled one, which is what it records.
  const c = ctx.completion ?? (ctx.response as ChatCompletion | null);
  if (!c || !isServable(c)) return;
  // Anthropic thinking is signed, and a stream's assembled answer does not keep it: not served from a replay.
  if (signedThinking(c) || asksThinking(ctx.bodyOfRecord)) return;
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
  const tags = call.tags;
  const context = cache.semantic ? call.context : null;
  const write = (v: Float32Array | null): Promise<void> =>
    cache.store(key, tags, { completion: stored, tokensIn: r?.tokensIn ?? 0, tokensOut: r?.tokensOut ?? 0, costUsd: r?.costUsd ?? 0 }, call.ttlS, call.maxEntryBytes, Date.now(), v && context !== null ? { context, vector: v } : undefined).then((ok) => {
      // Indexed only once stored; the vector is stored with the entry, so a restart refills the index from the backend.
      if (ok && v && context !== null) cache.semantic?.index.add(context, key, v);
    });
  if (context === null || call.vector) return write(call.vector);
  // A refreshed (no-cache) call is embedded here, after its response.
  return cache.embed(call.text!).then(write);
}
