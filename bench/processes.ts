/**
 * Child processes for the benchmark and what Linux tells us about them: CPU time from
 * /proc/<pid>/stat, memory from /proc/<pid>/status, whole-machine busy time from /proc/stat.
 * Every child is registered so that it dies with the benchmark, whichever way the benchmark ends.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { request } from "undici";

export interface Child {
  readonly name: string;
  readonly pid: number;
  readonly proc: ChildProcess;
  /** The last 64 KB of stdout and stderr, for error messages. */
  output(): string;
  readonly exited: boolean;
  /** SIGTERM, then SIGKILL after `graceMs`: a Keel started with --cpu-prof writes its profile while exiting. */
  stop(graceMs?: number): Promise<void>;
}

const OUTPUT_KEEP = 64 * 1024;
const live = new Set<Child>();
/** Synchronous last steps (removing temp directories) for when the benchmark is interrupted. */
const exitSteps = new Set<() => void>();

/** Runs `step` if the process exits before `cancel()` is called. */
export function atExit(step: () => void): { cancel(): void } {
  exitSteps.add(step);
  return { cancel: () => void exitSteps.delete(step) };
}

export function spawnChild(name: string, args: readonly string[], env: NodeJS.ProcessEnv, cwd: string): Child {
  const proc = spawn(process.execPath, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
  if (proc.pid === undefined) throw new Error(`${name}: spawn failed`);
  let out = "";
  // Both pipes must be drained, or a chatty child blocks on a full pipe mid-benchmark.
  const keep = (d: Buffer): void => {
    out += d.toString("utf8");
    if (out.length > OUTPUT_KEEP) out = out.slice(-OUTPUT_KEEP);
  };
  proc.stdout?.on("data", keep);
  proc.stderr?.on("data", keep);
  const exitedP = new Promise<void>((resolve) => proc.once("exit", () => resolve()));
  const child: Child = {
    name,
    pid: proc.pid,
    proc,
    output: () => out,
    get exited() {
      return proc.exitCode !== null || proc.signalCode !== null;
    },
    async stop(graceMs = 5000): Promise<void> {
      if (!child.exited) {
        proc.kill("SIGTERM");
        const timer = setTimeout(() => proc.kill("SIGKILL"), graceMs);
        await exitedP;
        clearTimeout(timer);
      }
      live.delete(child);
    },
  };
  live.add(child);
  proc.once("exit", () => live.delete(child));
  return child;
}

let cleanupInstalled = false;

/** Kills every live child on exit, SIGINT, SIGTERM or a crash; exit handlers must be synchronous, so SIGKILL. */
export function installCleanup(): void {
  if (cleanupInstalled) return;
  cleanupInstalled = true;
  const killAll = (): void => {
    for (const c of live) if (!c.exited) c.proc.kill("SIGKILL");
    live.clear();
    for (const step of exitSteps) {
      try {
        step();
      } catch {
        // best effort: we are exiting anyway
      }
    }
    exitSteps.clear();
  };
  process.on("exit", killAll);
  for (const [sig, code] of [["SIGINT", 130], ["SIGTERM", 143]] as const) {
    process.on(sig, () => {
      process.stderr.write(`\nbench: ${sig}, stopping child processes\n`);
      killAll();
      process.exit(code);
    });
  }
}

/** A port the kernel considers free on loopback now; the child binds it a moment later. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** Polls GET /healthz until 200; fails fast with the child's output if it exits first. */
export async function waitHealthy(origin: string, child: Child, timeoutMs = 15_000): Promise<number> {
  const t0 = performance.now();
  for (;;) {
    if (child.exited) throw new Error(`${child.name} exited before it was healthy:\n${child.output()}`);
    try {
      const res = await request(`${origin}/healthz`, { headersTimeout: 1000, bodyTimeout: 1000 });
      await res.body.dump();
      if (res.statusCode === 200) return performance.now() - t0;
    } catch {
      // not listening yet
    }
    if (performance.now() - t0 > timeoutMs) throw new Error(`${child.name} not healthy at ${origin}/healthz after ${timeoutMs} ms:\n${child.output()}`);
    await sleep(50);
  }
}

let clkTck: number | undefined;

/** Clock ticks per second for /proc times (`getconf CLK_TCK`, 100 on every mainstream Linux). */
export function clockTicks(): number {
  if (clkTck === undefined) {
    try {
      clkTck = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
    } catch {
      clkTck = 100;
    }
  }
  return clkTck;
}

/** User + system CPU time of a process, in ms (resolution 1000/CLK_TCK, i.e. 10 ms). */
export function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // comm (field 2) may hold spaces and parentheses: split only after its closing parenthesis.
  const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // rest[0] is field 3 (state), so utime (field 14) and stime (field 15) are rest[11] and rest[12].
  return ((Number(rest[11]) + Number(rest[12])) * 1000) / clockTicks();
}

export interface Memory {
  /** Peak resident set (VmHWM), MB. */
  peakRssMb: number;
  /** Current resident set (VmRSS), MB. */
  rssMb: number;
  /**
   * Address space (VmSize), MB. A WebAssembly memory reserves ~10 GB of it up front, so loading the
   * local embedder (tfjs on WASM) shows here plainly even when garbage collection hides it in RSS.
   */
  vmSizeMb: number;
}

export function memory(pid: number): Memory {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (field: string): number => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? Number.NaN);
  return { peakRssMb: kb("VmHWM") / 1024, rssMb: kb("VmRSS") / 1024, vmSizeMb: kb("VmSize") / 1024 };
}

/** Busy (non-idle, non-iowait) CPU time of the whole machine, in ms: tells us whether something else competed. */
export function machineBusyMs(): number {
  const line = readFileSync("/proc/stat", "utf8").split("\n", 1)[0];
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal (guest time is already inside user)
  const busy = v[0] + v[1] + v[2] + v[5] + v[6] + v[7];
  return (busy * 1000) / clockTicks();
}
