import { writeFileSync } from "node:fs";
import type { RunComparison } from "../evals/compare/compare.js";
import type { GateResult } from "../evals/compare/gate.js";
import { comparisonMarkdown, gateJunit, gateMarkdown } from "../evals/compare/report-formats.js";
import type { ItemResult, RunRecord } from "../evals/runner/run-types.js";
import { AdminClient } from "./admin-client.js";
import { formatRun } from "./eval-format.js";
import { table } from "./table.js";

type Conn = { url: string; token?: string };
const f = (v: number | null, signed = false): string => (v === null ? "-" : `${signed && v >= 0 ? "+" : ""}${v.toFixed(3)}`);

export async function showRun(c: Conn, id: string, o: { results?: boolean; json?: boolean }): Promise<void> {
  const client = new AdminClient(c.url, c.token);
  const run = await client.call<RunRecord>("GET", `/api/v1/evals/runs/${encodeURIComponent(id)}`);
  const results = o.results ? (await client.call<{ data: ItemResult[] }>("GET", `/api/v1/evals/runs/${encodeURIComponent(id)}/results`)).data : undefined;
  if (o.json) return void process.stdout.write(`${JSON.stringify(results ? { ...run, results } : run, null, 2)}\n`);
  process.stdout.write(formatRun(run));
  if (!results) return;
  const cut = (s: string): string => (s.length > 48 ? `${s.slice(0, 45)}…` : s).replace(/\s+/g, " ");
  process.stdout.write(`\n${table(
    ["ITEM", "REP", "OUTPUT", ...run.config.metrics.map((m) => m.name.toUpperCase())],
    results.map((r) => [r.item_id, r.repeat, r.error ? `ERROR ${cut(r.error)}` : cut(r.output?.text ?? ""),
      ...run.config.metrics.map((m) => {
        const s = r.scores[m.name];
        return !s ? "-" : s.status === "scored" ? `${s.score.toFixed(2)} ${s.label}` : s.status === "undefined" ? `undef:${s.reason}` : "error";
      })]),
  )}\n`);
}

export async function listRuns(c: Conn, o: { name?: string; limit: string; json?: boolean }): Promise<void> {
  const q = new URLSearchParams({ limit: o.limit, ...(o.name ? { name: o.name } : {}) });
  const { data } = await new AdminClient(c.url, c.token).call<{ data: RunRecord[] }>("GET", `/api/v1/evals/runs?${q}`);
  if (o.json) return void process.stdout.write(`${JSON.stringify(data, null, 2)}\n`);
  process.stdout.write(`${table(["RUN", "SUITE", "STATUS", "DATASET", "ITEMS", "COST", "STARTED", "THRESHOLDS"], data.map((r) => [
    r.id, r.name, r.status, `${r.dataset ?? "-"}@${r.dataset_version ?? "-"}`, r.summary?.items ?? "-", `$${r.cost_usd.toFixed(4)}`, r.started_at,
    r.summary ? (r.summary.passed ? "met" : "NOT MET") : "-",
  ]))}\n`);
}

export async function compareRuns(c: Conn, a: string, b: string, o: { level: string; alpha: string; minEffect: string; markdown?: boolean; json?: boolean }): Promise<void> {
  const q = new URLSearchParams({ baseline: a, candidate: b, level: o.level, alpha: o.alpha, min_effect: o.minEffect });
  const r = await new AdminClient(c.url, c.token).call<RunComparison>("GET", `/api/v1/evals/compare?${q}`);
  if (o.json) return void process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
  if (o.markdown) return void process.stdout.write(`${comparisonMarkdown(r)}\n`);
  process.stdout.write(`${b} vs ${a} (baseline); ${Math.round(r.level * 100)}% paired bootstrap CIs, McNemar exact tests at α = ${r.alpha}\n\n`);
  process.stdout.write(`${table(["METRIC", "N", "BASELINE", "CANDIDATE", "DELTA", "CI", "PASS RATE", "REG/IMP", "MCNEMAR P", "VERDICT"], r.metrics.map((m) => [
    m.name, m.paired, f(m.baseline_mean), f(m.candidate_mean), f(m.delta, true), m.ci ? `[${f(m.ci[0], true)}, ${f(m.ci[1], true)}]` : "-",
    m.pass ? `${f(m.pass.baseline_rate)}→${f(m.pass.candidate_rate)}` : "-", m.pass ? `${m.pass.regressions}/${m.pass.improvements}` : "-",
    m.pass ? m.pass.p_value.toPrecision(3) : "-", `${m.mean_verdict}${m.pass && m.pass.verdict !== "no_change" ? `, pass ${m.pass.verdict}` : ""}`,
  ]))}\n`);
}

/** `metric:mean=0.8` / `metric:pass_rate=0.9` → thresholds. */
export function parseThresholds(specs: readonly string[]): Record<string, { mean?: number; pass_rate?: number }> {
  const out: Record<string, { mean?: number; pass_rate?: number }> = {};
  for (const s of specs) {
    const m = /^([A-Za-z0-9_.-]+):(mean|pass_rate)=([0-9.]+)$/.exec(s);
    const v = m ? Number(m[3]) : NaN;
    if (!m || !(v >= 0 && v <= 1)) throw new Error(`--threshold ${s}: expected metric:mean=0.8 or metric:pass_rate=0.9 (0–1)`);
    (out[m[1]] ??= {})[m[2] as "mean" | "pass_rate"] = v;
  }
  return out;
}

export async function gateRun(
  c: Conn, id: string,
  o: { baseline?: string; threshold?: string[]; metrics?: string; maxErrorRate: string; strictCalibration?: boolean; level: string; alpha: string; minEffect: string; junit?: string; markdown?: string; json?: boolean },
): Promise<void> {
  const body = {
    ...(o.baseline ? { baseline: o.baseline } : {}),
    ...(o.threshold?.length ? { thresholds: parseThresholds(o.threshold) } : {}),
    ...(o.metrics ? { metrics: o.metrics.split(",").map((s) => s.trim()).filter(Boolean) } : {}),
    max_error_rate: Number(o.maxErrorRate), strict_calibration: o.strictCalibration === true,
    level: Number(o.level), alpha: Number(o.alpha), min_effect: Number(o.minEffect),
  };
  const g = await new AdminClient(c.url, c.token).call<GateResult>("POST", `/api/v1/evals/runs/${encodeURIComponent(id)}/gate`, body);
  if (o.junit) writeFileSync(o.junit, gateJunit(g));
  if (o.markdown) writeFileSync(o.markdown, gateMarkdown(g));
  if (o.json) process.stdout.write(`${JSON.stringify(g, null, 2)}\n`);
  else {
    const mark = { pass: "ok  ", fail: "FAIL", skipped: "skip" } as const;
    for (const ch of g.checks) process.stdout.write(`${mark[ch.status]}  ${(ch.metric ?? "run").padEnd(20)} ${ch.check.padEnd(21)} ${ch.message}\n`);
    process.stdout.write(`\ngate ${g.passed ? "passed" : "FAILED"}\n`);
  }
  if (!g.passed) process.exitCode = 1;
}
