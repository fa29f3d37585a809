import { AdminClient } from "./admin-client.js";

/**
 * `keel prompts rollback NAME`: the label back to its previous version (or its rollout aborted),
 * effective on the next request. Its own module so the emergency command loads nothing but the
 * HTTP client — no YAML parser, no table code: process start-up is most of its latency.
 */
export async function rollbackPrompt(c: { url: string; token?: string }, name: string, o: { label: string; to?: string; reason?: string }): Promise<void> {
  const t0 = performance.now();
  const r = await new AdminClient(c.url, c.token).call<{ from_version: number; version: number; via: string }>("POST", `/api/v1/prompts/${encodeURIComponent(name)}/rollback`, {
    label: o.label, ...(o.to ? { to: Number(o.to) } : {}), ...(o.reason ? { reason: o.reason } : {}),
  });
  const how = r.via === "rollout" ? " (rollout aborted)" : "";
  process.stdout.write(`${name}@${o.label}: v${r.from_version} → v${r.version}${how}, serving from the next request (${(performance.now() - t0).toFixed(0)} ms)\n`);
}
