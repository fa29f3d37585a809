import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";

const ROOT = new URL("../../", import.meta.url).pathname;

export interface CliProcess {
  child: ChildProcess;
  out(): string;
  err(): string;
  exit: Promise<number | null>;
}

/**
 * The `keel` CLI from source, as a separate process (tsx, so tests never run a stale dist/). Its
 * environment is only PATH plus `env`, so nothing from the developer's shell leaks into a test.
 */
export function spawnCli(args: readonly string[], opts: { cwd?: string; env?: Record<string, string> } = {}): CliProcess {
  const child = spawn(process.execPath, ["--import", import.meta.resolve("tsx"), join(ROOT, "src/cli/run.ts"), ...args], {
    cwd: opts.cwd ?? ROOT, env: { PATH: process.env.PATH ?? "", ...opts.env }, stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (err += d));
  const exit = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
  return { child, out: () => out, err: () => err, exit };
}

/** Runs a CLI command to completion. */
export async function runCli(args: readonly string[], opts: { cwd?: string; env?: Record<string, string> } = {}): Promise<{ code: number | null; out: string; err: string }> {
  const p = spawnCli(args, opts);
  const code = await p.exit;
  return { code, out: p.out(), err: p.err() };
}
