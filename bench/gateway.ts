/**
 * Keel's gateway overhead, measured: the simulator called directly versus through Keel, same load
 * generator, same settings, one run. `npm run bench` (after `npm run build`). A measurement, not a
 * test: it exits 0 whether or not the targets are met. See bench/README.md.
 *
 * Env: BENCH_DURATION (s per measured autocannon run, default 10), BENCH_WARMUP (s, default 3),
 * BENCH_SEQUENTIAL (sequential requests per target, default 3000), BENCH_STREAM (streaming requests
 * per target, default 500), BENCH_QUIET_WAIT (s to wait for other work on the machine to calm
 * down before starting, default 15), BENCH_EMBED_CHECK=0 to skip the embedder RSS contrast,
 * BENCH_KEEL_NODE_ARGS (extra node flags for the Keel process, e.g. "--cpu-prof"), BENCH_KEEL_YAML
 * (keel.yaml text appended to the generated config, e.g. "guard: {enabled: false}").
 */
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import Database from "better-sqlite3";
import { request } from "undici";
import { chatBody, type LoadResult, PATH, runAutocannon, sequentialLatency, streamFirstByte, type Target } from "./load.js";
import { cpuMs, installCleanup, machineBusyMs, type Memory, memory } from "./processes.js";
import { codeVersion, judge, machineInfo, render, type Results, type RunResult, writeResults } from "./report.js";
import { ROOT, requireBuild, type Stack, startStack } from "./stack.js";

function envNumber(name: string, fallback: number, min = Number.MIN_VALUE): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const v = Number(raw);
  if (!Number.isFinite(v) || v < min) throw new Error(`${name}: expected a number ≥ ${min === Number.MIN_VALUE ? "0 (exclusive)" : min}, got "${raw}"`);
  return v;
}

const settings = {
  durationS: envNumber("BENCH_DURATION", 10),
  warmupS: envNumber("BENCH_WARMUP", 3),
  sequentialRequests: Math.round(envNumber("BENCH_SEQUENTIAL", 3000)),
  streamRequests: Math.round(envNumber("BENCH_STREAM", 500)),
  requestBodyBytes: Buffer.byteLength(chatBody("bench", false)),
  /** Appended to the generated keel.yaml; empty means Keel's defaults (traces and guardrails on). */
  extraKeelYaml: process.env.BENCH_KEEL_YAML ?? "",
};
/** Keel writes traces in batches on a 250 ms timer: wait for the last batch before reading its CPU time. */
const TRACE_FLUSH_WAIT_MS = 400;

const log = (s: string): void => void process.stderr.write(`bench: ${s}\n`);

/** One warmed-up autocannon run, with the CPU each process spent during it. */
async function measuredRun(stack: Stack, t: Target, connections: number, sent: { n: number }): Promise<RunResult> {
  const warm = await runAutocannon(t, connections, settings.warmupS);
  sent.n += t.label === "keel" ? warm.sent : 0;
  await sleep(TRACE_FLUSH_WAIT_MS);
  const before = { keel: cpuMs(stack.keel.pid), sim: cpuMs(stack.sim.pid), self: process.cpuUsage(), machine: machineBusyMs(), wall: performance.now() };
  const r: LoadResult = await runAutocannon(t, connections, settings.durationS);
  const wallMs = performance.now() - before.wall;
  const machine = machineBusyMs() - before.machine;
  const self = process.cpuUsage(before.self);
  const loadgen = (self.user + self.system) / 1000;
  await sleep(TRACE_FLUSH_WAIT_MS);
  const keel = cpuMs(stack.keel.pid) - before.keel;
  const sim = cpuMs(stack.sim.pid) - before.sim;
  if (t.label === "keel") sent.n += r.sent;
  log(`${t.label} c=${connections}: ${r.rps.toFixed(0)} rps, p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms, non-2xx ${r.non2xx}, errors ${r.errors}`);
  const per = (ms: number): number => (r.ok > 0 ? ms / r.ok : Number.NaN);
  return {
    ...r,
    cpu: {
      keelMsPerReq: t.label === "keel" ? per(keel) : Number.NaN,
      simMsPerReq: per(sim),
      loadgenMsPerReq: per(loadgen),
      machineBusyCores: machine / wallMs,
      otherBusyCores: Math.max(0, machine - keel - sim - loadgen) / wallMs,
    },
  };
}

async function oneCall(t: Target): Promise<void> {
  const res = await request(`${t.origin}${PATH}`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: t.authorization },
    body: chatBody(t.model, false),
  });
  const text = await res.body.text();
  if (res.statusCode !== 200) throw new Error(`${t.label}: first call answered HTTP ${res.statusCode}: ${text.slice(0, 500)}`);
}

/**
 * The local embedder loads on first use. The chat load must not have loaded it: its WASM memory
 * would have grown Keel's address space by gigabytes. One embeddings call at the end shows the
 * contrast (address space and RSS with the model in).
 */
