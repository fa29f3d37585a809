import { BOOTSTRAP_DEFAULTS, pairedBootstrap } from "../stats/bootstrap.js";
import { mcnemar } from "../stats/mcnemar.js";
import type { ItemResult, MetricSpec, RunRecord } from "../runner/run-types.js";
import { itemScores } from "../runner/summary.js";

export interface CompareOptions {
  /** Two-sided level of the delta interval (default 0.95). */
  readonly level?: number;
  readonly resamples?: number;
  readonly seed?: number;
  /** Significance level of McNemar's test (default 0.05). */
  readonly alpha?: number;
  /** A mean change smaller than this is never called significant, however narrow its interval. */
  readonly minEffect?: number;
}

export type Verdict = "regression" | "improvement" | "no_change" | "insufficient_data";

export interface MetricComparison {
  readonly name: string;
  readonly kind: string;
  /** Items scored in both runs: the pairs every statistic below uses. */
  readonly paired: number;
  readonly only_baseline: number;
  readonly only_candidate: number;
  readonly baseline_mean: number | null;
  readonly candidate_mean: number | null;
  /** candidate − baseline, over paired items. */
  readonly delta: number | null;
  readonly ci: readonly [number, number] | null;
  readonly mean_verdict: Verdict;
  readonly pass: {
    readonly threshold: number;
    readonly baseline_rate: number;
    readonly candidate_rate: number;
    /** Passed in the baseline, failed in the candidate. */
    readonly regressions: number;
    readonly improvements: number;
    /** Exact McNemar p over the discordant pairs. */
    readonly p_value: number;
    readonly verdict: Verdict;
  } | null;
}

export interface RunComparison {
  readonly baseline: string;
  readonly candidate: string;
  readonly level: number;
  readonly alpha: number;
  readonly resamples: number;
  readonly metrics: readonly MetricComparison[];
}

export interface RunWithResults {
  readonly run: RunRecord;
  readonly results: readonly ItemResult[];
}

/**
 * Paired comparison of two runs, metric by metric: items are matched by id; the delta's interval
 * is a paired bootstrap over items; pass/fail changes are tested with McNemar's exact test.
 * A mean regression is called when the whole interval lies below 0 (and the change is at least
 * `minEffect`); a pass-rate regression when McNemar's p < alpha and regressions outnumber improvements.
 */
export function compareRuns(baseline: RunWithResults, candidate: RunWithResults, o: CompareOptions = {}): RunComparison {
  const level = o.level ?? BOOTSTRAP_DEFAULTS.level;
  const alpha = o.alpha ?? 0.05;
  const minEffect = o.minEffect ?? 0;
  const resamples = o.resamples ?? BOOTSTRAP_DEFAULTS.resamples;
  const baseSpecs = new Map(baseline.run.config.metrics.map((m) => [m.name, m]));
  const metrics = candidate.run.config.metrics.filter((m) => baseSpecs.has(m.name)).map((m): MetricComparison => {
    const spec: MetricSpec = m;
    const a = itemScores(baseline.results, spec);
    const b = itemScores(candidate.results, spec);
    const ids = [...b.keys()].filter((id) => a.has(id)).sort();
    const xa = ids.map((id) => a.get(id)!.mean);
    const xb = ids.map((id) => b.get(id)!.mean);
    const base = { name: m.name, kind: m.kind, paired: ids.length, only_baseline: a.size - ids.length, only_candidate: b.size - ids.length };
    if (ids.length === 0) return { ...base, baseline_mean: null, candidate_mean: null, delta: null, ci: null, mean_verdict: "insufficient_data", pass: null };
    const pb = pairedBootstrap(xa, xb, { level, resamples, seed: o.seed });
    const ci = pb.ci ? ([pb.ci.low, pb.ci.high] as const) : null;
    const meanVerdict: Verdict = !ci ? "insufficient_data"
      : ci[1] < 0 && pb.delta <= -minEffect ? "regression"
      : ci[0] > 0 && pb.delta >= minEffect ? "improvement"
      : "no_change";
    const passA = xa.map((x) => x >= m.threshold);
    const passB = xb.map((x) => x >= m.threshold);
    const mc = mcnemar(passA.map((p, i) => [p, passB[i]] as const));
    const passVerdict: Verdict = mc.pExact < alpha ? (mc.b > mc.c ? "regression" : "improvement") : "no_change";
    return {
      ...base,
      baseline_mean: xa.reduce((s, x) => s + x, 0) / xa.length,
      candidate_mean: xb.reduce((s, x) => s + x, 0) / xb.length,
      delta: pb.delta,
      ci,
      mean_verdict: meanVerdict,
      pass: {
        threshold: m.threshold,
        baseline_rate: passA.filter(Boolean).length / passA.length,
        candidate_rate: passB.filter(Boolean).length / passB.length,
        regressions: mc.b, improvements: mc.c, p_value: mc.pExact, verdict: passVerdict,
      },
    };
  });
  return { baseline: baseline.run.id, candidate: candidate.run.id, level, alpha, resamples, metrics };
}
