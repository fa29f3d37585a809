import { AdminClient } from "./admin-client.js";
import { table } from "./table.js";

type Conn = { url: string; token?: string };

interface AlertView {
  rule: { name: string; owner: string; metric: string; score?: string; slice: Record<string, string>; window_s: number };
  source: string;
  state: { status: string; since: number; value: number | null; baseline: number | null; samples: number; ackedBy: string | null; silencedUntil: number | null };
}

/** `keel alerts list`: every rule with its owner and state. */
export async function listAlerts(c: Conn, o: { json?: boolean }): Promise<void> {
  const a = await new AdminClient(c.url, c.token).call<{ data: AlertView[] }>("GET", "/api/v1/alerts");
  if (o.json) return void process.stdout.write(`${JSON.stringify(a, null, 2)}\n`);
  const now = Date.now();
  const rows = a.data.map(({ rule, state, source }) => [
    rule.name, state.status.toUpperCase(), rule.owner, rule.metric + (rule.score ? `:${rule.score}` : ""),
    Object.entries(rule.slice).map(([k, v]) => `${k}=${v}`).join(",") || "all", `${rule.window_s}s`,
    state.value === null ? "-" : fmt(state.value), state.baseline === null ? "-" : fmt(state.baseline), state.samples,
    state.ackedBy ?? "-", state.silencedUntil !== null && state.silencedUntil > now ? new Date(state.silencedUntil).toISOString() : "-", source,
  ]);
  process.stdout.write(`${table(["RULE", "STATE", "OWNER", "METRIC", "SLICE", "WINDOW", "VALUE", "BASELINE", "N", "ACKED BY", "SILENCED UNTIL", "SOURCE"], rows)}\n`);
}

export async function ackAlert(c: Conn, name: string): Promise<void> {
  const v = await new AdminClient(c.url, c.token).call<AlertView>("POST", `/api/v1/alerts/${encodeURIComponent(name)}/ack`);
  process.stdout.write(`Acknowledged ${v.rule.name} (${v.state.status}) as ${v.state.ackedBy}\n`);
}

/** `keel alerts silence NAME --for 2h`: notifications are recorded but not sent until then. */
export async function silenceAlert(c: Conn, name: string, o: { for: string }): Promise<void> {
  const v = await new AdminClient(c.url, c.token).call<AlertView>("POST", `/api/v1/alerts/${encodeURIComponent(name)}/silence`, { duration_s: durationS(o.for) });
  const until = v.state.silencedUntil;
  process.stdout.write(until !== null && until > Date.now() ? `Silenced ${v.rule.name} until ${new Date(until).toISOString()}\n` : `Silence lifted on ${v.rule.name}\n`);
}

export function durationS(v: string): number {
  const m = /^(\d{1,6})([smhd])$/.exec(v.trim());
  if (!m) throw new Error(`"${v}": expected a duration such as 30m, 2h, 1d (0s lifts the silence)`);
  return Number(m[1]) * { s: 1, m: 60, h: 3600, d: 86_400 }[m[2] as "s" | "m" | "h" | "d"];
}

function fmt(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toFixed(4);
}
