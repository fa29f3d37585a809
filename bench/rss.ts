/**
 * Keel's peak RSS at c=50 with the default configuration, and where it goes (issue 13 §5).
 *
 *   npx tsc -p tsconfig.build.json && node --import tsx bench/rss.ts
 *   node --import tsx bench/rss.ts '[{"name":"now"},{"name":"base","root":"/tmp/keel-base"},{"name":"cap96","nodeArgs":["--max-old-space-size=96"]}]'
 *
 * One simulator; each variant (a checkout `root` with dist/ built, extra node flags, extra env,
 * extra keel.yaml) is a fresh `keel start` on a temp data dir, preloaded with bench/rss-probe.mjs
 * (every thread's V8 heap, no inspector). Per start: RSS idle and after the first call, a 2 s
 * c=50 warm-up, then c=50 for BENCH_DURATION s (default 10) with VmRSS sampled every 100 ms; then
 * VmHWM, /proc/<pid>/smaps_rollup (anonymous vs file-backed), each thread's peak heap and its live
 * heap after a full GC, and the native remainder (RSS − V8 heaps). Variants run in turn,
 * BENCH_ROUNDS times (default 2) with the order rotating, so machine drift hits all alike.
 * BENCH_RATE (requests/s over the 50 connections) fixes the load instead of "as fast as it answers":
 * peak RSS follows the allocation rate, so on a busy machine that is the fairer comparison.
 * A measurement, not a test: prints a table and writes bench/results/rss-<timestamp>.json.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { request } from "undici";
import { chatBody, PATH, runAutocannon, type Target } from "./load.js";
import { cpuMs, freePort, installCleanup, memory, spawnChild, waitHealthy } from "./processes.js";
import { ROOT, requireBuild, startKeel } from "./stack.js";

interface Variant {
  name: string;
  root?: string;
  nodeArgs?: string[];
  env?: Record<string, string>;
  yaml?: string;
}

interface ThreadHeap {
  name: string;
  threadId: number;
  peak: { totalHeapMb: number; usedHeapMb: number; mallocedMb: number; externalMb: number; arrayBuffersMb: number; rssMb: number };
  /** GC pauses since start (perf_hooks): counts and summed ms, major and minor. */
  gcPauses?: { major: number; majorMs: number; minor: number; minorMs: number };
  /** Peak committed MB per V8 space. */
  spaces: Record<string, number>;
  current: { totalHeapMb: number; usedHeapMb: number };
  afterGc: { totalHeapMb: number; usedHeapMb: number } | null;
}

interface Row {
  variant: string;
  round: number;
  idleMb: number;
  firstCallMb: number;
  peakMb: number;
  afterLoadMb: number;
  maxSampledMb: number;
  anonMb: number;
  fileMb: number;
  rps: number;
  non2xx: number;
  cpuMsPerReq: number;
  threads: ThreadHeap[];
  /** The main thread's GC pauses during the measured run: counts, and ms of pause per answered request. */
  gcDuringRun: { major: number; minor: number; majorMsPerReq: number; minorMsPerReq: number } | null;
  /** Peak RSS minus the sum of every thread's peak committed V8 heap: SQLite, buffers, code, malloc. */
  nativeAtPeakMb: number;
}

const log = (s: string): void => void process.stderr.write(`rss: ${s}\n`);
const num = (name: string, d: number): number => {
  const v = Number(process.env[name] ?? d);
  if (!Number.isFinite(v) || v <= 0) throw new Error(`${name}: expected a positive number`);
  return v;
};

function smaps(pid: number): { anonMb: number; fileMb: number } {
  const s = readFileSync(`/proc/${pid}/smaps_rollup`, "utf8");
  const kb = (f: string): number => Number(new RegExp(`^${f}:\\s+(\\d+) kB`, "m").exec(s)?.[1] ?? Number.NaN);
  const anon = kb("Anonymous");
  return { anonMb: anon / 1024, fileMb: (kb("Rss") - anon) / 1024 };
}

