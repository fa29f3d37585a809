import type { TraceRecord } from "../types.js";
import { OPERATION_DURATION_BUCKETS, TIME_PER_OUTPUT_TOKEN_BUCKETS, TIME_TO_FIRST_TOKEN_BUCKETS, TOKEN_USAGE_BUCKETS } from "./genai-buckets.js";
import { BoundedLabel, NONE } from "./label-bounds.js";
import type { MetricsConfig } from "./metrics-schema.js";
import { type Counter, type Gauge, type Histogram, PromRegistry, seriesKey } from "./prom-registry.js";
import { CitationMetrics } from "./citation-metrics.js";
import { RetrievalMetrics } from "./retrieval-metrics.js";

/** Facts other layers own, read when Prometheus scrapes rather than on the request path. */
export interface ScrapeSources {
  /** Routing's per-target state (breaker, in-flight). */
  targets?: () => readonly { id: string; inFlight: number; breaker: { state: string } }[];
  /** Mean eval score and feedback per name and prompt version over the trailing window. */
  evalScores?: () => readonly { name: string; source: string; prompt: string | null; mean: number; samples: number }[];
  /** Stored budget events (soft threshold crossed, exhausted), by budget and kind. */
  budgetEvents?: () => readonly { budget: string; kind: string; count: number }[];
  /** The trace writer's counters. */
  traceWriter?: () => { written: number; dropped: number; pending: number };
  /** The response cache's re-asks of sampled semantic hits, by outcome (match, mismatch, error, dropped). */
  cacheVerified?: () => Readonly<Record<string, number>>;
  /** The guard's remembered scan results (decision 0038): lookups that found one or not, characters held. */
  guardMemo?: () => { hits: number; misses: number; chars: number };
}

const BREAKER_STATES = ["closed", "open", "half_open"] as const;
const REJECTIONS: ReadonlySet<string> = new Set(["rate_limited", "budget_exceeded"]);
const GENAI = ["gen_ai_operation_name", "gen_ai_provider_name", "gen_ai_request_model", "gen_ai_response_model"] as const;

/**
 * Keel's Prometheus metrics: the OpenTelemetry GenAI client/server metrics under their Prometheus
 * names, and Keel's own request, cost, cache, guard and limit counters. `observe()` runs once per
 * finished call from trace finalisation: a fixed number of Map lookups, no I/O.
 */
export class GatewayMetrics {
  readonly registry = new PromRegistry();
  /** The knowledge layer's stale-retrieval counters (retrieval-metrics.ts), on the same /metrics. */
  readonly retrieval: RetrievalMetrics;
  /** Citation checks of the citations guard scanner (citation-metrics.ts). */
  readonly citations: CitationMetrics;
  private readonly key: BoundedLabel;
  private readonly user: BoundedLabel;
  private readonly feature: BoundedLabel;
  private readonly model: BoundedLabel;
  private readonly prompt: BoundedLabel;
  private readonly scanner: BoundedLabel;
  private readonly evalName: BoundedLabel;

  private readonly tokenUsage: Histogram;
  private readonly duration: Histogram;
  private readonly ttft: Histogram;
  private readonly tpot: Histogram;
  private readonly requests: Counter;
  private readonly userRequests: Counter;
  private readonly cost: Counter;
  private readonly cacheHits: Counter;
  private readonly cacheVerified: Counter;
  private readonly cachedTokens: Counter;
  private readonly responseCache: Counter;
  private readonly responseCacheTokens: Counter;
  private readonly responseCacheUsd: Counter;
  private readonly guardTriggers: Counter;
  private readonly rejections: Counter;
  private readonly attempts: Counter;
  private readonly breaker: Gauge;
  private readonly inFlight: Gauge;
  private readonly evalScore: Gauge;
  private readonly evalSamples: Gauge;
  private readonly budgetEvents: Counter;
  private readonly tracesWritten: Counter;
  private readonly tracesDropped: Counter;
  private readonly traceQueue: Gauge;
  private readonly guardMemo: Counter;
  private readonly guardMemoChars: Gauge;

  // Scratch label arrays, refilled per call: a series copies its values only when first created.
  private readonly g4: string[] = ["", "", "", ""];
  private readonly g5: string[] = ["", "", "", "", ""];
  private readonly r8: string[] = ["", "", "", "", "", "", "", ""];

