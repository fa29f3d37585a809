import { loadConfig } from "../config/load.js";
import { type SimOptions, simOptionsSchema } from "../providers/sim/options.js";
import { startSimServer } from "../providers/sim/server.js";

export async function runSim(o: { port: string; host: string; ttftMs?: string; itlMs?: string; config?: string }): Promise<void> {
  let base: Partial<SimOptions> = {};
  if (o.config) {
    const cfg = loadConfig({ configPath: o.config });
    const sim = cfg.providers.find((p) => p.kind === "sim");
    if (sim) base = { ...sim };
  }
  const port = Number(o.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port: expected 0–65535, got "${o.port}"`);
  const parsed = simOptionsSchema.safeParse({
    ...base,
    kind: "sim",
    ...(o.ttftMs !== undefined ? { ttft_ms: Number(o.ttftMs) } : {}),
    ...(o.itlMs !== undefined ? { itl_ms: Number(o.itlMs) } : {}),
  });
  if (!parsed.success) throw new Error(`invalid simulator options: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  const server = await startSimServer({ port, host: o.host, sim: parsed.data });
  process.stdout.write(`Keel simulator listening on ${server.url}/v1 (OpenAI-compatible)\n`);
  const stop = (): void => void server.close().then(() => process.exit(0));
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}
