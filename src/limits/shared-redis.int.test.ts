/**
 * Chaos (issue 3 §6): two real Keel processes sharing one Redis never exceed a rate limit or a
 * budget together. Each process has its own data dir and key; the rules are scoped by feature, so
 * the counters are the same for both.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openTestRedis, TEST_REDIS_URL, type TestRedis } from "../testing/redis-fixture.js";

const ROOT = new URL("../../", import.meta.url).pathname;
const ADMIN = "keel-admin-shared-redis-test-0123";
const BUDGET_USD = 0.002;

interface Proc {
  child: ChildProcess;
  url: string;
  key: string;
  exit: Promise<number | null>;
}

async function startKeelProcess(dir: string, name: string): Promise<Proc> {
  const child = spawn(process.execPath, ["--import", import.meta.resolve("tsx"), join(ROOT, "src/cli/run.ts"), "start"], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? "", KEEL_PORT: "0", KEEL_DATA_DIR: join(dir, `data-${name}`), KEEL_ADMIN_TOKEN: ADMIN, KEEL_LOG_LEVEL: "error" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (err += d));
  const exit = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
  const end = Date.now() + 30_000;
  while (!out.includes("Try it:")) {
    if (Date.now() > end || child.exitCode !== null) throw new Error(`keel ${name} did not start: ${err}`);
    await new Promise((r) => setTimeout(r, 25));
  }
  return { child, url: /listening on (http:\/\/\S+)/.exec(out)![1], key: /(sk-keel-[\w-]+)/.exec(out)![1], exit };
}

async function call(p: Proc, feature: string): Promise<{ status: number; code?: string }> {
  const res = await fetch(`${p.url}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${p.key}`, "content-type": "application/json", "x-keel-feature": feature },
    body: JSON.stringify({ model: "sim", messages: [{ role: "user", content: "shared limits" }], max_tokens: 20 }),
  });
  const body = (await res.json()) as { error?: { code: string } };
  return { status: res.status, code: body.error?.code };
}

/** Fires `n` calls split across both processes, `concurrency` at a time. */
async function storm(ps: Proc[], feature: string, n: number, concurrency: number): Promise<{ status: number; code?: string }[]> {
  const out: { status: number; code?: string }[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) {
        const i = next++;
        out.push(await call(ps[i % ps.length], feature));
      }
    }),
  );
  return out;
}

describe("two Keel processes sharing Redis", () => {
  let redis: TestRedis;
  let dir: string;
  let procs: Proc[] = [];

  before(async () => {
    redis = await openTestRedis();
    dir = mkdtempSync(join(tmpdir(), "keel-shared-"));
    writeFileSync(
      join(dir, "keel.yaml"),
      [
        "limits:",
        "  backend: redis",
        "  rules:",
        "    - { name: shared-rpm, scope: [feature], match: { feature: rpm }, rpm: 30 }",
        "    - { name: shared-inflight, scope: [feature], match: { feature: inflight }, concurrency: 3 }",
        "budgets:",
        "  rules:",
        `    - { name: shared-budget, scope: [feature], match: { feature: spend }, daily_usd: ${BUDGET_USD} }`,
        "redis:",
        `  url: ${TEST_REDIS_URL}`,
        `  key_prefix: "${redis.prefix}"`,
        "",
      ].join("\n"),
    );
    procs = await Promise.all([startKeelProcess(dir, "a"), startKeelProcess(dir, "b")]);
    // one call each first: the storms then measure the limits, not a cold process
    for (const p of procs) assert.equal((await call(p, "warm-up")).status, 200);
  });

  after(async () => {
    for (const p of procs) p.child.kill("SIGTERM");
    await Promise.all(procs.map((p) => p.exit));
    await redis?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test("a rate limit holds across both: 200 calls against 30 rpm admit 30, plus what refilled meanwhile", async () => {
    const t0 = Date.now();
    const results = await storm(procs, "rpm", 200, 16);
    // 30 rpm gives one request back every 2 s: a storm lasting longer earns those too, no more
    const refilled = Math.floor((Date.now() - t0) / 2000);
    const ok = results.filter((r) => r.status === 200).length;
    assert.ok(ok >= 30 && ok <= 30 + refilled, `${ok} admitted; at most ${30 + refilled} may be`);
    const other = results.filter((r) => r.status !== 200 && r.code !== "rate_limited");
    assert.deepEqual(other, [], "every other call is a 429 rate_limited");
  });

  test("a budget holds across both: their spend together never exceeds it", async () => {
    const results = await storm(procs, "spend", 200, 12);
    assert.ok(results.some((r) => r.code === "budget_exceeded"), "the budget refused at last");
    let spent = 0;
    let requests = 0;
    for (const p of procs) {
      const res = await fetch(`${p.url}/api/v1/spend?by=feature&feature=spend`, { headers: { authorization: `Bearer ${ADMIN}` } });
      const body = (await res.json()) as { total: { cost_usd: number; requests: number } };
      spent += body.total.cost_usd;
      requests += body.total.requests;
    }
    assert.equal(requests, results.filter((r) => r.status === 200).length);
    assert.ok(spent <= BUDGET_USD + 1e-12, `spent $${spent} of $${BUDGET_USD}`);
    assert.ok(spent > BUDGET_USD * 0.8, `the budget was used: $${spent}`);
  });

  test("a concurrency limit holds across both", async () => {
    const slow = async (p: Proc): Promise<number> => {
      const res = await fetch(`${p.url}/v1/chat/completions`, {
        method: "POST",
        headers: { authorization: `Bearer ${p.key}`, "content-type": "application/json", "x-keel-feature": "inflight", "x-keel-sim": "latency_ms=1500" },
        body: JSON.stringify({ model: "sim", messages: [{ role: "user", content: "slow" }], max_tokens: 5 }),
      });
      await res.text();
      return res.status;
    };
    const statuses = await Promise.all(Array.from({ length: 10 }, (_, i) => slow(procs[i % 2])));
    assert.equal(statuses.filter((s) => s === 200).length, 3);
    assert.equal(statuses.filter((s) => s === 429).length, 7);
  });
});
