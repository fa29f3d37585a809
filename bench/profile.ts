/**
 * Where Keel's per-request CPU goes: runs the benchmark's non-streaming load through Keel started
 * with `--cpu-prof`, then summarises the profile over the measured run only (start-up and warm-up
 * excluded) in µs per request.
 *
 *   node --import tsx bench/profile.ts [connections=50] [seconds=10]
 *
 * BENCH_KEEL_YAML appends to the generated keel.yaml, as for bench/gateway.ts.
 * The raw .cpuprofile stays in a temp directory (open it in Chrome DevTools → Performance);
 * the summary goes to bench/results/profile-c<N>-<timestamp>.json.
 */
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { summarizeProfile } from "./cpu-profile.js";
import { runAutocannon, type Target } from "./load.js";
import { cpuMs, installCleanup } from "./processes.js";
import { ROOT, requireBuild, startStack } from "./stack.js";

const nowUs = (): number => Number(process.hrtime.bigint() / 1000n);

async function main(): Promise<void> {
  requireBuild();
  installCleanup();
  const connections = Number(process.argv[2] ?? 50);
  const seconds = Number(process.argv[3] ?? 10);
  if (!(connections >= 1) || !(seconds > 0)) throw new Error("usage: bench/profile.ts [connections] [seconds]");
  const dir = mkdtempSync(join(tmpdir(), "keel-prof-"));
  // 250 µs sampling: four times DevTools' default resolution, still < 2 % overhead here.
  const stack = await startStack({
    keelNodeArgs: ["--cpu-prof", `--cpu-prof-dir=${dir}`, "--cpu-prof-interval=250"],
    extraYaml: process.env.BENCH_KEEL_YAML ?? "",
  });
  const keel: Target = { label: "keel", origin: stack.keelOrigin, model: "bench", authorization: `Bearer ${stack.key}` };
  let measured;
  let window;
  let keelCpu;
  try {
    await runAutocannon(keel, connections, 3);
    await sleep(400);
    const cpu0 = cpuMs(stack.keel.pid);
    const from = nowUs();
    measured = await runAutocannon(keel, connections, seconds);
    // the last trace batch is flushed up to 250 ms later: part of the requests' cost
    await sleep(400);
    window = { from, to: nowUs() };
    keelCpu = cpuMs(stack.keel.pid) - cpu0;
  } finally {
    await stack.stop();
    stack.cleanup();
  }
  const file = readdirSync(dir).find((f) => f.endsWith(".cpuprofile"));
  if (!file) throw new Error(`no .cpuprofile in ${dir}: did Keel exit cleanly on SIGTERM?`);
  const s = summarizeProfile(join(dir, file), ROOT, window);
  const reqs = measured.ok;
  // Sample intervals are wall time, so on a busy machine time spent preempted inflates them:
  // shares come from the profile, absolute figures from the CPU time /proc measured.
  const scale = keelCpu / s.busyMs;
  const us = (ms: number): string => ((ms * scale * 1000) / reqs).toFixed(1).padStart(7);
  const out: string[] = [
    `Keel CPU profile, c=${connections}, ${seconds} s: ${reqs} requests, ${measured.rps.toFixed(0)} rps; ` +
      `Keel CPU ${((keelCpu * 1000) / reqs).toFixed(1)} µs/request (/proc; sampled busy time ${((s.busyMs * 1000) / reqs).toFixed(1)}, ` +
      "figures below are scaled to /proc)" +
      (s.windowed ? "" : " (WHOLE PROFILE: window not on the profile's clock)"),
    "",
    "self time by origin            µs/req   share",
    ...Object.entries(s.byOrigin)
      .filter(([o]) => o !== "idle")
      .sort((a, b) => b[1] - a[1])
      .map(([o, ms]) => `  ${o.padEnd(28)}${us(ms)}  ${((ms / s.busyMs) * 100).toFixed(1).padStart(5)} %`),
    "",
    "top self time                                                        µs/req   origin",
    ...s.topSelf.map((f) => `  ${f.fn.slice(0, 66).padEnd(66)}${us(f.ms)}   ${f.origin}`),
    "",
    "top inclusive time, Keel's code                                      µs/req",
    ...s.topInclusive.filter((f) => f.origin === "keel").slice(0, 25).map((f) => `  ${f.fn.slice(0, 66).padEnd(66)}${us(f.ms)}`),
    "",
    "top inclusive time, everything else                                  µs/req   origin",
    ...s.topInclusive.filter((f) => f.origin !== "keel").slice(0, 20).map((f) => `  ${f.fn.slice(0, 66).padEnd(66)}${us(f.ms)}   ${f.origin}`),
    "",
    `raw profile: ${join(dir, file)}`,
  ];
  process.stdout.write(`${out.join("\n")}\n`);
  const resultsDir = join(ROOT, "bench", "results");
  mkdirSync(resultsDir, { recursive: true });
  const ts = new Date().toISOString().replaceAll(":", "-");
  writeFileSync(join(resultsDir, `profile-c${connections}-${ts}.json`), `${JSON.stringify({ connections, seconds, extraKeelYaml: process.env.BENCH_KEEL_YAML ?? "", requests: reqs, rps: measured.rps, keelCpuMs: keelCpu, cpuScale: scale, profile: join(dir, file), ...s }, null, 2)}\n`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`bench/profile: failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
    process.exit(1);
  },
);
