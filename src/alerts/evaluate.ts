import type { SliceSummary } from "../observe/summary/summarize.js";
import type { EngineFigures } from "../engines/engine-state.js";
import type { AlertRule, EngineAlertMetric } from "./rule-schema.js";
import type { Observation } from "./state-machine.js";

/** A rule's metric read from one window's summary, with the samples behind it; null when the window is empty. */
export function readMetric(rule: AlertRule, s: SliceSummary | undefined): { value: number | null; samples: number } {
  if (!s) return { value: null, samples: 0 };
  switch (rule.metric) {
    case "error_rate": return { value: s.error_rate, samples: s.requests };
    case "latency_p50_ms": return { value: s.latency_ms.p50, samples: s.requests };
    case "latency_p95_ms": return { value: s.latency_ms.p95, samples: s.requests };
    case "ttft_p50_ms": return { value: s.ttft_ms.p50, samples: s.requests };
    case "ttft_p95_ms": return { value: s.ttft_ms.p95, samples: s.requests };
    case "tokens_per_s_p50": return { value: s.tokens_per_s_p50, samples: s.requests };
    case "cost_per_request_usd": return { value: s.cost_usd_per_request, samples: s.requests };
    case "cache_hit_rate": return { value: s.cache_hit_rate, samples: s.requests };
    case "guard_trigger_rate": return { value: s.guard_trigger_rate, samples: s.requests };
    case "requests": return { value: s.requests, samples: s.requests };
    case "score_mean": {
      const sc = s.scores[rule.score ?? ""];
      return { value: sc?.mean ?? null, samples: sc?.n ?? 0 };
    }
    case "feedback_mean": return { value: s.feedback?.mean ?? null, samples: s.feedback?.n ?? 0 };
    default: return { value: null, samples: 0 }; // engine_* rules read the scraper (judgeEngines), not summaries
  }
}

/** The scraped engines an engine rule reads (engines/engine-scraper.ts). */
export interface EngineReader {
  targets(): string[];
  /** Figures fresh enough to act on; null when stale or never scraped. */
  fresh(target: string): EngineFigures | null;
}

const ENGINE_FIGURE: Record<EngineAlertMetric, (f: EngineFigures) => number | null> = {
  engine_kv_cache_usage: (f) => f.kvUsage,
  engine_spec_acceptance_rate: (f) => f.specAcceptanceRate,
  engine_spec_mean_acceptance_length: (f) => f.specMeanAcceptanceLength,
  engine_requests_waiting: (f) => f.waiting,
  engine_requests_running: (f) => f.running,
  engine_prefix_cache_hit_rate: (f) => f.prefixHitRate,
  engine_preemptions: (f) => f.preemptions,
  engine_ttft_p95_ms: (f) => f.ttftP95Ms,
  engine_itl_p95_ms: (f) => f.itlP95Ms,
};

/**
 * Pure: an engine rule against the fresh engines it names (all of them when it names none) →
 * breached when any one is (with preemptions since its previous scrape, when the rule asks), with
 * that engine's value; otherwise the value nearest to breaching. Stale engines count as no data.
 */
export function judgeEngines(rule: AlertRule, engines: EngineReader): Observation {
  const t = rule.threshold;
  if (!t) return { kind: "no_data", samples: 0 };
  const read = ENGINE_FIGURE[rule.metric as EngineAlertMetric];
  const up = t.op === ">" || t.op === ">=";
  const targets = rule.engine?.target !== undefined ? [rule.engine.target] : engines.targets();
  let samples = 0;
  let worst: number | null = null;
  let breached: number | null = null;
  for (const target of targets) {
    const f = engines.fresh(target);
    const v = f === null ? null : read(f);
    if (f === null || v === null) continue;
    samples++;
    const more = (a: number, b: number | null): boolean => b === null || (up ? a > b : a < b);
    if (more(v, worst)) worst = v;
    const hit = t.op === ">" ? v > t.value : t.op === ">=" ? v >= t.value : t.op === "<" ? v < t.value : v <= t.value;
    if (hit && (!rule.engine?.with_preemptions || (f.preemptions ?? 0) > 0) && more(v, breached)) breached = v;
  }
  if (worst === null || samples < rule.min_samples) return { kind: "no_data", samples };
  return breached !== null ? { kind: "breached", value: breached, baseline: null, samples } : { kind: "clear", value: worst, baseline: null, samples };
}

/** Pure: the current window (and the baseline, for change rules) → breached, clear, or not enough data. */
export function judge(rule: AlertRule, current: { value: number | null; samples: number }, baseline?: { value: number | null; samples: number }): Observation {
  if (current.value === null || current.samples < rule.min_samples) return { kind: "no_data", samples: current.samples };
  const v = current.value;
  if (rule.threshold) {
    const t = rule.threshold.value;
    const hit = rule.threshold.op === ">" ? v > t : rule.threshold.op === ">=" ? v >= t : rule.threshold.op === "<" ? v < t : v <= t;
    return { kind: hit ? "breached" : "clear", value: v, baseline: null, samples: current.samples };
  }
  const c = rule.change!;
  if (!baseline || baseline.value === null || baseline.samples < rule.min_samples) return { kind: "no_data", samples: current.samples };
  const b = baseline.value;
  // Relative to the baseline's magnitude; a zero baseline counts any move in the direction as breached.
  const rel = b === 0 ? (v === 0 ? 0 : Math.sign(v) * Infinity) : (v - b) / Math.abs(b);
  const hit = c.direction === "up" ? rel >= c.by : -rel >= c.by;
  return { kind: hit ? "breached" : "clear", value: v, baseline: b, samples: current.samples };
}
