import { AdminClient } from "./admin-client.js";
import { table } from "./table.js";

type Conn = { url: string; token?: string };

export interface SpendOptions {
  by: string;
  since?: string;
  until?: string;
  key?: string;
  user?: string;
  team?: string;
  feature?: string;
  model?: string;
  limit: string;
  json?: boolean;
}

interface SpendAnswer {
  by: string[];
  since: string | null;
  until: string | null;
  data: Record<string, string | number | null>[];
  total: { requests: number; tokens_in: number; tokens_out: number; cost_usd: number };
}

const COLUMN: Record<string, string> = { day: "day", key: "key_id", user: "user", team: "team", feature: "feature", model: "model" };

/** `7d`, `12h`, `2026-11-01` or an ISO time → the day (`YYYY-MM-DD`, UTC) the API expects. */
export function sinceDay(value: string, now: number = Date.now()): string {
  const m = /^(\d{1,4})([dhw])$/.exec(value.trim());
  if (m) {
    const unit = { h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 }[m[2] as "h" | "d" | "w"];
    return new Date(now - Number(m[1]) * unit).toISOString().slice(0, 10);
  }
  if (value === "today") return new Date(now).toISOString().slice(0, 10);
  if (value === "month") return `${new Date(now).toISOString().slice(0, 7)}-01`;
  const t = Date.parse(value);
  if (!Number.isFinite(t)) throw new Error(`"${value}": expected a duration (7d, 12h, 2w), today, month, or a date (2026-11-01)`);
  return new Date(t).toISOString().slice(0, 10);
}

/** `keel spend`: actual spend grouped by day, key, user, team, feature or model. */
export async function showSpend(c: Conn, o: SpendOptions): Promise<void> {
  const q = new URLSearchParams({ by: o.by, limit: o.limit });
  if (o.since) q.set("since", sinceDay(o.since));
  if (o.until) q.set("until", sinceDay(o.until));
  for (const k of ["key", "user", "team", "feature", "model"] as const) if (o[k]) q.set(k, o[k]!);
  const a = await new AdminClient(c.url, c.token).call<SpendAnswer>("GET", `/api/v1/spend?${q}`);
  if (o.json) return void process.stdout.write(`${JSON.stringify(a, null, 2)}\n`);
  const dims = a.by.map((d) => COLUMN[d] ?? d);
  const rows = a.data.map((r) => [...dims.map((d) => r[d] ?? "-"), r.requests, r.tokens_in, r.tokens_out, usd(Number(r.cost_usd))]);
  if (dims.length > 0) rows.push([...dims.map((_, i) => (i === 0 ? "TOTAL" : "")), a.total.requests, a.total.tokens_in, a.total.tokens_out, usd(a.total.cost_usd)]);
  else rows.push([a.total.requests, a.total.tokens_in, a.total.tokens_out, usd(a.total.cost_usd)]);
  const span = `${a.since ?? "the beginning"} – ${a.until ?? "today"}`;
  process.stdout.write(`Spend ${span}${a.by.length ? ` by ${a.by.join(", ")}` : ""} (UTC days)\n`);
  process.stdout.write(`${table([...a.by.map((d) => d.toUpperCase()), "REQUESTS", "TOKENS IN", "TOKENS OUT", "COST USD"], rows)}\n`);
}

function usd(v: number): string {
  return v >= 0.01 || v === 0 ? `$${v.toFixed(2)}` : `$${v.toFixed(6)}`;
}
