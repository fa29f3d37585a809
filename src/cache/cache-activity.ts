import { HourlyBuckets } from "../observe/hourly-buckets.js";
/**
 * The response cache's activity over time, in process: outcomes, tokens and USD saved per hour
 * for the last `hours` hours, and the time a lookup took over the last `samples` lookups. Bounded
 * (a fixed ring of hours, a fixed ring of samples) and reset on restart, like the counters beside
 * it; the dashboard's Cache page reads it through GET /api/v1/cache/stats (docs/cache.md).
 */

export type CacheOutcome = "hit" | "semantic-hit" | "miss" | "bypass";

export interface CacheHour {
  /** Start of the hour, epoch ms. */
  start: number;
  hits: number;
  semanticHits: number;
  misses: number;
  bypasses: number;
  tokensSaved: number;
  usdSaved: number;
}

export interface LookupLatency {
  samples: number;
  p50Ms: number | null;
  p95Ms: number | null;
  meanMs: number | null;
}

export class CacheActivity {
  private readonly hours: HourlyBuckets<CacheHour>;
  private readonly lookups: Float64Array;
  private lookupCount = 0;

  constructor(keepHours = 48, samples = 1024) {
    this.hours = new HourlyBuckets(keepHours, (start) => ({ start, hits: 0, semanticHits: 0, misses: 0, bypasses: 0, tokensSaved: 0, usdSaved: 0 }));
    this.lookups = new Float64Array(samples);
  }

  /** One call's outcome at `now` (epoch ms), with what a hit saved. */
  count(outcome: CacheOutcome, now: number, saved?: { tokens: number; usd: number }): void {
    const h = this.hours.at(now);
    if (outcome === "hit") h.hits++;
    else if (outcome === "semantic-hit") h.semanticHits++;
    else if (outcome === "miss") h.misses++;
    else h.bypasses++;
    if (saved) {
      h.tokensSaved += saved.tokens;
      h.usdSaved += saved.usd;
    }
  }

  /** The time one lookup took (the backend read and the entry's check), in milliseconds. */
  lookup(ms: number): void {
    this.lookups[this.lookupCount % this.lookups.length] = ms;
    this.lookupCount++;
  }

  /** The hours with activity within the last `keepHours` before `now`, oldest first. */
  series(now: number): CacheHour[] {
    return this.hours.series(now);
  }

  latency(): LookupLatency {
    const n = Math.min(this.lookupCount, this.lookups.length);
    if (n === 0) return { samples: 0, p50Ms: null, p95Ms: null, meanMs: null };
    const v = Array.from(this.lookups.subarray(0, n)).sort((a, b) => a - b);
    // Nearest-rank percentiles: the value at ceil(p·n), a sample that was actually measured.
    const at = (p: number): number => v[Math.max(0, Math.ceil(p * n) - 1)];
    return { samples: n, p50Ms: at(0.5), p95Ms: at(0.95), meanMs: v.reduce((a, b) => a + b, 0) / n };
  }
}
