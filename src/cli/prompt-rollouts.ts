import type { CanaryReport } from "../prompts/canary.js";
import { AdminClient } from "./admin-client.js";
import { table } from "./table.js";

type Conn = { url: string; token?: string };
interface RolloutView {
  id: string; name: string; label: string; from_version: number; to_version: number; steps: number[]; step: number; percent: number;
  status: string; started_at: string; ended_at: string | null; actor: string; reason: string | null; outcome: unknown; comparison?: CanaryReport;
}

const out = (s: string): void => void process.stdout.write(s.endsWith("\n") ? s : `${s}\n`);
const path = (name: string, label: string, tail = ""): string => `/api/v1/prompts/${encodeURIComponent(name)}/rollouts/${encodeURIComponent(label)}${tail}`;

export interface StartOptions {
  to: string; label: string; steps?: string; minSamples?: string; alpha?: string; autoAdvance?: string; reason?: string;
  maxErrorRateIncrease?: string; maxLatencyIncrease?: string; maxCostIncrease?: string; json?: boolean;
}

export async function startRollout(c: Conn, name: string, o: StartOptions): Promise<void> {
  const num = (v: string | undefined, what: string): number | undefined => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isFinite(n)) throw new Error(`${what}: expected a number, got "${v}"`);
    return n;
  };
  const thresholds = {
    ...(o.maxErrorRateIncrease ? { error_rate: num(o.maxErrorRateIncrease, "--max-error-rate-increase") } : {}),
    ...(o.maxLatencyIncrease ? { latency: num(o.maxLatencyIncrease, "--max-latency-increase") } : {}),
    ...(o.maxCostIncrease ? { cost: num(o.maxCostIncrease, "--max-cost-increase") } : {}),
  };
  const body = {
    label: o.label,
    to_version: num(o.to, "--to"),
    ...(o.steps ? { steps: o.steps.split(",").map((s) => num(s.trim().replace(/%$/, ""), "--steps")) } : {}),
    ...(o.minSamples ? { min_samples: num(o.minSamples, "--min-samples") } : {}),
    ...(o.alpha ? { alpha: num(o.alpha, "--alpha") } : {}),
    ...(o.autoAdvance ? { auto_advance_ms: parseDuration(o.autoAdvance) } : {}),
    ...(Object.keys(thresholds).length ? { thresholds } : {}),
    ...(o.reason ? { reason: o.reason } : {}),
  };
  const r = await new AdminClient(c.url, c.token).call<RolloutView>("POST", `/api/v1/prompts/${encodeURIComponent(name)}/rollouts`, body);
  if (o.json) return out(JSON.stringify(r, null, 2));
  out(`${r.id}: ${name}@${r.label} v${r.from_version} → v${r.to_version}, steps ${r.steps.join("% → ")}%, now at ${r.percent}%`);
}

export async function rolloutStatus(c: Conn, name: string, o: { label: string; json?: boolean }): Promise<void> {
  const r = await new AdminClient(c.url, c.token).call<RolloutView>("GET", path(name, o.label));
  if (o.json) return out(JSON.stringify(r, null, 2));
  out(`${r.id}  ${name}@${r.label}  v${r.from_version} → v${r.to_version}  ${r.status}  ${r.percent}% on v${r.to_version}  (steps ${r.steps.join("/")}%)`);
  out(`started ${r.started_at} by ${r.actor}${r.reason ? ` — ${r.reason}` : ""}${r.ended_at ? `; ended ${r.ended_at}` : ""}`);
  const report = r.comparison ?? (r.outcome && typeof r.outcome === "object" && "metrics" in r.outcome ? (r.outcome as CanaryReport) : null);
  if (!report) return;
  out(`\ncomparison: ${report.verdict} (each test at α = ${report.alphaPerTest.toExponential(2)})`);
  const fmt = (v: number | undefined): string => (v === undefined ? "-" : Math.abs(v) >= 100 ? v.toFixed(0) : v.toPrecision(3));
  out(table(
    ["METRIC", "A n", "A", "B n", "B", "MARGIN", "p", "VERDICT"],
    report.metrics.map((m) => [
      m.metric, m.a.n, m.kind === "rate" ? fmt(m.a.value) : `p50 ${fmt(m.a.p50)}`, m.b.n, m.kind === "rate" ? fmt(m.b.value) : `p50 ${fmt(m.b.p50)}`,
      `${m.margin.kind === "relative" ? `${m.margin.value * 100}%` : m.margin.value}`, m.test ? m.test.p.toExponential(2) : "n/a",
      m.breached ? "WORSE" : m.test ? "ok" : "too few samples",
    ]),
  ));
}

export async function promoteRollout(c: Conn, name: string, o: { label: string; complete?: boolean; reason?: string }): Promise<void> {
  const r = await new AdminClient(c.url, c.token).call<RolloutView>("POST", path(name, o.label, "/promote"), { complete: o.complete === true, ...(o.reason ? { reason: o.reason } : {}) });
  out(r.status === "completed" ? `${name}@${r.label} is now v${r.to_version}: rollout ${r.id} completed` : `${name}@${r.label}: ${r.percent}% on v${r.to_version}`);
}

export async function abortRollout(c: Conn, name: string, o: { label: string; reason?: string }): Promise<void> {
  const r = await new AdminClient(c.url, c.token).call<RolloutView>("POST", path(name, o.label, "/abort"), o.reason ? { reason: o.reason } : {});
  out(`rollout ${r.id} aborted: everyone on ${name}@${r.label} is back on v${r.from_version}`);
}

function parseDuration(s: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(s.trim());
  if (!m) throw new Error(`--auto-advance: expected a duration such as 30m, 2h, 90s; got "${s}"`);
  return Math.round(Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as "ms" | "s" | "m" | "h"]);
}
