import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { randomBytes } from "node:crypto";
import { type CliProcess, killCliChildren, spawnCli } from "../../testing/cli-process.js";
import { jsonCall } from "../../testing/json-call.js";
import { freePort, killProcess, PrivatePostgres, requireRedisServer, startRedisServer } from "../../testing/service-servers.js";
import { until } from "../../testing/until.js";
import { sleep } from "../../async/sleep.js";
import { PgBridge } from "../../store/postgres/pg-bridge.js";

/**
 * Issue 16 §3, the failure half: two `keel start` processes on a PostgreSQL server and a Redis of
 * this test's own, which it stops and starts again under load, and an instance killed with SIGKILL
 * mid-load. What must hold: while PostgreSQL is down calls keep being served from each instance's
 * snapshots and admin reads answer 503 `store_unavailable`; while Redis is down limit checks answer
 * 503 (on_redis_error: closed); both recover without a restart; a key revoked while Redis was down
 * is refused everywhere once it is back; and no call that completed (beyond the documented bound
 * before a SIGKILL) loses its trace.
 */
const ADMIN = "store-outage-admin-token-0123456789";
const MASTER = randomBytes(32).toString("hex");
/** traces.flush_interval_ms as shipped: the documented bound on what a SIGKILL may lose. */
const FLUSH_MS = 250;
/** For a loaded 2-core machine: an event loop or a batch write late by this much is not a lost trace. */
const MARGIN_MS = 1000;

const dir = mkdtempSync(join(tmpdir(), "keel-outage-"));
let pg: PrivatePostgres;
let redis: ChildProcess;
let redisPort: number;
let db: PgBridge;
const instances: { proc: CliProcess; url: string }[] = [];

const storeUrl = (): string => `${pg.url}?schema=keel`;

async function startInstance(i: number): Promise<{ proc: CliProcess; url: string }> {
  const proc = spawnCli(["start", "-c", join(dir, "keel.yaml")], {
    env: {
      KEEL_PORT: "0", KEEL_DATA_DIR: join(dir, `data-${i}`), KEEL_ADMIN_TOKEN: ADMIN, KEEL_MASTER_KEY: MASTER,
      KEEL_STORE_URL: storeUrl(), KEEL_REDIS_URL: `redis://127.0.0.1:${redisPort}`, KEEL_LOG_LEVEL: "warn",
    },
  });
  let url: string | undefined;
  await until(() => (url = /listening on (http:\/\/\S+)/.exec(proc.out())?.[1]) !== undefined, `instance ${i} to listen`, 30_000);
  return { proc, url: url! };
}

const api = (base: string, method: string, path: string, body?: unknown, token = ADMIN) => jsonCall(base, token, method, path, body);

interface Outcome { at: number; status: number; id: string | null; code?: string; instance: number }

/** Chat calls from `workers` loops over `targets` until `stop()`; every answer is kept with when it came. */
function load(key: string, targets: number[], workers = 4): { outcomes: Outcome[]; stop(): Promise<void> } {
  const outcomes: Outcome[] = [];
  let running = true;
  const loops = Array.from({ length: workers }, async (_, w) => {
    for (let n = 0; running; n++) {
      const instance = targets[(w + n) % targets.length];
      try {
        const res = await fetch(`${instances[instance].url}/v1/chat/completions`, {
          method: "POST",
          headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
          body: JSON.stringify({ model: "sim", max_tokens: 8, messages: [{ role: "user", content: `outage ${w}-${n}` }] }),
          signal: AbortSignal.timeout(15_000),
        });
        const body = (await res.json()) as { error?: { code?: string } };
        outcomes.push({ at: Date.now(), status: res.status, id: res.headers.get("x-request-id"), code: body.error?.code, instance });
      } catch {
        // A connection to a killed instance: no answer, so nothing completed and nothing is owed.
        outcomes.push({ at: Date.now(), status: 0, id: null, instance });
        await sleep(20);
      }
    }
  });
  return { outcomes, stop: async () => { running = false; await Promise.all(loops); } };
}

/** Of `ids`, those with no trace row in PostgreSQL. */
function missingTraces(ids: string[]): string[] {
  if (ids.length === 0) return [];
  const found = new Set(db.all<{ id: string }>("SELECT id FROM keel.traces").map((r) => r.id));
  return ids.filter((id) => !found.has(id));
}