async function embedderCheck(stack: Stack, atStart: Memory, afterLoad: Memory): Promise<Results["memory"]["embedder"]> {
  const loadedDuringChatLoad = afterLoad.vmSizeMb - atStart.vmSizeMb > 4096;
  const base = { loadedDuringChatLoad, addressSpaceGrowthDuringChatLoadMb: afterLoad.vmSizeMb - atStart.vmSizeMb, afterOneEmbeddingsCall: null };
  if (process.env.BENCH_EMBED_CHECK === "0") return base;
  try {
    const res = await request(`${stack.keelOrigin}/v1/embeddings`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${stack.key}` },
      body: JSON.stringify({ model: "universal-sentence-encoder-lite", input: "hello" }),
      headersTimeout: 60_000,
    });
    await res.body.dump();
    if (res.statusCode !== 200) {
      log(`embeddings call answered HTTP ${res.statusCode}; embedder contrast not measured`);
      return base;
    }
    return { ...base, afterOneEmbeddingsCall: memory(stack.keel.pid) };
  } catch (err) {
    log(`embeddings call failed (${String(err)}); embedder contrast not measured`);
    return base;
  }
}

/** Cores' worth of CPU used over `ms` by everything except `pids`: is someone else using the machine? */
async function busyOutside(pids: readonly number[], ms: number): Promise<number> {
  const m0 = machineBusyMs();
  const p0 = pids.map(cpuMs);
  const self0 = process.cpuUsage();
  const t0 = performance.now();
  await sleep(ms);
  const self = process.cpuUsage(self0);
  const own = pids.reduce((sum, pid, i) => sum + cpuMs(pid) - p0[i], 0) + (self.user + self.system) / 1000;
  return Math.max(0, machineBusyMs() - m0 - own) / (performance.now() - t0);
}

function countTraces(dataDir: string): number | null {
  try {
    const db = new Database(join(dataDir, "data", "keel.db"), { readonly: true });
    try {
      return (db.prepare("SELECT count(*) AS n FROM traces WHERE model_requested = 'bench'").get() as { n: number }).n;
    } finally {
      db.close();
    }
  } catch (err) {
    log(`could not count traces: ${String(err)}`);
    return null;
  }
}

async function main(): Promise<void> {
  requireBuild();
  installCleanup();
  const timestamp = new Date().toISOString();
  const keelNodeArgs = (process.env.BENCH_KEEL_NODE_ARGS ?? "").split(/\s+/).filter(Boolean);
  log(`starting sim and Keel (${settings.durationS} s runs, ${settings.warmupS} s warm-ups)`);
  let othersBusy = await busyOutside([], 1000);
  const quietWaitS = envNumber("BENCH_QUIET_WAIT", 15, 0);
  const quietBy = performance.now() + quietWaitS * 1000;
  if (othersBusy > 0.2 && quietWaitS > 0) log(`${othersBusy.toFixed(2)} cores busy with other work; waiting up to ${quietWaitS} s for quiet`);
  while (othersBusy > 0.2 && performance.now() < quietBy) othersBusy = await busyOutside([], 1000);
  if (othersBusy > 0.2) log(`warning: ${othersBusy.toFixed(2)} cores already busy before the benchmark started — expect noisy figures`);
  const stack = await startStack({ keelNodeArgs, extraYaml: settings.extraKeelYaml });
  try {
    const direct: Target = { label: "direct", origin: stack.simOrigin, model: "sim", authorization: "Bearer sk-sim-not-checked" };
    const keel: Target = { label: "keel", origin: stack.keelOrigin, model: "bench", authorization: `Bearer ${stack.key}` };
    // The baseline is taken after one call: undici compiles its llhttp WASM on the first upstream
    // request, and that 10 GB address-space reservation must not pass for the embedder's.
    await oneCall(keel);
    const keelAtStart = memory(stack.keel.pid);
    const sent = { n: 1 }; // the call above

    const c1 = { direct: await measuredRun(stack, direct, 1, sent), keel: await measuredRun(stack, keel, 1, sent) };
    const keelAfterC1 = memory(stack.keel.pid);
    const c50 = { direct: await measuredRun(stack, direct, 50, sent), keel: await measuredRun(stack, keel, 50, sent) };
    const keelAfterC50 = memory(stack.keel.pid);

    log(`${settings.sequentialRequests} sequential requests per target, alternating`);
    const seq = await sequentialLatency([direct, keel], settings.sequentialRequests, 200);
    sent.n += settings.sequentialRequests + 200;
    log(`${settings.streamRequests} sequential streaming requests per target, alternating`);
    const fb = await streamFirstByte([direct, keel], settings.streamRequests, 50);
    sent.n += settings.streamRequests + 50;

    const keelMem = memory(stack.keel.pid);
    const simMem = memory(stack.sim.pid);
    const embedder = await embedderCheck(stack, keelAtStart, keelMem);

    await stack.stop();
    const rows = countTraces(stack.dataDir);
    stack.cleanup();

    const partial: Omit<Results, "targets"> = {
      timestamp,
      machine: machineInfo(),
      code: codeVersion(),
      settings,
      othersBusyCoresBefore: othersBusy,
      startupMs: stack.startupMs,
      load: { c1, c50 },
      sequential: { n: settings.sequentialRequests, ...seq },
      streamFirstByte: { n: settings.streamRequests, ...fb },
      memory: { keelAtStart, keelAfterC1, keelAfterC50, keel: keelMem, sim: simMem, embedder },
      traces: { rowsWritten: rows, requestsSentToKeel: sent.n },
    };
    const results: Results = { ...partial, targets: judge(partial) };
    process.stdout.write(`\n${render(results)}\n`);
    const file = writeResults(join(ROOT, "bench", "results"), results);
    process.stdout.write(`results: ${file}\n`);
  } catch (err) {
    await stack.stop();
    stack.cleanup();
    throw err;
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`bench: failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
    process.exit(1);
  },
);
