import type { Command } from "commander";

type Client = (cmd: Command) => Command;
type Conn = { url: string; token?: string };
type ClientOpts = (o: { url: string; adminToken?: string }) => Conn;

/**
 * `keel prompts …`: the prompt registry through the admin API. Only commander is loaded here; each
 * command imports its module when it runs.
 */
export function registerPromptCommands(program: Command, client: Client, clientOpts: ClientOpts): void {
  const prompts = program.command("prompts").description("Versioned prompts: files as the source of truth, labels, rollouts, rollback");
  const label = (cmd: Command): Command => cmd.option("-l, --label <label>", "the label", "production");

  client(prompts.command("push").description("Push a folder of prompt files (YAML, Markdown) as versions; idempotent").argument("<dir>", "folder of .yaml/.yml/.md files"))
    .option("--dry-run", "show what would change; write nothing")
    .option("-m, --message <text>", "commit message for prompts without their own")
    .option("--diff", "print each change's diff")
    .option("--reason <text>", "why, for the audit log")
    .option("--json", "print JSON")
    .action(async (dir: string, o) => (await import("./prompts.js")).pushPrompts(clientOpts(o), dir, o));
  client(prompts.command("pull").description("Write the registry's prompts as files (a label's version, else the newest)").argument("[dir]", "folder to write into", "prompts"))
    .option("-l, --label <label>", "pull the version this label points at")
    .option("--name <name>", "only this prompt")
    .action(async (dir: string, o) => (await import("./prompts.js")).pullPrompts(clientOpts(o), dir, o));
  client(prompts.command("list").description("List prompts with their newest version and labels"))
    .option("--json", "print JSON")
    .action(async (o) => (await import("./prompts.js")).listPrompts(clientOpts(o), o));
  client(prompts.command("show").description("Show a version (default: the newest)").argument("<name>", "prompt name"))
    .option("-l, --label <label>", "the version this label points at")
    .option("-v, --version <n>", "this version")
    .option("--json", "print JSON")
    .action(async (name: string, o) => (await import("./prompts.js")).showPrompt(clientOpts(o), name, o));
  client(prompts.command("diff").description("Diff two versions; each may be a version number or a label").argument("<name>", "prompt name").argument("<a>", "version or label").argument("<b>", "version or label"))
    .action(async (name: string, a: string, b: string, o) => (await import("./prompts.js")).diffPrompt(clientOpts(o), name, a, b));
  client(prompts.command("label").description("Point a label at a version (protected labels need the admin token)").argument("<name>", "prompt name").argument("<label>", "label").argument("<version>", "version"))
    .option("--expect <version>", "only if the label is at this version now (compare-and-set)")
    .option("--reason <text>", "why, for the audit log")
    .action(async (name: string, l: string, v: string, o) => (await import("./prompts.js")).labelPrompt(clientOpts(o), name, l, v, o));
  client(label(prompts.command("rollback").description("Move a label back to its previous version (or abort its rollout); effective on the next request").argument("<name>", "prompt name")))
    .option("--to <version>", "this version instead of the previous one")
    .option("--reason <text>", "why, for the audit log")
    .action(async (name: string, o) => (await import("./prompt-rollback.js")).rollbackPrompt(clientOpts(o), name, o));

  const rollout = prompts.command("rollout").description("Staged rollouts: move a label to a new version in steps, halted automatically when it is worse");
  client(label(rollout.command("start").description("Start moving a label to a version in steps").argument("<name>", "prompt name")))
    .requiredOption("--to <version>", "the new version")
    .option("--steps <list>", "percent on the new version per step, e.g. 5,25,100")
    .option("--min-samples <n>", "calls per arm before any comparison")
    .option("--alpha <p>", "false-halt budget over the whole rollout")
    .option("--auto-advance <duration>", "advance a step after this long without a regression (30m, 2h)")
    .option("--max-error-rate-increase <x>", "absolute error-rate margin, e.g. 0.02")
    .option("--max-latency-increase <x>", "relative latency margin, e.g. 0.25")
    .option("--max-cost-increase <x>", "relative cost margin, e.g. 0.25")
    .option("--reason <text>", "why, for the audit log")
    .option("--json", "print JSON")
    .action(async (name: string, o) => (await import("./prompt-rollouts.js")).startRollout(clientOpts(o), name, o));
  client(label(rollout.command("status").description("The rollout on a label, with the live comparison").argument("<name>", "prompt name")))
    .option("--json", "print JSON")
    .action(async (name: string, o) => (await import("./prompt-rollouts.js")).rolloutStatus(clientOpts(o), name, o));
  client(label(rollout.command("promote").description("Advance to the next step (at the last, the label moves)").argument("<name>", "prompt name")))
    .option("--complete", "go straight to 100%")
    .option("--reason <text>", "why, for the audit log")
    .action(async (name: string, o) => (await import("./prompt-rollouts.js")).promoteRollout(clientOpts(o), name, o));
  client(label(rollout.command("abort").description("Stop the rollout: everyone back on the old version").argument("<name>", "prompt name")))
    .option("--reason <text>", "why, for the audit log")
    .action(async (name: string, o) => (await import("./prompt-rollouts.js")).abortRollout(clientOpts(o), name, o));
}
