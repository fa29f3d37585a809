/**
 * Keel's CPU per request split by thread: the main thread, its worker threads (the trace writer,
 * the read worker once used) and V8's own platform threads (concurrent GC marking and sweeping,
 * background compilation). A main-thread profile (bench/profile.ts) sees only the first; the
 * process CPU that bench/ab.ts reports is all of them.
 *
 *   node --import tsx bench/threads.ts [connections=50] [seconds=8]
 *
 * /proc names every thread "node": only the main thread (its id is the process id) is labelled.
 * Which other thread is which, a `--cpu-prof` run shows (one profile per JS thread); V8's platform
 * threads have no JS and no profile. Linux only.
 */
import { readdirSync, readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { runAutocannon, type Target } from "./load.js";
import { clockTicks, installCleanup } from "./processes.js";
import { requireBuild, startStack } from "./stack.js";

function threadCpuMs(pid: number): Map<number, number> {
  const out = new Map<number, number>();
  for (const t of readdirSync(`/proc/${pid}/task`)) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/task/${t}/stat`, "utf8");
    } catch {
      continue; // the thread ended meanwhile
    }
    const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    out.set(Number(t), ((Number(rest[11]) + Number(rest[12])) * 1000) / clockTicks());
  }
  return out;
}

async function main(): Promise<void> {
  requireBuild();
  installCleanup();
  const connections = Number(process.argv[2] ?? 50);
  const seconds = Number(process.argv[3] ?? 8);
  const stack = await startStack({ extraYaml: process.env.BENCH_KEEL_YAML ?? "" });
  const keel: Target = { label: "keel", origin: stack.keelOrigin, model: "bench", authorization: `Bearer ${stack.key}` };
  try {
    const pid = stack.keel.pid;
    await runAutocannon(keel, connections, 3);
    await sleep(400);
    const before = threadCpuMs(pid);
    const run = await runAutocannon(keel, connections, seconds);
    // the last trace batch is written up to 250 ms later: part of the requests' cost
    await sleep(400);
    const after = threadCpuMs(pid);
    const rows: { tid: number; ms: number }[] = [];
    let total = 0;
    for (const [tid, ms] of after) {
      const d = ms - (before.get(tid) ?? 0);
      total += d;
      if (d > 0) rows.push({ tid, ms: d });
    }
    rows.sort((a, b) => b.ms - a.ms);
    const us = (ms: number): string => ((ms * 1000) / run.ok).toFixed(1).padStart(7);
    const lines = [
      `Keel CPU per thread, c=${connections}, ${seconds} s: ${run.ok} requests, ${run.rps.toFixed(0)} rps; all threads ${us(total)} µs/request`,
      "",
      "thread                 µs/req   share",
      ...rows.map((r) => `  ${(r.tid === pid ? `${r.tid} (main)` : String(r.tid)).padEnd(20)}${us(r.ms)}  ${((r.ms / total) * 100).toFixed(1).padStart(5)} %`),
    ];
    process.stdout.write(`${lines.join("\n")}\n`);
  } finally {
    await stack.stop();
    stack.cleanup();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`bench/threads: failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
    process.exit(1);
  },
);
