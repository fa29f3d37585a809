// How long a control-plane change takes to reach every other instance (issue 16 §5): three Keel
// instances in this process on one PostgreSQL schema and one Redis prefix; a key created on the
// first, timed until the other two know it (their in-memory index, as a request would see it).
//   node --import tsx bench/change-feed.ts [changes=100]
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startKeel } from "../src/app.js";
import { loadConfig } from "../src/config/load.js";
import { silentLogger } from "../src/observe/log.js";
import { PgBridge } from "../src/store/postgres/pg-bridge.js";

const N = Number(process.argv[2] ?? 100);
const pgUrl = process.env.KEEL_TEST_POSTGRES_URL || "postgres://postgres@127.0.0.1:5432/test";
const redisUrl = process.env.KEEL_TEST_REDIS_URL || "redis://127.0.0.1:6379";
const schema = `keel_bench_feed_${randomBytes(3).toString("hex")}`;
const admin = new PgBridge({ url: pgUrl, poolMax: 1 });
admin.exec(`CREATE SCHEMA ${schema}`);
const dir = mkdtempSync(join(tmpdir(), "keel-feed-"));
const store = new URL(pgUrl);
store.searchParams.set("schema", schema);
const master = randomBytes(32).toString("hex");
const apps = [];
for (let i = 0; i < 3; i++) {
  const config = loadConfig({
    inline: { server: { port: 0 }, redis: { key_prefix: `keel-bench-${schema}:` } },
    env: { KEEL_DATA_DIR: join(dir, String(i)), KEEL_ADMIN_TOKEN: "bench-admin-token-0123456789", KEEL_MASTER_KEY: master, KEEL_STORE_URL: store.toString(), KEEL_REDIS_URL: redisUrl },
  });
  apps.push(await startKeel(config, { log: silentLogger }));
}
const times: number[] = [];
for (let i = 0; i < N; i++) {
  const t0 = performance.now();
  const { view } = apps[0].keys.create({ name: `bench-${i}` });
  while (!apps.slice(1).every((a) => a.keys.get(view.id) !== undefined)) await new Promise((r) => setImmediate(r));
  times.push(performance.now() - t0);
}
times.sort((a, b) => a - b);
const q = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))];
console.log(`change feed, ${N} key creations on instance 1 until instances 2 and 3 know the key:`);
console.log(`  p50 ${q(0.5).toFixed(2)} ms  p99 ${q(0.99).toFixed(2)} ms  max ${times[times.length - 1].toFixed(2)} ms`);
for (const a of apps) await a.shutdown();
admin.exec(`DROP SCHEMA ${schema} CASCADE`);
await admin.close();
rmSync(dir, { recursive: true, force: true });
