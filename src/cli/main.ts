import { Command, Option } from "commander";
import { readCliEnv } from "../config/env.js";
import { VERSION } from "../version.js";

/**
 * `keel`: each command's module is imported only when that command runs, so `keel --help`
 * and client commands start fast and never load the gateway.
 */
export async function main(argv: string[]): Promise<void> {
  const env = readCliEnv();
  const program = new Command("keel")
    .description("Keel — one self-hosted service for LLM apps: gateway, guardrails, prompts, evals, observability.")
    .version(VERSION)
    .showHelpAfterError()
    .configureOutput({ outputError: (s, write) => write(s) });
  const client = (cmd: Command): Command =>
    cmd
      .addOption(new Option("--url <url>", "Keel base URL (env KEEL_URL)").default(env.url))
      .addOption(new Option("--admin-token <token>", "admin token (env KEEL_ADMIN_TOKEN)"));
  const clientOpts = (o: { url: string; adminToken?: string }): { url: string; token?: string } => ({ url: o.url, token: o.adminToken ?? env.adminToken });

  program
    .command("start")
    .description("Start the gateway (reads ./keel.yaml or --config; env overrides: KEEL_PORT, KEEL_HOST, KEEL_DATA_DIR, …)")
    .option("-c, --config <file>", "configuration file (default ./keel.yaml when present)")
    .action(async (o: { config?: string }) => (await import("./start.js")).runStart(o));

  program
    .command("sim")
    .description("Serve Keel's simulator alone as an OpenAI-compatible server (for load tests and chaos drills)")
    .option("-p, --port <port>", "port", "4100")
    .option("--host <host>", "interface to bind", "127.0.0.1")
    .option("--ttft-ms <ms>", "base time to first token")
    .option("--itl-ms <ms>", "time between streamed tokens")
    .option("-c, --config <file>", "take the simulator options from the `sim` provider of this keel.yaml")
    .action(async (o) => (await import("./sim.js")).runSim(o));

  const keys = program.command("keys").description("Manage virtual keys (through the admin API)");
  client(keys.command("create").description("Create a virtual key; prints it once"))
    .requiredOption("--name <name>", "a name for the key")
    .option("--models <list>", "comma-separated models the key may use (default: all)")
    .option("--expires <when>", "expiry: a duration (30d, 12h) or an ISO date")
    .option("--user <user>", "user the key belongs to")
    .option("--team <team>", "team the key belongs to")
    .option("--json", "print JSON")
    .action(async (o) => (await import("./keys.js")).createKey(clientOpts(o), o));
  client(keys.command("list").description("List keys (never their secrets)"))
    .option("--json", "print JSON")
    .action(async (o) => (await import("./keys.js")).listKeys(clientOpts(o), o));
  client(keys.command("revoke").description("Revoke a key; it stops working at once").argument("<id>", "key id (key_…)"))
    .action(async (id: string, o) => (await import("./keys.js")).revokeKey(clientOpts(o), id));

  const traces = program.command("traces").description("Read call traces");
  client(traces.command("tail").description("Print recent calls, then follow new ones"))
    .option("-n, --limit <n>", "how many recent calls to show first", "20")
    .option("--no-follow", "print and exit")
    .option("--model <model>", "only this model")
    .option("--key <id>", "only this key id")
    .option("--status <status>", "ok or error")
    .option("--feature <feature>", "only this feature")
    .option("--interval <ms>", "poll interval when following", "1000")
    .option("--json", "one JSON object per line")
    .action(async (o) => (await import("./traces.js")).tailTraces(clientOpts(o), o));
  client(traces.command("show").description("Show one trace with its captured bodies").argument("<id>", "trace (request) id"))
    .action(async (id: string, o) => (await import("./traces.js")).showTrace(clientOpts(o), id));

  const creds = program.command("credentials").description("Provider API keys, stored encrypted (AES-256-GCM)");
  client(creds.command("set").description("Store a credential; reads the value from stdin").argument("<name>", "credential name, referenced as `credential:` in keel.yaml"))
    .action(async (name: string, o) => (await import("./credentials.js")).setCredential(clientOpts(o), name));
  client(creds.command("list").description("List stored credentials (names and hints only)"))
    .action(async (o) => (await import("./credentials.js")).listCredentials(clientOpts(o)));
  client(creds.command("delete").description("Delete a stored credential").argument("<name>", "credential name"))
    .action(async (name: string, o) => (await import("./credentials.js")).deleteCredential(clientOpts(o), name));

  await program.parseAsync(argv);
}