function readHeaps(dir: string): ThreadHeap[] {
  return readdirSync(dir).filter((f) => f.startsWith("heap-") && f.endsWith(".json")).map((f) => JSON.parse(readFileSync(join(dir, f), "utf8")) as ThreadHeap)
    .sort((a, b) => a.threadId - b.threadId);
}

async function oneCall(t: Target): Promise<void> {
  const res = await request(`${t.origin}${PATH}`, { method: "POST", headers: { "content-type": "application/json", authorization: t.authorization }, body: chatBody(t.model, false) });
  await res.body.dump();
  if (res.statusCode !== 200) throw new Error(`first call: HTTP ${res.statusCode}`);
}

async function measure(v: Variant, round: number, simOrigin: string, durationS: number, rate?: number): Promise<Row> {
  const probeDir = mkdtempSync(join(tmpdir(), "keel-rss-probe-"));
  const probe = join(ROOT, "bench", "rss-probe.mjs");
  const k = await startKeel(v.root ?? ROOT, simOrigin, v.yaml ?? "", {
    nodeArgs: [...(v.nodeArgs ?? []), "--import", probe],
    env: { ...v.env, KEEL_RSS_PROBE_DIR: probeDir },
  });
  try {
    const t: Target = { label: "keel", origin: k.origin, model: "bench", authorization: `Bearer ${k.key}` };
    await sleep(1000);
    const idleMb = memory(k.keel.pid).rssMb;
    await oneCall(t);
    await sleep(300);
    const firstCallMb = memory(k.keel.pid).rssMb;
    await runAutocannon(t, 50, 2);
    let maxSampledMb = 0;
    const sampler = setInterval(() => void (maxSampledMb = Math.max(maxSampledMb, memory(k.keel.pid).rssMb)), 100);
    const gc0 = readHeaps(probeDir).find((th) => th.name === "main")?.gcPauses;
    const c0 = cpuMs(k.keel.pid);
    const r = await runAutocannon(t, 50, durationS, rate);
    await sleep(400); // the last trace batch
    const cpu = cpuMs(k.keel.pid) - c0;
    clearInterval(sampler);
    const gc1 = readHeaps(probeDir).find((th) => th.name === "main")?.gcPauses;
    const m = memory(k.keel.pid);
    const sm = smaps(k.keel.pid);
    writeFileSync(join(probeDir, "gc"), String(Date.now()));
    await sleep(600);
    const threads = readHeaps(probeDir);
    const heapPeaks = threads.reduce((a, th) => a + th.peak.totalHeapMb, 0);
    const row: Row = {
      variant: v.name, round, idleMb, firstCallMb, peakMb: m.peakRssMb, afterLoadMb: m.rssMb, maxSampledMb,
      anonMb: sm.anonMb, fileMb: sm.fileMb, rps: r.rps, non2xx: r.non2xx + r.errors, cpuMsPerReq: cpu / Math.max(1, r.ok),
      threads, nativeAtPeakMb: m.peakRssMb - heapPeaks,
      gcDuringRun: gc0 && gc1 ? {
        major: gc1.major - gc0.major, minor: gc1.minor - gc0.minor,
        majorMsPerReq: (gc1.majorMs - gc0.majorMs) / Math.max(1, r.ok), minorMsPerReq: (gc1.minorMs - gc0.minorMs) / Math.max(1, r.ok),
      } : null,
    };
    log(`${v.name} round ${round}: peak ${row.peakMb.toFixed(1)} MB, ${r.rps.toFixed(0)} rps, non-2xx/errors ${row.non2xx}`);
    return row;
  } finally {
    await k.stop();
    rmSync(probeDir, { recursive: true, force: true });
  }
}

const f1 = (x: number): string => x.toFixed(1).padStart(7);

