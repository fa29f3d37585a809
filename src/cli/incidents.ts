import { AdminClient } from "./admin-client.js";
import { table } from "./table.js";

type Conn = { url: string; token?: string };

interface Incident {
  id: string;
  rule: { name: string; owner: string; metric: string; score?: string; slice: Record<string, string> };
  fired_at: number;
  resolved_at: number | null;
  value: number | null;
  baseline: number | null;
  samples: number;
}

interface Report extends Incident {
  regressions: { dim: string; value: string; current: number; baseline: number | null; samples: number; weight: number }[];
  candidate_causes: { event: { at: number; kind: string; action: string; summary: string; actor: string }; score: number; proximity: number; matched: { dim: string; value: string } | null; minutes_before: number }[];
}

export async function listIncidents(c: Conn, o: { json?: boolean }): Promise<void> {
  const a = await new AdminClient(c.url, c.token).call<{ data: Incident[] }>("GET", "/api/v1/incidents");
  if (o.json) return void process.stdout.write(`${JSON.stringify(a, null, 2)}\n`);
  const rows = a.data.map((i) => [i.id, i.rule.name, i.rule.owner, new Date(i.fired_at).toISOString(), i.resolved_at ? new Date(i.resolved_at).toISOString() : "open", num(i.value)]);
  process.stdout.write(`${table(["ID", "RULE", "OWNER", "FIRED", "RESOLVED", "VALUE"], rows)}\n`);
}

/** `keel incidents show ID`: what fired, which slices regressed, and the changes most likely behind it. */
export async function showIncident(c: Conn, id: string, o: { json?: boolean }): Promise<void> {
  const r = await new AdminClient(c.url, c.token).call<Report>("GET", `/api/v1/incidents/${encodeURIComponent(id)}`);
  if (o.json) return void process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
  const slice = Object.entries(r.rule.slice).map(([k, v]) => `${k}=${v}`).join(",") || "all traffic";
  const out = [
    `Incident ${r.id} — ${r.rule.name} (owner: ${r.rule.owner})`,
    `  ${r.rule.metric}${r.rule.score ? `:${r.rule.score}` : ""} on ${slice}: ${num(r.value)}${r.baseline === null ? "" : ` (baseline ${num(r.baseline)})`}, n=${r.samples}`,
    `  fired ${new Date(r.fired_at).toISOString()}${r.resolved_at ? `, resolved ${new Date(r.resolved_at).toISOString()}` : ", open"}`,
    "",
    "Regressed slices",
    r.regressions.length ? table(["DIM", "VALUE", "NOW", "BEFORE", "N", "WEIGHT"], r.regressions.slice(0, 10).map((g) => [g.dim, g.value, num(g.current), num(g.baseline), g.samples, g.weight])) : "  (none found)",
    "",
    "Candidate causes (most likely first)",
    r.candidate_causes.length
      ? table(["#", "SCORE", "WHEN", "KIND", "CHANGE", "BY", "TOUCHES REGRESSED SLICE"], r.candidate_causes.slice(0, 10).map((k, i) => [i + 1, k.score.toFixed(3), `${k.minutes_before} min before`, k.event.kind, k.event.summary, k.event.actor, k.matched ? `${k.matched.dim}=${k.matched.value}` : "-"]))
      : "  (no changes in the 24 h before it fired)",
  ];
  process.stdout.write(`${out.join("\n")}\n`);
}

function num(v: number | null): string {
  return v === null ? "-" : Number.isInteger(v) ? String(v) : v.toFixed(4);
}
