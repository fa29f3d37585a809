// The synchronous PostgreSQL bridge's cost per call (decision 0031), beside a SQLite call, in one run.
//   node --import tsx bench/pg-bridge.ts        (KEEL_TEST_POSTGRES_URL, default the local server)
import Database from "better-sqlite3";
import { PgBridge } from "../src/store/postgres/pg-bridge.js";

const url = process.env.KEEL_TEST_POSTGRES_URL || "postgres://postgres@127.0.0.1:5432/test";
const N = Number(process.env.BENCH_N ?? 5000);
const db = new PgBridge({ url });
const lite = new Database(":memory:");
const stmt = lite.prepare("SELECT ? AS v");

function time(label: string, n: number, fn: (i: number) => void): number[] {
  for (let i = 0; i < 200; i++) fn(i);
  const t: number[] = [];
  for (let i = 0; i < n; i++) {
    const s = performance.now();
    fn(i);
    t.push(performance.now() - s);
  }
  t.sort((a, b) => a - b);
  const q = (p: number) => t[Math.min(t.length - 1, Math.floor(p * t.length))];
  console.log(`${label.padEnd(34)} p50 ${q(0.5).toFixed(3)} ms  p99 ${q(0.99).toFixed(3)} ms`);
  return [q(0.5), q(0.99)];
}

const [pg50] = time("postgres sync call (SELECT $1)", N, (i) => db.get("SELECT $1::int8 AS v", [i]));
const [lite50] = time("sqlite call (SELECT ?)", N, (i) => stmt.get(i));
const s = performance.now();
await Promise.all(Array.from({ length: N }, (_, i) => db.allAsync("SELECT $1::int8 AS v", [i])));
const asyncPerS = N / ((performance.now() - s) / 1000);
console.log(`postgres async calls, ${N} in flight: ${Math.round(asyncPerS)} calls/s`);
console.log(`ratio postgres sync / sqlite p50: ${(pg50 / lite50).toFixed(0)}x`);
await db.close();
