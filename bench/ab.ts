/**
 * Before/after in ONE run: two Keel builds side by side in front of the same simulator, driven
 * alternately by the same load generator, so machine noise hits both alike and the figure that
 * matters is the ratio. The baseline is any checkout with dist/ built, e.g.
 *
 *   git worktree add /tmp/keel-base <commit> && ln -s "$PWD/node_modules" /tmp/keel-base/ && (cd /tmp/keel-base && npm run build)
 *   BENCH_BASELINE_ROOT=/tmp/keel-base node --import tsx bench/ab.ts
 *
 * Env: BENCH_BASELINE_ROOT (required), BENCH_SEQUENTIAL (per target, default 2000), BENCH_STREAM
 * (default 400), BENCH_DURATION (s per c=50 run, default 6), BENCH_ROUNDS (c=50 runs per build,
 * alternating, default 2), BENCH_KEEL_YAML (appended to both configs). Prints a table; exits 0.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { Pool } from "undici";
import { chatBody, PATH, runAutocannon, type Target } from "./load.js";
import { cpuMs, installCleanup, memory, spawnChild, freePort, waitHealthy } from "./processes.js";
import { ROOT, requireBuild, startKeel } from "./stack.js";
import { summarize } from "./stats.js";

const num = (name: string, d: number): number => {
  const v = Number(process.env[name] ?? d);
  if (!Number.isFinite(v) || v <= 0) throw new Error(`${name}: expected a positive number`);
  return v;
};
const log = (s: string): void => void process.stderr.write(`ab: ${s}\n`);

interface Side {
  name: string;
  target: Target;
  pid: number;
}

/** Sequential requests rotating over the targets one by one (the order rotates every round). */
async function rotating(targets: readonly Target[], n: number, warmup: number, stream: boolean): Promise<number[][]> {
  const pools = targets.map((t) => new Pool(t.origin, { connections: 1, pipelining: 1 }));
  const bodies = targets.map((t) => chatBody(t.model, stream));
  const samples: number[][] = targets.map(() => []);
  try {
    for (let i = 0; i < warmup + n; i++) {
      for (let k = 0; k < targets.length; k++) {
        const j = (i + k) % targets.length;
        const t0 = performance.now();
        const res = await pools[j].request({ method: "POST", path: PATH, headers: { "content-type": "application/json", authorization: targets[j].authorization }, body: bodies[j] });
        let first: number | null = null;
        for await (const _chunk of res.body) first ??= performance.now() - t0;
        const ms = stream ? first : performance.now() - t0;
        if (res.statusCode !== 200) throw new Error(`${targets[j].label} answered HTTP ${res.statusCode}`);
        if (i >= warmup && ms !== null) samples[j].push(ms);
      }
    }
  } finally {
    await Promise.all(pools.map((p) => p.close()));
  }
  return samples;
}

async function main(): Promise<void> {
  requireBuild();
  installCleanup();
  const baseRoot = process.env.BENCH_BASELINE_ROOT;
  if (!baseRoot || !existsSync(join(baseRoot, "dist", "cli", "main.js"))) {
    process.stderr.write("ab: set BENCH_BASELINE_ROOT to a checkout with dist/ built (see the header of bench/ab.ts)\n");
    process.exit(2);
  }
  const extra = process.env.BENCH_KEEL_YAML ?? "";
  const simPort = await freePort();
  const sim = spawnChild("sim", [join(ROOT, "bin", "keel.js"), "sim", "--port", String(simPort), "--host", "127.0.0.1"], process.env, ROOT);
  const simOrigin = `http://127.0.0.1:${simPort}`;
  await waitHealthy(simOrigin, sim);
  const before = await startKeel(baseRoot, simOrigin, extra);
  const after = await startKeel(ROOT, simOrigin, extra);
  try {
    const direct: Target = { label: "direct", origin: simOrigin, model: "sim", authorization: "Bearer sk-sim-not-checked" };
    const sides: Side[] = [
      { name: "before", target: { label: "keel", origin: before.origin, model: "bench", authorization: `Bearer ${before.key}` }, pid: before.keel.pid },
      { name: "after", target: { label: "keel", origin: after.origin, model: "bench", authorization: `Bearer ${after.key}` }, pid: after.keel.pid },
    ];
    const targets = [direct, ...sides.map((s) => s.target)];

    const seqN = Math.round(num("BENCH_SEQUENTIAL", 2000));
    log(`${seqN} sequential requests per target, rotating direct/before/after`);
    const seq = (await rotating(targets, seqN, 200, false)).map(summarize);
    const streamN = Math.round(num("BENCH_STREAM", 400));
    log(`${streamN} sequential streams per target, rotating`);
    const fb = (await rotating(targets, streamN, 50, true)).map(summarize);

    const rounds = Math.round(num("BENCH_ROUNDS", 2));
    const duration = num("BENCH_DURATION", 6);
    const cpu: number[][] = sides.map(() => []);
    for (let r = 0; r < rounds; r++) {
      for (let k = 0; k < sides.length; k++) {
        const s = sides[(r + k) % sides.length];
        await runAutocannon(s.target, 50, 2);
        await sleep(400);
        const c0 = cpuMs(s.pid);
        const res = await runAutocannon(s.target, 50, duration);
        await sleep(400); // the last trace batch
        cpu[sides.indexOf(s)].push((cpuMs(s.pid) - c0) / Math.max(1, res.ok));
        log(`${s.name} c=50 round ${r + 1}: ${res.rps.toFixed(0)} rps, non-2xx ${res.non2xx}`);
      }
    }
    const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
    const rss = sides.map((s) => memory(s.pid).peakRssMb);

    const f = (x: number): string => x.toFixed(3);
    const lines = [
      "figure                                   before     after   after/before",
      `added p50, sequential (ms)             ${f(seq[1].p50 - seq[0].p50).padStart(8)}  ${f(seq[2].p50 - seq[0].p50).padStart(8)}   ${((seq[2].p50 - seq[0].p50) / (seq[1].p50 - seq[0].p50)).toFixed(2)}`,
      `added p99, sequential (ms)             ${f(seq[1].p99 - seq[0].p99).padStart(8)}  ${f(seq[2].p99 - seq[0].p99).padStart(8)}   ${((seq[2].p99 - seq[0].p99) / (seq[1].p99 - seq[0].p99)).toFixed(2)}`,
      `stream first-byte overhead p50 (ms)    ${f(fb[1].p50 - fb[0].p50).padStart(8)}  ${f(fb[2].p50 - fb[0].p50).padStart(8)}   ${((fb[2].p50 - fb[0].p50) / (fb[1].p50 - fb[0].p50)).toFixed(2)}`,
      `CPU per request at c=50 (ms)           ${f(mean(cpu[0])).padStart(8)}  ${f(mean(cpu[1])).padStart(8)}   ${(mean(cpu[1]) / mean(cpu[0])).toFixed(2)}`,
      `peak RSS (MB)                          ${rss[0].toFixed(0).padStart(8)}  ${rss[1].toFixed(0).padStart(8)}   ${(rss[1] / rss[0]).toFixed(2)}`,
      `(direct p50 ${f(seq[0].p50)} ms, direct first byte p50 ${f(fb[0].p50)} ms; baseline ${baseRoot})`,
    ];
    process.stdout.write(`\n${lines.join("\n")}\n`);
  } finally {
    await before.stop();
    await after.stop();
    await sim.stop();
  }
}

main().catch((err) => {
  process.stderr.write(`ab: ${String((err as Error)?.stack ?? err)}\n`);
  process.exit(1);
});
