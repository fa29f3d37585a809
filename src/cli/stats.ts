import { AdminClient } from "./admin-client.js";
import { table } from "./table.js";
import type { SliceSummary } from "../observe/summary/summarize.js";
import type { SummaryAnswer } from "../observe/summary/summary-query.js";

type Conn = { url: string; token?: string };

export interface StatsOptions {
  by?: string;
  since: string;
  until?: string;
  model?: string;
  route?: string;
  prompt?: string;
  key?: string;
  user?: string;
  feature?: string;
  json?: boolean;
}

/** `keel stats`: the summary endpoint as a table, one row per slice. */
export async function showStats(c: Conn, o: StatsOptions): Promise<void> {
  const q = new URLSearchParams({ since: o.since });
  if (o.until) q.set("until", o.until);
  if (o.by) q.set("by", o.by);
  for (const k of ["model", "route", "key", "user", "feature"] as const) if (o[k]) q.set(k, o[k]!);
  if (o.prompt) q.set("prompt_version", o.prompt);
  const a = await new AdminClient(c.url, c.token).call<SummaryAnswer>("GET", `/api/v1/metrics/summary?${q}`);
  if (o.json) return void process.stdout.write(`${JSON.stringify(a, null, 2)}\n`);
  const rows = a.data.map((s) => [
    s.slice, s.requests, pct(s.error_rate), ms(s.latency_ms.p50), ms(s.latency_ms.p95), ms(s.ttft_ms.p50), ms(s.ttft_ms.p95),
    s.tokens_per_s_p50 === null ? "-" : s.tokens_per_s_p50.toFixed(1), `${Math.round(s.tokens_in_per_request)}/${Math.round(s.tokens_out_per_request)}`,
    `$${s.cost_usd_per_request.toFixed(6)}`, pct(s.cache_hit_rate), pct(s.guard_trigger_rate), scores(s),
  ]);
  process.stdout.write(`Stats ${new Date(a.since).toISOString()} – ${new Date(a.until).toISOString()}${a.by ? ` by ${a.by}` : ""}${a.truncated ? " (most recent calls only: range truncated)" : ""}\n`);
  process.stdout.write(`${table([(a.by ?? "slice").toUpperCase(), "REQS", "ERR", "LAT P50", "LAT P95", "TTFT P50", "TTFT P95", "TOK/S", "TOK IN/OUT", "COST/REQ", "CACHE", "GUARD", "SCORES"], rows)}\n`);
}

function pct(v: number): string {
  return `${(v * 100).toFixed(1)}%`;
}

function ms(v: number | null): string {
  return v === null ? "-" : `${Math.round(v)}ms`;
}

function scores(s: SliceSummary): string {
  const parts = Object.entries(s.scores).map(([k, v]) => `${k}=${v.mean.toFixed(2)}(${v.n})`);
  if (s.feedback) parts.push(`feedback=${s.feedback.mean.toFixed(2)}(${s.feedback.n})`);
  return parts.join(" ") || "-";
}