/** A key with a generous rpm limit, so every call it makes is checked against Redis. */
async function newKey(name: string): Promise<{ id: string; key: string }> {
  const created = await api(instances[0].url, "POST", "/api/v1/keys", { name, limits: { rpm: 1_000_000 } });
  assert.equal(created.status, 201, JSON.stringify(created.json));
  const key = created.json.key as string;
  await until(async () => (await api(instances[1].url, "GET", `/api/v1/keys/${created.json.id}`)).status === 200, `key ${name} on instance 1`, 5000);
  return { id: created.json.id, key };
}

before(async () => {
  requireRedisServer();
  pg = new PrivatePostgres(await freePort()).init();
  pg.start();
  db = new PgBridge({ url: pg.url, poolMax: 1, timeoutMs: 3000 });
  // Set-up, not what the suite measures: a freshly started server under CI load may take seconds.
  db.withCallTimeout(30_000, () => db.exec("CREATE SCHEMA keel"));
  redisPort = await freePort();
  redis = await startRedisServer(redisPort);
  writeFileSync(join(dir, "keel.yaml"), [
    "limits:\n  backend: redis\n  on_redis_error: closed",
    "redis:\n  command_timeout_ms: 1000\n  connect_timeout_ms: 1000",
    "postgres:\n  call_timeout_ms: 2000\n  connect_timeout_ms: 1000",
    `traces:\n  flush_interval_ms: ${FLUSH_MS}`,
  ].join("\n") + "\n");
  instances.push(await startInstance(0));
  instances.push(await startInstance(1));
});

after(async () => {
  for (const i of instances) i.proc.child.kill("SIGTERM");
  await Promise.all(instances.map((i) => i.proc.exit));
  killCliChildren();
  await db?.close();
  if (redis) await killProcess(redis);
  pg?.destroy();
  rmSync(dir, { recursive: true, force: true });
});

test("PostgreSQL down under load: calls are served, admin reads answer 503 store_unavailable, all recovers by itself, no completed call loses its trace", async () => {
  const { key } = await newKey("pg-outage");
  const run = load(key, [0, 1]);
  await sleep(1000);
  pg.stop("immediate");
  const downAt = Date.now();
  await sleep(300);
  const read = await api(instances[0].url, "GET", "/api/v1/traces?limit=1");
  assert.equal(read.status, 503, JSON.stringify(read.json));
  assert.equal(read.json.error.code, "store_unavailable");
  assert.match(read.json.error.message, new RegExp(`127\\.0\\.0\\.1:${pg.port}`), "the message names the store");
  const write = await api(instances[1].url, "POST", "/api/v1/keys", { name: "while-down" });
  assert.equal(write.status, 503, JSON.stringify(write.json));
  await sleep(2500);
  pg.start();
  const upAt = Date.now();
  await until(async () => {
    for (const i of instances) if ((await api(i.url, "GET", "/api/v1/traces?limit=1")).status !== 200) return false;
    return true;
  }, "admin reads to recover on both instances", 20_000).catch(async (e) => {
    for (const [n, i] of instances.entries()) {
      const r = await api(i.url, "GET", "/api/v1/traces?limit=1").catch((err) => ({ status: 0, json: String(err) }));
      const k = await api(i.url, "GET", "/api/v1/keys").catch((err) => ({ status: 0, json: String(err) }));
      console.log(`# instance ${n}: traces ${r.status} ${JSON.stringify(r.json).slice(0, 300)} keys ${k.status} ${JSON.stringify(k.json).slice(0, 200)}\n# stderr: ${i.proc.err().slice(-1500)}\n# first errors: ${i.proc.err().split("\n").filter((l) => /worker|exited|closed/.test(l)).slice(0, 3).join("\n# ")}`);
    }
    throw e;
  });
  const recoveredMs = Date.now() - upAt;
  // Not a speed figure but a functional bound: it recovers without a restart. (The driver's own
  // reconnect backoff, uncapped, reached 20 s; Keel caps it at 1 s in pg-worker.ts. Runs of this
  // test measured 0.8–2 s and, on the full merged build of 2026-12-07, ~12 s: see docs/scale-out.md.)
  assert.ok(recoveredMs < 30_000, `admin reads came back ${recoveredMs} ms after the server`);
  await sleep(1000);
  await run.stop();

  const during = run.outcomes.filter((o) => o.at > downAt + 300 && o.at < upAt);
  assert.ok(during.length > 0, "calls were made while PostgreSQL was down");
  const failed = during.filter((o) => o.status !== 200);
  assert.deepEqual(failed.map((o) => `${o.status} ${o.code}`), [], "calls need no PostgreSQL: keys, routes and prompts are per-instance snapshots");
  // The trace writer keeps batches the store refused as store_unavailable and writes them once it is back.
  const ok = run.outcomes.filter((o) => o.status === 200).map((o) => o.id!);
  await until(() => missingTraces(ok).length === 0, "traces of every completed call, written after the outage", 20_000).catch(() => undefined);
  assert.deepEqual(missingTraces(ok), [], `of ${ok.length} completed calls (${during.length} while down), these have no trace`);
  console.log(`# PostgreSQL outage: ${during.length} calls served while down, admin reads back ${recoveredMs} ms after the server, ${ok.length} traces all written`);
});