  constructor(cfg: MetricsConfig, private readonly sources: ScrapeSources = {}) {
    const l = cfg.labels;
    this.key = new BoundedLabel(l.key);
    this.user = new BoundedLabel(l.user);
    this.feature = new BoundedLabel(l.feature);
    this.model = new BoundedLabel(l.model);
    this.prompt = new BoundedLabel(l.prompt);
    this.scanner = new BoundedLabel(l.scanner);
    this.evalName = new BoundedLabel(l.eval);
    const r = this.registry;
    this.tokenUsage = r.histogram("gen_ai_client_token_usage", "Number of input and output tokens used (OTel gen_ai.client.token.usage).", [...GENAI, "gen_ai_token_type"], TOKEN_USAGE_BUCKETS);
    this.duration = r.histogram("gen_ai_client_operation_duration_seconds", "GenAI operation duration (OTel gen_ai.client.operation.duration).", [...GENAI, "error_type"], OPERATION_DURATION_BUCKETS);
    this.ttft = r.histogram("gen_ai_server_time_to_first_token_seconds", "Time to the first chunk of a streamed response (OTel gen_ai.server.time_to_first_token).", GENAI, TIME_TO_FIRST_TOKEN_BUCKETS);
    this.tpot = r.histogram("gen_ai_server_time_per_output_token_seconds", "Time per output token after the first (OTel gen_ai.server.time_per_output_token).", GENAI, TIME_PER_OUTPUT_TOKEN_BUCKETS);
    this.requests = r.counter("keel_requests_total", "Gateway calls by outcome, model, provider, route, key, feature and prompt version.", ["status", "http_status", "model", "provider", "route", "key", "feature", "prompt_version"]);
    this.userRequests = r.counter("keel_user_requests_total", "Gateway calls by end user (bounded: metrics.labels.user).", ["user", "status"]);
    this.cost = r.counter("keel_cost_usd_total", "Estimated spend in USD.", ["model", "provider", "key", "feature"]);
    this.cacheHits = r.counter("keel_cache_hits_total", "Calls that read cached prompt tokens (provider prompt cache).", ["model", "provider"]);
    this.cachedTokens = r.counter("keel_cached_input_tokens_total", "Input tokens served from the provider's prompt cache.", ["model", "provider"]);
    // Keel's own response cache (docs/cache.md), apart from the provider's prompt cache above.
    this.responseCache = r.counter("keel_response_cache_requests_total", "Chat calls by response-cache outcome (hit, semantic-hit, miss, bypass) and route.", ["outcome", "route"]);
    this.responseCacheTokens = r.counter("keel_response_cache_tokens_saved_total", "Tokens (input and output) the response cache's hits did not spend upstream.", ["route"]);
    this.responseCacheUsd = r.counter("keel_response_cache_usd_saved_total", "Estimated USD the response cache's hits saved.", ["route"]);
    this.guardTriggers = r.counter("keel_guard_triggers_total", "Guardrail scanners that triggered, by scanner, action and source.", ["scanner", "action", "source"]);
    this.rejections = r.counter("keel_rate_limit_rejections_total", "Calls refused by rate limits or budgets, by error code.", ["code", "key", "feature"]);
    this.attempts = r.counter("keel_upstream_attempts_total", "Attempts at upstream targets (retries and failovers included), by outcome.", ["target", "outcome"]);
    this.breaker = r.gauge("keel_breaker_state", "1 for each target's current circuit-breaker state, 0 for the others.", ["target", "state"]);
    this.inFlight = r.gauge("keel_target_in_flight", "Calls in flight per upstream target.", ["target"]);
    this.evalScore = r.gauge("keel_eval_score", `Mean online eval score or feedback over the last ${cfg.eval_window_s} s, by score name and prompt version.`, ["name", "source", "prompt_version"]);
    this.evalSamples = r.gauge("keel_eval_score_samples", `Scores behind keel_eval_score over the last ${cfg.eval_window_s} s.`, ["name", "source", "prompt_version"]);
    this.budgetEvents = r.counter("keel_budget_events_total", "Budget events stored (soft threshold crossed, exhausted), by budget and kind.", ["budget", "kind"]);
    this.cacheVerified = r.counter("keel_cache_semantic_verified_total", "Sampled semantic cache hits re-asked to the model, by outcome: match, mismatch (a false hit), error, dropped (queue full).", ["outcome"]);
    this.tracesWritten = r.counter("keel_traces_written_total", "Trace records written to the store.");
    this.tracesDropped = r.counter("keel_traces_dropped_total", "Trace records dropped (queue full or write failed).");
    this.traceQueue = r.gauge("keel_trace_queue_depth", "Trace records waiting to be written.");
    this.guardMemo = r.counter("keel_guard_scan_memo_total", "Pure guard scanner runs answered from remembered results (hit) or run (miss), decision 0038.", ["outcome"]);
    this.guardMemoChars = r.gauge("keel_guard_scan_memo_chars", "Characters the guard's remembered scan results hold (bounded by guard.memo.max_chars).");
    this.retrieval = new RetrievalMetrics(r);
    this.citations = new CitationMetrics(r);
  }

