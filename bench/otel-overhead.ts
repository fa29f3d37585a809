/**
 * Gateway overhead of OTLP span export: the same load through Keel to the simulator, with
 * `otel.export` pointed at a local collector versus no export, alternating (off, on, off, on…) so
 * drift on the machine hits both alike. Prints throughput, latency, Keel CPU per request and the
 * on/off ratios. `npm run bench:otel` (after `npm run build`). A measurement, not a test.
 *
 * Env: BENCH_DURATION (s per measured run, default 10), BENCH_WARMUP (s, default 3),
 * BENCH_CONNECTIONS (default 16), BENCH_ROUNDS (off/on pairs, default 2).
 */
import { spawn } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";
import { request } from "undici";
import { runAutocannon, type Target } from "./load.js";
import { cpuMs, installCleanup } from "./processes.js";
import { requireBuild, startStack } from "./stack.js";

const num = (name: string, fallback: number): number => {
  const v = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(v) || v <= 0) throw new Error(`${name}: expected a positive number`);
  return v;
};
const DURATION_S = num("BENCH_DURATION", 10);
const WARMUP_S = num("BENCH_WARMUP", 3);
const CONNECTIONS = Math.round(num("BENCH_CONNECTIONS", 16));
const ROUNDS = Math.round(num("BENCH_ROUNDS", 2));
/** Export batches leave every flush_interval_ms (1 s by default): wait for the last one. */
const SETTLE_MS = 1500;

const log = (s: string): void => void process.stderr.write(`bench: ${s}\n`);

/**
 * A local OTLP/HTTP collector in its own process (so its parsing does not share the load
 * generator's core): counts the spans it receives, `GET /count` reports them.
 */
const COLLECTOR = `
const http = require("node:http");
let spans = 0;
const s = http.createServer((req, res) => {
  if (req.method === "GET") { res.end(String(spans)); return; }
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", () => {
    try {
      for (const r of JSON.parse(Buffer.concat(chunks).toString()).resourceSpans ?? []) for (const sc of r.scopeSpans ?? []) spans += (sc.spans ?? []).length;
    } catch {}
    res.writeHead(200, { "content-type": "application/json" });
    res.end("{}");
  });
});
s.listen(0, "127.0.0.1", () => process.stdout.write(String(s.address().port) + "\\n"));
`;

async function startCollector(): Promise<{ url: string; count(): Promise<number>; stop(): void }> {
  const proc = spawn(process.execPath, ["-e", COLLECTOR], { stdio: ["ignore", "pipe", "inherit"] });
  const port = await new Promise<string>((resolve, reject) => {
    proc.stdout.once("data", (d: Buffer) => resolve(d.toString().trim()));
    proc.once("exit", (code) => reject(new Error(`collector exited with ${code}`)));
  });
  const origin = `http://127.0.0.1:${port}`;
  return {
    url: `${origin}/v1/traces`,
    async count() {
      const r = await request(`${origin}/count`);
      return Number(await r.body.text());
    },
    stop: () => void proc.kill(),
  };
}

interface Run { mode: "off" | "on"; rps: number; p50: number; p99: number; keelCpuMsPerReq: number; ok: number; exported: number }

async function measure(mode: Run["mode"], collector: Awaited<ReturnType<typeof startCollector>>): Promise<Run> {
  const stack = await startStack({ extraYaml: mode === "on" ? `otel:\n  export:\n    endpoint: ${collector.url}\n` : "" });
  try {
    const t: Target = { label: "keel", origin: stack.keelOrigin, model: "bench", authorization: `Bearer ${stack.key}` };
    await runAutocannon(t, CONNECTIONS, WARMUP_S);
    await sleep(SETTLE_MS);
    const spansBefore = await collector.count();
    const cpuBefore = cpuMs(stack.keel.pid);
    const r = await runAutocannon(t, CONNECTIONS, DURATION_S);
    await sleep(SETTLE_MS);
    const cpu = cpuMs(stack.keel.pid) - cpuBefore;
    const exported = (await collector.count()) - spansBefore;
    const run: Run = { mode, rps: r.rps, p50: r.latency.p50, p99: r.latency.p99, keelCpuMsPerReq: cpu / Math.max(1, r.sent), ok: r.ok, exported };
    log(`export ${mode}: ${run.rps.toFixed(0)} rps, p50 ${run.p50} ms, p99 ${run.p99} ms, Keel CPU ${run.keelCpuMsPerReq.toFixed(3)} ms/req, spans exported ${exported} for ${r.sent} requests`);
    return run;
  } finally {
    await stack.stop();
    stack.cleanup();
  }
}

async function main(): Promise<void> {
  requireBuild();
  installCleanup();
  const collector = await startCollector();
  const runs: Run[] = [];
  try {
    for (let i = 0; i < ROUNDS; i++) for (const mode of i % 2 === 0 ? (["off", "on"] as const) : (["on", "off"] as const)) runs.push(await measure(mode, collector));
  } finally {
    collector.stop();
  }
  const mean = (mode: Run["mode"], f: (r: Run) => number): number => {
    const xs = runs.filter((r) => r.mode === mode).map(f);
    return xs.reduce((a, b) => a + b, 0) / xs.length;
  };
  const row = (name: string, f: (r: Run) => number, digits: number): string =>
    `${name.padEnd(24)}${mean("off", f).toFixed(digits).padStart(12)}${mean("on", f).toFixed(digits).padStart(12)}${(mean("on", f) / mean("off", f)).toFixed(3).padStart(10)}`;
  console.log(`OTLP export overhead: ${ROUNDS} × (off, on), ${DURATION_S} s each, ${CONNECTIONS} connections, non-streaming chat through Keel to the sim`);
  console.log(`${"".padEnd(24)}${"export off".padStart(12)}${"export on".padStart(12)}${"on/off".padStart(10)}`);
  console.log(row("throughput (req/s)", (r) => r.rps, 0));
  console.log(row("latency p50 (ms)", (r) => r.p50, 1));
  console.log(row("latency p99 (ms)", (r) => r.p99, 1));
  console.log(row("Keel CPU (ms/request)", (r) => r.keelCpuMsPerReq, 3));
  console.log(`spans received by the collector (export on): ${runs.filter((r) => r.mode === "on").map((r) => r.exported).join(", ")}`);
}

main().catch((err) => {
  process.stderr.write(`bench: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
