import { HourlyBuckets } from "../observe/hourly-buckets.js";
/**
 * Retrieval quality over time, in process: per hour, searches, results served, stale results and
 * the mean top score; and the documents most often served stale. Fed by every answered search
 * (the same point as the stale-retrieval counters), bounded (a ring of hours, at most
 * `maxDocuments` documents tracked, the least served evicted first) and reset on restart. Read by
 * GET /api/v1/knowledge/retrieval for the dashboard's Knowledge page (docs/knowledge.md).
 */

export interface ServedResult {
  documentId: string;
  version: number;
  score: number;
  staleReason: string | null;
}

export interface RetrievalHour {
  /** Start of the hour, epoch ms. */
  start: number;
  searches: number;
  results: number;
  staleResults: number;
  /** Searches with at least one result, and the sum of their top scores: the mean top score's parts. */
  scored: number;
  topScoreSum: number;
}

export interface StaleServed {
  documentId: string;
  storeId: string;
  version: number;
  /** The reason the document was last served stale. */
  reason: string;
  served: number;
  lastServedAt: number;
}

export class RetrievalActivity {
  private readonly hours: HourlyBuckets<RetrievalHour>;
  private readonly stale = new Map<string, StaleServed>();

  constructor(keepHours = 48, private readonly maxDocuments = 1000) {
    this.hours = new HourlyBuckets(keepHours, (start) => ({ start, searches: 0, results: 0, staleResults: 0, scored: 0, topScoreSum: 0 }));
  }

  /** One answered search of `storeId` at `now` (epoch ms): its results in rank order. */
  observe(storeId: string, results: readonly ServedResult[], now: number): void {
    const h = this.hours.at(now);
    h.searches++;
    h.results += results.length;
    if (results.length > 0) {
      h.scored++;
      h.topScoreSum += Math.max(...results.map((r) => r.score));
    }
    for (const r of results) {
      if (r.staleReason === null) continue;
      h.staleResults++;
      const seen = this.stale.get(r.documentId);
      if (seen) {
        seen.served++;
        seen.reason = r.staleReason;
        seen.lastServedAt = now;
        continue;
      }
      if (this.stale.size >= this.maxDocuments) this.evictLeastServed();
      this.stale.set(r.documentId, { documentId: r.documentId, storeId, version: r.version, reason: r.staleReason, served: 1, lastServedAt: now });
    }
  }

  /** The hours with searches within the last `keepHours` before `now`, oldest first. */
  series(now: number): RetrievalHour[] {
    return this.hours.series(now);
  }

  /** The `limit` documents served stale most often, most first (ties: most recently served). */
  topStale(limit: number): StaleServed[] {
    return [...this.stale.values()].sort((a, b) => b.served - a.served || b.lastServedAt - a.lastServedAt).slice(0, limit).map((s) => ({ ...s }));
  }

  private evictLeastServed(): void {
    let worst: StaleServed | undefined;
    for (const s of this.stale.values()) if (!worst || s.served < worst.served || (s.served === worst.served && s.lastServedAt < worst.lastServedAt)) worst = s;
    if (worst) this.stale.delete(worst.documentId);
  }
}
