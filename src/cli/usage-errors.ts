import type { Command } from "commander";

/**
 * How `keel` answers a mistyped command line. Scripts call `keel`, so a typo must fail loudly and
 * briefly: one `keel: …` line on stderr (commander's did-you-mean included), a pointer to the
 * right `--help`, and a non-zero exit — never a screen of help on stdout with exit 0.
 */
export function configureUsageErrors(root: Command): void {
  for (const cmd of walk(root)) {
    const path = commandPath(cmd);
    cmd
      .showHelpAfterError(`(see '${path} --help')`)
      // commander prefixes every parse error with "error: "; the command's path says where it happened.
      .configureOutput({ outputError: (s, write) => write(s.replace(/^error: /, `${path}: `)) });
  }
}

/**
 * Rewrites the arguments where commander, left alone, would print help instead of an error:
 * `keel frobnicate --help` and `keel help frobnicate` print the main help (the first exits 0).
 * When the command words name a command that does not exist, the help words are dropped so
 * commander reports the unknown command; `keel help keys list` becomes `keel keys list --help`.
 * Group commands (those with subcommands) take no options of their own besides -h and -V, so
 * every non-dash word at a group level is a command name.
 */
export function normaliseArgs(root: Command, args: readonly string[]): string[] {
  let cmd = root;
  let helpWordAt = -1;
  for (let i = 0; i < args.length && cmd.commands.length > 0; i++) {
    const word = args[i];
    if (word === "--") break;
    if (word.startsWith("-")) continue;
    if (word === "help" && helpWordAt < 0 && findSub(cmd, word) === undefined) {
      helpWordAt = i;
      continue;
    }
    const sub = findSub(cmd, word);
    if (sub === undefined) return args.filter((a, j) => j !== helpWordAt && a !== "--help" && a !== "-h");
    cmd = sub;
  }
  if (helpWordAt < 0) return [...args];
  return [...args.filter((_, j) => j !== helpWordAt), "--help"];
}

function findSub(cmd: Command, name: string): Command | undefined {
  return cmd.commands.find((c) => c.name() === name || c.aliases().includes(name));
}

function* walk(cmd: Command): Generator<Command> {
  yield cmd;
  for (const sub of cmd.commands) yield* walk(sub);
}

function commandPath(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c !== null; c = c.parent) names.unshift(c.name());
  return names.join(" ");
}
