import { z } from "zod";
import { ENGINE_KINDS } from "./engine-names.js";

/** A route target's `engine:` — a self-hosted server whose Prometheus page Keel scrapes (docs/engines.md). */
export const engineSchema = z.strictObject({
  kind: z.enum(ENGINE_KINDS as [string, ...string[]]),
  metrics_url: z.url({ protocol: /^https?$/ }).max(2048),
  interval_ms: z.int().min(1000).max(3_600_000).default(5000),
  timeout_ms: z.int().min(100).max(60_000).default(2000),
});
export type EngineConfig = z.infer<typeof engineSchema>;

/** `provider/model` → engine, for every route target that declares one (the first declaration of a target wins). */
export function engineTargets(routes: readonly { name: string; targets: readonly { provider: string; model?: string; engine?: EngineConfig }[] }[]): Map<string, EngineConfig> {
  const out = new Map<string, EngineConfig>();
  for (const r of routes) for (const t of r.targets) if (t.engine !== undefined) {
    const id = `${t.provider}/${t.model ?? r.name}`;
    if (!out.has(id)) out.set(id, t.engine);
  }
  return out;
}
