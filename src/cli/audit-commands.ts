import type { Command } from "commander";

type Client = (cmd: Command) => Command;
type Conn = { url: string; token?: string };
type ClientOpts = (o: { url: string; adminToken?: string }) => Conn;

/** `keel audit list|export|verify`: the hash-chained record of every change, through the admin API. */
export function registerAuditCommands(program: Command, client: Client, clientOpts: ClientOpts): void {
  const audit = program.command("audit").description("The audit log: who changed what, when, before/after and why");
  client(audit.command("list").description("Recent changes, newest first"))
    .option("--since <time>", "ISO time or epoch")
    .option("--until <time>", "ISO time or epoch")
    .option("--actor <name>", "only this actor")
    .option("--action <action>", "an action, or a prefix such as prompt.*")
    .option("--target-type <type>", "prompt, key, credential, config")
    .option("--target <target>", "e.g. support-answer@production or key_…")
    .option("-n, --limit <n>", "how many", "50")
    .option("--json", "one JSON object per line")
    .action(async (o) => (await import("./audit.js")).listAudit(clientOpts(o), o));
  client(audit.command("export").description("The whole log as JSON lines (with hashes, verifiable offline)"))
    .option("-o, --out <file>", "write to this file instead of stdout")
    .action(async (o) => (await import("./audit.js")).exportAudit(clientOpts(o), o));
  client(audit.command("verify").description("Check the hash chain; reports each changed or deleted row; exit 1 if any"))
    .option("--file <jsonl>", "verify an exported file offline instead of the running instance")
    .option("--json", "print JSON")
    .action(async (o) => (await import("./audit.js")).verifyAudit(clientOpts(o), o));
}
