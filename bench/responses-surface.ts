/**
 * What the Responses and Messages surfaces cost next to chat completions (issue 20's benchmark):
 * one Keel in front of one simulator, `POST /v1/chat/completions`, `POST /v1/responses` and
 * `POST /v1/messages` for the same question, in one run — and each surface's response-cache hit
 * (a second model name, `bench-cached`, with the cache on; the other names have it off).
 *
 * - added latency: p50 through Keel minus p50 of the same question straight to the sim, requests
 *   alternating direct / chat / responses one by one on keep-alive connections (drift hits all alike);
 * - Keel CPU per request: /proc utime+stime of the Keel process over alternating batches of each;
 * - the same for streaming (time to the last byte).
 *
 * Prints the figures and the ratios responses ÷ chat (goal ≤ 1.10). Exits 0 whatever the result.
 *   node --import tsx bench/responses-surface.ts            (about 40–70 s)
 *   BENCH_N=500 node --import tsx bench/responses-surface.ts (a quick look)
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Pool } from "undici";
import { atExit, cpuMs, freePort, installCleanup, spawnChild, waitHealthy } from "./processes.js";
import { round3, summarize } from "./stats.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const N = Number(process.env.BENCH_N ?? 1500);
const CPU_BATCH = 250;
const CPU_ROUNDS = Math.max(2, Math.round(N / 250));
const STREAM_N = Math.max(100, Math.round(N / 3));
const RUN = [join(ROOT, "src", "cli", "run.ts")];
const TSX = ["--import", "tsx"];

const QUESTION = "Summarise the benefits of a gateway in two sentences.";
const SYSTEM = "You are a concise assistant.";

interface Target { label: string; pool: Pool; path: string; headers: Record<string, string>; body: (stream: boolean) => string }

async function main(): Promise<void> {
  installCleanup();
  const dir = mkdtempSync(join(tmpdir(), "keel-bench-responses-"));
  const cleanup = atExit(() => rmSync(dir, { recursive: true, force: true }));
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(KEEL_|OPENAI_|ANTHROPIC_|NODE_OPTIONS)/.test(k)));
  const simPort = await freePort();
  const keelPort = await freePort();
  const admin = `bench-admin-${process.pid}-0123456789abcdef`;
  writeFileSync(join(dir, "keel.yaml"), [
    `server: { host: 127.0.0.1, port: ${keelPort} }`,
    "providers:",
    `  - { name: upstream-sim, kind: openai, base_url: "http://127.0.0.1:${simPort}/v1" }`,
    "models:",
    "  - { name: bench, provider: upstream-sim, model: sim }",
    "  - { name: bench-cached, provider: upstream-sim, model: sim }",
    "cache: { enabled: true, mode: never, routes: { bench-cached: { mode: always } } }",
    ...(process.env.BENCH_CAPTURE ? [`traces: { capture: ${process.env.BENCH_CAPTURE} }`] : []),
    "",
  ].join("\n"));
  const sim = spawnChild("sim", [...TSX, ...RUN, "sim", "--port", String(simPort), "--host", "127.0.0.1"], env, ROOT);
  const keel = spawnChild("keel", [...TSX, ...RUN, "start", "--config", join(dir, "keel.yaml")], { ...env, KEEL_DATA_DIR: dir, KEEL_ADMIN_TOKEN: admin, KEEL_LOG_LEVEL: "warn" }, ROOT);
  const simOrigin = `http://127.0.0.1:${simPort}`;
  const keelOrigin = `http://127.0.0.1:${keelPort}`;
  try {
    await waitHealthy(simOrigin, sim, 60_000);
    await waitHealthy(keelOrigin, keel, 60_000);
    const made = await fetch(`${keelOrigin}/api/v1/keys`, { method: "POST", headers: { authorization: `Bearer ${admin}`, "content-type": "application/json" }, body: JSON.stringify({ name: "bench" }) });
    const key = ((await made.json()) as { key: string }).key;
    const chatBody = (model: string) => (stream: boolean) => JSON.stringify({ model, stream, messages: [{ role: "system", content: SYSTEM }, { role: "user", content: QUESTION }], max_completion_tokens: 16 });
    const responsesBody = (model: string, extra: Record<string, unknown> = {}) => (stream: boolean) => JSON.stringify({ model, stream, instructions: SYSTEM, input: QUESTION, max_output_tokens: 16, ...extra });
    const messagesBody = (model: string) => (stream: boolean) => JSON.stringify({ model, stream, system: SYSTEM, messages: [{ role: "user", content: QUESTION }], max_tokens: 16 });
    const bearer = { authorization: `Bearer ${key}`, "content-type": "application/json" };
    const anthropic = { "x-api-key": key, "anthropic-version": "2023-06-01", "content-type": "application/json" };
    const pool = (): Pool => new Pool(keelOrigin, { connections: 1 });
    const targets: Target[] = [
      { label: "direct", pool: new Pool(simOrigin, { connections: 1 }), path: "/v1/chat/completions", headers: { authorization: "Bearer sk-sim", "content-type": "application/json" }, body: chatBody("sim") },
      { label: "chat", pool: pool(), path: "/v1/chat/completions", headers: bearer, body: chatBody("bench") },
      { label: "responses", pool: pool(), path: "/v1/responses", headers: bearer, body: responsesBody("bench") },
      { label: "responses-nostore", pool: pool(), path: "/v1/responses", headers: bearer, body: responsesBody("bench", { store: false }) },
      { label: "messages", pool: pool(), path: "/v1/messages", headers: anthropic, body: messagesBody("bench") },
      // Hits: the first call (in the warm-up) stores the answer, every later one is served from the cache.
      { label: "chat-hit", pool: pool(), path: "/v1/chat/completions", headers: bearer, body: chatBody("bench-cached") },
      { label: "responses-hit", pool: pool(), path: "/v1/responses", headers: bearer, body: responsesBody("bench-cached") },
      { label: "messages-hit", pool: pool(), path: "/v1/messages", headers: anthropic, body: messagesBody("bench-cached") },
    ];
    const HITS = new Set(["chat-hit", "responses-hit", "messages-hit"]);
    let measuring = false;
    const bodies = new Map(targets.map((t) => [t, { plain: t.body(false), stream: t.body(true) }]));
    const once = async (t: Target, stream: boolean): Promise<number> => {
      const t0 = performance.now();
      const res = await t.pool.request({ method: "POST", path: t.path, headers: t.headers, body: stream ? bodies.get(t)!.stream : bodies.get(t)!.plain });
      await res.body.text();
      if (res.statusCode !== 200) throw new Error(`${t.label}: HTTP ${res.statusCode}`);
      if (measuring && HITS.has(t.label) !== (res.headers["x-keel-cache"] === "hit")) throw new Error(`${t.label}: x-keel-cache ${String(res.headers["x-keel-cache"])}`);
      return performance.now() - t0;
    };
    for (const t of targets) for (let i = 0; i < 200; i++) await once(t, i % 2 === 0);
    // The stores after the warm-up's first calls are deferred: let them land before hits are required.
    await new Promise((ok) => setTimeout(ok, 300));
    measuring = true;

    const latency = async (stream: boolean, n: number): Promise<Map<string, number[]>> => {
      const samples = new Map(targets.map((t) => [t.label, [] as number[]]));
      for (let i = 0; i < n; i++) {
        // Who goes first rotates each round.
        for (let j = 0; j < targets.length; j++) {
          const t = targets[(i + j) % targets.length];
          samples.get(t.label)!.push(await once(t, stream));
        }
      }
      return samples;
    };
    const plain = await latency(false, N);
    const streamed = await latency(true, STREAM_N);

    const cpu = async (stream: boolean): Promise<Map<string, number>> => {
      const keelTargets = targets.slice(1);
      const totals = new Map<string, number>(keelTargets.map((t) => [t.label, 0]));
      for (let r = 0; r < CPU_ROUNDS; r++) {
        for (let j = 0; j < keelTargets.length; j++) {
          const t = keelTargets[(r + j) % keelTargets.length];
          // The trace writer's 250 ms batch timer: let the previous batch's work land before reading.
          await new Promise((ok) => setTimeout(ok, 300));
          const c0 = cpuMs(keel.pid);
          for (let i = 0; i < CPU_BATCH; i++) await once(t, stream);
          await new Promise((ok) => setTimeout(ok, 300));
          totals.set(t.label, totals.get(t.label)! + cpuMs(keel.pid) - c0);
        }
      }
      const per = new Map<string, number>();
      for (const [k, v] of totals) per.set(k, v / (CPU_ROUNDS * CPU_BATCH));
      return per;
    };
    const cpuPlain = await cpu(false);
    const cpuStream = await cpu(true);

    const report = (name: string, s: Map<string, number[]>, c: Map<string, number>): void => {
      const p50 = (l: string): number => summarize(s.get(l)!).p50;
      const added = (l: string): number => p50(l) - p50("direct");
      console.log(`\n${name} (n=${s.get("direct")!.length} each, sequential, keep-alive)`);
      console.log(`  p50 ${targets.map((t) => `${t.label} ${round3(p50(t.label))} ms`).join(" · ")}`);
      for (const l of ["responses", "responses-nostore", "messages"]) {
        console.log(`  ${l.padEnd(17)} added p50 ${round3(added(l))} ms vs chat ${round3(added("chat"))} ms: ratio ${round3(added(l) / added("chat"))} · Keel CPU/request ${round3(c.get(l)!)} ms vs chat ${round3(c.get("chat")!)} ms: ratio ${round3(c.get(l)! / c.get("chat")!)}`);
      }
      // A hit never reaches the sim: its p50 is compared with its own surface's miss-free call and with chat's hit.
      for (const [hit, own] of [["chat-hit", "chat"], ["responses-hit", "responses"], ["messages-hit", "messages"]]) {
        console.log(`  ${hit.padEnd(17)} p50 ${round3(p50(hit))} ms (vs ${own} ${round3(p50(own))} ms, vs chat-hit ratio ${round3(p50(hit) / p50("chat-hit"))}) · Keel CPU/request ${round3(c.get(hit)!)} ms (vs chat-hit ratio ${round3(c.get(hit)! / c.get("chat-hit")!)})`);
      }
    };
    console.log(`responses-surface bench: ${CPU_ROUNDS}×${CPU_BATCH} requests per CPU figure; goal ratio ≤ 1.10`);
    report("non-streaming", plain, cpuPlain);
    report("streaming (to the last byte)", streamed, cpuStream);
    for (const t of targets) await t.pool.close();
  } finally {
    await keel.stop();
    await sim.stop();
    rmSync(dir, { recursive: true, force: true });
    cleanup.cancel();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
