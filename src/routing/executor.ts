import type { ChatChunk, ChatCompletion, ChatRequest, EmbeddingsRequest, EmbeddingsResponse } from "../api/chat-types.js";
import { sleep } from "../async/sleep.js";
import { KeelError } from "../errors/errors.js";
import type { Provider } from "../providers/types.js";
import { Attempt, type AttemptCall } from "./attempt.js";
import { type EngineKvLookup, type EngineLoadLookup, pickTarget } from "./pick.js";
import type { PromptBlocks } from "./prompt-blocks.js";
import { classifyFailure, retryAfterMs, retryWait } from "./retry-policy.js";
import type { Route, RouteTarget } from "./route-table.js";
import { RoutedStream } from "./routed-stream.js";

/**
 * The I/O shell around routing decisions: the attempt loop. Each attempt picks a target (pick.ts),
 * calls its provider under the per-attempt timeouts, and on a retryable failure moves on — at once
 * to a target not yet tried, after a full-jitter backoff (or the upstream's Retry-After) to one
 * already tried — until an attempt succeeds, the route's max_attempts or deadline is spent, or the
 * request is aborted. A stream counts as succeeded at its first chunk: after that the client has
 * bytes and there is no going back (RoutedStream settles the attempt at the stream's end).
 */

export interface ProviderLookup {
  get(name: string): Provider;
}

export interface ExecutorDeps {
  readonly providers: ProviderLookup;
  readonly blocks: PromptBlocks;
  /** Monotonic ms; performance.now by default. */
  readonly now?: () => number;
  readonly random?: () => number;
  /** least-busy: each target's engine-reported queue when fresh (app.ts wires the engine scraper). */
  readonly engineLoad?: EngineLoadLookup;
  readonly engineKv?: EngineKvLookup;
}

export interface RouteCall extends AttemptCall {
  readonly route: Route;
}

export interface Served<T> {
  readonly value: T;
  readonly target: RouteTarget;
}

export class RouteExecutor {
  private readonly now: () => number;
  private readonly random: () => number;

  constructor(private readonly deps: ExecutorDeps) {
    this.now = deps.now ?? (() => performance.now());
    this.random = deps.random ?? Math.random;
  }

  async chat(call: RouteCall, req: ChatRequest): Promise<Served<ChatCompletion>> {
    const { value, attempt } = await this.run(call, req, false, async (t, a) => {
      const out = await this.deps.providers.get(t.provider).chat({ ...req, model: t.model }, a.context);
      a.firstToken();
      return out;
    });
    attempt.succeed();
    return { value, target: attempt.target };
  }

  async embeddings(call: RouteCall, req: EmbeddingsRequest): Promise<Served<EmbeddingsResponse>> {
    const { value, attempt } = await this.run(call, null, false, async (t, a) => {
      const p = this.deps.providers.get(t.provider);
      if (!p.embeddings) throw new KeelError("invalid_request", `The model '${call.route.name}' does not serve embeddings.`, { param: "model" });
      const out = await p.embeddings({ ...req, model: t.model }, a.context);
      a.firstToken();
      return out;
    });
    attempt.succeed();
    return { value, target: attempt.target };
  }

  /** Resolves at the first chunk, from whichever target produced it; the rest comes through the RoutedStream. */
  async chatStream(call: RouteCall, req: ChatRequest): Promise<RoutedStream> {
    const { value, attempt } = await this.run(call, req, true, async (t, a) => {
      const it = this.deps.providers.get(t.provider).chatStream({ ...req, model: t.model }, a.context)[Symbol.asyncIterator]();
      let step: IteratorResult<ChatChunk>;
      try {
        step = await it.next();
      } catch (err) {
        void it.return?.()?.catch(() => {});
        throw err;
      }
      if (step.done) throw new KeelError("upstream_stream_error", `${t.id}: the stream ended before its first chunk`, { upstream: { provider: t.provider } });
      a.firstToken();
      return { it, first: step.value };
    });
    return new RoutedStream(value.it, value.first, attempt, call.signal);
  }

  private async run<T>(
    call: RouteCall, prompt: ChatRequest | null, stream: boolean, attemptFn: (t: RouteTarget, a: Attempt) => Promise<T>,
  ): Promise<{ value: T; attempt: Attempt }> {
    const { route } = call;
    const cfg = route.retry;
    const deadlineAt = route.deadlineMs === undefined ? undefined : call.t0 + route.deadlineMs;
    const tried = new Set<number>();
    let ruledOut: Set<number> = NOTHING_RULED_OUT;
    const hashes = route.strategy === "prefix-affinity" && prompt ? this.deps.blocks.hashes(prompt, route.prefix.block_tokens, route.name) : undefined;
    let retries = 0;
    let lastError: unknown = null;
    for (let n = 0; n < cfg.max_attempts; n++) {
      if (call.signal.aborted) throw call.signal.reason;
      let now = this.now();
      const pick = pickTarget(route, { tried, ruledOut }, { now, random: this.random, blockHashes: hashes, maxCoolingMs: cfg.max_retry_after_ms, engineLoad: this.deps.engineLoad, engineKv: this.deps.engineKv });
      if (!pick) break;
      // Retry-After is waited out only when re-trying a target: another request's cool-down makes a
      // target a last choice, never a reason to hold a fresh request back
      const wait = pick.retry ? retryWait(retries++, pick.coolingMs, cfg, this.random) : 0;
      if (wait > 0) {
        if (deadlineAt !== undefined && now + wait >= deadlineAt) break;
        await sleep(wait, call.signal);
        now = this.now();
      }
      const target = route.targets[pick.index];
      const ticket = target.state.breaker.acquire(now) ?? (route.breakerEnabled ? null : "normal");
      if (ticket === null) continue; // its breaker opened while we waited: pick again
      tried.add(pick.index);
      const attempt = new Attempt(target, ticket, call, wait, stream, deadlineAt === undefined ? undefined : deadlineAt - now, this.now);
      try {
        return { value: await attemptFn(target, attempt), attempt };
      } catch (thrown) {
        // a timer of ours fired: the provider rethrew our abort reason, or something of its own
        const err = attempt.timers.fired ? attempt.timers.signal.reason : thrown;
        if (call.signal.aborted || attempt.timers.fired === "deadline") {
          attempt.abandon(err);
          throw call.signal.aborted ? call.signal.reason : err;
        }
        const kind = classifyFailure(err, false);
        attempt.fail(err, kind);
        if (kind !== "retryable") throw err;
        lastError = err;
        const ra = retryAfterMs(err);
        if (ra !== null && ra > cfg.max_retry_after_ms) (ruledOut === NOTHING_RULED_OUT ? (ruledOut = new Set()) : ruledOut).add(pick.index);
      }
    }
    throw lastError ?? noTargetError(route, this.now());
  }
}

/** Shared, never written: most requests rule nothing out. */
const NOTHING_RULED_OUT: Set<number> = new Set();

function noTargetError(route: Route, now: number): KeelError {
  let reopen = Infinity;
  for (const t of route.targets) {
    const s = t.state.breaker.snapshot(now);
    if (s.halfOpenAt !== null) reopen = Math.min(reopen, s.halfOpenAt);
  }
  const retryAfter = Number.isFinite(reopen) ? Math.max(1, Math.ceil((reopen - now) / 1000)) : undefined;
  return new KeelError("upstream_unavailable", `No target of '${route.name}' is available: every circuit breaker is open.`, { retryAfter });
}

