import type { VirtualKeyView } from "../keys/types.js";
import { AdminClient } from "./admin-client.js";
import { describeKeyLimits, type KeyLimitOptions, keyLimitsFrom } from "./key-limits.js";
import { table } from "./table.js";

type Conn = { url: string; token?: string };

export async function createKey(c: Conn, o: { name: string; models?: string; expires?: string; user?: string; team?: string; role?: string; json?: boolean } & KeyLimitOptions): Promise<void> {
  const limits = keyLimitsFrom(o);
  const body = {
    name: o.name,
    ...(o.models ? { models: o.models.split(",").map((s) => s.trim()).filter(Boolean) } : {}),
    ...(o.expires ? { expires: o.expires } : {}),
    ...(o.user ? { user: o.user } : {}),
    ...(o.team ? { team: o.team } : {}),
    // Sent only when not the default, so a newer CLI still creates keys on an older server.
    ...(o.role && o.role !== "gateway" ? { role: o.role } : {}),
    ...(limits ? { limits } : {}),
  };
  const k = await new AdminClient(c.url, c.token).call<VirtualKeyView & { key: string }>("POST", "/api/v1/keys", body);
  if (o.json) return void process.stdout.write(`${JSON.stringify(k, null, 2)}\n`);
  const what = k.role === "viewer" ? " with the viewer role (reads the admin API and dashboard; cannot call models)" : "";
  process.stdout.write(`Created ${k.id} (${k.name})${what}. The key is shown once — store it now:\n${k.key}\n`);
}

export async function listKeys(c: Conn, o: { json?: boolean }): Promise<void> {
  const { data } = await new AdminClient(c.url, c.token).call<{ data: VirtualKeyView[] }>("GET", "/api/v1/keys");
  if (o.json) return void process.stdout.write(`${JSON.stringify(data, null, 2)}\n`);
  process.stdout.write(
    `${table(
      ["ID", "NAME", "KEY", "ROLE", "STATUS", "MODELS", "USER", "TEAM", "LIMITS", "EXPIRES", "CREATED"],
      data.map((k) => [k.id, k.name, k.hint, k.role ?? "gateway", k.status, k.role === "viewer" ? "none" : k.models?.join(",") ?? "all", k.user, k.team, describeKeyLimits(k.limits ?? null), k.expires_at, k.created_at]),
    )}\n`,
  );
}

export async function revokeKey(c: Conn, id: string): Promise<void> {
  const k = await new AdminClient(c.url, c.token).call<VirtualKeyView>("DELETE", `/api/v1/keys/${encodeURIComponent(id)}`);
  process.stdout.write(`Revoked ${k.id} (${k.name}) at ${k.revoked_at}\n`);
}
