/**
 * What an inbound wire format costs on top of chat completions: the same call (a system prompt,
 * one user turn, a 16-token answer, temperature 0.2) as POST /v1/chat/completions and as
 * POST /v1/messages (Anthropic's Messages API, translated at the edge), through one Keel to the
 * same `keel sim` upstream. Alternates the surfaces (chat, messages, messages, chat…) so machine
 * drift hits both alike, and prints, per surface, sequential latency (one keep-alive connection,
 * the sub-millisecond figure), throughput and Keel CPU per request under load, and the
 * messages/chat ratios (goal: within 10 %). A measurement, not a test.
 *
 * `node --import tsx bench/inbound-surfaces.ts` (after `npm run build`).
 * Env: BENCH_DURATION (s per load run, default 5), BENCH_ROUNDS (default 4), BENCH_CONNECTIONS
 * (default 8), BENCH_SEQUENTIAL (sequential requests per surface per round, default 400),
 * BENCH_STREAM=1 (streaming calls, read to their end: chat's chunks against Anthropic's events).
 */
import autocannon from "autocannon";
import { Pool } from "undici";
import { cpuMs, installCleanup } from "./processes.js";
import { requireBuild, startStack } from "./stack.js";
import { summarize } from "./stats.js";

const num = (name: string, fallback: number): number => {
  const v = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(v) || v <= 0) throw new Error(`${name}: expected a positive number`);
  return v;
};
const DURATION_S = num("BENCH_DURATION", 5);
const ROUNDS = Math.round(num("BENCH_ROUNDS", 4));
const CONNECTIONS = Math.round(num("BENCH_CONNECTIONS", 8));
const SEQUENTIAL = Math.round(num("BENCH_SEQUENTIAL", 400));
const STREAM = process.env.BENCH_STREAM === "1";

const log = (s: string): void => void process.stderr.write(`bench: ${s}\n`);

type SurfaceName = "chat" | "messages";
const SYSTEM = "You are a concise assistant for an online bookshop. Answer in one or two sentences.";
const USER = "Do you ship paperbacks to Canada, and how long does delivery usually take?";

/** The one call in each wire format; headers as each SDK sends them. */
function call(surface: SurfaceName, key: string): { path: string; headers: Record<string, string>; body: string } {
  if (surface === "chat") {
    return {
      path: "/v1/chat/completions",
      headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
      body: JSON.stringify({ model: "bench", messages: [{ role: "system", content: SYSTEM }, { role: "user", content: USER }], max_tokens: 16, temperature: 0.2, ...(STREAM ? { stream: true } : {}) }),
    };
  }
  return {
    path: "/v1/messages",
    headers: { "content-type": "application/json", "x-api-key": key, "anthropic-version": "2023-06-01" },
    body: JSON.stringify({ model: "bench", system: SYSTEM, messages: [{ role: "user", content: USER }], max_tokens: 16, temperature: 0.2, ...(STREAM ? { stream: true } : {}) }),
  };
}

interface Sample { surface: SurfaceName; p50: number; p99: number; rps: number; cpuMsPerReq: number }

async function sequential(origin: string, c: ReturnType<typeof call>, n: number): Promise<number[]> {
  const pool = new Pool(origin, { connections: 1, pipelining: 1 });
  const out: number[] = [];
  try {
    for (let i = 0; i < n; i++) {
      const t0 = performance.now();
      const res = await pool.request({ method: "POST", path: c.path, headers: c.headers, body: c.body });
      await res.body.dump({ limit: Number.MAX_SAFE_INTEGER });
      if (res.statusCode !== 200) throw new Error(`${c.path} answered ${res.statusCode}`);
      out.push(performance.now() - t0);
    }
  } finally {
    await pool.close();
  }
  return out;
}

async function measure(surface: SurfaceName, origin: string, key: string, pid: number): Promise<Sample> {
  const c = call(surface, key);
  const lat = summarize(await sequential(origin, c, SEQUENTIAL));
  const cpu0 = cpuMs(pid);
  const r = await autocannon({ url: `${origin}${c.path}`, method: "POST", headers: c.headers, body: c.body, connections: CONNECTIONS, duration: DURATION_S, timeout: 10 });
  const cpu = cpuMs(pid) - cpu0;
  if (r.non2xx > 0 || r.errors > 0) throw new Error(`${c.path}: ${r.non2xx} non-2xx, ${r.errors} errors under load`);
  const s: Sample = { surface, p50: lat.p50, p99: lat.p99, rps: r["2xx"] / r.duration, cpuMsPerReq: cpu / Math.max(1, r.requests.sent) };
  log(`${surface}: sequential p50 ${s.p50.toFixed(3)} ms p99 ${s.p99.toFixed(3)} ms; ${s.rps.toFixed(0)} req/s; Keel CPU ${s.cpuMsPerReq.toFixed(3)} ms/req`);
  return s;
}

async function main(): Promise<void> {
  requireBuild();
  installCleanup();
  const stack = await startStack();
  const samples: Sample[] = [];
  try {
    // Warm both paths (JIT, pools) before anything is recorded.
    for (const s of ["chat", "messages"] as const) {
      const c = call(s, stack.key);
      await sequential(stack.keelOrigin, c, 300);
      await autocannon({ url: `${stack.keelOrigin}${c.path}`, method: "POST", headers: c.headers, body: c.body, connections: CONNECTIONS, duration: 3, timeout: 10 });
    }
    for (let i = 0; i < ROUNDS; i++) {
      for (const s of i % 2 === 0 ? (["chat", "messages"] as const) : (["messages", "chat"] as const)) samples.push(await measure(s, stack.keelOrigin, stack.key, stack.keel.pid));
    }
  } finally {
    await stack.stop();
    stack.cleanup();
  }
  const mean = (s: SurfaceName, f: (x: Sample) => number): number => {
    const xs = samples.filter((x) => x.surface === s).map(f);
    return xs.reduce((a, b) => a + b, 0) / xs.length;
  };
  const row = (name: string, f: (x: Sample) => number, digits: number): string =>
    `${name.padEnd(30)}${mean("chat", f).toFixed(digits).padStart(12)}${mean("messages", f).toFixed(digits).padStart(12)}${(mean("messages", f) / mean("chat", f)).toFixed(3).padStart(10)}`;
  console.log(`Inbound surfaces: ${ROUNDS} rounds; sequential ${SEQUENTIAL} calls, then ${DURATION_S} s at ${CONNECTIONS} connections; Keel → keel sim, ${STREAM ? "streaming" : "non-streaming"}`);
  console.log(`${"".padEnd(30)}${"chat".padStart(12)}${"messages".padStart(12)}${"ratio".padStart(10)}`);
  console.log(row("sequential latency p50 (ms)", (x) => x.p50, 3));
  console.log(row("sequential latency p99 (ms)", (x) => x.p99, 3));
  console.log(row("throughput (req/s)", (x) => x.rps, 0));
  console.log(row("Keel CPU (ms/request)", (x) => x.cpuMsPerReq, 3));
  console.log(`added latency at p50: ${(mean("messages", (x) => x.p50) - mean("chat", (x) => x.p50)).toFixed(3)} ms`);
}

main().catch((err) => {
  process.stderr.write(`bench: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
