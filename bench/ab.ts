/**
 * Before/after in ONE run: two Keel builds side by side in front of the same simulator, driven
 * alternately by the same load generator, so machine noise hits both alike and the figure that
 * matters is the ratio. The baseline is any checkout with dist/ built, e.g.
 *
 *   git worktree add /tmp/keel-base <commit> && ln -s "$PWD/node_modules" /tmp/keel-base/ && (cd /tmp/keel-base && npm run build)
 *   BENCH_BASELINE_ROOT=/tmp/keel-base node --import tsx bench/ab.ts
 *
 * Env: BENCH_BASELINE_ROOT (required), BENCH_SEQUENTIAL (per target, default 2000), BENCH_STREAM
 * (default 400), BENCH_DURATION (s per c=50 run, default 6), BENCH_ROUNDS (c=50 runs per gateway,
 * order rotating, default 2), BENCH_KEEL_YAML (appended to both configs), BENCH_PORTKEY_SERVER
 * (path to a Portkey gateway's build/start-server.js, installed outside this repository: adds it
 * as a third gateway in front of the same sim; non-streaming figures only), BENCH_AFTER_NODE_ARGS
 * (space-separated node flags for the "after" Keel only, e.g. "--max-semi-space-size=4": a V8
 * setting A/B against the same build as baseline), BENCH_FLOOR=1 (adds bench/floor-proxy.mjs, a bare
 * Node.js proxy with none of Keel's work, as one more side: the floor any Node.js gateway pays on
 * this machine). Prints a table; exits 0.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { Pool } from "undici";
import { chatBody, PATH, runAutocannon, type Target } from "./load.js";
import { type Child, cpuMs, freePort, installCleanup, memory, spawnChild, waitHealthy } from "./processes.js";
import { ROOT, requireBuild, startKeel } from "./stack.js";
import { summarize, type Summary } from "./stats.js";

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
async function rotating(targets: readonly Target[], n: number, warmup: number, stream: boolean): Promise<Summary[]> {
  const pools = targets.map((t) => new Pool(t.origin, { connections: 1, pipelining: 1 }));
  // Every call's user turn differs (chatBody's n): no side may answer a repeated text from a memo.
  let sent = 0;
  const samples: number[][] = targets.map(() => []);
  try {
    for (let i = 0; i < warmup + n; i++) {
      for (let k = 0; k < targets.length; k++) {
        const j = (i + k) % targets.length;
        const t = targets[j];
        const t0 = performance.now();
        const res = await pools[j].request({ method: "POST", path: PATH, headers: { "content-type": "application/json", authorization: t.authorization, ...t.headers }, body: chatBody(t.model, stream, sent++) });
        let first: number | null = null;
        for await (const _chunk of res.body) first ??= performance.now() - t0;
        const ms = stream ? first : performance.now() - t0;
        if (res.statusCode !== 200) throw new Error(`${t.label} answered HTTP ${res.statusCode}`);
        if (i >= warmup && ms !== null) samples[j].push(ms);
      }
    }
  } finally {
    await Promise.all(pools.map((p) => p.close()));
  }
  return samples.map(summarize);
}

/** Portkey has no health route we rely on: wait until its port answers at all. */
async function waitForPort(origin: string, child: Child, timeoutMs = 20_000): Promise<void> {
  const until = performance.now() + timeoutMs;
  while (performance.now() < until) {
    if (child.exited) throw new Error(`${origin}: the process exited`);
    try {
      await fetch(origin);
      return;
    } catch {
      await sleep(200);
    }
  }
  throw new Error(`${origin}: no answer in ${timeoutMs} ms`);
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
  const afterArgs = (process.env.BENCH_AFTER_NODE_ARGS ?? "").split(" ").filter(Boolean);
  const after = await startKeel(ROOT, simOrigin, extra, { nodeArgs: afterArgs });
  let portkey: Child | null = null;
  let floor: Child | null = null;
  try {
    const direct: Target = { label: "direct", origin: simOrigin, model: "sim", authorization: "Bearer sk-sim-not-checked" };
    const sides: Side[] = [
      { name: "before", target: { label: "keel", origin: before.origin, model: "bench", authorization: `Bearer ${before.key}` }, pid: before.keel.pid },
      { name: "after", target: { label: "keel", origin: after.origin, model: "bench", authorization: `Bearer ${after.key}` }, pid: after.keel.pid },
    ];
    const pkServer = process.env.BENCH_PORTKEY_SERVER;
    if (pkServer) {
      // Portkey's Node server listens on 8787 whatever it is told; it reaches the same sim as a custom OpenAI host.
      portkey = spawnChild("portkey", [pkServer], process.env, ROOT);
      await waitForPort("http://127.0.0.1:8787", portkey);
      sides.push({
        name: "portkey", pid: portkey.pid,
        target: { label: "portkey", origin: "http://127.0.0.1:8787", model: "sim", authorization: "Bearer sk-sim-not-checked", headers: { "x-portkey-provider": "openai", "x-portkey-custom-host": `${simOrigin}/v1` } },
      });
    }
    if (process.env.BENCH_FLOOR === "1") {
      const port = await freePort();
      floor = spawnChild("floor", [join(ROOT, "bench", "floor-proxy.mjs"), String(port), simOrigin], process.env, ROOT);
      await waitForPort(`http://127.0.0.1:${port}`, floor);
      sides.push({ name: "floor", pid: floor.pid, target: { label: "floor", origin: `http://127.0.0.1:${port}`, model: "sim", authorization: "Bearer none" } });
    }
    const targets = [direct, ...sides.map((s) => s.target)];

    const seqN = Math.round(num("BENCH_SEQUENTIAL", 2000));
    log(`${seqN} sequential requests per target, rotating ${["direct", ...sides.map((x) => x.name)].join("/")}`);
    const seq = await rotating(targets, seqN, 200, false);
    const streamN = Math.round(num("BENCH_STREAM", 400));
    // Portkey's stream call fails against the sim: streams go to Keel's two builds and the floor only.
    const streamSides = sides.filter((s) => s.name !== "portkey");
    log(`${streamN} sequential streams per target, rotating direct/${streamSides.map((s) => s.name).join("/")}`);
    const fb = await rotating([direct, ...streamSides.map((s) => s.target)], streamN, 50, true);

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
        await sleep(400); // Keel's last trace batch
        cpu[sides.indexOf(s)].push((cpuMs(s.pid) - c0) / Math.max(1, res.ok));
        log(`${s.name} c=50 round ${r + 1}: ${res.rps.toFixed(0)} rps, non-2xx ${res.non2xx}`);
      }
    }
    const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
    const rss = sides.map((s) => memory(s.pid).peakRssMb);

    const added = (p: "p50" | "p99"): number[] => sides.map((_s, i) => seq[i + 1][p] - seq[0][p]);
    const rows: [string, number[]][] = [
      ["added p50, sequential (ms)", added("p50")],
      ["added p99, sequential (ms)", added("p99")],
      ["stream first-byte overhead p50 (ms)", sides.map((s) => {
        const i = streamSides.indexOf(s);
        return i < 0 ? Number.NaN : fb[i + 1].p50 - fb[0].p50;
      })],
      ["Keel/peer CPU per request at c=50 (ms)", cpu.map(mean)],
      ["peak RSS (MB)", rss],
    ];
    const cell = (x: number | undefined): string => (x === undefined || Number.isNaN(x) ? "—" : x.toFixed(3)).padStart(10);
    const lines = [
      `${"figure".padEnd(40)}${sides.map((x) => x.name.padStart(10)).join("")}  after/before`,
      ...rows.map(([name, xs]) => `${name.padEnd(40)}${sides.map((_s, i) => cell(xs[i])).join("")}  ${(xs[1] / xs[0]).toFixed(2).padStart(12)}`),
      `(direct p50 ${seq[0].p50.toFixed(3)} ms, direct first byte p50 ${fb[0].p50.toFixed(3)} ms; baseline ${baseRoot})`,
    ];
    process.stdout.write(`\n${lines.join("\n")}\n`);
  } finally {
    await portkey?.stop();
    await floor?.stop();
    await before.stop();
    await after.stop();
    await sim.stop();
  }
}

main().catch((err) => {
  process.stderr.write(`ab: ${String((err as Error)?.stack ?? err)}\n`);
  process.exit(1);
});
