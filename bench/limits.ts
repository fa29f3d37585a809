/**
 * Limiter check cost (issue 3 §7): what rate limits and budgets add to a call, in process and with
 * Redis. `npm run bench:limits`. A measurement, not a test: it prints and exits 0.
 *
 * In process, each figure is the mean over batches of 1,000 operations (a single operation is
 * below the clock's useful resolution), reported as the median, p99 and minimum of the batch means
 * (on a shared machine the minimum is the figure least disturbed by other processes).
 * With Redis, each call is timed alone (one in flight) for latency, then 64 in flight for throughput.
 *
 * Env: BENCH_REDIS_URL (default KEEL_TEST_REDIS_URL or redis://127.0.0.1:6379; "off" skips Redis),
 * BENCH_LIMITS_BATCHES (in-process batches per figure, default 400), BENCH_LIMITS_REDIS_CALLS (default 5000).
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import type { AdmitRequest, LimitBackend } from "../src/limits/backend.js";
import { Limiter, type LimitTicket } from "../src/limits/limiter.js";
import { budgetsSchema, limitsSchema } from "../src/limits/limits-schema.js";
import { MemoryBackend } from "../src/limits/memory-backend.js";
import type { CallInput } from "../src/limits/plan.js";
import { RedisBackend } from "../src/limits/redis-backend.js";
import { compileRules } from "../src/limits/rules.js";
import { silentLogger } from "../src/observe/log.js";
import { countPromptTokens } from "../src/tokens/count.js";
import { machineInfo } from "./report.js";
import { round3, summarize } from "./stats.js";

const BATCH = 1000;
const BATCHES = Number(process.env.BENCH_LIMITS_BATCHES || 400);
const REDIS_CALLS = Number(process.env.BENCH_LIMITS_REDIS_CALLS || 5000);
const REDIS_URL = process.env.BENCH_REDIS_URL || process.env.KEEL_TEST_REDIS_URL || "redis://127.0.0.1:6379";
const KEYS = 1000;

interface Figure {
  name: string;
  unit: "µs/op" | "ops/s";
  p50: number;
  p99: number;
  /** Fastest batch: on a shared, busy machine the closest figure to the code's own cost. */
  min: number;
  note: string;
}
const figures: Figure[] = [];
const log = (s: string): void => void process.stderr.write(`bench:limits: ${s}\n`);

/** A typical configuration: per-key rpm/tpm/concurrency, per key+model tpm, team day and month budgets. */
const LIMITS = limitsSchema.parse({
  rules: [
    { name: "per-key", scope: ["key"], rpm: 1e9, tpm: 1e12, concurrency: 1e6 },
    { name: "per-key-model", scope: ["key", "model"], tpm: 1e12 },
  ],
});
const BUDGETS = budgetsSchema.parse({ rules: [{ name: "team", scope: ["team"], daily_usd: 1e6, monthly_usd: 1e6 }] });

function calls(): CallInput[] {
  return Array.from({ length: KEYS }, (_, i) => ({
    attrs: { key: `key_${i}`, user: `user_${i % 97}`, team: `team_${i % 13}`, feature: "bench", model: "gpt-4o-mini" },
    keyLimits: null,
    promptTokens: () => 120,
    outputTokens: 256,
    price: { input: 0.15, output: 0.6 },
  }));
}

function limiter(backend: LimitBackend, limits = LIMITS, budgets = BUDGETS): Limiter {
  return new Limiter({
    rules: compileRules(limits, budgets), backend, events: { record: () => {} }, log: silentLogger, onBackendError: "closed", leaseTtlMs: 660_000,
  });
}

/** Median and p99 of per-op means over batches of `BATCH` calls of `op(i)`. */
function measure(name: string, note: string, op: (i: number) => void): void {
  for (let i = 0; i < BATCH * 20; i++) op(i); // warm-up: JIT and map sizes
  const means: number[] = [];
  let n = 0;
  for (let b = 0; b < BATCHES; b++) {
    const t = performance.now();
    for (let i = 0; i < BATCH; i++) op(n++);
    means.push(((performance.now() - t) * 1000) / BATCH);
  }
  const s = summarize(means);
  figures.push({ name, unit: "µs/op", p50: round3(s.p50), p99: round3(s.p99), min: round3(s.min), note });
  log(`${name}: ${s.p50.toFixed(3)} µs (p99 ${s.p99.toFixed(3)})`);
}