  /** One finished gateway call. Called from trace finalisation, after the response was sent. */
  observe(t: TraceRecord): void {
    const provider = this.model.map(t.provider);
    const served = this.model.map(t.modelServed);
    const route = this.model.map(t.modelRequested);
    const g = this.g4;
    g[0] = t.endpoint;
    g[1] = provider;
    g[2] = route;
    g[3] = served;
    const gk = seriesKey(g);
    const g5 = this.g5;
    g5[0] = t.endpoint;
    g5[1] = provider;
    g5[2] = route;
    g5[3] = served;
    g5[4] = t.status !== "ok" ? (t.errorCode ?? `http_${t.httpStatus}`) : "";
    this.duration.observe(g5, t.latencyMs / 1000);
    if (t.stream && t.ttftMs !== null) {
      this.ttft.observe(g, t.ttftMs / 1000, gk);
      if (t.tokensOut > 1 && t.latencyMs > t.ttftMs) this.tpot.observe(g, (t.latencyMs - t.ttftMs) / 1000 / (t.tokensOut - 1), gk);
    }
    if (t.usageSource !== "none") {
      g5[4] = "input";
      this.tokenUsage.observe(g5, t.tokensIn);
      if (t.endpoint === "chat") {
        g5[4] = "output";
        this.tokenUsage.observe(g5, t.tokensOut);
      }
    }

    const key = this.key.map(t.keyId);
    const feature = this.feature.map(t.feature);
    const r = this.r8;
    r[0] = t.status;
    r[1] = String(t.httpStatus);
    r[2] = served;
    r[3] = provider;
    r[4] = route;
    r[5] = key;
    r[6] = feature;
    r[7] = t.promptName ? this.prompt.map(`${t.promptName}@v${t.promptVersion ?? "?"}`) : NONE;
    this.requests.inc(r);
    this.userRequests.inc([this.user.map(t.user), t.status]);
    if (t.costUsd > 0) this.cost.inc([served, provider, key, feature], t.costUsd);
    if (t.tokensCached > 0) {
      this.cacheHits.inc([served, provider]);
      this.cachedTokens.inc([served, provider], t.tokensCached);
    }
    if (t.cache) {
      this.responseCache.inc([t.cache.outcome, route]);
      if (t.cache.tokens_saved) this.responseCacheTokens.inc([route], t.cache.tokens_saved);
      if (t.cache.usd_saved) this.responseCacheUsd.inc([route], t.cache.usd_saved);
    }
    if (t.errorCode !== null && REJECTIONS.has(t.errorCode)) this.rejections.inc([t.errorCode, key, feature]);
    if (t.guard) for (const v of t.guard) if (v.triggered) this.guardTriggers.inc([this.scanner.map(v.scanner), v.action, v.source]);
    for (const a of t.attempts) this.attempts.inc([this.model.map(a.target), a.outcome]);
  }

  /** The `/metrics` body: scrape-time sources are read now, then everything is rendered. */
  render(): string {
    const s = this.sources;
    if (s.targets) {
      this.breaker.reset();
      this.inFlight.reset();
      for (const t of s.targets()) {
        const id = this.model.map(t.id);
        for (const st of BREAKER_STATES) this.breaker.set([id, st], t.breaker.state === st ? 1 : 0);
        this.inFlight.set([id], t.inFlight);
      }
    }
    if (s.evalScores) {
      this.evalScore.reset();
      this.evalSamples.reset();
      for (const e of s.evalScores()) {
        const labels = [this.evalName.map(e.name), e.source, e.prompt ? this.prompt.map(e.prompt) : NONE];
        this.evalScore.set(labels, e.mean);
        this.evalSamples.set(labels, e.samples);
      }
    }
    if (s.budgetEvents) for (const b of s.budgetEvents()) this.budgetEvents.setTotal([b.budget, b.kind], b.count);
    if (s.cacheVerified) for (const [outcome, n] of Object.entries(s.cacheVerified())) this.cacheVerified.setTotal([outcome], n);
    if (s.traceWriter) {
      const w = s.traceWriter();
      this.tracesWritten.setTotal([], w.written);
      this.tracesDropped.setTotal([], w.dropped);
      this.traceQueue.set([], w.pending);
    }
    if (s.guardMemo) {
      const m = s.guardMemo();
      this.guardMemo.setTotal(["hit"], m.hits);
      this.guardMemo.setTotal(["miss"], m.misses);
      this.guardMemoChars.set([], m.chars);
    }
    return this.registry.render();
  }
}
