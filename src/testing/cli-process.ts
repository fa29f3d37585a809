import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";

const ROOT = new URL("../../", import.meta.url).pathname;

export interface CliProcess {
  child: ChildProcess;
  out(): string;
  err(): string;
  /** The signal that ended the child, once it has ended by one (exit code null). */
  signal(): NodeJS.Signals | null;
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
  let signal: NodeJS.Signals | null = null;
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (err += d));
  live.add(child);
  const exit = new Promise<number | null>((r) => child.on("exit", (code, sig) => {
    live.delete(child);
    signal = sig;
    r(code);
  }));
  return { child, out: () => out, err: () => err, signal: () => signal, exit };
}

/**
 * Children still running when the test process ends (a failed assertion or timeout before the
 * test's own kill) are killed with it: a leftover `keel start` would keep the test run waiting.
 */
const live = new Set<ChildProcess>();
process.once("exit", () => killCliChildren());

/** For an `after` hook: a child's open pipes would otherwise keep the test process (and the run) alive. */
export function killCliChildren(): void {
  for (const c of live) c.kill("SIGKILL");
}

/** Runs a CLI command to completion. */
export async function runCli(args: readonly string[], opts: { cwd?: string; env?: Record<string, string> } = {}): Promise<{ code: number | null; out: string; err: string }> {
  const p = spawnCli(args, opts);
  const code = await p.exit;
  return { code, out: p.out(), err: p.err() };
}