/** Like measure, for an operation whose result must be undone by a second one: both timed, apart. */
function measurePair<T>(nameA: string, nameB: string, note: string, a: (i: number) => T, b: (t: T) => void): void {
  const held: T[] = new Array(BATCH);
  let n = 0;
  const round = (): [number, number] => {
    const t0 = performance.now();
    for (let i = 0; i < BATCH; i++) held[i] = a(n++);
    const t1 = performance.now();
    for (let i = 0; i < BATCH; i++) b(held[i]);
    const t2 = performance.now();
    return [((t1 - t0) * 1000) / BATCH, ((t2 - t1) * 1000) / BATCH];
  };
  for (let w = 0; w < 20; w++) round();
  const as: number[] = [];
  const bs: number[] = [];
  for (let r = 0; r < BATCHES; r++) {
    const [x, y] = round();
    as.push(x);
    bs.push(y);
  }
  for (const [name, samples] of [[nameA, as], [nameB, bs]] as const) {
    const s = summarize(samples);
    figures.push({ name, unit: "µs/op", p50: round3(s.p50), p99: round3(s.p99), min: round3(s.min), note });
    log(`${name}: ${s.p50.toFixed(3)} µs (p99 ${s.p99.toFixed(3)})`);
  }
}

function inProcess(): void {
  const cs = calls();
  // Backend alone: the arithmetic and map work of one admission and one settle.
  const mem = new MemoryBackend();
  const plan = (i: number): AdmitRequest => {
    const k = i % KEYS;
    return {
      now: Date.now(), lease: `l${i}`, leaseExpiresAt: Date.now() + 660_000,
      rates: [{ id: `per-key|key_${k}|rpm`, limit: 1e9, periodMs: 60_000, cost: 1 }, { id: `per-key|key_${k}|tpm`, limit: 1e12, periodMs: 60_000, cost: 376 }],
      concurrency: [{ id: `per-key|key_${k}`, max: 1e6 }],
      budgets: [{ id: `team|team_${k % 13}|d`, limit: 1e15, cost: 172_000, expiresAt: Date.now() + 9e7 }],
    };
  };
  const reqs = Array.from({ length: KEYS }, (_, i) => plan(i));
  measurePair("memory backend: admit", "memory backend: settle", "2 GCRA + 1 lease + 1 budget, all-or-nothing", (i) => {
    const r = reqs[i % KEYS];
    const lease = `l${i}`;
    mem.admit({ ...r, lease });
    return { now: r.now, lease, tokens: [{ id: r.rates[1].id, limit: 1e12, periodMs: 60_000, delta: -76 }], concurrency: [r.concurrency[0].id], budgets: [{ id: r.budgets[0].id, actual: 100_000, soft: 1e15, expiresAt: r.budgets[0].expiresAt }] };
  }, (req) => void mem.settle(req));

  // The whole check as the gateway runs it (prompt counting aside: a constant here). Admission is
  // on the call's path; settling runs after the response is sent. Timed apart, batch by batch.
  const full = limiter(new MemoryBackend());
  measurePair("limiter.admit, in process", "limiter.settle, in process", "rpm, 2×tpm, concurrency, day+month budget; + x-ratelimit headers", (i) => full.admit(cs[i % KEYS], `r${i}`) as LimitTicket, (t) => full.settle(t, { tokens: 300, costUsd: 0.0001 }));
  const admitOnly = limiter(new MemoryBackend(), limitsSchema.parse({ rules: [{ scope: ["key"], rpm: 1e9 }] }), budgetsSchema.parse({}));
  measure("limiter.admit, one rpm rule", "the smallest useful configuration", (i) => {
    admitOnly.admit(cs[i % KEYS], `r${i}`);
  });
  const none = limiter(new MemoryBackend(), limitsSchema.parse({}), budgetsSchema.parse({}));
  measure("limiter.admit, no rules", "the default: nothing configured", (i) => {
    none.admit(cs[i % KEYS], `r${i}`);
  });

  // The estimate's dearest input: counting the prompt (only when a tokens limit or budget applies).
  const short = { messages: [{ role: "system", content: "You are a helpful assistant." }, { role: "user", content: "What is the capital of France, and why is it famous?" }] } as Parameters<typeof countPromptTokens>[0];
  measure("prompt token count, 2 short messages", "gpt-tokenizer; paid only with a tpm limit or budget", () => void countPromptTokens(short));
  const long = { messages: [{ role: "user", content: "lorem ipsum dolor sit amet consectetur ".repeat(170) }] } as Parameters<typeof countPromptTokens>[0];
  const tokens = countPromptTokens(long);
  measure(`prompt token count, ${tokens} tokens`, "scales with prompt length", () => void countPromptTokens(long));
  void mem.close();
}

