import type { Counter, Gauge, PromRegistry } from "./prom-registry.js";

/** Why a served result was stale; `fresh` when it was not. A fixed set, so the labels stay bounded. */
export type RetrievalFreshness = "fresh" | "superseded" | "expired" | "max_age";

const REASONS: readonly RetrievalFreshness[] = ["fresh", "superseded", "expired", "max_age"];

/**
 * Stale-retrieval accounting for the knowledge layer's search API (docs/knowledge.md): every
 * result served is counted by freshness, and the stale share is kept as a gauge so a dashboard or
 * an alert rule reads it without a PromQL ratio. No store id label: store ids are unbounded, and
 * the trace's retrieval span (docs/knowledge.md) names the store for each call.
 */
export class RetrievalMetrics {
  private readonly results: Counter;
  private readonly searches: Counter;
  private readonly ratio: Gauge;
  private served = 0;
  private stale = 0;
  // Label arrays built once: one per reason, so counting a result allocates nothing.
  private readonly labels: ReadonlyMap<string, readonly string[]>;

  constructor(r: PromRegistry) {
    this.results = r.counter("keel_knowledge_results_served_total", "Search results served by /v1/vector_stores/{id}/search, by staleness and its reason (fresh, superseded, expired, max_age).", ["stale", "reason"]);
    this.searches = r.counter("keel_knowledge_searches_total", "Vector store searches answered, by whether any result served was stale.", ["served_stale"]);
    this.ratio = r.gauge("keel_knowledge_stale_retrieval_ratio", "Share of search results served stale since start (stale / all results served); 0 before any result.");
    this.labels = new Map(REASONS.map((k) => [k, [k === "fresh" ? "false" : "true", k]]));
    // Every series exists from the start, so rate() and the ratio are defined before the first stale result.
    for (const l of this.labels.values()) this.results.inc(l, 0);
    this.searches.inc(["true"], 0);
    this.searches.inc(["false"], 0);
    this.ratio.set([], 0);
  }

  /** Results served since start and how many were stale: what a stale-retrieval alert rule windows (alerts/counter-window.ts). */
  totals(): { served: number; stale: number } {
    return { served: this.served, stale: this.stale };
  }

  /** One answered search: the freshness of each result, in order. Called after the response is sent. */
  observe(results: readonly RetrievalFreshness[]): void {
    let stale = 0;
    for (const f of results) {
      this.results.inc(this.labels.get(f) ?? this.labels.get("fresh")!);
      if (f !== "fresh") stale++;
    }
    this.searches.inc([stale > 0 ? "true" : "false"]);
    this.served += results.length;
    this.stale += stale;
    this.ratio.set([], this.served === 0 ? 0 : this.stale / this.served);
  }
}
