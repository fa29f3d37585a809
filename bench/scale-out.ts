// Issue 16 §3 and §5 with real processes on one PostgreSQL schema and one Redis prefix:
//   1. throughput of 2 Keel instances against 1, under the same load (autocannon, same total
//      connections, split evenly);
//   2. with 3 instances and N concurrent streaming calls (default 1,000), spread evenly:
//      a USD budget's overshoot, and how many calls an rpm and a tpm limit admit, against what the
//      limiter allows (its capacity plus what refills while the burst lasts).
//   node --import tsx bench/scale-out.ts [part=all|throughput|limits] [streams=1000] [seconds=10]
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Agent, request } from "undici";
import { PgBridge } from "../src/store/postgres/pg-bridge.js";
import { runAutocannon, type LoadResult } from "./load.js";
import { type Child, cpuMs, freePort, installCleanup, machineBusyMs, spawnChild, waitHealthy } from "./processes.js";

const part = process.argv[2] ?? "all";
const STREAMS = Number(process.argv[3] ?? 1000);
const SECONDS = Number(process.argv[4] ?? 10);
const pgUrl = process.env.KEEL_TEST_POSTGRES_URL || "postgres://postgres@127.0.0.1:5432/test";
const redisUrl = process.env.KEEL_TEST_REDIS_URL || "redis://127.0.0.1:6379";
const ADMIN = "bench-scale-admin-token-0123456789";
const ROOT = new URL("../", import.meta.url).pathname;
installCleanup();

/** Per million tokens, so one call's cost is easy to read off. */
const PRICE = { input: 10, output: 30 };
const MAX_TOKENS = 50;

interface Fleet { urls: string[]; children: Child[]; schema: string; stop(): Promise<void> }