async function withRedis(): Promise<void> {
  if (REDIS_URL === "off") return log("Redis skipped (BENCH_REDIS_URL=off)");
  const client = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 2000 });
  client.on("error", () => {});
  try {
    await client.connect();
  } catch (err) {
    return log(`Redis at ${REDIS_URL} unreachable, skipped: ${(err as Error).message}`);
  }
  const prefix = `keel-bench:${randomBytes(4).toString("hex")}:`;
  try {
    const full = limiter(new RedisBackend(client, prefix, false));
    const cs = calls();
    const lat = async (name: string, note: string, op: (i: number) => Promise<void>): Promise<void> => {
      for (let i = 0; i < 500; i++) await op(i);
      const samples: number[] = [];
      for (let i = 0; i < REDIS_CALLS; i++) {
        const t = performance.now();
        await op(i);
        samples.push((performance.now() - t) * 1000);
      }
      const s = summarize(samples);
      figures.push({ name, unit: "µs/op", p50: round3(s.p50), p99: round3(s.p99), min: round3(s.min), note });
      log(`${name}: p50 ${s.p50.toFixed(1)} µs, p99 ${s.p99.toFixed(1)} µs`);
    };
    const ping = async (): Promise<void> => void (await client.ping());
    await lat("redis PING (baseline round trip)", "the network and server floor", ping);
    await lat("redis limiter.admit", "one EVALSHA, same 5 rules", async (i) => void (await full.admit(cs[i % KEYS], `r${i}`)));
    const settleBackend = new RedisBackend(client, prefix, false);
    await lat("redis admit + settle", "two EVALSHAs, one call's whole life", async (i) => {
      const t = (await full.admit(cs[i % KEYS], `s${i}`)) as LimitTicket;
      const req = { now: Date.now(), lease: t.lease, tokens: [], concurrency: t.plan!.concurrency.map((c) => c.id), budgets: [] };
      await settleBackend.settle(req);
    });
    // throughput: 64 calls in flight, as a busy instance has
    const N = REDIS_CALLS * 4;
    let next = 0;
    const t0 = performance.now();
    await Promise.all(Array.from({ length: 64 }, async () => {
      while (next < N) await full.admit(cs[next % KEYS], `t${next++}`);
    }));
    const rate = N / ((performance.now() - t0) / 1000);
    figures.push({ name: "redis limiter.admit, 64 in flight", unit: "ops/s", p50: Math.round(rate), p99: Number.NaN, min: Number.NaN, note: "one connection, pipelined by ioredis" });
    log(`redis admit throughput: ${Math.round(rate)} ops/s`);
  } finally {
    let cursor = "0";
    do {
      const [c, keys] = await client.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 1000);
      if (keys.length) await client.del(...keys);
      cursor = c;
    } while (cursor !== "0");
    await client.quit();
  }
}

function render(): string {
  const w = Math.max(...figures.map((f) => f.name.length));
  const lines = figures.map((f) => {
    const v = f.unit === "ops/s"
      ? `${String(f.p50).padStart(9)} ops/s ${" ".repeat(29)}`
      : `${f.p50.toFixed(3).padStart(9)} µs  p99 ${f.p99.toFixed(3).padStart(9)}  min ${f.min.toFixed(3).padStart(8)}`;
    return `${f.name.padEnd(w)}  ${v}  ${f.note}`;
  });
  const inproc = figures.find((f) => f.name === "limiter.admit, in process");
  const verdict = inproc ? `\nin-process check (admit, 5 rules): median ${inproc.p50.toFixed(3)} µs, fastest batch ${inproc.min.toFixed(3)} µs (target: well under 5 µs)` : "";
  // figures from a busy machine are not comparable with an idle one's: say which it was
  const load = `\nload average during the run: ${loadavg().map((l) => l.toFixed(1)).join(" ")} on ${machineInfo().cores} cores`;
  return `Limiter check cost\n${"-".repeat(w + 60)}\n${lines.join("\n")}${verdict}${load}\n`;
}

inProcess();
await withRedis();
process.stdout.write(render());
const dir = join(new URL(".", import.meta.url).pathname, "results");
mkdirSync(dir, { recursive: true });
const file = join(dir, `limits-${new Date().toISOString().replaceAll(":", "-")}.json`);
writeFileSync(file, `${JSON.stringify({ machine: machineInfo(), loadAverage: loadavg(), redis: REDIS_URL === "off" ? null : REDIS_URL.replace(/\/\/[^@]*@/, "//***@"), figures }, null, 2)}\n`);
log(`results written to ${file}`);
