import type { Arm } from "./sticky.js";
import { type TestResult, mannWhitneyGreater, proportionWorse, quantile } from "./rollout-stats.js";
import type { RolloutSettings } from "./types.js";

/** What one call on a rollout contributes to its comparison; built after the response is sent. */
export interface CallOutcome {
  ok: boolean;
  latencyMs: number;
  costUsd: number;
  /** Per-call facts from other layers, e.g. the guard layer's `guard_triggered`. */
  signals: Readonly<Record<string, number | boolean>>;
}

/**
 * A comparable quantity. Rates are compared with a two-proportion test, distributions with
 * Mann–Whitney U. New metrics (the guard layer's, a cache-hit rate) are one object each, passed to
 * the rollout service; nothing else changes.
 */
export interface CanaryMetric {
  readonly name: string;
  readonly kind: "rate" | "distribution";
  /** Which direction is better; B is only ever halted for moving the other way. */
  readonly better: "lower" | "higher";
  margin(s: RolloutSettings): { kind: "absolute" | "relative"; value: number };
  /** A boolean (rates) or number (distributions) for this call, or undefined when it has none. */
  extract(o: CallOutcome): boolean | number | undefined;
}

export const DEFAULT_METRICS: readonly CanaryMetric[] = [
  { name: "error_rate", kind: "rate", better: "lower", margin: (s) => ({ kind: "absolute", value: s.thresholds.error_rate }), extract: (o) => !o.ok },
  // Latency and cost of failed calls would reward an arm for failing fast: only successes count.
  { name: "latency_ms", kind: "distribution", better: "lower", margin: (s) => ({ kind: "relative", value: s.thresholds.latency }), extract: (o) => (o.ok ? o.latencyMs : undefined) },
  { name: "cost_usd", kind: "distribution", better: "lower", margin: (s) => ({ kind: "relative", value: s.thresholds.cost }), extract: (o) => (o.ok ? o.costUsd : undefined) },
  // 0 for every call until a guard layer reports `guard_triggered`; then it is compared like errors.
  { name: "guard_trigger_rate", kind: "rate", better: "lower", margin: (s) => ({ kind: "absolute", value: s.thresholds.guard_trigger_rate }), extract: (o) => o.signals.guard_triggered === true || o.signals.guard_triggered === 1 },
];

/** Eval, judge and feedback scores arrive later, by trace id; each name is its own metric. */
export function scoreMetric(name: string): CanaryMetric {
  return { name: `score:${name}`, kind: "distribution", better: "higher", margin: (s) => ({ kind: "absolute", value: s.thresholds.score }), extract: () => undefined };
}

const RESERVOIR = 5000;

class Distribution {
  n = 0;
  sum = 0;
  readonly sample: number[] = [];
  private seed: number;
  constructor(seed: number) {
    this.seed = seed >>> 0 || 1;
  }
  /** Algorithm R: a uniform sample of at most RESERVOIR values, so memory stays bounded on long rollouts. */
  add(v: number): void {
    this.n++;
    this.sum += v;
    if (this.sample.length < RESERVOIR) this.sample.push(v);
    else {
      const j = Math.floor(this.random() * this.n);
      if (j < RESERVOIR) this.sample[j] = v;
    }
  }
  private random(): number {
    // xorshift32: reproducible and cheap; statistical quality is ample for picking reservoir slots.
    let x = this.seed;
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
    this.seed = x >>> 0;
    return this.seed / 2 ** 32;
  }
}

interface ArmData {
  rates: Map<string, { n: number; x: number }>;
  dists: Map<string, Distribution>;
}

export interface MetricReport {
  metric: string;
  kind: "rate" | "distribution";
  better: "lower" | "higher";
  a: ArmSummary;
  b: ArmSummary;
  margin: { kind: "absolute" | "relative"; value: number };
  test: (TestResult & { alpha: number }) | null;
  /** Significantly worse beyond the margin, at a scheduled look. */
  breached: boolean;
}

export interface ArmSummary {
  n: number;
  /** Rate for rates; mean for distributions. */
  value: number;
  p50?: number;
  p95?: number;
}

export interface CanaryReport {
  verdict: "insufficient" | "ok" | "worse";
  /** The per-test significance level: alpha split over metrics and looks (Bonferroni). */
  alphaPerTest: number;
  metrics: MetricReport[];
}

/**
 * One rollout's comparison of A and B. Tests run only at scheduled looks — when the smaller arm
 * reaches min_samples, then 2×, 4×, … — and each spends alpha / (metrics × max_looks), so the
 * chance of ever halting a B that is no worse stays under alpha however long the rollout runs
 * within its look budget. Between looks, `report(false)` shows the numbers without deciding.
 */
export class Canary {
  private readonly arms: Record<Arm, ArmData> = { a: { rates: new Map(), dists: new Map() }, b: { rates: new Map(), dists: new Map() } };
  private readonly metrics = new Map<string, CanaryMetric>();
  private readonly nextLook = new Map<string, number>();

