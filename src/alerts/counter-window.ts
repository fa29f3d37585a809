/**
 * Windowed rates over monotonic counters kept in process (the stale-retrieval counts of /metrics):
 * the evaluator records the counters at each pass, and a window's rate is the difference between
 * the last sample at or before its end and the last at or before its start — what PromQL's
 * `increase()` does, without a time-series store. Pure: times are passed in.
 */
export interface CounterSample {
  at: number;
  served: number;
  stale: number;
}

export class CounterWindow {
  private readonly samples: CounterSample[] = [];

  /** Keeps samples for `maxAgeMs` (the longest window a rule may ask for), at most `maxSamples` of them. */
  constructor(private readonly maxAgeMs: number, private readonly maxSamples = 50_000) {}

  /** A reading taken at `at` (non-decreasing; an earlier one is ignored). */
  record(s: CounterSample): void {
    const last = this.samples[this.samples.length - 1];
    if (last && s.at < last.at) return;
    this.samples.push(s);
    // Keep one sample older than the horizon, so the longest window still has its start.
    while (this.samples.length > 2 && (this.samples.length > this.maxSamples || this.samples[1].at <= s.at - this.maxAgeMs)) this.samples.shift();
  }

  /**
   * Stale ÷ served between `since` and `until`, with the results served as samples; null value when
   * none were served. A window reaching before the first sample starts at the first sample (Keel
   * started, or the rule's history began, later than the window).
   */
  rate(since: number, until: number): { value: number | null; samples: number } {
    const end = this.at(until);
    const start = this.at(since) ?? this.samples[0];
    if (!end || !start || end.at <= start.at) return { value: null, samples: 0 };
    const served = end.served - start.served;
    const stale = end.stale - start.stale;
    // A restarted counter (a lower reading) is no data rather than a negative rate.
    if (served <= 0 || stale < 0) return { value: null, samples: Math.max(0, served) };
    return { value: stale / served, samples: served };
  }

  private at(t: number): CounterSample | undefined {
    let lo = 0;
    let hi = this.samples.length - 1;
    let found: CounterSample | undefined;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.samples[mid].at <= t) { found = this.samples[mid]; lo = mid + 1; } else hi = mid - 1;
    }
    return found;
  }
}
