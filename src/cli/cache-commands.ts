import type { Command } from "commander";

type Client = (cmd: Command) => Command;
type ClientOpts = (o: { url: string; adminToken?: string }) => { url: string; token?: string };

/** `keel cache …`: the response cache's counters and audited purges (docs/cache.md). */
export function registerCacheCommands(program: Command, client: Client, clientOpts: ClientOpts): void {
  const cache = program.command("cache").description("The response cache: hit rate, tokens and USD saved, purges (docs/cache.md)");
  client(cache.command("stats").description("Entries, hits, misses, bypasses, dropped entries, tokens and USD saved since start"))
    .option("--json", "print JSON")
    .action(async (o) => (await import("./cache.js")).cacheStats(clientOpts(o), o));
  client(cache.command("purge").description("Delete cached answers by route, upstream model, key, team or prompt; audited"))
    .option("--route <name>", "entries made for this public model or route name")
    .option("--model <provider/model>", "entries made by this upstream model")
    .option("--key <id>", "entries under this virtual key's scope (key_…)")
    .option("--team <name>", "entries under this team's scope")
    .option("--prompt <name[@version]>", "entries made with this prompt (every version, or one)")
    .option("--all", "every entry")
    .option("--reason <text>", "why, for the audit log")
    .option("--json", "print JSON")
    .action(async (o) => (await import("./cache.js")).purgeCache(clientOpts(o), o));
  client(cache.command("calibrate").description("Choose a semantic-cache similarity threshold from labelled pairs {a, b, duplicate} (JSON lines)"))
    .argument("<file>", "JSON lines, one {\"a\": …, \"b\": …, \"duplicate\": true|false} per line")
    .option("--target-false-hit-rate <r>", "highest false-hit rate allowed, as the upper bound of its 95% Wilson interval", "0.005")
    .option("--per-entry", "also compare one global threshold with per-entry thresholds learned from audited false hits (pairs replayed in file order)")
    .option("--audit-share <s>", "with --per-entry: share of false hits audited (re-asked), in (0, 1]", "1")
    .option("--json", "print JSON")
    .action(async (file: string, o) => (await import("./cache-calibrate.js")).calibrateCache(file, o));
}
