import { Command, Option } from "commander";
import { readCliEnv } from "../config/env.js";
import { VERSION } from "../version.js";
import { registerAnnotateCommands } from "./annotate-commands.js";
import { registerAuditCommands } from "./audit-commands.js";
import { registerCacheCommands } from "./cache-commands.js";
import { registerCalcCommands } from "./calc-commands.js";
import { registerEvalCommands } from "./eval-commands.js";
import { registerKnowledgeCommands } from "./knowledge-commands.js";
import { registerPromptCommands } from "./prompt-commands.js";
import { configureUsageErrors, normaliseArgs } from "./usage-errors.js";

/**
 * `keel`: each command's module is imported only when that command runs, so `keel --help`
 * and client commands start fast and never load the gateway.
 */
export async function main(argv: string[]): Promise<void> {
  const program = buildProgram(readCliEnv());
  await program.parseAsync([...argv.slice(0, 2), ...normaliseArgs(program, argv.slice(2))]);
}

/** Every command and option, without running anything (the docs test checks synopses against it). */
export function buildProgram(env: ReturnType<typeof readCliEnv>): Command {
  const program = new Command("keel")
    .description("Keel — one self-hosted service for LLM apps: gateway, guardrails, prompts, evals, observability.")
    .version(VERSION);
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
    .command("migrate")
    .description("Bring the store's schema (SQLite file or PostgreSQL) to this Keel's version; safe from several machines at once")
    .option("-c, --config <file>", "configuration file (default ./keel.yaml when present; env KEEL_STORE_URL overrides `store`)")
    .option("--status", "show the schema version and pending migrations; change nothing")
    .option("--json", "print JSON")
    .action(async (o) => (await import("./migrate.js")).runMigrate(o));

  const store = program.command("store").description("Move data between stores");
  store
    .command("copy")
    .description("Copy an embedded install (SQLite) into a fresh PostgreSQL, all or nothing; row counts and the audit chain are checked")
    .requiredOption("--from <sqlite>", "sqlite:<data dir> or sqlite:<path to keel.db>")
    .requiredOption("--to <url>", "postgres://… (migrated first; must hold no rows)")
    .option("--json", "print JSON")
    .action(async (o) => (await import("./store-copy.js")).runStoreCopy(o));

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
    .addOption(new Option("--role <role>", "gateway: calls models; viewer: read-only admin API and dashboard login (docs/keys.md#roles)").choices(["gateway", "viewer"]).default("gateway"))
    .option("--rpm <n>", "the key's own requests per minute (docs/limits.md)")
    .option("--tpm <n>", "the key's own tokens per minute")
    .option("--max-concurrency <n>", "the key's own limit on requests in flight")
    .option("--budget-day <usd>", "the key's own USD budget per UTC day")
    .option("--budget-month <usd>", "the key's own USD budget per UTC month")
    .option("--json", "print JSON")
    .action(async (o) => (await import("./keys.js")).createKey(clientOpts(o), o));
  client(keys.command("limits").description("Set a key's own rate limits and budgets (replaces them)").argument("<id>", "key id (key_…)"))
    .option("--rpm <n>", "requests per minute")
    .option("--tpm <n>", "tokens per minute")
    .option("--max-concurrency <n>", "requests in flight")
    .option("--budget-day <usd>", "USD per UTC day")
    .option("--budget-month <usd>", "USD per UTC month")
    .option("--clear", "remove the key's own limits (configured rules still apply)")
    .option("--json", "print JSON")
    .action(async (id: string, o) => (await import("./key-limits.js")).setKeyLimits(clientOpts(o), id, o));
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
  client(traces.command("purge").description("Delete a data subject's traces and the rows made from them (docs/privacy.md); audited"))
    .option("--user <id>", "the user's traces")
    .option("--key <id>", "the key's traces (key_…)")
    .option("--feature <feature>", "the feature's traces")
    .option("--since <time>", "from this time (ISO, epoch s or ms), inclusive")
    .option("--until <time>", "until this time, exclusive")
    .option("--dry-run", "print what would be deleted; delete nothing")
    .option("--reason <text>", "why, for the audit log")
    .option("--json", "print JSON")
    .action(async (o) => (await import("./trace-purge.js")).purgeTraces(clientOpts(o), o));

  client(program.command("spend").description("Actual spend by day, key, user, team, feature or model (UTC days)"))
    .option("--by <dims>", "group by, comma-separated: day, key, user, team, feature, model (none: one total)", "day")
    .option("--since <when>", "first day: 7d, 12h, today, month or a date (default: all)")
    .option("--until <when>", "last day included")
    .option("--key <id>", "only this key id")
    .option("--user <user>", "only this user")
    .option("--team <team>", "only this team")
    .option("--feature <feature>", "only this feature")
    .option("--model <model>", "only this model")
    .option("-n, --limit <n>", "most rows", "1000")
    .option("--json", "print JSON")
    .action(async (o) => (await import("./spend.js")).showSpend(clientOpts(o), o));

  const alerts = program.command("alerts").description("Alert rules with owners: states, acknowledgements, silences (docs/alerts.md)");
  client(alerts.command("list").description("Every rule with its owner and state")).option("--json", "print JSON")
    .action(async (o) => (await import("./alerts.js")).listAlerts(clientOpts(o), o));
  client(alerts.command("ack").description("Acknowledge a firing alert (recorded under your CLI actor name)").argument("<rule>", "rule name"))
    .action(async (name: string, o) => (await import("./alerts.js")).ackAlert(clientOpts(o), name));
  client(alerts.command("silence").description("Record but do not send a rule's notifications for a while").argument("<rule>", "rule name"))
    .option("--for <duration>", "how long: 30m, 2h, 1d (0s lifts it)", "1h")
    .action(async (name: string, o) => (await import("./alerts.js")).silenceAlert(clientOpts(o), name, o));

  const incidents = program.command("incidents").description("Firing alert episodes with their candidate causes (docs/alerts.md)");
  client(incidents.command("list").description("Recent incidents")).option("--json", "print JSON")
    .action(async (o) => (await import("./incidents.js")).listIncidents(clientOpts(o), o));
  client(incidents.command("show").description("Regressed slices and candidate causes, most likely first").argument("<id>", "incident id (inc_…)")).option("--json", "print JSON")
    .action(async (id: string, o) => (await import("./incidents.js")).showIncident(clientOpts(o), id, o));

  client(program.command("doctor").description("Where this deployment stands: maturity level 0–4 checked from its own data, with evidence, next steps and the models in use"))
    .option("--window <days>", "days of data to judge", "7")
    .option("--min-level <n>", "exit 1 when the level is below this (for CI)")
    .option("--json", "print JSON (with the numeric level)")
    .action(async (o) => (await import("./doctor.js")).runDoctor(clientOpts(o), o));

  client(program.command("stats").description("Latency, TTFT, throughput, errors, cost, cache, guard and judge scores per slice"))
    .option("--by <dim>", "slice by: model, route, prompt_version, key, user, feature, provider, endpoint (none: one row)")
    .option("--since <when>", "start: a duration back from now (15m, 24h, 7d) or a time", "24h")
    .option("--until <when>", "end (default now)")
    .option("--model <model>", "only this served model")
    .option("--route <route>", "only this requested model or route")
    .option("--prompt <name@vN>", "only this prompt version")
    .option("--key <id>", "only this key id")
    .option("--user <user>", "only this user")
    .option("--feature <feature>", "only this feature")
    .option("--json", "print JSON")
    .action(async (o) => (await import("./stats.js")).showStats(clientOpts(o), o));

  const guard = program.command("guard").description("Guardrail scanners: measure and try them offline; review false positives");
  guard
    .command("eval")
    .description("Measure a policy's scanners on labelled rows {text, label} (label 1 = attack), offline and in-process")
    .argument("<files...>", "JSONL files (attacks and benign rows may be in different files), or - for stdin; optional per-row `history`, `source`, `family`")
    .option("--policy <name>", "scanner stack: injection (default) or a built-in policy such as default-input")
    .option("--source <source>", "where the texts come from: user (default), document, tool_result, output")
    .option("--by-scanner", "add the same figures per scanner")
    .addOption(new Option("--group-by <field>", "per-group table, worst first: source (repository prefix owner/repo) or family").choices(["source", "family"]))
    .option("--json", "print JSON: n, tp, fp, tn, fn, detection_rate, false_positive_rate, p50_ms, p99_ms, groups, worst, over_defence, …")
    .action(async (files: string[], o) => (await import("./guard-eval.js")).runGuardEval(files, o));
  guard
    .command("scan")
    .description("Screen one text under a guard policy (offline, in-process) and print each scanner's verdict")
    .argument("<file>", "text file, or - for stdin")
    .option("--source <source>", "where the text comes from: user (default), document, tool_result, output")
    .option("--policy <name>", "policy name from keel.yaml or built in (default-input, default-output); default by source")
    .option("-c, --config <file>", "keel.yaml to take policies from (default ./keel.yaml when present)")
    .option("--json", "print the verdicts as JSON")
    .action(async (file: string, o) => (await import("./guard-scan.js")).runGuardScan(file, o));
  client(guard.command("calibrate").description("Pick an injection threshold for a target false-positive rate from the review list (confirmed false positives vs confirmed attacks)"))
    .option("--route <model>", "use the review items of this route (requested model); the snippet assigns a policy to it")
    .option("--policy <name>", "the policy to set the threshold in (review items do not record their policy)")
    .addOption(new Option("--scanner <name>", "scanner to calibrate").choices(["prompt_injection", "indirect_injection", "multi_turn"]).default("prompt_injection"))
    .option("--target-fpr <rate>", "largest share of confirmed false positives still flagged, 0..0.5", "0.02")
    .option("--eval <files...>", "also measure the scanner at both thresholds on labelled rows (e.g. data/guard/extra/*.jsonl)")
    .option("--json", "print JSON")
    .action(async (o) => (await import("./guard-calibrate.js")).runGuardCalibrate(clientOpts(o), o));
  client(guard.command("reviews").description("The false-positive review list (verdicts marked on traces), newest first; --export writes guard eval rows"))
    .option("--status <status>", "open (default), confirmed, rejected or all")
    .option("--scanner <name>", "only this scanner")
    .option("-n, --limit <n>", "how many (1–500)", "100")
    .option("--export <file>", "write every confirmed false positive with an excerpt as JSONL {text, label: 0, scanner, source, trace_id} for `keel guard eval`")
    .option("--json", "one JSON object per line")
    .action(async (o) => (await import("./guard-reviews.js")).listGuardReviews(clientOpts(o), o));
  client(guard.command("resolve").description("Settle a review item: --confirmed (a false positive: tune the scanner or policy) or --rejected (the trigger was right)").argument("<id>", "review item id (gfp_…)"))
    .option("--confirmed", "it was a false positive")
    .option("--rejected", "the trigger was right")
    .option("--note <text>", "why (up to 1000 characters)")
    .option("--json", "print the item as JSON")
    .action(async (id: string, o) => (await import("./guard-reviews.js")).resolveGuardReview(clientOpts(o), id, o));

  registerEvalCommands(program, client, clientOpts, env);
  registerPromptCommands(program, client, clientOpts);
  registerAuditCommands(program, client, clientOpts);
  registerCacheCommands(program, client, clientOpts);
  registerKnowledgeCommands(program, client, clientOpts);
  registerAnnotateCommands(program, client, clientOpts);

  const creds = program.command("credentials").description("Provider API keys, stored encrypted (AES-256-GCM)");
  client(creds.command("set").description("Store a credential; reads the value from stdin").argument("<name>", "credential name, referenced as `credential:` in keel.yaml"))
    .action(async (name: string, o) => (await import("./credentials.js")).setCredential(clientOpts(o), name));
  client(creds.command("list").description("List stored credentials (names and hints only)"))
    .action(async (o) => (await import("./credentials.js")).listCredentials(clientOpts(o)));
  client(creds.command("delete").description("Delete a stored credential").argument("<name>", "credential name"))
    .action(async (name: string, o) => (await import("./credentials.js")).deleteCredential(clientOpts(o), name));

  registerCalcCommands(program, client, clientOpts);

  configureUsageErrors(program);
  return program;
}
