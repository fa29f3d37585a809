import { AdminClient } from "./admin-client.js";

type Conn = { url: string; token?: string };
type TraceRow = {
  id: string; started_at: string; model_requested: string; provider: string | null; status: string; http_status: number;
  latency_ms: number; ttft_ms: number | null; tokens_in: number; tokens_out: number; cost_usd: number; stream: boolean; key_id: string | null;
  feature: string | null; error_code: string | null;
};

export interface TailOptions {
  limit: string; follow: boolean; model?: string; key?: string; status?: string; feature?: string; interval: string; json?: boolean;
}

export async function tailTraces(c: Conn, o: TailOptions): Promise<void> {
  const limit = Number(o.limit);
  const interval = Number(o.interval);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new Error("--limit: expected 1–1000");
  if (!Number.isFinite(interval) || interval < 100) throw new Error("--interval: expected at least 100 ms");
  const client = new AdminClient(c.url, c.token);
  const q = new URLSearchParams({ limit: String(limit) });
  for (const k of ["model", "key", "status", "feature"] as const) if (o[k]) q.set(k, o[k]!);
  const seen = new Set<string>();
  let since: string | undefined;
  for (;;) {
    if (since) q.set("since", since);
    const { data } = await client.call<{ data: TraceRow[] }>("GET", `/api/v1/traces?${q}`);
    const fresh = data.filter((t) => !seen.has(t.id)).reverse();
    for (const t of fresh) {
      seen.add(t.id);
      process.stdout.write(`${o.json ? JSON.stringify(t) : line(t)}\n`);
    }
    if (data.length > 0) since = data[0].started_at;
    if (seen.size > 10_000) seen.clear();
    if (!o.follow) return;
    await new Promise((r) => setTimeout(r, interval));
  }
}

function line(t: TraceRow): string {
  const status = t.status === "ok" ? String(t.http_status) : `${t.http_status} ${t.error_code ?? ""}`.trim();
  const ttft = t.ttft_ms === null ? "" : ` ttft ${t.ttft_ms.toFixed(1)}ms`;
  return `${t.started_at}  ${t.id}  ${t.model_requested}${t.provider ? ` via ${t.provider}` : ""}  ${status}  ${t.latency_ms.toFixed(1)}ms${ttft}  ${t.tokens_in}→${t.tokens_out} tok  $${t.cost_usd.toFixed(6)}${t.stream ? "  stream" : ""}${t.feature ? `  [${t.feature}]` : ""}`;
}

export async function showTrace(c: Conn, id: string): Promise<void> {
  const t = await new AdminClient(c.url, c.token).call<unknown>("GET", `/api/v1/traces/${encodeURIComponent(id)}`);
  process.stdout.write(`${JSON.stringify(t, null, 2)}\n`);
}
