/**
 * Admin reads against a large trace store (issue 13 §3). Seeds BENCH_TRACES calls (default 1M)
 * spread over BENCH_DAYS days (default 7) across models, routes, keys, features, users and prompt
 * versions, then, against a Keel started in this process on that store:
 *
 * (a) p95 over BENCH_READS requests each of the dashboard Overview's three calls (summary, summary
 *     by model, 48-interval time series) for the last 24 h and 7 d, over HTTP; beside them, in the
 *     same run, the old read (every row of the range, exact percentiles, on this thread).
 * (b) chat p50/p99 over BENCH_CHATS sequential calls: idle; while a loop of summary reads runs
 *     (rollup-answered and row-scanning ones, all in the read worker); and, for contrast, while the
 *     old synchronous row read runs on the gateway's thread.
 *
 * `npm run bench:reads` (about 3–6 minutes at 1M on 2 vCPUs). BENCH_TRACES=100000 for a quick run.
 * BENCH_NICES=0,10,0,10 runs phase (b) once per value of `traces.read_worker_nice` (the read
 * thread's nice value; default 10), Keel restarted on the same store for each.
 */
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setImmediate as tick } from "node:timers/promises";
import { startKeel } from "../src/app.js";
import { loadConfig } from "../src/config/load.js";
import { silentLogger } from "../src/observe/log.js";
import { SqliteTraceStore } from "../src/observe/sqlite-trace-store.js";
import { SqliteSummaryStore } from "../src/observe/summary/sqlite-summary-store.js";
import type { GuardVerdictRecord, TraceRecord } from "../src/observe/types.js";
import { seededRandom } from "../src/random/seeded-random.js";
import { openSqlite } from "../src/storage/sqlite.js";
import { chatBody } from "./load.js";
import { percentile } from "./stats.js";

const TRACES = Number(process.env.BENCH_TRACES ?? 1_000_000);
const DAYS = Number(process.env.BENCH_DAYS ?? 7);
const READS = Number(process.env.BENCH_READS ?? 40);
const CHATS = Number(process.env.BENCH_CHATS ?? 1500);
const OLD_READS = Number(process.env.BENCH_OLD_READS ?? 3);
// The read thread's nice values to run phase (b) under, in this order (`traces.read_worker_nice`;
// e.g. "0,10,0,10" alternates without and with it): Keel is restarted on the same store for each.
const NICES = (process.env.BENCH_NICES ?? "10").split(",").map((x) => Number(x.trim()));
const DAY = 86_400_000;
const TOKEN = "keel-bench-admin-token-0123456789abcdef";

const rand = seededRandom(13);
const pick = <T>(xs: readonly T[], weights?: readonly number[]): T => {
  if (!weights) return xs[Math.floor(rand() * xs.length)];
  let r = rand() * weights.reduce((a, b) => a + b, 0);
  for (let i = 0; i < xs.length; i++) if ((r -= weights[i]) < 0) return xs[i];
  return xs[xs.length - 1];
};
const ROUTES = [["smart", ["gpt-5", "claude-sonnet"]], ["fast", ["gpt-5-mini"]], ["cheap", ["llama-70b", "gpt-5-mini"]]] as const;
const KEYS = Array.from({ length: 20 }, (_, i) => `key_bench${String(i).padStart(4, "0")}`);
const FEATURES = [null, "search", "chat", "summarise", "support", "agent", "extract", "classify", "translate", "draft"];
const PROMPTS = [null, ["support", 6], ["support", 7], ["answer", 2], ["answer", 3], ["triage", 1]] as const;
const SCANNERS = ["prompt_injection", "multi_turn", "secrets", "invisible_text", "size_limit", "system_prompt_leak", "toxicity", "json_schema", "pii"];
const REQUEST = chatBody("smart", false);
const RESPONSE = JSON.stringify({ id: "chatcmpl-bench", object: "chat.completion", created: 1, model: "gpt-5-mini", choices: [{ index: 0, message: { role: "assistant", content: "Yes, we ship paperbacks to Canada; delivery usually takes five to eight working days.", refusal: null }, logprobs: null, finish_reason: "stop" }], usage: { prompt_tokens: 64, completion_tokens: 19, total_tokens: 83 } });

