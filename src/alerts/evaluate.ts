import type { SliceSummary } from "../observe/summary/summarize.js";
import type { AlertRule } from "./rule-schema.js";
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
  }
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
