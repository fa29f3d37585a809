/**
 * Which thread spends how long in SQLite under load: starts the sim and Keel (defaults, plus
 * BENCH_KEEL_YAML) with bench/slow-sql-probe.mjs loaded, drives c=50 for BENCH_DURATION seconds
 * (default 10) and prints, per thread and statement, the count, the longest and the total time of
 * the statements over KEEL_SLOW_SQL_MS (default 3 ms), and every write on the main thread (t0).
 * A statement on t0 is time the gateway's event loop stood still. A measurement; exits 0.
 *
 *   npm run build && node --import tsx bench/slow-sql.ts
 */
import { join } from "node:path";
import { runAutocannon } from "./load.js";
import { ROOT, requireBuild, startStack } from "./stack.js";

requireBuild();
const seconds = Number(process.env.BENCH_DURATION ?? 10);
const stack = await startStack({ extraYaml: process.env.BENCH_KEEL_YAML ?? "", keelNodeArgs: ["--import", join(ROOT, "bench", "slow-sql-probe.mjs")] });
try {
  const r = await runAutocannon({ label: "keel", origin: stack.keelOrigin, model: "bench", authorization: `Bearer ${stack.key}` }, 50, seconds);
  process.stdout.write(`c=50 for ${seconds} s: ${r.rps.toFixed(0)} rps, p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms\n`);
  const byStatement = new Map<string, number[]>();
  for (const line of stack.keel.output().split("\n")) {
    const m = /^SLOWSQL (t\d+) ([\d.]+) (.*)$/.exec(line);
    if (!m) continue;
    const k = `${m[1]} ${m[3]}`;
    const v = byStatement.get(k) ?? [];
    v.push(Number(m[2]));
    byStatement.set(k, v);
  }
  const sum = (v: number[]): number => v.reduce((a, b) => a + b, 0);
  process.stdout.write("count   max ms   total ms  thread statement\n");
  for (const [k, v] of [...byStatement].sort((a, b) => sum(b[1]) - sum(a[1]))) {
    process.stdout.write(`${String(v.length).padStart(5)} ${Math.max(...v).toFixed(1).padStart(8)} ${sum(v).toFixed(0).padStart(10)}  ${k.slice(0, 110)}\n`);
  }
} finally {
  await stack.stop();
  stack.cleanup();
}
