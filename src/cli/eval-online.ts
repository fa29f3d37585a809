import { readFileSync } from "node:fs";
import { parse } from "yaml";
import type { OnlineRuleRecord, ScoreSummaryRow } from "../evals/online/types.js";
import { AdminClient } from "./admin-client.js";
import { table } from "./table.js";

type Conn = { url: string; token?: string };

export async function addRule(c: Conn, file: string): Promise<void> {
  const body: unknown = parse(readFileSync(file, "utf8"));
  const r = await new AdminClient(c.url, c.token).call<OnlineRuleRecord>("POST", "/api/v1/evals/online-rules", body);
  process.stdout.write(`added online rule ${r.id} (${r.name})\n`);
}

export async function listRules(c: Conn, o: { json?: boolean }): Promise<void> {
  const { data } = await new AdminClient(c.url, c.token).call<{ data: OnlineRuleRecord[] }>("GET", "/api/v1/evals/online-rules");
  if (o.json) return void process.stdout.write(`${JSON.stringify(data, null, 2)}\n`);
  process.stdout.write(`${table(["ID", "NAME", "ENABLED", "SAMPLE", "EVALUATORS", "UPDATED"], data.map((r) => {
    const b = r.body as { sample_rate: number; evaluators: { kind: string; name?: string }[] };
    return [r.id, r.name, r.enabled ? "yes" : "no", b.sample_rate, b.evaluators.map((e) => e.name ?? e.kind).join(","), r.updated_at];
  }))}\n`);
}

export async function deleteRule(c: Conn, id: string): Promise<void> {
  await new AdminClient(c.url, c.token).call("DELETE", `/api/v1/evals/online-rules/${encodeURIComponent(id)}`);
  process.stdout.write(`deleted ${id}\n`);
}

export async function scoreSummary(c: Conn, o: { name?: string; since?: string; by: string; json?: boolean }): Promise<void> {
  const q = new URLSearchParams({ group_by: o.by, ...(o.name ? { name: o.name } : {}), ...(o.since ? { since: o.since } : {}) });
  const { data } = await new AdminClient(c.url, c.token).call<{ data: ScoreSummaryRow[] }>("GET", `/api/v1/scores/summary?${q}`);
  if (o.json) return void process.stdout.write(`${JSON.stringify(data, null, 2)}\n`);
  const f = (v: number | null): string => (v === null ? "-" : v.toFixed(3));
  process.stdout.write(`${table(["METRIC", o.by.toUpperCase(), "COUNT", "SCORED", "MEAN", "PASS RATE"], data.map((r) => [r.name, r.group, r.count, r.scored, f(r.mean), f(r.pass_rate)]))}\n`);
}
