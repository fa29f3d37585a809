import { startKeel } from "../app.js";
import { ConfigError, loadConfig } from "../config/load.js";
import { applyHeapGrowth } from "../server/heap-growth.js";
import { VERSION } from "../version.js";

export async function runStart(o: { config?: string }): Promise<void> {
  let config;
  try {
    config = loadConfig({ configPath: o.config });
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`keel: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  // Before the app loads anything: from here on V8 collects garbage before it piles up (decision 0035).
  applyHeapGrowth(config.server.heap_growth_percent);
  const app = await startKeel(config);
  const out = (s = ""): boolean => process.stdout.write(`${s}\n`);
  out(`Keel ${VERSION} listening on ${app.url}  (data: ${config.dataDir}${config.configPath ? `, config: ${config.configPath}` : ""})`);
  if (app.firstRun.adminToken) {
    out();
    out("Admin token — shown once, store it now (export KEEL_ADMIN_TOKEN=…):");
    out(`  ${app.firstRun.adminToken}`);
  }
  if (app.firstRun.key) {
    out();
    out('Virtual key "default" — shown once, store it now:');
    out(`  ${app.firstRun.key}`);
  }
  const key = app.firstRun.key ?? "$KEEL_KEY";
  out();
  out("Try it:");
  out(`  curl ${app.url}/v1/chat/completions -H "Authorization: Bearer ${key}" -H "Content-Type: application/json" \\`);
  out(`    -d '{"model":"sim","messages":[{"role":"user","content":"Hello, Keel"}]}'`);
  out();

  let signals = 0;
  const stop = (sig: string): void => {
    if (++signals > 1) {
      process.stderr.write(`keel: second ${sig}, exiting now\n`);
      process.exit(130);
    }
    process.stderr.write(`keel: ${sig} received, finishing in-flight requests (up to ${config.server.shutdown_grace_ms} ms)…\n`);
    app.shutdown().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`keel: shutdown failed: ${String(err)}\n`);
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
}