test("Redis down under load: limit checks answer 503, and a key revoked meanwhile is refused by every instance once Redis is back", async () => {
  const { key } = await newKey("redis-outage");
  const doomed = await newKey("revoked-while-redis-down");
  const run = load(key, [0, 1]);
  await sleep(800);
  await killProcess(redis);
  const downAt = Date.now();
  await sleep(1500);
  // The revocation lands in PostgreSQL; its change-feed message is lost with Redis.
  const revoked = await api(instances[0].url, "POST", `/api/v1/keys/${doomed.id}/revoke`);
  assert.equal(revoked.status, 200, JSON.stringify(revoked.json));
  await sleep(500);
  redis = await startRedisServer(redisPort);
  const upAt = Date.now();
  await until(async () => {
    for (const i of instances) {
      const r = await fetch(`${i.url}/v1/chat/completions`, {
        method: "POST", headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
        body: JSON.stringify({ model: "sim", max_tokens: 8, messages: [{ role: "user", content: "back?" }] }),
      });
      await r.arrayBuffer();
      if (r.status !== 200) return false;
    }
    return true;
  }, "calls to be admitted again on both instances", 20_000);
  const recoveredMs = Date.now() - upAt;
  await run.stop();

  const during = run.outcomes.filter((o) => o.at > downAt + 1200 && o.at < upAt);
  assert.ok(during.length > 0, "calls were made while Redis was down");
  for (const o of during) assert.ok(o.status === 503 && o.code === "limits_unavailable", `while Redis was down: ${o.status} ${o.code}`);
  // Once calls pass again the feed has resynced from the store: the revoked key is refused everywhere.
  const t0 = Date.now();
  await until(async () => {
    for (const i of instances) if ((await api(i.url, "POST", "/v1/chat/completions", { model: "sim", messages: [{ role: "user", content: "x" }] }, doomed.key)).status !== 401) return false;
    return true;
  }, "the revoked key to be refused on every instance", 5000);
  const refusedMs = Date.now() - t0;
  assert.ok(refusedMs < 1000, `the revocation made while Redis was down took ${refusedMs} ms after calls passed again`);
  console.log(`# Redis outage: ${during.length} calls refused with 503 while down, admitted again ${recoveredMs} ms after the server, revoked key refused ${refusedMs} ms later`);
});

test("SIGKILL of one instance mid-load loses no trace of a call that completed more than the flush interval before the kill", async () => {
  const { key } = await newKey("sigkill");
  const run = load(key, [0, 1], 6);
  await sleep(2000);
  instances[1].proc.child.kill("SIGKILL");
  const killedAt = Date.now();
  await instances[1].proc.exit;
  await sleep(800);
  await run.stop();
  // Instance 0 flushes normally; wait for its last batch, then count.
  await sleep(FLUSH_MS + 500);
  const fromKilled = run.outcomes.filter((o) => o.instance === 1 && o.status === 200);
  const owed = fromKilled.filter((o) => o.at < killedAt - FLUSH_MS - MARGIN_MS).map((o) => o.id!);
  const window = fromKilled.filter((o) => o.at >= killedAt - FLUSH_MS - MARGIN_MS).map((o) => o.id!);
  assert.ok(owed.length > 20, `enough calls completed on the killed instance before the bound (${owed.length})`);
  assert.deepEqual(missingTraces(owed), [], "a call that completed before the bound has its trace");
  const lost = missingTraces(window).length;
  const survivor = run.outcomes.filter((o) => o.instance === 0 && o.status === 200).map((o) => o.id!);
  assert.deepEqual(missingTraces(survivor), [], "the other instance lost nothing");
  console.log(`# SIGKILL: ${fromKilled.length} calls completed on the killed instance, ${lost} of the ${window.length} in the last ${FLUSH_MS + MARGIN_MS} ms have no trace`);

  // The same instance starts again on the same store and serves.
  instances[1] = await startInstance(1);
  const again = await api(instances[1].url, "POST", "/v1/chat/completions", { model: "sim", messages: [{ role: "user", content: "back" }] }, key);
  assert.equal(again.status, 200, JSON.stringify(again.json));
});