async function fleet(n: number, extraYaml = ""): Promise<Fleet> {
  const schema = `keel_bench_so_${randomBytes(3).toString("hex")}`;
  const admin = new PgBridge({ url: pgUrl, poolMax: 1 });
  admin.exec(`CREATE SCHEMA ${schema}`);
  const dir = mkdtempSync(join(tmpdir(), "keel-bench-so-"));
  const store = new URL(pgUrl);
  store.searchParams.set("schema", schema);
  writeFileSync(join(dir, "keel.yaml"), [
    "providers:\n  - { name: simb, kind: sim, itl_ms: 4, default_answer_tokens: 400 }",
    "models:\n  - { name: bench, provider: simb }",
    `prices:\n  bench: { input: ${PRICE.input}, output: ${PRICE.output} }`,
    `redis:\n  key_prefix: "${schema}:"\n  command_timeout_ms: 3000`,
    "limits:\n  backend: redis",
    extraYaml,
  ].join("\n") + "\n");
  const master = randomBytes(32).toString("hex");
  const children: Child[] = [];
  const urls: string[] = [];
  for (let i = 0; i < n; i++) {
    const port = await freePort();
    const child = spawnChild(`keel-${i}`, ["--import", "tsx", join(ROOT, "src/cli/run.ts"), "start", "-c", join(dir, "keel.yaml")], {
      PATH: process.env.PATH, KEEL_PORT: String(port), KEEL_DATA_DIR: join(dir, `d${i}`), KEEL_ADMIN_TOKEN: ADMIN,
      KEEL_MASTER_KEY: master, KEEL_STORE_URL: store.toString(), KEEL_REDIS_URL: redisUrl, KEEL_LOG_LEVEL: "warn",
    }, ROOT);
    const url = `http://127.0.0.1:${port}`;
    await waitHealthy(url, child, 60_000);
    children.push(child);
    urls.push(url);
  }
  return {
    urls, children, schema,
    stop: async () => {
      await Promise.all(children.map((c) => c.stop(5000)));
      admin.exec(`DROP SCHEMA ${schema} CASCADE`);
      await admin.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function admin(url: string, method: string, path: string, body?: unknown): Promise<any> {
  const res = await request(`${url}${path}`, {
    method: method as "GET",
    headers: { authorization: `Bearer ${ADMIN}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.body.text();
  if (res.statusCode >= 300) throw new Error(`${method} ${path}: ${res.statusCode} ${text}`);
  return JSON.parse(text);
}

async function keyOn(f: Fleet, name: string, limits?: Record<string, number>): Promise<string> {
  return (await keyWithId(f, name, limits)).key;
}

async function keyWithId(f: Fleet, name: string, limits?: Record<string, number>): Promise<{ id: string; key: string }> {
  const k = await admin(f.urls[0], "POST", "/api/v1/keys", { name, ...(limits ? { limits } : {}) });
  for (const u of f.urls.slice(1)) {
    for (let t = 0; ; t++) {
      const r = await request(`${u}/api/v1/keys/${k.id}`, { headers: { authorization: `Bearer ${ADMIN}` } });
      await r.body.dump();
      if (r.statusCode === 200) break;
      if (t > 200) throw new Error(`key ${name} never reached ${u}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  return { id: k.id as string, key: k.key as string };
}

// ---------- 1. throughput: 2 instances against 1 ----------

async function throughput(): Promise<void> {
  const CONNS = 40;
  const rows: { n: number; rps: number; p99: number; keelCpuMs: number; busyShare: number; errors: number }[] = [];
  for (const n of [1, 2]) {
    const f = await fleet(n);
    const key = await keyOn(f, `tp-${n}`);
    // Warm up every instance (JIT, pools) before measuring.
    await Promise.all(f.urls.map((u) => runAutocannon({ label: "keel", origin: u, model: "bench", authorization: `Bearer ${key}` }, 10, 2)));
    const cpu0 = f.children.map((c) => cpuMs(c.pid));
    const busy0 = machineBusyMs();
    const t0 = performance.now();
    const results: LoadResult[] = await Promise.all(f.urls.map((u) => runAutocannon({ label: "keel", origin: u, model: "bench", authorization: `Bearer ${key}` }, CONNS / n, SECONDS)));
    const wall = performance.now() - t0;
    const keelCpuMs = f.children.reduce((s, c, i) => s + cpuMs(c.pid) - cpu0[i], 0);
    const busyShare = (machineBusyMs() - busy0) / (wall * 2);
    const ok = results.reduce((s, r) => s + r.ok, 0);
    rows.push({ n, rps: ok / (wall / 1000), p99: Math.max(...results.map((r) => r.latency.p99)), keelCpuMs, busyShare, errors: results.reduce((s, r) => s + r.errors + r.non2xx, 0) });
    await f.stop();
  }
  console.log(`\nthroughput, ${CONNS} connections in all for ${SECONDS} s (non-streaming chat, simulator in process, traces to PostgreSQL):`);
  for (const r of rows) {
    console.log(`  ${r.n} instance(s): ${r.rps.toFixed(0)} req/s, p99 ${r.p99} ms, Keel CPU ${(r.keelCpuMs / (r.rps * SECONDS)).toFixed(2)} ms/req, machine busy ${(r.busyShare * 100).toFixed(0)}%, errors ${r.errors}`);
  }
  console.log(`  ratio 2 : 1 = ${(rows[1].rps / rows[0].rps).toFixed(2)}`);
}

// ---------- 2. limits and budgets over 3 instances ----------

interface Shot { status: number; code?: string; tokens: number; at: number }

/** `n` streaming calls at once, round-robin over the fleet; waits for every stream to end. */
async function burst(f: Fleet, key: string, n: number): Promise<{ shots: Shot[]; spanMs: number }> {
  const agent = new Agent({ connections: n, pipelining: 1 });
  const body = JSON.stringify({ model: "bench", stream: true, stream_options: { include_usage: true }, max_tokens: MAX_TOKENS, messages: [{ role: "user", content: "Tell me about lighthouses." }] });
  const t0 = performance.now();
  const shots = await Promise.all(Array.from({ length: n }, async (_, i): Promise<Shot> => {
    const res = await request(`${f.urls[i % f.urls.length]}/v1/chat/completions`, {
      method: "POST", dispatcher: agent, body,
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    });
    const text = await res.body.text();
    const at = performance.now() - t0;
    if (res.statusCode !== 200) return { status: res.statusCode, code: /"code":"([^"]+)"/.exec(text)?.[1], tokens: 0, at };
    const usage = /"usage":\{"prompt_tokens":(\d+),"completion_tokens":(\d+)/.exec(text);
    return { status: 200, tokens: usage ? Number(usage[1]) + Number(usage[2]) : 0, at };
  }));
  await agent.close();
  return { shots, spanMs: performance.now() - t0 };
}

async function limits(): Promise<void> {
  const f = await fleet(3);
  // What one call can cost at most: its prompt plus MAX_TOKENS answer tokens, at the bench price.
  const probeKey = await keyOn(f, "probe");
  const probe = await burst(f, probeKey, 1);
  const promptTokens = probe.shots[0].tokens - MAX_TOKENS;
  const maxCost = (promptTokens * PRICE.input + MAX_TOKENS * PRICE.output) / 1e6;
  console.log(`\nlimits over 3 instances, ${STREAMS} concurrent streaming calls (${promptTokens} prompt + ${MAX_TOKENS} answer tokens each; at most $${maxCost.toFixed(6)} a call):`);

  // Budget: room for about a third of the calls.
  const budget = Number((maxCost * Math.floor(STREAMS / 3) + maxCost / 2).toFixed(6));
  const { id: bId, key: bKey } = await keyWithId(f, "budget", { daily_usd: budget });
  const b = await burst(f, bKey, STREAMS);
  // Each instance's spend recorder flushes when its /api/v1/spend is read; the last read sums all.
  let recorded = 0;
  for (const u of f.urls) {
    const spend = await admin(u, "GET", "/api/v1/spend?by=key");
    recorded = (spend.data as { key?: string; key_id?: string; cost_usd?: number; usd?: number }[]).filter((g) => g.key === bId || g.key_id === bId).reduce((s, g) => s + (g.cost_usd ?? g.usd ?? 0), 0);
  }
  const spent = b.shots.filter((s) => s.status === 200).reduce((s, x) => s + (x.tokens - MAX_TOKENS) * PRICE.input / 1e6 + MAX_TOKENS * PRICE.output / 1e6, 0);
  const admittedB = b.shots.filter((s) => s.status === 200).length;
  const codesB = [...new Set(b.shots.filter((s) => s.status !== 200).map((s) => `${s.status} ${s.code}`))].join(", ");
  console.log(`  budget $${budget}: ${admittedB} admitted, spent $${spent.toFixed(6)} (from usage), recorded by Keel $${recorded.toFixed(6)}; overshoot $${Math.max(0, recorded - budget).toFixed(6)} = ${(Math.max(0, recorded - budget) / maxCost).toFixed(2)} × one call's max; refused: ${codesB}; burst ${b.spanMs.toFixed(0)} ms`);

  // rpm: a third of the calls per minute.
  const rpm = Math.floor(STREAMS / 3);
  const rKey = await keyOn(f, "rpm", { rpm });
  const r = await burst(f, rKey, STREAMS);
  const admittedR = r.shots.filter((s) => s.status === 200).length;
  const lastAdmitR = Math.max(...r.shots.filter((s) => s.status === 200).map((s) => s.at));
  const allowedR = rpm + (rpm / 60_000) * lastAdmitR;
  console.log(`  rpm ${rpm}: ${admittedR} admitted (${((admittedR / rpm - 1) * 100).toFixed(2)}% from the limit); the bucket allows at most ${allowedR.toFixed(1)} with what refills until the last admitted call ended (${lastAdmitR.toFixed(0)} ms)`);

  // tpm: room for about a third of the calls' reservations.
  const perCall = promptTokens + MAX_TOKENS;
  const tpm = perCall * Math.floor(STREAMS / 3);
  const tKey = await keyOn(f, "tpm", { tpm });
  const t = await burst(f, tKey, STREAMS);
  const admittedT = t.shots.filter((s) => s.status === 200);
  const tokens = admittedT.reduce((s, x) => s + x.tokens, 0);
  const lastAdmitT = Math.max(...admittedT.map((s) => s.at));
  const allowedT = tpm + (tpm / 60_000) * lastAdmitT;
  console.log(`  tpm ${tpm}: ${admittedT.length} admitted using ${tokens} tokens (${((tokens / tpm - 1) * 100).toFixed(2)}% from the limit); the bucket allows at most ${allowedT.toFixed(0)} with what refills until the last admitted call ended (${lastAdmitT.toFixed(0)} ms)`);
  await f.stop();
}

if (part === "all" || part === "throughput") await throughput();
if (part === "all" || part === "limits") await limits();
process.exit(0);
