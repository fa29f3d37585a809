import { test } from "node:test";
import assert from "node:assert/strict";
import type { ItemResult, MetricSpec, RunRecord } from "../runner/run-types.js";
import { summarize } from "../runner/summary.js";
import { compareRuns } from "./compare.js";
import { gate } from "./gate.js";
import { gateJunit, gateMarkdown } from "./report-formats.js";

const EXACT: MetricSpec = { name: "exact", kind: "exact", family: "deterministic", threshold: 1 };
const JUDGE: MetricSpec = { name: "helpful", kind: "judge_rubric", family: "judge", threshold: 0.5, fingerprint: "abcdef0123456789" };

/** A finished run whose item i scores `scores[i]` on every metric. */
function run(id: string, scores: number[], o: { status?: RunRecord["status"]; errors?: number; thresholds?: RunRecord["config"]["thresholds"] } = {}): { run: RunRecord; results: ItemResult[] } {
  const metrics = [EXACT, JUDGE];
  const results: ItemResult[] = scores.map((s, i) => ({
    item_id: `i${i}`, repeat: 0, error: null, cost_usd: 0,
    output: { text: "x", tool_calls: [], latency_ms: 1, cost_usd: 0, request_id: null, model: null, cached: false },
    scores: Object.fromEntries(metrics.map((m) => [m.name, { status: "scored", score: s, passed: s >= m.threshold, label: "x", explanation: "x" }])),
  }));
  for (let e = 0; e < (o.errors ?? 0); e++) results.push({ item_id: `err${e}`, repeat: 0, error: "HTTP 500", output: null, scores: {}, cost_usd: 0 });
  const thresholds = o.thresholds ?? { exact: { mean: 0.7 } };
  return {
    run: {
      id, name: "suite", status: o.status ?? "completed", dataset: "qa", dataset_version: 1,
      config: { suite: "suite", target: { description: "t", fingerprint: "f", config: {} }, evaluators: [], metrics, thresholds, repeats: 1, budget_usd: null, baseline_run: null },
      started_at: "2025-01-01T00:00:00.000Z", ended_at: "2025-01-01T00:01:00.000Z", cost_usd: 0,
      summary: summarize(results, metrics, thresholds, 1), metadata: {},
    },
    results,
  };
}

const allPass = Array.from({ length: 40 }, () => 1);
const tenFail = allPass.map((s, i) => (i < 10 ? 0 : s));
const calibrated = () => ({ eligible: true, reason: "calibrated: quadratic kappa 0.91" });
const uncalibrated = () => ({ eligible: false, reason: "uncalibrated: quadratic kappa 0.612 is below the required 0.8" });

test("compare: 10 of 40 items regress → Δ −0.25 with a CI below 0, McNemar exact p = 2/2¹⁰", () => {
  const c = compareRuns(run("base", allPass), run("cand", tenFail), { seed: 1 });
  const m = c.metrics.find((x) => x.name === "exact")!;
  assert.equal(m.paired, 40);
  assert.equal(m.delta, -0.25);
  assert.ok(m.ci![1] < 0, `CI ${m.ci}`);
  assert.equal(m.mean_verdict, "regression");
  assert.deepEqual([m.pass!.regressions, m.pass!.improvements], [10, 0]);
  assert.ok(Math.abs(m.pass!.p_value - 2 / 1024) < 1e-12);
  assert.equal(m.pass!.verdict, "regression");
  const same = compareRuns(run("a", tenFail), run("b", tenFail)).metrics[0];
  assert.deepEqual([same.delta, same.ci, same.mean_verdict, same.pass!.p_value], [0, [0, 0], "no_change", 1]);
  const up = compareRuns(run("a", tenFail), run("b", allPass)).metrics[0];
  assert.equal(up.mean_verdict, "improvement");
});

