/**
 * Redis failing: unreachable at start-up stops Keel with a clear message; failing at run time
 * refuses calls with 503 (on_redis_error: closed, the default) or lets them through (open), and
 * Keel recovers by itself when Redis comes back. Uses a redis-server of its own, so it can kill it.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../config/load.js";
import { startKeel } from "../app.js";
import { silentLogger } from "../observe/log.js";
import { startTestKeel, type TestKeel } from "../testing/keel-fixture.js";
import { freePort, killProcess, requireRedisServer, startRedisServer } from "../testing/service-servers.js";
import { connectRedis } from "../store/redis.js";
import { redisConfigSchema } from "../store/redis-schema.js";
import { Limiter } from "./limiter.js";
import { budgetsSchema, limitsSchema } from "./limits-schema.js";
import { RedisBackend } from "./redis-backend.js";
import { compileRules } from "./rules.js";

async function chat(keel: TestKeel): Promise<{ status: number; code?: string; retryAfter: string | null }> {
  const res = await fetch(`${keel.url}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${keel.key}`, "content-type": "application/json" },
    body: JSON.stringify({ model: "sim", messages: [{ role: "user", content: "hi" }], max_tokens: 5 }),
  });
  const body = (await res.json()) as { error?: { code: string } };
  return { status: res.status, code: body.error?.code, retryAfter: res.headers.get("retry-after") };
}

describe("Redis failures", () => {
  before(requireRedisServer);
  const cleanup: (() => Promise<void>)[] = [];
  after(async () => {
    for (const c of cleanup.reverse()) await c();
  });

  test("unreachable at start-up: Keel does not start, and says where it looked", async () => {
    const port = await freePort();
    const dataDir = mkdtempSync(join(tmpdir(), "keel-redis-down-"));
    cleanup.push(async () => rmSync(dataDir, { recursive: true, force: true }));
    const config = loadConfig({
      inline: { server: { port: 0 }, limits: { backend: "redis" }, redis: { url: `redis://:hunter2@127.0.0.1:${port}`, connect_timeout_ms: 500 } },
      env: { KEEL_DATA_DIR: dataDir, KEEL_ADMIN_TOKEN: "keel-admin-test-token-0123456789" },
    });
    await assert.rejects(startKeel(config, { log: silentLogger }), (e: Error) => {
      assert.match(e.message, new RegExp(`limits\\.backend: redis needs Redis, but redis://:\\*\\*\\*@127\\.0\\.0\\.1:${port}/? is unreachable`));
      assert.doesNotMatch(e.message, /hunter2/);
      return true;
    });
  });

  test("down at run time: closed refuses with 503 limits_unavailable, open serves; both recover when Redis is back", async () => {
    const port = await freePort();
    let redis = await startRedisServer(port);
    cleanup.push(() => killProcess(redis));
    const cfg = (mode: string) => ({
      limits: { backend: "redis", on_redis_error: mode, rules: [{ scope: ["key"], rpm: 1000 }] },
      redis: { url: `redis://127.0.0.1:${port}`, key_prefix: `keel-failure-${port}:`, command_timeout_ms: 200 },
    });
    const closed = await startTestKeel(cfg("closed"));
    cleanup.push(() => closed.close());
    const open = await startTestKeel(cfg("open"));
    cleanup.push(() => open.close());
    assert.equal((await chat(closed)).status, 200);
    assert.equal((await chat(open)).status, 200);

    await killProcess(redis);
    const refused = await chat(closed);
    assert.deepEqual(refused, { status: 503, code: "limits_unavailable", retryAfter: "1" });
    assert.equal((await chat(open)).status, 200, "fail-open serves without limits");

    redis = await startRedisServer(port);
    const end = Date.now() + 10_000;
    while ((await chat(closed)).status !== 200) {
      assert.ok(Date.now() < end, "Keel reconnected to Redis");
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal((await chat(open)).status, 200);
  });

  test("Keel's own blocked event loop is not Redis failing: admissions answered in time while it was blocked are admitted", async () => {
    const port = await freePort();
    const redis = await startRedisServer(port);
    cleanup.push(() => killProcess(redis));
    const client = await connectRedis(redisConfigSchema.parse({ url: `redis://127.0.0.1:${port}`, command_timeout_ms: 100 }), "this test");
    const limiter = new Limiter({
      rules: compileRules(limitsSchema.parse({ backend: "redis", rules: [{ scope: ["key"], rpm: 1000 }] }), budgetsSchema.parse({})),
      backend: new RedisBackend(client, `keel-stall-${port}:`), events: { record: () => {} }, log: silentLogger, onBackendError: "closed", leaseTtlMs: 60_000,
    });
    cleanup.push(async () => void (await client.quit()));
    const call = { attrs: { key: "key_a", user: null, team: null, feature: null, model: "sim" }, keyLimits: null, promptTokens: () => 10, outputTokens: 10, price: { input: 1, output: 2 } };
    const admits = Array.from({ length: 8 }, (_, i) => Promise.resolve(limiter.admit(call, `stall_${i}`)));
    // What a first call loading the tokenizer (~1 s) or a synchronous store call does to the calls
    // in flight beside it: Redis answers at once, and the replies wait to be read past their deadline.
    const end = Date.now() + 400;
    while (Date.now() < end) {
      // hold the thread
    }
    const outcomes = await Promise.allSettled(admits);
    assert.deepEqual(outcomes.map((o) => (o.status === "fulfilled" ? "admitted" : (o.reason as { code?: string }).code)), Array(8).fill("admitted"));
  });
});