function lognormal(mu: number, sigma: number): number {
  return Math.exp(mu + sigma * Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand()));
}

function seedRecord(i: number, now: number): TraceRecord {
  const [route, models] = pick(ROUTES, [5, 3, 2]);
  const model = pick(models);
  const error = rand() < 0.02;
  const stream = rand() < 0.6;
  const latency = lognormal(6.6, 0.6);
  const ttft = stream ? latency * (0.1 + rand() * 0.3) : null;
  const prompt = pick(PROMPTS);
  // Calls arrive in time order, as the writer sees them: evenly over the days, with jitter.
  const startedAt = Math.floor(now - DAYS * DAY + ((i + rand()) * DAYS * DAY) / TRACES);
  const guard: GuardVerdictRecord[] = SCANNERS.map((scanner) => ({ scanner, source: "user", score: 0, triggered: false, action: "block", latency_ms: Math.round(rand() * 2000) / 1000 }));
  if (rand() < 0.01) guard[0] = { ...guard[0], score: 0.93, triggered: true, findings: ["classifier"] };
  return {
    id: `req_${i.toString(16).padStart(32, "0")}`, startedAt, endedAt: startedAt + Math.round(latency), endpoint: rand() < 0.97 ? "chat" : "embeddings",
    keyId: pick(KEYS), user: `user-${Math.floor(rand() * 500)}`, feature: pick(FEATURES), modelRequested: route, modelServed: error ? null : model,
    provider: model.startsWith("claude") ? "anthropic" : model.startsWith("llama") ? "local" : "openai", status: error ? "error" : "ok",
    httpStatus: error ? 502 : 200, errorCode: error ? "upstream_error" : null, errorMessage: error ? "upstream returned 502" : null,
    latencyMs: latency, ttftMs: ttft, tokensIn: 64 + Math.floor(rand() * 400), tokensOut: error ? 0 : 10 + Math.floor(rand() * 300),
    tokensCached: rand() < 0.3 ? 64 : 0, usageSource: "provider", costUsd: rand() * 0.002, stream, traceId: i.toString(16).padStart(32, "0"), parentSpanId: null,
    metadata: {}, requestBody: REQUEST, responseBody: error ? null : RESPONSE, target: `${model}`, systemFingerprint: null,
    attempts: [{ target: model, provider: "openai", model, startMs: 1, waitMs: 0, durationMs: latency, ttftMs: ttft, outcome: error ? "error" : "ok", errorCode: null, upstreamStatus: null, error: null }],
    promptName: prompt?.[0] ?? null, promptVersion: prompt?.[1] ?? null, promptLabel: prompt ? "production" : null, guard,
  };
}

const p = (xs: number[], q: number): number => percentile([...xs].sort((a, b) => a - b), q);
const ms = (v: number): string => `${v.toFixed(1)} ms`;

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

