import type { MetricSpec } from "../runner/run-types.js";
import { type CompareOptions, compareRuns, type RunComparison, type RunWithResults } from "./compare.js";

export type CheckKind = "run_complete" | "target_errors" | "calibration" | "threshold_mean" | "threshold_pass_rate" | "regression_mean" | "regression_pass_rate" | "metric_present";

export interface GateCheck {
  readonly metric: string | null;
  readonly check: CheckKind;
  readonly status: "pass" | "fail" | "skipped";
  readonly message: string;
}

export interface GateResult {
  readonly run: string;
  readonly baseline: string | null;
  readonly passed: boolean;
  readonly checks: readonly GateCheck[];
  readonly comparison: RunComparison | null;
}

export interface GateOptions extends CompareOptions {
  /** Aggregate minima per metric; defaults to the thresholds the run's suite declared. */
  readonly thresholds?: Readonly<Record<string, { mean?: number; pass_rate?: number }>>;
  /** Gate only these metrics (default: all the run has). */
  readonly metrics?: readonly string[];
  /** Largest tolerated share of target calls that failed for good (default 0). */
  readonly maxErrorRate?: number;
  /** An uncalibrated judge fails the gate instead of being left out of it. */
  readonly strictCalibration?: boolean;
}

/**
 * The release gate. Fails when the run did not complete, when too many target calls failed, when a
 * gated metric is under its threshold, or when it regressed significantly against the baseline.
 * A judge metric whose judge is not calibrated against experts cannot gate: its checks are
 * skipped (or, with strictCalibration, fail) — an uncalibrated judge neither blocks nor passes a release.
 */
export function gate(
  candidate: RunWithResults, baseline: RunWithResults | null, eligibility: (m: MetricSpec) => { eligible: boolean; reason: string }, o: GateOptions = {},
): GateResult {
  const checks: GateCheck[] = [];
  const run = candidate.run;
  const summary = run.summary;
  checks.push(run.status === "completed" && summary
    ? { metric: null, check: "run_complete", status: "pass", message: `run ${run.id} completed` }
    : { metric: null, check: "run_complete", status: "fail", message: `run ${run.id} is ${run.status}: its scores cover only part of the dataset` });
  if (summary) {
    const rate = summary.results === 0 ? 0 : summary.target_errors / summary.results;
    const max = o.maxErrorRate ?? 0;
    checks.push({ metric: null, check: "target_errors", status: rate <= max ? "pass" : "fail", message: `${summary.target_errors} of ${summary.results} target calls failed (${pct(rate)}; max ${pct(max)})` });
  }
  const thresholds = o.thresholds ?? run.config.thresholds;
  const wanted = o.metrics ?? run.config.metrics.map((m) => m.name);
  const comparison = baseline ? compareRuns(baseline, candidate, o) : null;
  for (const name of wanted) {
    const spec = run.config.metrics.find((m) => m.name === name);
    const ms = summary?.metrics.find((m) => m.name === name);
    if (!spec || !ms) {
      checks.push({ metric: name, check: "metric_present", status: "fail", message: `the run has no metric "${name}"` });
      continue;
    }
    if (spec.family === "judge" || spec.fingerprint) {
      const e = eligibility(spec);
      if (!e.eligible) {
        checks.push({ metric: name, check: "calibration", status: o.strictCalibration ? "fail" : "skipped", message: `${e.reason}; this judge cannot gate a release` });
        continue;
      }
      checks.push({ metric: name, check: "calibration", status: "pass", message: e.reason });
    }
    const t = thresholds[name] ?? {};
    if (t.mean !== undefined) {
      const ok = ms.mean !== null && ms.mean >= t.mean;
      checks.push({ metric: name, check: "threshold_mean", status: ok ? "pass" : "fail", message: `mean ${fmt(ms.mean)} ${ok ? "≥" : "<"} ${t.mean}` });
    }
    if (t.pass_rate !== undefined) {
      const ok = ms.pass_rate !== null && ms.pass_rate >= t.pass_rate;
      checks.push({ metric: name, check: "threshold_pass_rate", status: ok ? "pass" : "fail", message: `pass rate ${fmt(ms.pass_rate)} ${ok ? "≥" : "<"} ${t.pass_rate}` });
    }
    const c = comparison?.metrics.find((m) => m.name === name);
    if (baseline && !c) checks.push({ metric: name, check: "regression_mean", status: "skipped", message: `the baseline has no metric "${name}"` });
    if (c) {
      const ci = c.ci ? `[${fmt(c.ci[0])}, ${fmt(c.ci[1])}]` : "n/a";
      checks.push({
        metric: name, check: "regression_mean",
        status: c.mean_verdict === "regression" ? "fail" : c.mean_verdict === "insufficient_data" ? "skipped" : "pass",
        message: `Δ mean ${fmt(c.delta, true)} (${Math.round(comparison!.level * 100)}% CI ${ci}) over ${c.paired} paired items: ${c.mean_verdict.replace("_", " ")}`,
      });
      if (c.pass) {
        checks.push({
          metric: name, check: "regression_pass_rate", status: c.pass.verdict === "regression" ? "fail" : "pass",
          message: `pass rate ${fmt(c.pass.baseline_rate)} → ${fmt(c.pass.candidate_rate)}; ${c.pass.regressions} regressed, ${c.pass.improvements} improved; McNemar exact p = ${c.pass.p_value.toPrecision(3)}`,
        });
      }
    }
  }
  return { run: run.id, baseline: baseline?.run.id ?? null, passed: checks.every((c) => c.status !== "fail"), checks, comparison };
}

function fmt(v: number | null, signed = false): string {
  if (v === null) return "n/a";
  const s = v.toFixed(3);
  return signed && v >= 0 ? `+${s}` : s;
}

function pct(v: number): string {
  return `${(v * 100).toFixed(1)}%`;
}