function render(rows: Row[], variants: Variant[]): string {
  const out: string[] = [];
  out.push(`${"variant".padEnd(14)}${"round".padStart(6)}${"idle".padStart(7)}${"1st".padStart(7)}${"peak".padStart(7)}${"after".padStart(7)}${"anon".padStart(7)}${"file".padStart(7)}${"native".padStart(7)}${"rps".padStart(7)}${"cpu/req".padStart(8)}  heaps peak/live-after-GC MB`);
  for (const r of rows) {
    const heaps = r.threads.map((th) => `${th.name.replace(/\.js$/, "")} ${th.peak.totalHeapMb.toFixed(0)}/${th.afterGc?.usedHeapMb.toFixed(0) ?? "?"}`).join(", ");
    out.push(`${r.variant.padEnd(14)}${String(r.round).padStart(6)}${f1(r.idleMb)}${f1(r.firstCallMb)}${f1(r.peakMb)}${f1(r.afterLoadMb)}${f1(r.anonMb)}${f1(r.fileMb)}${f1(r.nativeAtPeakMb)}${r.rps.toFixed(0).padStart(7)}${r.cpuMsPerReq.toFixed(3).padStart(8)}  ${heaps}`);
  }
  out.push("");
  out.push("main thread's peak committed V8 spaces (MB), per row: " + rows.map((r) => {
    const sp = r.threads.find((th) => th.name === "main")?.spaces ?? {};
    return `${r.variant}/${r.round} new ${(sp.new_space ?? 0).toFixed(0)} old ${(sp.old_space ?? 0).toFixed(0)} code ${(sp.code_space ?? 0).toFixed(0)} lo ${(sp.large_object_space ?? 0).toFixed(0)}`;
  }).join("; "));
  out.push("main thread's GC pauses during the measured run, per row (major n, minor n, pause µs per request major+minor): " + rows.map((r) => {
    const g = r.gcDuringRun;
    return g ? `${r.variant}/${r.round} ${g.major}, ${g.minor}, ${(g.majorMsPerReq * 1000).toFixed(1)}+${(g.minorMsPerReq * 1000).toFixed(1)}` : `${r.variant}/${r.round} —`;
  }).join("; "));
  out.push("mean peak RSS per variant (MB): " + variants.map((v) => {
    const xs = rows.filter((r) => r.variant === v.name).map((r) => r.peakMb);
    return `${v.name} ${(xs.reduce((a, b) => a + b, 0) / xs.length).toFixed(1)}`;
  }).join(", "));
  return out.join("\n");
}

async function main(): Promise<void> {
  requireBuild();
  installCleanup();
  const variants: Variant[] = process.argv[2] ? (JSON.parse(process.argv[2]) as Variant[]) : [{ name: "defaults" }];
  const rounds = Math.round(num("BENCH_ROUNDS", 2));
  const durationS = num("BENCH_DURATION", 10);
  // A fixed rate gives every variant the same allocation rate on a machine whose spare CPU varies.
  const rate = process.env.BENCH_RATE ? num("BENCH_RATE", 1) : undefined;
  const simPort = await freePort();
  const sim = spawnChild("sim", [join(ROOT, "bin", "keel.js"), "sim", "--port", String(simPort), "--host", "127.0.0.1"], process.env, ROOT);
  const simOrigin = `http://127.0.0.1:${simPort}`;
  const rows: Row[] = [];
  try {
    await waitHealthy(simOrigin, sim);
    for (let r = 0; r < rounds; r++) {
      for (let i = 0; i < variants.length; i++) rows.push(await measure(variants[(r + i) % variants.length], r + 1, simOrigin, durationS, rate));
    }
  } finally {
    await sim.stop();
  }
  const text = render(rows, variants);
  process.stdout.write(`\n${text}\n`);
  const dir = join(ROOT, "bench", "results");
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `rss-${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
  writeFileSync(file, JSON.stringify({ variants, rounds, durationS, rate: rate ?? null, rows }, null, 2));
  log(`wrote ${file}`);
}

main().catch((err) => {
  process.stderr.write(`rss: ${String((err as Error)?.stack ?? err)}\n`);
  process.exit(1);
});