const dir = mkdtempSync(join(tmpdir(), "keel-bench-reads-"));
try {
  // 1. Seed with direct batch inserts (the writer worker's own code path: rows + rollups in one transaction).
  const now = Date.now();
  const db = openSqlite(dir);
  const summaries = new SqliteSummaryStore(db);
  const store = new SqliteTraceStore(db);
  let t = performance.now();
  const BATCH = 2000;
  for (let i = 0; i < TRACES; i += BATCH) {
    store.insertBatch(Array.from({ length: Math.min(BATCH, TRACES - i) }, (_, k) => seedRecord(i + k, now)));
    if (i % 200_000 === 0 && i > 0) process.stderr.write(`  seeded ${i.toLocaleString("en")}\n`);
  }
  const seedS = (performance.now() - t) / 1000;
  db.pragma("wal_checkpoint(TRUNCATE)");
  const rollupRows = db.prepare("SELECT (SELECT count(*) FROM trace_rollup_minute) + (SELECT count(*) FROM trace_rollup_hour)").pluck().get() as number;
  console.log(`seeded ${TRACES.toLocaleString("en")} traces over ${DAYS} days in ${seedS.toFixed(1)} s (${Math.round(TRACES / seedS).toLocaleString("en")}/s incl. rollups); file ${(statSync(join(dir, "keel.db")).size / 1e6).toFixed(0)} MB; ${rollupRows.toLocaleString("en")} rollup rows`);

  // 2. Keel on that store, in this process (as the tests start it).
  const configWith = (nice: number) => loadConfig({ inline: { server: { port: 0, host: "127.0.0.1" }, traces: { read_worker_nice: nice } }, env: { KEEL_DATA_DIR: dir, KEEL_ADMIN_TOKEN: TOKEN } });
  let app = await startKeel(configWith(NICES[0]), { log: silentLogger });
  let nice = NICES[0];
  const key = app.firstRun.key!;
  const admin = async (path: string): Promise<void> => {
    // A fresh connection each time: after the old read blocks the thread, a kept-alive one may be reset.
    const res = await fetch(`${app.url}${path}`, { headers: { authorization: `Bearer ${TOKEN}`, connection: "close" } });
    if (res.status !== 200) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    await res.arrayBuffer();
  };
  const chatReq = chatBody("sim", false);
  const chat = async (): Promise<void> => {
    const res = await fetch(`${app.url}/v1/chat/completions`, { method: "POST", headers: { authorization: `Bearer ${key}`, "content-type": "application/json" }, body: chatReq });
    if (res.status !== 200) throw new Error(`chat: ${res.status}`);
    await res.arrayBuffer();
  };

  // (a) The Overview's three calls, and the old read of the same ranges.
  console.log("\n(a) dashboard reads over HTTP, p95 of", READS, "each (old: the previous code's exact read of up to 200 000 rows on this thread, mean of", OLD_READS, ")");
  console.log("range  call                          p50        p95        old read   old ÷ new p95");
  for (const [range, span] of [["24h", DAY], ["7d", 7 * DAY]] as const) {
    const calls = [
      ["summary", `/api/v1/metrics/summary?since=${range}`, {}],
      ["summary by=model", `/api/v1/metrics/summary?since=${range}&by=model`, { by: "model" }],
      ["timeseries buckets=48", `/api/v1/metrics/timeseries?since=${range}&buckets=48`, null],
    ] as const;
    const overview: number[] = [];
    for (const [name, path, oldQ] of calls) {
      await admin(path);
      const times: number[] = [];
      for (let i = 0; i < READS; i++) times.push(await timed(() => admin(path)));
      let old = Number.NaN;
      // The old endpoint's default read: the range's most recent 200 000 rows (7 d ranges were truncated).
      if (oldQ && OLD_READS > 0) {
        const olds: number[] = [];
        for (let i = 0; i < OLD_READS; i++) {
          const s = performance.now();
          summaries.summary({ since: Date.now() - span, until: Date.now() + 1, by: (oldQ as { by?: "model" }).by, where: {}, maxRows: 200_000, exact: true });
          olds.push(performance.now() - s);
        }
        old = olds.reduce((a, b) => a + b, 0) / olds.length;
      }
      console.log(`${range.padEnd(6)} ${name.padEnd(29)} ${ms(p(times, 50)).padEnd(10)} ${ms(p(times, 95)).padEnd(10)} ${Number.isNaN(old) ? "—".padEnd(10) : ms(old).padEnd(10)} ${Number.isNaN(old) ? "" : (old / p(times, 95)).toFixed(0) + "×"}`);
    }
    for (let i = 0; i < READS; i++) overview.push(await timed(() => Promise.all(calls.map(([, path]) => admin(path)))));
    console.log(`${range.padEnd(6)} ${"overview (3 calls at once)".padEnd(29)} ${ms(p(overview, 50)).padEnd(10)} ${ms(p(overview, 95))}`);
  }
  // Reads rollups cannot answer (two dimensions, or by user) scan rows, in the read worker.
  for (const path of ["/api/v1/metrics/summary?since=24h&by=feature&model=gpt-5", "/api/v1/metrics/summary?since=24h&by=user&max_rows=1000000", "/api/v1/traces?user=user-7&limit=50"]) {
    const times: number[] = [];
    for (let i = 0; i < 3; i++) times.push(await timed(() => admin(path)));
    console.log(`row read (worker) ${path.padEnd(58)} mean ${ms(times.reduce((a, b) => a + b, 0) / times.length)}`);
  }

  // (b) Chat latency idle, during a summary loop (worker), and during the old synchronous read.
  const chats = async (): Promise<number[]> => {
    const out: number[] = [];
    for (let i = 0; i < CHATS; i++) out.push(await timed(chat));
    return out;
  };
  // Back to back, no think time: harsher than a dashboard refreshing every few seconds.
  const during = async (paths: readonly string[]): Promise<{ times: number[]; reads: number }> => {
    let stop = false;
    let reads = 0;
    const loop = (async () => {
      while (!stop) await admin(paths[reads++ % paths.length]);
    })();
    const times = await chats();
    stop = true;
    await loop;
    return { times, reads };
  };
  const phases: { nice: number; idle: number[]; idle2: number[]; overviewLoop: { times: number[]; reads: number }; rowLoop: { times: number[]; reads: number } }[] = [];
  for (const n of NICES) {
    if (n !== nice) {
      await app.shutdown();
      app = await startKeel(configWith(n), { log: silentLogger });
      nice = n;
    }
    for (let i = 0; i < 200; i++) await chat();
    const idle = await chats();
    const overviewLoop = await during(["/api/v1/metrics/summary?since=24h", "/api/v1/metrics/summary?since=24h&by=model", "/api/v1/metrics/timeseries?since=24h&buckets=48",
      "/api/v1/metrics/summary?since=7d", "/api/v1/metrics/summary?since=7d&by=model", "/api/v1/metrics/timeseries?since=7d&buckets=48"]);
    const rowLoop = await during(["/api/v1/metrics/summary?since=24h&by=feature&model=gpt-5"]);
    // Idle again: the machine's load drifts, so the baseline is the mean of before and after.
    const idle2 = await chats();
    phases.push({ nice: n, idle, idle2, overviewLoop, rowLoop });
  }
  // The old shape: the same kind of read, synchronous on the gateway's thread, back to back.
  let stop = false;
  let oldLoops = 0;
  const oldLoop = (async () => {
    while (!stop) {
      summaries.summary({ since: Date.now() - DAY, until: Date.now() + 1, where: {}, maxRows: 200_000, exact: true });
      oldLoops++;
      await tick();
    }
  })();
  // Each of these waits for an old read (seconds each at 1M), so few.
  const oldChats = Math.min(30, CHATS);
  const duringOld: number[] = [];
  for (let i = 0; i < oldChats; i++) duringOld.push(await timed(chat));
  stop = true;
  await oldLoop;
  console.log(`\n(b) chat calls (sequential, model sim, in-process client), ${CHATS} per phase (${oldChats} in the last)`);
  console.log("phase                                        p50        p99        p99 ÷ idle (mean of the two idle p99s)");
  let idleP99 = 0;
  for (const ph of phases) {
    console.log(`-- traces.read_worker_nice: ${ph.nice}`);
    idleP99 = (p(ph.idle, 99) + p(ph.idle2, 99)) / 2;
    console.log(`idle, before the loops                       ${ms(p(ph.idle, 50)).padEnd(10)} ${ms(p(ph.idle, 99)).padEnd(10)} ${(p(ph.idle, 99) / idleP99).toFixed(2)}`);
    console.log(`idle, after them                             ${ms(p(ph.idle2, 50)).padEnd(10)} ${ms(p(ph.idle2, 99)).padEnd(10)} ${(p(ph.idle2, 99) / idleP99).toFixed(2)}`);
    for (const [name, r] of [["Overview reads loop (rollups)", ph.overviewLoop], ["row-read loop (2 dimensions)", ph.rowLoop]] as const) {
      console.log(`${name} (${String(r.reads).padStart(4)} reads)`.padEnd(45) + `${ms(p(r.times, 50)).padEnd(10)} ${ms(p(r.times, 99)).padEnd(10)} ${(p(r.times, 99) / idleP99).toFixed(2)}`);
    }
  }
  console.log(`old: row read on this thread (${String(oldLoops).padStart(4)} reads)`.padEnd(45) + `${ms(p(duringOld, 50)).padEnd(10)} ${ms(p(duringOld, 99)).padEnd(10)} ${(p(duringOld, 99) / idleP99).toFixed(2)}`);
  await app.shutdown();
  db.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