  constructor(baseMetrics: readonly CanaryMetric[], private readonly settings: RolloutSettings, private readonly seed = 1) {
    for (const m of baseMetrics) this.metrics.set(m.name, m);
  }

  observe(arm: Arm, o: CallOutcome): void {
    for (const m of this.metrics.values()) {
      const v = m.extract(o);
      if (v !== undefined) this.add(arm, m, v);
    }
  }

  score(arm: Arm, name: string, value: number): void {
    const key = `score:${name}`;
    let m = this.metrics.get(key);
    if (!m) this.metrics.set(key, (m = scoreMetric(name)));
    this.add(arm, m, value);
  }

  private add(arm: Arm, m: CanaryMetric, v: boolean | number): void {
    const data = this.arms[arm];
    if (m.kind === "rate") {
      let r = data.rates.get(m.name);
      if (!r) data.rates.set(m.name, (r = { n: 0, x: 0 }));
      r.n++;
      if (v === true || (typeof v === "number" && v > 0)) r.x++;
    } else if (typeof v === "number" && Number.isFinite(v)) {
      let d = data.dists.get(m.name);
      if (!d) data.dists.set(m.name, (d = new Distribution(this.seed * 31 + data.dists.size + (arm === "b" ? 7 : 0))));
      d.add(v);
    }
  }

  /** `decide`: run the tests due at their scheduled look (and advance the schedule). Otherwise report only. */
  report(decide: boolean): CanaryReport {
    const s = this.settings;
    const alphaPerTest = s.alpha / (Math.max(1, this.metrics.size) * s.max_looks);
    const metrics: MetricReport[] = [];
    let anyTested = false;
    let worse = false;
    for (const m of this.metrics.values()) {
      const a = this.summary("a", m);
      const b = this.summary("b", m);
      const margin = m.margin(s);
      const next = this.nextLook.get(m.name) ?? s.min_samples;
      const enough = Math.min(a.n, b.n) >= s.min_samples;
      const due = decide && Math.min(a.n, b.n) >= next;
      let test: MetricReport["test"] = null;
      let breached = false;
      if (enough) {
        const t = this.test("a", "b", m, margin);
        test = { ...t, alpha: alphaPerTest };
        if (due) {
          anyTested = true;
          while (Math.min(a.n, b.n) >= (this.nextLook.get(m.name) ?? s.min_samples)) this.nextLook.set(m.name, (this.nextLook.get(m.name) ?? s.min_samples) * 2);
          breached = t.p < alphaPerTest && beyondMargin(m, margin, a, b, t);
          worse ||= breached;
        }
      }
      metrics.push({ metric: m.name, kind: m.kind, better: m.better, a, b, margin, test, breached });
    }
    const verdict = worse ? "worse" : anyTested || metrics.some((m) => m.test) ? "ok" : "insufficient";
    return { verdict, alphaPerTest, metrics };
  }

  private summary(arm: Arm, m: CanaryMetric): ArmSummary {
    if (m.kind === "rate") {
      const r = this.arms[arm].rates.get(m.name);
      return { n: r?.n ?? 0, value: r && r.n > 0 ? r.x / r.n : 0 };
    }
    const d = this.arms[arm].dists.get(m.name);
    if (!d || d.n === 0) return { n: 0, value: 0 };
    const sorted = [...d.sample].sort((x, y) => x - y);
    return { n: d.n, value: d.sum / d.n, p50: quantile(sorted, 0.5), p95: quantile(sorted, 0.95) };
  }

  private test(a: Arm, b: Arm, m: CanaryMetric, margin: { kind: "absolute" | "relative"; value: number }): TestResult {
    if (m.kind === "rate") {
      const ra = this.arms[a].rates.get(m.name)!;
      const rb = this.arms[b].rates.get(m.name)!;
      // "Worse" for a higher-is-better rate is a lower rate: compare the complements.
      return m.better === "lower" ? proportionWorse(ra, rb, margin.value) : proportionWorse({ n: ra.n, x: ra.n - ra.x }, { n: rb.n, x: rb.n - rb.x }, margin.value);
    }
    const sa = this.arms[a].dists.get(m.name)!.sample;
    const sb = this.arms[b].dists.get(m.name)!.sample;
    const k = margin.value;
    if (m.better === "lower") return mannWhitneyGreater(sa, sb, margin.kind === "relative" ? (v) => v * (1 + k) : (v) => v + k);
    // Higher is better: B is worse when it is stochastically below A − margin; negate both sides.
    return mannWhitneyGreater(sa.map((v) => -v), sb.map((v) => -v), margin.kind === "relative" ? (v) => v * (1 - k) : (v) => v + k);
  }
}

function beyondMargin(m: CanaryMetric, margin: { kind: "absolute" | "relative"; value: number }, a: ArmSummary, b: ArmSummary, t: TestResult): boolean {
  if (m.kind === "distribution") return t.statistic > 0;
  const diff = m.better === "lower" ? b.value - a.value : a.value - b.value;
  return margin.kind === "absolute" ? diff > margin.value : diff > a.value * margin.value;
}