test("compare: a tiny regression on few items is not significant; min_effect raises the bar", () => {
  const base = [1, 1, 1, 1, 1, 1];
  const c = compareRuns(run("a", base), run("b", [0, 1, 1, 1, 1, 1])).metrics[0];
  assert.notEqual(c.mean_verdict, "regression", "one item of six: the interval reaches 0");
  assert.equal(c.pass!.verdict, "no_change", "McNemar p = 1 with b = 1, c = 0");
  const big = compareRuns(run("a", allPass), run("b", tenFail), { minEffect: 0.3 }).metrics[0];
  assert.equal(big.mean_verdict, "no_change", "Δ −0.25 is smaller than the 0.3 that matters");
});

test("gate: passes a good run; fails under threshold, on regression, on an incomplete run, on target errors", () => {
  const ok = gate(run("c", allPass), run("b", allPass), calibrated);
  assert.equal(ok.passed, true);
  assert.ok(ok.checks.some((c) => c.check === "regression_mean" && c.status === "pass"));
  const under = gate(run("c", tenFail, { thresholds: { exact: { mean: 0.8 } } }), null, calibrated);
  assert.equal(under.passed, false);
  assert.match(under.checks.find((c) => c.check === "threshold_mean")!.message, /mean 0\.750 < 0\.8/);
  const regressed = gate(run("c", tenFail, { thresholds: {} }), run("b", allPass), calibrated);
  assert.equal(regressed.passed, false);
  assert.deepEqual(regressed.checks.filter((c) => c.status === "fail").map((c) => `${c.metric}:${c.check}`).sort(), ["exact:regression_mean", "exact:regression_pass_rate", "helpful:regression_mean", "helpful:regression_pass_rate"]);
  assert.equal(gate(run("c", allPass, { status: "budget_exceeded" }), null, calibrated).passed, false);
  const errs = gate(run("c", allPass, { errors: 2 }), null, calibrated);
  assert.equal(errs.passed, false);
  assert.equal(gate(run("c", allPass, { errors: 2 }), null, calibrated, { maxErrorRate: 0.05 }).passed, true);
  assert.equal(gate(run("c", allPass), null, calibrated, { metrics: ["nope"] }).passed, false);
});

test("gate: an uncalibrated judge cannot gate — its regression is skipped, or fails under strict calibration", () => {
  const g = gate(run("c", tenFail, { thresholds: {} }), run("b", allPass), uncalibrated, { metrics: ["helpful"] });
  assert.equal(g.passed, true, "the judge's regression does not block");
  assert.deepEqual(g.checks.filter((c) => c.metric === "helpful").map((c) => [c.check, c.status]), [["calibration", "skipped"]]);
  assert.match(g.checks.find((c) => c.check === "calibration")!.message, /below the required 0\.8; this judge cannot gate a release/);
  const strict = gate(run("c", allPass), null, uncalibrated, { strictCalibration: true });
  assert.equal(strict.passed, false, "nor does it pass one under strict calibration");
});

test("JUnit XML: one testcase per check, failures and skips marked, text escaped; Markdown table", () => {
  const g = gate(run("c<&>", tenFail, { thresholds: { exact: { mean: 0.8 } } }), run("b", allPass), uncalibrated);
  const xml = gateJunit(g);
  assert.match(xml, /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<testsuites name="keel eval gate" tests="\d+" failures="\d+" skipped="1">/);
  assert.equal((xml.match(/<testcase /g) ?? []).length, g.checks.length);
  assert.equal((xml.match(/<failure /g) ?? []).length, g.checks.filter((c) => c.status === "fail").length);
  assert.match(xml, /c&lt;&amp;&gt;/);
  assert.doesNotMatch(xml, /c<&>/);
  const md = gateMarkdown(g);
  assert.match(md, /^## Keel eval gate: ❌ failed/);
  assert.match(md, /\| ❌ \| exact \| threshold_mean \| mean 0\.750 < 0\.8 \|/);
  assert.match(md, /### c<&> vs b/);
});
